"""The one exception tree of the project.

Every error a person can cause (bad input, a missing index, an unreachable
service) is a ``GeoError`` with a message that says what to do next::

    GeoError
    ├── InputError              the article cannot be read as text
    │   ├── EmptyInput          nothing but white space
    │   ├── InputTooLarge       over settings.max_article_chars / max_upload_bytes
    │   ├── BinaryInput         bytes that are not text (an image, a PDF, ...)
    │   ├── UnsupportedFormat   a file type the ingest stage does not read
    │   ├── FetchError          a URL cannot be fetched (network, HTTP status, timeout)
    │   └── AnalysisTimeout     the analysis of one article ran past its deadline and was stopped
    ├── GazetteerError          the offline index is missing, stale or corrupt
    ├── ModelError              the spaCy model cannot be loaded
    ├── StoreError              the database cannot be opened or written
    │   └── ArticleNotFound     no stored article has that id
    └── ViewStateError          a URL parameter is malformed (the page ignores it and says so)
"""

from __future__ import annotations


class GeoError(Exception):
    """Base class: catch this to handle every error the project raises on purpose."""


class InputError(GeoError):
    """The article cannot be read as text."""


class EmptyInput(InputError):
    """The article holds nothing but white space."""


class InputTooLarge(InputError):
    """The article is larger than the configured limit."""


class BinaryInput(InputError):
    """The bytes are not text in any encoding we accept."""


class UnsupportedFormat(InputError):
    """A file type the ingest stage does not read."""


class FetchError(InputError):
    """A web page or feed cannot be fetched: no connection, an HTTP error status or a timeout."""


class AnalysisTimeout(InputError):
    """The analysis of one article took longer than its deadline (or its worker died) and was stopped."""


class GazetteerError(GeoError):
    """The offline gazetteer index is missing, stale or corrupt."""


class ModelError(GeoError):
    """The spaCy model cannot be loaded."""


class StoreError(GeoError):
    """The database cannot be opened or written."""


class ArticleNotFound(StoreError):
    """No stored article has the requested id."""


class ViewStateError(GeoError):
    """A URL parameter of the shared view is malformed."""
