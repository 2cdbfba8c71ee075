"""Fetching pages and feeds over real HTTP from a server on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from geo import settings
from geo.errors import FetchError, InputTooLarge, UnsupportedFormat
from geo.sources.fetch import Fetcher, parse_feed
from geo.sources.ingest import Failure, Item, expand, load

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Clashes in Tripoli | Libya Herald</title>
<meta property="og:site_name" content="Libya Herald">
<meta property="article:published_time" content="2024-05-02T08:00:00Z"></head>
<body><nav><a href="/">Home</a> <a href="/europe">Europe</a></nav>
<article><h1>Clashes in Tripoli</h1>
<p>Fighting broke out in Tripoli on Thursday between rival armed groups, residents said.</p>
<p>The UN mission in Libya called for calm and an immediate ceasefire in the capital.</p>
<p>Flights at Mitiga airport were suspended for several hours, the airport said.</p>
</article><footer>Offices in London</footer></body></html>"""

SECOND = PAGE.replace("Tripoli", "Misrata").replace("Mitiga", "Misrata")


def rss(base: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Libya news</title><link>{base}/</link><description>x</description>
<item><title>Clashes in Tripoli</title><link>{base}/tripoli.html</link>
<pubDate>Thu, 02 May 2024 08:00:00 GMT</pubDate></item>
<item><title>Clashes in Misrata</title><link>/misrata.html</link>
<pubDate>Fri, 03 May 2024 09:30:00 GMT</pubDate></item>
<item><title>Gone</title><link>{base}/missing.html</link></item>
</channel></rss>"""


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom news</title><id>urn:x</id><updated>2024-05-04T00:00:00Z</updated>
<entry><title>Clashes in Tripoli</title><id>urn:1</id><link href="/tripoli.html"/>
<updated>2024-05-04T10:00:00Z</updated></entry></feed>"""


@dataclass
class Route:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    delay: float = 0.0
    location: str | None = None
    chunked: bool = False


class Site:
    """A tiny web site the tests fill in: path -> Route."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                # The client may give up early (a size limit or a timeout under test).
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self._answer()

            def _answer(self) -> None:
                site.hits.append(self.path)
                route = site.routes.get(self.path)
                if route is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                time.sleep(route.delay)
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                if route.location:
                    self.send_header("Location", route.location)
                if route.chunked:  # no Content-Length: the limit must hold while streaming
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    for i in range(0, len(route.body), 4096):
                        piece = route.body[i : i + 4096]
                        self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                    self.wfile.write(b"0\r\n\r\n")
                    return
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def add(self, path: str, body: str | bytes, **route: object) -> str:
        self.routes[path] = Route(body.encode() if isinstance(body, str) else body, **route)  # type: ignore[arg-type]
        return self.base + path


@pytest.fixture
def site() -> Iterator[Site]:
    site = Site()
    thread = threading.Thread(target=site.server.serve_forever, daemon=True)
    thread.start()
    site.add("/tripoli.html", PAGE)
    site.add("/misrata.html", SECOND)
    site.add("/feed.xml", rss(site.base), content_type="application/rss+xml")
    site.add("/atom", ATOM, content_type="application/atom+xml")
    yield site
    site.server.shutdown()
    site.server.server_close()


@pytest.fixture
def config() -> settings.Settings:
    return settings.load({"GEO_TIMEOUT": "1", "GEO_MAX_UPLOAD_BYTES": "20000", "GEO_USER_AGENT": "geo-test"})


def test_fetches_a_page(site: Site, config: settings.Settings) -> None:
    with Fetcher(config) as fetcher:
        fetched = fetcher.get(site.base + "/tripoli.html")
    assert fetched.content_type == "text/html" and not fetched.is_feed
    assert fetched.url == site.base + "/tripoli.html"
    assert b"Mitiga airport" in fetched.data


def test_follows_redirects_and_keeps_the_final_url(site: Site, config: settings.Settings) -> None:
    site.add("/old", "", status=301, location="/tripoli.html")
    with Fetcher(config) as fetcher:
        assert fetcher.get(site.base + "/old").url == site.base + "/tripoli.html"


def test_http_errors_timeouts_and_refused_connections(site: Site, config: settings.Settings) -> None:
    site.add("/slow", PAGE, delay=3)
    with Fetcher(config) as fetcher:
        with pytest.raises(FetchError, match="HTTP 404"):
            fetcher.get(site.base + "/nowhere")
        with pytest.raises(FetchError, match="within 1 s"):
            fetcher.get(site.base + "/slow")
        with pytest.raises(FetchError, match="Cannot fetch"):
            fetcher.get("http://127.0.0.1:9/closed")


def test_size_limit_by_header_and_while_streaming(site: Site, config: settings.Settings) -> None:
    site.add("/big", b"x" * 50_000)
    site.add("/big-chunked", b"x" * 50_000, chunked=True)
    with Fetcher(config) as fetcher:
        with pytest.raises(InputTooLarge, match="50,000 bytes; the limit is 20,000"):
            fetcher.get(site.base + "/big")
        with pytest.raises(InputTooLarge, match="more than 20,000 bytes"):
            fetcher.get(site.base + "/big-chunked")


def test_content_type_and_scheme_are_checked(site: Site, config: settings.Settings) -> None:
    site.add("/photo.jpg", b"\xff\xd8\xff", content_type="image/jpeg")
    with Fetcher(config) as fetcher:
        with pytest.raises(UnsupportedFormat, match="image/jpeg"):
            fetcher.get(site.base + "/photo.jpg")
        with pytest.raises(UnsupportedFormat, match="http"):
            fetcher.get("file:///etc/passwd")


def test_declared_charset_is_decoded(site: Site, config: settings.Settings) -> None:
    site.add("/latin", "<p>Caf\xe9 in Tripoli</p>".encode("iso-8859-1"), content_type="text/html; charset=ISO-8859-1")
    with Fetcher(config) as fetcher:
        assert "Café" in fetcher.get(site.base + "/latin").data.decode("utf-8")


def test_user_agent_and_injected_transport(config: settings.Settings) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, headers={"content-type": "text/plain"}, content=b"Tripoli.")

    with Fetcher(config, transport=httpx.MockTransport(handler)) as fetcher:
        assert fetcher.get("https://example.org/a").data == b"Tripoli."
    assert seen[0].headers["user-agent"] == "geo-test"


def test_parse_rss_and_atom(site: Site) -> None:
    entries = parse_feed(rss(site.base).encode(), site.base + "/feed.xml")
    assert [e.url for e in entries] == [site.base + p for p in ("/tripoli.html", "/misrata.html", "/missing.html")]
    assert entries[0].title == "Clashes in Tripoli" and entries[0].published == "2024-05-02"
    atom = parse_feed(ATOM.encode(), site.base + "/atom")
    assert [(e.url, e.published) for e in atom] == [(site.base + "/tripoli.html", "2024-05-04")]
    with pytest.raises(UnsupportedFormat):
        parse_feed(b"not a feed <at all", "http://x/feed")


def test_expand_a_feed_and_load_its_pages(site: Site, config: settings.Settings) -> None:
    with Fetcher(config) as fetcher:
        items = list(expand([site.base + "/feed.xml", site.base + "/tripoli.html"], fetcher=fetcher, limits=config))
        assert all(isinstance(i, Item) for i in items) and len(items) == 4
        assert site.hits.count("/tripoli.html") == 1  # a page target is fetched once, during expansion
        first = load(items[0], fetcher=fetcher, limits=config)  # type: ignore[arg-type]
        assert first.title == "Clashes in Tripoli" and first.source == "Libya Herald"
        assert first.url == site.base + "/tripoli.html" and first.published == "2024-05-02"
        assert "Mitiga airport" in first.text and "London" not in first.text
        with pytest.raises(FetchError, match="404"):
            load(items[2], fetcher=fetcher, limits=config)  # type: ignore[arg-type]
        page = load(items[3], fetcher=fetcher, limits=config)  # type: ignore[arg-type]
        assert page.text == first.text


def test_a_failing_url_is_a_failure_not_an_exception(site: Site, config: settings.Settings) -> None:
    with Fetcher(config) as fetcher:
        items = list(expand([site.base + "/nowhere", site.base + "/tripoli.html"], fetcher=fetcher, limits=config))
    assert isinstance(items[0], Failure) and "404" in items[0].reason
    assert isinstance(items[1], Item)
