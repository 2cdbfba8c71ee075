"""The ingest stage: bytes and pasted text in, clean article text out."""

from __future__ import annotations

import pytest

from geo import settings
from geo.errors import BinaryInput, EmptyInput, InputTooLarge, UnsupportedFormat
from geo.sources.ingest import RawDocument, article_id, read_bytes, read_record, read_text
from tests.conftest import QUICK_SHUTDOWN

NEWS_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>LNA Denies Russian Base in Libya | Asharq Al-Awsat</title>
<meta property="og:title" content="LNA Denies Russian Base in Libya">
<meta property="og:site_name" content="Asharq Al-Awsat">
<link rel="canonical" href="https://english.aawsat.com/arab-world/4601234-lna-denies">
<meta property="article:published_time" content="2023-10-05T10:00:00+00:00">
<style>.nav { display: flex }</style>
<script>window.dataLayer = [{"section": "Benghazi"}];</script>
</head>
<body>
<header><nav class="nav"><ul>
<li><a href="/africa">Africa</a></li><li><a href="/europe">Europe</a></li><li><a href="/asia">Asia</a></li>
</ul></nav></header>
<main><article>
<h1>LNA Denies Russian Base in Libya</h1>
<p>An informed source in the Libyan National Army denied that the military was planning to let
Russia set up a military base in the country.</p>
<p>Bloomberg had reported that Haftar visited Moscow in September to discuss a defense agreement
with the Russian president.</p>
<script>console.log("Sirte");</script>
<p>Russian warships may also get docking rights at Tobruk, a few hundred kilometers across the
Mediterranean from Greece and Italy.</p>
</article></main>
<aside><h3>Most read</h3><ul><li><a href="/x">Sudan talks collapse in Jeddah</a></li></ul></aside>
<footer><p>© 2023 Asharq Al-Awsat. Offices in London, Riyadh and Dubai.</p></footer>
</body>
</html>
"""


@pytest.fixture
def limits() -> settings.Settings:
    return settings.load({"GEO_MAX_ARTICLE_CHARS": "1000", "GEO_MAX_UPLOAD_BYTES": "5000"})


def test_plain_text_is_kept_as_is() -> None:
    text = "Clashes in Tripoli.\n\nThe UN called for calm.\n"
    assert read_bytes(text.encode(), "article.txt") == RawDocument(text)
    assert read_text(text) == RawDocument(text)


def test_utf8_bom_is_dropped() -> None:
    assert read_bytes(b"\xef\xbb\xbfTripoli", "a.txt").text == "Tripoli"


def test_utf16_with_bom_is_read() -> None:
    assert read_bytes("Türkiye and Libya".encode("utf-16"), "a.txt").text == "Türkiye and Libya"


def test_cp1252_is_read_when_not_utf8() -> None:
    data = "Café “quoted” in Tripoli – said.".encode("cp1252")
    assert read_bytes(data, "a.txt").text == "Café “quoted” in Tripoli – said."


def test_crlf_and_lone_cr_become_lf() -> None:
    assert read_bytes(b"one\r\ntwo\rthree", "a.txt").text == "one\ntwo\nthree"
    assert read_text("one\r\ntwo").text == "one\ntwo"


def test_control_characters_are_stripped() -> None:
    assert read_text("a\x00b\x01c\x1bd\te\nf\x7fg\ufeffh").text == "abcd\te\nfgh"


def test_c1_controls_are_read_as_cp1252_punctuation() -> None:
    # Text decoded as Latin-1 upstream carries cp1252 dashes as C1 controls.
    assert read_text("an order\x97a painful one \x96 said").text == "an order—a painful one – said"


def test_text_is_nfc() -> None:
    assert read_text("Tu\u0308rkiye").text == "Türkiye"


def test_html_page_gives_main_text_title_and_metadata() -> None:
    doc = read_bytes(NEWS_PAGE.encode(), "page.html")
    assert doc.title == "LNA Denies Russian Base in Libya"
    assert doc.source == "Asharq Al-Awsat"
    assert doc.url == "https://english.aawsat.com/arab-world/4601234-lna-denies"
    assert doc.published == "2023-10-05"
    assert "Russian warships may also get docking rights at Tobruk" in doc.text
    for boilerplate in ("Europe", "Asia", "Jeddah", "London", "Sirte", "Benghazi", "display"):
        assert boilerplate not in doc.text
    assert "<" not in doc.text and ">" not in doc.text
    assert "\n\n" in doc.text  # paragraphs are separated by blank lines


def test_html_is_sniffed_without_suffix_and_in_pasted_text() -> None:
    assert read_bytes(NEWS_PAGE.encode()).title == "LNA Denies Russian Base in Libya"
    assert read_text(NEWS_PAGE).title == "LNA Denies Russian Base in Libya"


def test_html_fragment_falls_back_to_visible_text() -> None:
    doc = read_text("<p>Fighting in <b>Tripoli</b> &amp; Zawiya.</p><script>x = 'Sirte'</script><p>More.</p>")
    assert doc.text == "Fighting in Tripoli & Zawiya.\n\nMore."


def test_text_starting_with_angle_bracket_is_not_html() -> None:
    assert read_text("<Reuters> Clashes in Tripoli.").text == "<Reuters> Clashes in Tripoli."


def test_markdown_markup_is_stripped() -> None:
    markdown = (
        "# Clashes in *Tripoli*\n\n"
        "Fighting broke out in **Zawiya** and _Misrata_, see [the report](https://example.org/r).\n\n"
        "![A map of Libya](map.png)\n\n"
        "- Sirte\n* Derna\n\n"
        "> quoted from the [UN][1]\n\n"
        "---\n\n"
        "[1]: https://un.org\n\n"
        "## Reaction\n"
        "The snake_case_name stays.\n"
    )
    doc = read_bytes(markdown.encode(), "article.md")
    assert doc.title == "Clashes in Tripoli"
    assert doc.text == (
        "Clashes in Tripoli\n\n"
        "Fighting broke out in Zawiya and Misrata, see the report.\n\n"
        "Sirte\nDerna\n\n"
        "quoted from the UN\n\n"
        "Reaction\n"
        "The snake_case_name stays."
    )


def test_markdown_without_heading_has_no_title() -> None:
    assert read_bytes(b"Just *text*.", "a.markdown") == RawDocument("Just text.")


@pytest.mark.parametrize("filename", ["report.pdf", "report.docx", "photo.JPG", "data.csv"])
def test_unsupported_suffix_lists_what_is_accepted(filename: str) -> None:
    with pytest.raises(UnsupportedFormat, match=r"Accepted: \.txt, \.text, \.md, \.markdown, \.html, \.htm"):
        read_bytes(b"whatever", filename)


def test_nul_bytes_are_binary() -> None:
    with pytest.raises(BinaryInput, match="NUL bytes"):
        read_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.txt")


def test_undecodable_bytes_with_control_bytes_are_binary() -> None:
    with pytest.raises(BinaryInput, match="save it as UTF-8"):
        read_bytes(b"\x81\x01\x02 abc \xff", "a.txt")


@pytest.mark.parametrize("data", [b"", b"  \n\t \r\n", b"<html><body><script>x=1</script></body></html>"])
def test_empty_input(data: bytes) -> None:
    with pytest.raises(EmptyInput, match="no article text"):
        read_bytes(data, "a.html" if data.startswith(b"<") else "a.txt")
    with pytest.raises(EmptyInput):
        read_text(data.decode())


def test_upload_over_the_byte_limit(limits: settings.Settings) -> None:
    with pytest.raises(InputTooLarge, match=r"6,000 bytes; the limit is 5,000 bytes"):
        read_bytes(b"x" * 6000, "big.txt", limits=limits)


def test_text_over_the_character_limit(limits: settings.Settings) -> None:
    with pytest.raises(InputTooLarge, match=r"1,200 characters .* the limit is 1,000"):
        read_text("Tripoli " * 150, limits=limits)
    with pytest.raises(InputTooLarge):
        read_bytes(b"Tripoli " * 150, "a.txt", limits=limits)


def test_default_limits_come_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEO_MAX_ARTICLE_CHARS", "10")
    with pytest.raises(InputTooLarge):
        read_text("more than ten characters")


def test_article_id_is_stable_under_white_space_and_normalisation() -> None:
    ident = article_id("Clashes in Tripoli.\n\nThe UN called for calm.")
    assert len(ident) == 16 and int(ident, 16) >= 0
    assert article_id("  Clashes in  Tripoli.\r\nThe UN\tcalled for calm.\n") == ident
    assert article_id("Tu\u0308rkiye") == article_id("Türkiye")
    assert article_id("Clashes in Misrata.\n\nThe UN called for calm.") != ident


# -- batches: folders, corpora, the command line ---------------------------------------------------

CORPUS_LINES = [
    {
        "id": "x-1",
        "corpus": "TEST",
        "title": "Clashes in Tripoli",
        "url": "http://example.org/1",
        "text": "Fighting broke out in Tripoli on Thursday.\n\nThe UN called for calm.",
        "toponyms": [],
    },
    {"id": "x-2", "corpus": "TEST", "text": "Ships docked at Tobruk and Benghazi.", "toponyms": []},
]


def write_tree(root):
    import json

    (root / "a" / "b").mkdir(parents=True)
    (root / "a" / "one.txt").write_text("Clashes in Misrata.\n\nThe UN called for calm.", encoding="utf-8")
    (root / "a" / "b" / "two.md").write_text("# Derna floods\n\nRescuers reached Derna.", encoding="utf-8")
    (root / "a" / "b" / "three.html").write_text(NEWS_PAGE, encoding="utf-8")
    (root / "a" / "skip.pdf").write_bytes(b"%PDF-1.4")
    lines = [json.dumps(line) for line in CORPUS_LINES] + ["", "{not json", json.dumps({"id": "no text"})]
    (root / "a" / "corpus.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_expand_walks_folders_and_reads_corpora(tmp_path) -> None:
    from geo.sources.ingest import Failure, Item, expand, load

    write_tree(tmp_path)
    items = list(expand([tmp_path, tmp_path / "missing.txt"]))
    names = [i.name.replace(str(tmp_path), "") for i in items]
    assert names == [
        "/a/b/three.html",
        "/a/b/two.md",
        "/a/corpus.jsonl:1",
        "/a/corpus.jsonl:2",
        "/a/corpus.jsonl:4",
        "/a/corpus.jsonl:5",
        "/a/one.txt",
        "/missing.txt",
    ]
    failures = {i.name.replace(str(tmp_path), ""): i.reason for i in items if isinstance(i, Failure)}
    assert "not JSON" in failures["/a/corpus.jsonl:4"]
    assert '"text"' in failures["/a/corpus.jsonl:5"]
    assert "no such file" in failures["/missing.txt"]
    docs = [load(i) for i in items if isinstance(i, Item)]
    record = docs[2]
    assert (record.title, record.url, record.text) == (
        "Clashes in Tripoli",
        "http://example.org/1",
        CORPUS_LINES[0]["text"],
    )
    assert docs[1].title == "Derna floods" and docs[0].title == "LNA Denies Russian Base in Libya"


def test_corpus_lines_split_on_newline_only(tmp_path) -> None:
    import json

    from geo.sources.ingest import Item, expand

    record = {"text": "Tripoli\u2028Misrata\x85Derna\x1cSirte", "title": "t"}
    (tmp_path / "c.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\r\n", encoding="utf-8")
    [item] = list(expand([tmp_path / "c.jsonl"]))
    assert isinstance(item, Item) and item.document is not None
    assert item.document.text.startswith("Tripoli\u2028Misrata")


def test_corpus_offsets_are_kept(tmp_path) -> None:
    from geo.sources.ingest import read_record

    text = "An order\x97a painful one.\r\nIn Tripoli."
    doc = read_record({"text": text})
    assert len(doc.text) == len(text) - 1  # CRLF -> LF only; the C1 dash maps one for one
    assert doc.text.index("Tripoli") == text.index("Tripoli") - 1


def test_file_size_limit_is_checked_before_reading(tmp_path, limits) -> None:
    from geo.sources.ingest import Item, expand, load

    (tmp_path / "big.txt").write_bytes(b"Tripoli " * 1000)
    [item] = list(expand([tmp_path / "big.txt"], limits=limits))
    assert isinstance(item, Item)
    with pytest.raises(InputTooLarge, match="8,000 bytes; the limit is 5,000"):
        load(item, limits=limits)


def test_empty_folder_is_a_failure(tmp_path) -> None:
    from geo.sources.ingest import Failure, expand

    [failure] = list(expand([tmp_path]))
    assert isinstance(failure, Failure) and "holds no" in failure.reason


def test_batch_stores_once_and_reports_failures(tmp_path, pipeline, store) -> None:
    from geo.batch import ingest_batch

    write_tree(tmp_path)
    (tmp_path / "a" / "copy.txt").write_text("Clashes  in Misrata.\nThe UN called for calm.\n", encoding="utf-8")
    (tmp_path / "a" / "empty.txt").write_text("   \n", encoding="utf-8")
    seen = []
    outcomes = ingest_batch([tmp_path], store, workers=1, pipeline=pipeline, progress=False, report=seen.append)
    assert seen == outcomes
    stored = [o for o in outcomes if o.error is None]
    failed = {o.name.replace(str(tmp_path), ""): o.error for o in outcomes if o.error}
    assert set(failed) == {"/a/corpus.jsonl:4", "/a/corpus.jsonl:5", "/a/empty.txt"}
    assert "no article text" in failed["/a/empty.txt"]
    by_name = {o.name.replace(str(tmp_path), ""): o for o in stored}
    # The same words with other white space are the same article: stored once, its id printed twice.
    assert by_name["/a/copy.txt"].article_id == by_name["/a/one.txt"].article_id
    assert by_name["/a/one.txt"].duplicate and not by_name["/a/copy.txt"].duplicate
    assert store.article_count() == 5
    assert store.article(by_name["/a/corpus.jsonl:1"].article_id)["title"] == "Clashes in Tripoli"
    again = ingest_batch([tmp_path], store, workers=1, pipeline=pipeline, progress=False)
    assert [o.article_id for o in again] == [o.article_id for o in outcomes]
    assert all(o.duplicate for o in again if o.error is None)
    assert store.article_count() == 5


def test_cli_ingests_a_folder_and_a_feed_with_two_workers(tmp_path) -> None:
    import os
    import subprocess
    import sys
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    write_tree(tmp_path / "docs")
    site = tmp_path / "site"
    site.mkdir()
    (site / "page.html").write_text(NEWS_PAGE, encoding="utf-8")
    (site / "other.html").write_text(NEWS_PAGE.replace("Tobruk", "Derna"), encoding="utf-8")

    class Quiet(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(site), **kwargs)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    (site / "feed.rss").write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        f"<item><title>One</title><link>{base}/other.html</link></item>"
        f"<item><title>Two</title><link>{base}/nothing.html</link></item></channel></rss>",
        encoding="utf-8",
    )
    threading.Thread(target=server.serve_forever, kwargs=QUICK_SHUTDOWN, daemon=True).start()
    # The server is on 127.0.0.1, which fetching refuses unless it is named as trusted.
    env = {**os.environ, "GEO_DATABASE": str(tmp_path / "db.sqlite"), "GEO_FETCH_ALLOW_HOSTS": "127.0.0.1"}
    command = [sys.executable, "-m", "geo", "ingest", str(tmp_path / "docs"), f"{base}/feed.rss"]
    try:
        first = subprocess.run([*command, "--workers", "2"], env=env, capture_output=True, text=True, timeout=300)
        second = subprocess.run([*command, "--no-progress"], env=env, capture_output=True, text=True, timeout=300)
    finally:
        server.shutdown()
        server.server_close()
    assert first.returncode == 1, first.stderr  # some items fail, the rest are stored
    ids = first.stdout.split()
    assert len(ids) == 6 and all(len(i) == 16 for i in ids)  # 5 from the folder, 1 from the feed
    assert "nothing.html: " in first.stderr and "HTTP 404" in first.stderr
    assert "corpus.jsonl:4: not JSON" in first.stderr
    assert "%|" in first.stderr  # the progress bar
    assert second.stdout.split() == ids  # re-ingesting prints the same ids and stores nothing new
    assert "%|" not in second.stderr
    import sqlite3

    assert sqlite3.connect(tmp_path / "db.sqlite").execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 6


def test_one_bad_record_never_sinks_the_batch(tmp_path, pipeline, store) -> None:
    """Each line, file and feed entry is its own unit; whatever fails in it is its failure, reported in a line."""
    import json

    from geo.batch import ingest_batch

    good = "Clashes in Tripoli left two dead, officials in Misrata said on Monday.\n"
    lines = [
        json.dumps({"text": good, "title": "Good \ud800 title"}),  # a lone surrogate in a title
        "[" * 1000 + "]" * 1000,  # nested 1,000 deep: RecursionError inside json
        '{"text": "x", "n": ' + "9" * 5000 + "}",  # int of 5,000 digits: ValueError inside json
        json.dumps({"text": good.replace("Tripoli", "Benghazi"), "title": "x" * 5000}),
    ]
    (tmp_path / "corpus.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    (tmp_path / "math.html").write_text("<math><meta><r>", encoding="utf-8")  # an assertion inside lxml
    (tmp_path / "plain.txt").write_text(good.replace("Tripoli", "Sirte"), encoding="utf-8")
    outcomes = ingest_batch([tmp_path], store, workers=1, pipeline=pipeline, progress=False)
    failed = {o.name.replace(str(tmp_path), ""): o.error for o in outcomes if o.error}
    assert set(failed) == {"/corpus.jsonl:2", "/corpus.jsonl:3", "/math.html"}
    assert "nested too deeply" in failed["/corpus.jsonl:2"]
    assert all("\n" not in reason and "Traceback" not in reason for reason in failed.values())
    stored = [o for o in outcomes if o.error is None]
    assert len(stored) == 3
    titles = {store.article(o.article_id)["title"] for o in stored}
    assert "Good title" in titles  # cleaned like the text: the surrogate is gone
    assert max(len(t) for t in titles) <= 1000


def test_a_malformed_link_is_that_link_s_failure() -> None:
    from geo.errors import FetchError
    from geo.sources.fetch import Fetcher

    with Fetcher() as fetcher, pytest.raises(FetchError, match="not a valid URL"):
        fetcher.get("http://[x/")


def test_a_corpus_is_read_line_by_line(tmp_path, limits) -> None:
    """No size cap on the file, one per line: a corpus over 1,000 single-article limits is read whole,
    a line past the limit fails alone, a line that is not UTF-8 fails alone, and the lines are read as
    they are taken (a line rewritten after the first record was taken is read as rewritten)."""
    import json

    from geo.sources.ingest import Failure, Item, expand, record_line_limit

    corpus = tmp_path / "big.jsonl"
    record = json.dumps({"title": "old", "text": "Ships docked at Tobruk. " + "x" * 900}) + "\n"
    lines = [record] * 6000
    lines[3] = json.dumps({"text": "y" * (record_line_limit(limits) + 10)}) + "\n"
    with corpus.open("wb") as out:
        out.writelines(line.encode() for line in lines[:5])
        out.write(b'{"text": "caf\xe9"}\n')
        out.writelines(line.encode() for line in lines[5:])
    assert corpus.stat().st_size > 1000 * limits.max_upload_bytes
    items = expand([corpus], limits=limits)
    assert isinstance(next(items), Item)
    with corpus.open("r+b") as rewrite:  # the last line, same length, new title
        rewrite.seek(-len(record), 2)
        rewrite.write(record.replace('"old"', '"new"').encode())
    rest = list(items)
    assert len(rest) == 6000
    failures = {i.name.rsplit(":", 1)[1]: i.reason for i in rest if isinstance(i, Failure)}
    assert set(failures) == {"4", "6"}
    assert "over" in failures["4"] and "not UTF-8" in failures["6"]
    last = rest[-1]
    assert isinstance(last, Item) and last.document is not None and last.document.title == "new"


def test_the_batch_stores_articles_before_the_corpus_is_read(tmp_path, pipeline, store) -> None:
    """The first outcomes are reported while the corpus is still being read: a record added to the file
    after the first report is ingested by the same run."""
    import json

    from geo.batch import ingest_batch

    corpus = tmp_path / "c.jsonl"
    ports = ["Tobruk", "Benghazi", "Misrata", "Sirte", "Derna", "Zawiya"]
    corpus.write_text("".join(json.dumps({"text": f"Ships docked at {p}."}) + "\n" for p in ports))

    def append_once(outcome) -> None:
        if not corpus.read_text().count("Tripoli"):
            with corpus.open("a") as out:
                out.write(json.dumps({"text": "Ships docked at Tripoli."}) + "\n")

    config = settings.load({"GEO_BATCH_SIZE": "2"})
    outcomes = ingest_batch(
        [corpus], store, config=config, workers=1, pipeline=pipeline, progress=False, report=append_once
    )
    assert [o.error for o in outcomes] == [None] * 7
    assert store.article(outcomes[-1].article_id)["text"] == "Ships docked at Tripoli."


PARAGRAPHS = "".join(
    f"<p>Paragraph {n} of the report from the harbour at Piraeus, where talks on the port resumed on Monday"
    " after a long pause, officials said.</p>"
    for n in range(6)
)


@pytest.mark.parametrize(
    "head, body",
    [
        ('<meta property="article:published_time" content="2024-03-05T10:00:00+00:00">', ""),
        ('<meta property="og:published_time" content="2024-03-05">', ""),
        (
            '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",'
            ' "headline": "Talks", "datePublished": "2024-03-05T08:00:00Z"}</script>',
            "",
        ),
        ("", '<time datetime="2024-03-05">5 March 2024</time>'),
    ],
    ids=["article-published-time", "og", "json-ld", "time-element"],
)
def test_an_html_page_gives_its_publication_date(head: str, body: str) -> None:
    page = (
        f"<html><head><title>Talks</title>{head}</head>"
        f"<body><article><h1>Talks</h1>{body}{PARAGRAPHS}</article></body></html>"
    )
    document = read_bytes(page.encode(), "page.html")
    assert (document.published or "")[:10] == "2024-03-05" and document.published_source == "html"


def test_publication_dates_are_read_as_iso_or_dropped() -> None:
    from geo.sources.ingest import publication_date

    assert publication_date("2016-09-12") == "2016-09-12"
    assert publication_date("2016-09-12T10:00:00Z") == "2016-09-12T10:00:00+00:00"
    assert publication_date("Mon, 12 Sep 2016 10:00:00 GMT") == "2016-09-12T10:00:00+00:00"  # RSS
    assert publication_date("last Tuesday") is None and publication_date("") is None


def test_corpus_records_and_feed_entries_carry_their_dates(tmp_path) -> None:
    from geo.sources.ingest import Item, load, read_record

    record = read_record({"text": "Talks resumed in Piraeus.", "published": "2016-09-12", "publisher": "ap"})
    assert (record.published, record.published_source, record.source) == ("2016-09-12", "record", "ap")
    assert read_record({"text": "Talks resumed in Piraeus."}).published is None
    entry = Item("feed entry", data=b"Talks resumed in Piraeus.", filename="a.txt", published="2016-09-13")
    assert (load(entry).published, load(entry).published_source) == ("2016-09-13", "feed")


def test_an_article_without_a_date_is_dated_when_stored_and_says_so(pipeline, store) -> None:
    from geo.export import to_dict

    analysis = pipeline.analyze(read_text("Officials in Athens said the talks would resume."))
    assert analysis.article.published is None
    stored = store.article(store.save(analysis))
    assert stored["published"] == stored["ingested_at"] and stored["published_source"] == "ingested"
    dated = pipeline.analyze(
        read_record({"text": "Officials in Athens said the talks would resume.", "published": "2016-09-12"})
    )
    data = to_dict(dated)
    assert (data["article"]["published"], data["article"]["published_source"]) == ("2016-09-12", "record")
    assert data["claims"] and {c["published"] for c in data["claims"]} == {"2016-09-12"}


def test_the_reading_process_loads_neither_spacy_nor_trafilatura_nor_pandas() -> None:
    """geo ingest's own process only reads and writes: the model lives in its workers (spawned, not forked
    copies of it), trafilatura is imported only when an HTML page is read, and pandas (with NumPy and
    Arrow, 110 MiB of the process) only when the store is read for the page."""
    import subprocess
    import sys

    code = (
        "import sys, geo.cli, geo.batch;"
        " print(sorted({'spacy', 'trafilatura', 'pandas', 'numpy', 'pyarrow'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_writing_process_stays_free_of_spacy_while_it_stores_claims(pipeline, tmp_path) -> None:
    """The ingesting process stores analyses (and compares their claims with stored ones) and names the
    workers' task, all without importing spaCy: its memory and start are the writer's, not the model's."""
    import pickle
    import subprocess
    import sys

    from geo.analysis.claims import _key_words
    from geo.analysis.propositions import proposition_keys
    from geo.sources.ingest import read_record

    text = "Officials in Tripoli said the port deal was signed. Rebels in Tripoli denied that the deal was signed."
    analysis = pipeline.analyze(read_record({"text": text}))
    assert analysis.claims
    for claim in analysis.claims:  # the store's keys (words alone) are the analysis's own without a parse
        assert set(proposition_keys(claim.text)) == _key_words(claim, None)
    database, saved = tmp_path / "db.sqlite", tmp_path / "a.pickle"
    saved.write_bytes(pickle.dumps(analysis))
    code = (
        "import pickle, sys; from geo.batch import analyse_batch; from geo.store import Store;"
        f" pickle.dumps(analyse_batch); s = Store({str(database)!r});"
        f" a = pickle.loads(open({str(saved)!r}, 'rb').read());"
        " print(s.has_article(a.article.id), s.save_many([a, a]), s.has_article(a.article.id),"
        " sorted({'spacy', 'thinc', 'pandas', 'numpy'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"False {[analysis.article.id] * 2} True []"


def test_save_many_stores_a_batch_in_one_go_and_a_bad_article_costs_only_itself(pipeline, store) -> None:
    from dataclasses import replace

    from geo.sources.ingest import read_record

    good = [
        pipeline.analyze(read_record({"text": f"Clashes in {city}. The UN called for calm."}))
        for city in ("Sirte", "Derna")
    ]
    bad = replace(good[0], article=replace(good[0].article, id="bad", text=None))  # text is NOT NULL: refused
    assert store.save_many(good) == [a.article.id for a in good]
    assert store.save_many(good) == [a.article.id for a in good]  # again: stored once, by content hash
    assert store.article_count() == 2
    third = pipeline.analyze(read_record({"text": "Clashes in Tobruk. The UN called for calm."}))
    result = store.save_many([bad, third])
    assert isinstance(result[0], Exception) and result[1] == third.article.id
    assert store.article_count() == 3 and not store.has_article("bad")


def test_a_stop_signal_whose_raise_was_swallowed_still_stops_the_ingest() -> None:
    """A SIGTERM that lands in a gc callback (Dask's client has one) is printed as "Exception ignored"
    and lost; the ingest must still stop at its next checkpoint and exit with the signal's status."""
    import contextlib
    import signal

    from geo.cli import Stopped, _stopped_by_signals

    handlers = {signal.SIGTERM: signal.getsignal(signal.SIGTERM), signal.SIGHUP: signal.getsignal(signal.SIGHUP)}
    with pytest.raises(Stopped) as stopped, _stopped_by_signals() as checkpoint:
        checkpoint()  # no signal yet: goes on
        with contextlib.suppress(Stopped):  # what the interpreter does with a raise in a gc callback
            signal.raise_signal(signal.SIGTERM)
        checkpoint()
        pytest.fail("the checkpoint let a stop that had fired go on")
    assert stopped.value.signum == signal.SIGTERM

    # no checkpoint reached in the body: its end stops
    with pytest.raises(Stopped), _stopped_by_signals(), contextlib.suppress(Stopped):
        signal.raise_signal(signal.SIGHUP)
    assert {signum: signal.getsignal(signum) for signum in handlers} == handlers  # put back as they were
