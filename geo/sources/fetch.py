"""Fetch web pages and RSS/Atom feeds for the ingest stage, within limits.

``Fetcher`` wraps one ``httpx.Client`` over a ``GuardedTransport`` (``geo.sources.netguard``:
no loopback, private or reserved address on any hop, ports 80 and 443 unless
configured); the transport can be injected (``httpx.MockTransport`` in tests).
Every request honours ``settings.timeout`` for the whole call, headers included,
and ``settings.max_upload_bytes`` (checked on Content-Length and on the decoded
body as it streams in, decoded here one bounded step at a time: a compressed
body cannot expand past the limit in memory). Only http(s) URLs and text content
types are read: HTML, plain text, Markdown and feeds. Feeds are parsed with feedparser into
``FeedEntry`` values whose links the ingest stage then fetches as pages.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import feedparser
import httpx

from geo import settings as settings_module
from geo.errors import FetchError, InputTooLarge, UnsupportedFormat
from geo.sources.netguard import AddressPolicy, GuardedTransport, deadline

PAGE_TYPES = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "text/plain": ".txt",
    "text/markdown": ".md",
    "text/x-markdown": ".md",
}
FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/x-rss+xml"})
XML_TYPES = frozenset({"application/xml", "text/xml"})
ACCEPT = "text/html, application/xhtml+xml, application/rss+xml, application/atom+xml, text/xml;q=0.9, text/*;q=0.8"
MAX_REDIRECTS = 5
MAX_FEED_ENTRIES = 500
# The codings we decode ourselves, one at most: stacked codings ("gzip, gzip") multiply a bomb's ratio.
ENCODINGS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched body: the final URL (after redirects), its media type and bytes decoded to UTF-8 if declared."""

    url: str
    content_type: str
    data: bytes
    # Validators for the next conditional request, and whether this answer was 304 Not Modified (no body).
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False

    @property
    def is_feed(self) -> bool:
        if self.content_type in FEED_TYPES:
            return True
        if self.content_type in XML_TYPES or self.content_type == "text/plain" or not self.content_type:
            head = self.data[:1024].lstrip().lower()
            return any(marker in head for marker in (b"<rss", b"<feed", b"<rdf:rdf"))
        return False

    @property
    def filename(self) -> str:
        """A file name whose suffix tells ``ingest.read_bytes`` how to read the body."""
        return "page" + PAGE_TYPES.get(self.content_type, ".html")


@dataclass(frozen=True, slots=True)
class FeedEntry:
    url: str
    title: str | None = None
    published: str | None = None  # ISO date, YYYY-MM-DD


