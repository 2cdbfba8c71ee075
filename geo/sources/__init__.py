"""Text in: clean article text from bytes, files, corpora, web pages and feeds (ingest), fetched over HTTP (fetch)."""
