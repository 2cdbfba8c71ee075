"""Fetching pages and feeds over real HTTP from a server on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import contextlib
import gzip
import socket
import threading
import time
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from geo import settings
from geo.errors import FetchError, InputTooLarge, UnsupportedFormat
from geo.sources.fetch import Fetcher, parse_feed
from geo.sources.ingest import Failure, Item, expand, load
from geo.sources.netguard import BlockedAddress
from tests.conftest import QUICK_SHUTDOWN

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
    headers: tuple[tuple[str, str], ...] = ()
    drip: float = 0.0  # seconds between the bytes of the status line and headers


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
                if route.drip:
                    head = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {len(route.body)}\r\n\r\n"
                    for byte in head.encode():
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(route.drip)
                    self.wfile.write(route.body)
                    return
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                if route.location:
                    self.send_header("Location", route.location)
                for name, value in route.headers:
                    self.send_header(name, value)
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
    thread = threading.Thread(target=site.server.serve_forever, kwargs=QUICK_SHUTDOWN, daemon=True)
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
    # The tests' own server is on 127.0.0.1, which the default policy refuses: name it as a trusted host.
    return settings.load(
        {
            "GEO_TIMEOUT": "1",
            "GEO_MAX_UPLOAD_BYTES": "20000",
            "GEO_USER_AGENT": "geo-test",
            "GEO_FETCH_ALLOW_HOSTS": "127.0.0.1",
        }
    )


@pytest.fixture
def default_config() -> settings.Settings:
    """The shipped policy: nothing private, ports 80 and 443."""
    return settings.load({"GEO_TIMEOUT": "1", "GEO_MAX_UPLOAD_BYTES": "20000"})


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


# -- what a page visitor must not make the server fetch ---------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost/admin",
        "http://[::1]/",
        "http://127.1/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "http://10.0.0.1/",
        "http://192.168.1.1/",
        "http://172.16.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://[fd00::1]/",
        "http://[fe80::1]/",
        "http://224.0.0.1/",
        "http://[2002:7f00:1::]/",  # 6to4 wrapping 127.0.0.1
        "http://[64:ff9b::7f00:1]/",  # NAT64 wrapping 127.0.0.1
    ],
)
def test_the_default_policy_refuses_the_servers_own_network(url: str, default_config: settings.Settings) -> None:
    # Refused before any connection is attempted: no packet leaves for these addresses.
    with Fetcher(default_config) as fetcher, pytest.raises(BlockedAddress, match="own network"):
        fetcher.get(url)


def test_other_ports_and_schemes_are_refused_by_default(default_config: settings.Settings) -> None:
    with Fetcher(default_config) as fetcher:
        with pytest.raises(BlockedAddress, match="only ports 80, 443"):
            fetcher.get("http://93.184.216.34:8080/")
        with pytest.raises(UnsupportedFormat, match="http"):
            fetcher.get("gopher://93.184.216.34/")


def test_the_policy_refuses_the_tests_own_server_unless_it_is_named(
    site: Site, default_config: settings.Settings
) -> None:
    allowed = settings.load({"GEO_TIMEOUT": "1", "GEO_FETCH_ALLOW_HOSTS": "127.0.0.1"})
    with Fetcher(allowed) as fetcher:
        assert b"Tripoli" in fetcher.get(site.base + "/tripoli.html").data
    with Fetcher(default_config) as fetcher, pytest.raises(BlockedAddress):
        fetcher.get(site.base + "/tripoli.html")
    assert site.hits == ["/tripoli.html"]  # the refused fetch never reached the server


def test_every_hop_and_every_feed_entry_is_checked(site: Site) -> None:
    # "localhost" is trusted, 127.0.0.1 (the same server) is not: a redirect or a feed entry may not go there.
    config = settings.load({"GEO_TIMEOUT": "1", "GEO_FETCH_ALLOW_HOSTS": "localhost"})
    local = site.base.replace("127.0.0.1", "localhost")
    site.add("/hop", "", status=302, location=site.base + "/tripoli.html")
    absolute = rss(site.base).replace("<link>/misrata.html", f"<link>{site.base}/misrata.html")
    site.add("/inner-feed.xml", absolute, content_type="application/rss+xml")
    with Fetcher(config) as fetcher:
        assert b"Tripoli" in fetcher.get(local + "/tripoli.html").data
        with pytest.raises(BlockedAddress):
            fetcher.get(local + "/hop")
        items = list(expand([local + "/inner-feed.xml"], fetcher=fetcher, limits=config))
        assert len(items) == 3
        for item in items:
            with pytest.raises(BlockedAddress):
                load(item, fetcher=fetcher, limits=config)  # type: ignore[arg-type]
    assert site.hits.count("/tripoli.html") == 1


def test_names_are_resolved_when_connecting_and_the_checked_address_is_used(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = socket.getaddrinfo
    port = int(site.base.rsplit(":", 1)[1])

    def fake(host: str, *args: object, **kwargs: object) -> list:  # a name whose DNS answer is private
        if host in ("news.example", "intranet.example"):
            return real("127.0.0.1", port, type=socket.SOCK_STREAM)
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    refused = settings.load({"GEO_TIMEOUT": "1", "GEO_FETCH_PORTS": str(port)})
    with Fetcher(refused) as fetcher, pytest.raises(BlockedAddress, match=r"news\.example leads to 127\.0\.0\.1"):
        fetcher.get(f"http://news.example:{port}/tripoli.html")
    trusted = settings.load({"GEO_TIMEOUT": "1", "GEO_FETCH_ALLOW_HOSTS": "intranet.example"})
    with Fetcher(trusted) as fetcher:
        assert b"Tripoli" in fetcher.get(f"http://intranet.example:{port}/tripoli.html").data


def test_stacked_codings_are_refused_and_a_gzip_bomb_stops_at_the_limit(site: Site, config: settings.Settings) -> None:
    bomb = gzip.compress(b"\0" * 200_000_000, compresslevel=9)  # about 200 KB that expand to 200 MB
    site.add("/bomb", bomb, headers=(("Content-Encoding", "gzip"),), chunked=True)
    site.add("/stacked", gzip.compress(gzip.compress(b"<p>Tripoli</p>")), headers=(("Content-Encoding", "gzip, gzip"),))
    site.add("/small", gzip.compress(PAGE.encode()), headers=(("Content-Encoding", "gzip"),))
    with Fetcher(config) as fetcher:
        assert b"Mitiga airport" in fetcher.get(site.base + "/small").data
        with pytest.raises(UnsupportedFormat, match="gzip, gzip"):
            fetcher.get(site.base + "/stacked")
        tracemalloc.start()
        try:
            with pytest.raises(InputTooLarge, match="more than 20,000 bytes"):
                fetcher.get(site.base + "/bomb")
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert peak < 20_000_000  # the body never grows far past the 20,000-byte limit


def test_a_server_that_drips_its_headers_is_cut_off_at_the_deadline(site: Site, config: settings.Settings) -> None:
    site.add("/drip", PAGE, drip=0.05)  # about 70 header bytes: 3.5 s in all, 50 ms apart
    started = time.monotonic()
    with Fetcher(config) as fetcher, pytest.raises(FetchError, match="within 1 s"):
        fetcher.get(site.base + "/drip")
    assert time.monotonic() - started < 2.0  # GEO_TIMEOUT is 1 s for the whole call, not per byte


def test_urls_only_never_reads_a_server_path(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("Tripoli is the capital of Libya.")
    items = list(expand([str(secret), str(tmp_path), "/etc/passwd", "file:///etc/passwd"], urls_only=True))
    assert all(isinstance(i, Failure) and "not an http(s) URL" in i.reason for i in items)