class Fetcher:
    """Fetch URLs with one connection pool; use as a context manager or call ``close()``."""

    def __init__(
        self, config: settings_module.Settings | None = None, *, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.config = config or settings_module.load()
        if transport is None:
            policy = AddressPolicy.from_settings(self.config.fetch_ports, self.config.fetch_allow_hosts)
            transport = GuardedTransport(policy)
        self._client = httpx.Client(
            transport=transport,
            timeout=httpx.Timeout(self.config.timeout),
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            headers={"User-Agent": self.config.user_agent, "Accept": ACCEPT, "Accept-Encoding": "gzip, deflate"},
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """Fetch one page or feed; raise a ``FetchError``, ``InputTooLarge`` or ``UnsupportedFormat``.

        With ``etag`` or ``last_modified`` (from an earlier ``Fetched``) the request is conditional:
        an unchanged resource answers 304 and comes back empty with ``not_modified`` set.
        """
        try:
            scheme = urlsplit(url).scheme
            httpx.URL(url)
        except (ValueError, httpx.InvalidURL) as error:  # "http://[x/": a malformed address, not a crash
            raise FetchError(f"{url} is not a valid URL ({error}).") from error
        if scheme not in ("http", "https"):
            raise UnsupportedFormat(f"{url} is not an http(s) URL.")
        limit = self.config.max_upload_bytes
        conditions = {"If-None-Match": etag, "If-Modified-Since": last_modified}
        headers = {name: value for name, value in conditions.items() if value}
        try:
            with deadline(self.config.timeout), self._client.stream("GET", url, headers=headers) as response:
                validators = {
                    "etag": response.headers.get("etag"),
                    "last_modified": response.headers.get("last-modified"),
                }
                if response.status_code == 304 and headers:
                    return Fetched(str(response.url), "", b"", not_modified=True, **validators)
                if response.status_code >= 400:
                    raise FetchError(
                        f"{url} answered HTTP {response.status_code} {response.reason_phrase}."
                        " Check the address, or save the page and ingest the file."
                    )
                content_type, charset = _media_type(response.headers.get("content-type", ""))
                if content_type and content_type not in PAGE_TYPES and content_type not in FEED_TYPES | XML_TYPES:
                    raise UnsupportedFormat(
                        f"{url} is {content_type}, not a web page or a feed. Accepted: HTML, plain text,"
                        " Markdown, RSS and Atom."
                    )
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise InputTooLarge(
                        f"{url} is {int(declared):,} bytes; the limit is {limit:,} bytes (GEO_MAX_UPLOAD_BYTES)."
                    )
                body = bytearray()
                for chunk in _decoded(response, limit):
                    body += chunk
                    if len(body) > limit:
                        raise InputTooLarge(f"{url} sent more than {limit:,} bytes, the limit (GEO_MAX_UPLOAD_BYTES).")
                final_url = str(response.url)
        except httpx.TimeoutException as error:
            raise FetchError(f"{url} did not send its page within {self.config.timeout:g} s (GEO_TIMEOUT).") from error
        except httpx.TooManyRedirects as error:
            raise FetchError(f"{url} redirects more than {MAX_REDIRECTS} times.") from error
        except httpx.HTTPError as error:
            raise FetchError(f"Cannot fetch {url}: {error or type(error).__name__}.") from error
        return Fetched(final_url, content_type, _to_utf8(bytes(body), charset), **validators)


def parse_feed(data: bytes, base_url: str = "") -> list[FeedEntry]:
    """The entries of an RSS or Atom feed that link to an article, in feed order (at most MAX_FEED_ENTRIES)."""
    parsed = feedparser.parse(data)
    if not parsed.entries and parsed.get("bozo"):
        raise UnsupportedFormat(f"{base_url or 'The feed'} is not a readable RSS or Atom feed.")
    entries: list[FeedEntry] = []
    for entry in parsed.entries[:MAX_FEED_ENTRIES]:
        link = entry.get("link") or next((str(ln.get("href")) for ln in entry.get("links", []) if ln.get("href")), None)
        if not link:
            continue
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        try:
            published = time.strftime("%Y-%m-%d", stamp) if stamp else None
        except (TypeError, ValueError, OverflowError):
            published = None
        title = " ".join(str(entry.get("title", "")).split()) or None
        try:
            url = urljoin(base_url, str(link))
        except ValueError:  # "http://[x/": kept as written, so fetching it fails for this entry alone
            url = str(link)
        entries.append(FeedEntry(url, title, published))
    return entries


def _decoded(response: httpx.Response, limit: int) -> Iterator[bytes]:
    """The body without its content coding, at most ``limit + 1`` bytes of it, decoded one bounded step at a time."""
    codings = [c.strip().lower() for c in response.headers.get("content-encoding", "").split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if not codings:
        yield from _raw(response)
        return
    if len(codings) > 1 or codings[0] not in ENCODINGS:
        raise UnsupportedFormat(
            f"{response.url} is sent with the content coding {', '.join(codings)!r}; one of gzip or deflate is read."
        )
    decoder = zlib.decompressobj(ENCODINGS[codings[0]])
    produced = 0
    try:
        for raw in _raw(response):
            pending = raw
            while pending and produced <= limit:
                out = decoder.decompress(pending, limit + 1 - produced)
                pending = decoder.unconsumed_tail
                produced += len(out)
                yield out
            if produced > limit:
                return
        yield decoder.flush()  # what zlib still holds once all input is in: at most a window
    except zlib.error as error:
        raise UnsupportedFormat(f"{response.url} sent a body that is not valid {codings[0]} ({error}).") from error


def _raw(response: httpx.Response) -> Iterator[bytes]:
    try:
        yield from response.iter_raw()
    except httpx.StreamConsumed:  # a response built from bytes (an injected MockTransport) arrives already read
        yield response.content


def _media_type(header: str) -> tuple[str, str | None]:
    media, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.strip().partition("=")
        if key.lower() == "charset" and value:
            charset = value.strip().strip('"').lower()
    return media.strip().lower(), charset


def _to_utf8(data: bytes, charset: str | None) -> bytes:
    """Re-encode a body whose header declares a charset other than UTF-8 (ingest reads UTF-8 and cp1252)."""
    if not charset or charset.replace("-", "").replace("_", "") in ("utf8", "usascii", "ascii"):
        return data
    try:
        return data.decode(charset).encode("utf-8")
    except (LookupError, UnicodeDecodeError):
        return data
