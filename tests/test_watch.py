"""Watching feeds: conditional polls, only new entries stored, back-off on errors, state kept across restarts."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from geo import settings
from geo.errors import InputError
from geo.watch import MAX_BACKOFF_S, Watcher, parse_duration, read_feed_list
from tests.conftest import QUICK_SHUTDOWN

PAGE = (
    "<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
    "<p>Officials in {place} said on Monday that the harbour would reopen after repairs.</p>"
    "<p>Fishermen in {place} welcomed the news, the mayor said.</p></article></body></html>"
)


class FeedSite:
    """A feed whose entries the test changes, answering 304 to a matching If-None-Match."""

    def __init__(self) -> None:
        self.entries: list[str] = []
        self.broken = False
        self.requests: list[tuple[str, str | None]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.requests.append((self.path, self.headers.get("If-None-Match")))
                if self.path == "/feed.xml":
                    if site.broken:
                        return self._send(500, b"", "text/plain")
                    etag = f'"v{len(site.entries)}"'
                    if self.headers.get("If-None-Match") == etag:
                        self.send_response(304)
                        self.send_header("ETag", etag)
                        self.end_headers()
                        return
                    items = "".join(
                        f"<item><title>{p}</title><link>{site.base}/{p}.html</link></item>" for p in site.entries
                    )
                    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
                    return self._send(200, body.encode(), "application/rss+xml", etag)
                place = self.path.strip("/").removesuffix(".html")
                self._send(200, PAGE.format(title=f"Harbour in {place}", place=place).encode(), "text/html")

            def _send(self, status: int, body: bytes, kind: str, etag: str | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                if etag:
                    self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs=QUICK_SHUTDOWN, daemon=True).start()


@pytest.fixture
def feed_site() -> Iterator[FeedSite]:
    site = FeedSite()
    yield site
    site.server.shutdown()
    site.server.server_close()


@pytest.fixture
def config() -> settings.Settings:
    return settings.load({"GEO_TIMEOUT": "5", "GEO_FETCH_ALLOW_HOSTS": "127.0.0.1"})


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_polls_are_conditional_and_store_only_new_entries(feed_site, config, store, pipeline, tmp_path):
    feed_site.entries = ["Piraeus", "Valletta"]
    clock = Clock()
    state = tmp_path / "feeds.json"
    feed = feed_site.base + "/feed.xml"
    with Watcher([feed], store, every=900, state_path=state, config=config, pipeline=pipeline, clock=clock) as w:
        first = w.poll_due()
        assert [o.error for o in first[0].new] == [None, None]
        assert w.poll_due() == []  # not due yet
        clock.now += 900
        second = w.poll_due()[0]
        assert second.not_modified and not second.new
        assert feed_site.requests[-1] == ("/feed.xml", '"v2"')  # the validator went back to the server
        feed_site.entries.append("Heraklion")
        clock.now += 900
        third = w.poll_due()[0]
    assert len(third.new) == 1 and third.new[0].name.endswith("/Heraklion.html")
    pages = [path for path, _ in feed_site.requests if path.endswith(".html")]
    assert sorted(pages) == ["/Heraklion.html", "/Piraeus.html", "/Valletta.html"]  # each page fetched once
    assert len(store.articles(limit=10)) == 3

    # A restarted watcher remembers the validators and the entries it took.
    with Watcher([feed], store, every=900, state_path=state, config=config, pipeline=pipeline, clock=clock) as again:
        clock.now += 900
        assert again.poll_due()[0].not_modified


def test_a_failing_feed_backs_off_and_recovers(feed_site, config, store, pipeline, tmp_path):
    feed_site.broken = True
    clock = Clock()
    feed = feed_site.base + "/feed.xml"
    with Watcher(
        [feed], store, every=60, state_path=tmp_path / "s.json", config=config, pipeline=pipeline, clock=clock
    ) as w:
        waits = []
        for _ in range(3):
            poll = w.poll_due()[0]
            assert "HTTP 500" in (poll.error or "")
            waits.append(w.next_due() - clock.now)
            clock.now = w.next_due()
        assert waits == [120, 240, 480]  # doubling, capped at MAX_BACKOFF_S
        for _ in range(20):
            w.poll_due()
            clock.now = w.next_due()
        assert w.next_due() - clock.now <= MAX_BACKOFF_S
        feed_site.broken = False
        feed_site.entries = ["Piraeus"]
        poll = w.poll_due()[0]
        assert poll.error is None and len(poll.new) == 1
        assert w.next_due() - clock.now == 60


def test_durations_and_feed_lists(tmp_path):
    assert [parse_duration(t) for t in ("90", "30s", "15m", "2h", "1d")] == [90, 30, 900, 7200, 86400]
    for bad in ("", "0", "-5m", "15 minutes", "1w"):
        with pytest.raises(InputError):
            parse_duration(bad)
    listed = tmp_path / "feeds.txt"
    listed.write_text("# desk feeds\nhttp://a.example/rss\n\nhttp://b.example/atom\nhttp://a.example/rss\n")
    assert read_feed_list(listed) == ["http://a.example/rss", "http://b.example/atom"]
    (tmp_path / "empty.txt").write_text("# nothing yet\n")
    with pytest.raises(InputError, match="lists no feeds"):
        read_feed_list(tmp_path / "empty.txt")


def test_cli_watch_once(feed_site, tmp_path, monkeypatch, capsys, pipeline):
    """`geo watch --once`, run in this process with the session's model (python -m geo runs in test_pipeline)."""
    from geo.analysis import pipeline as pipeline_module
    from geo.cli import main

    monkeypatch.setattr(pipeline_module, "_PROCESS_PIPELINE", pipeline)  # else the command loads spaCy for one page
    feed_site.entries = ["Piraeus"]
    listed = tmp_path / "feeds.txt"
    listed.write_text(feed_site.base + "/feed.xml\n")
    monkeypatch.setenv("GEO_DATABASE", str(tmp_path / "db.sqlite"))
    monkeypatch.setenv("GEO_FETCH_ALLOW_HOSTS", "127.0.0.1")
    command = ["watch", str(listed), "--every", "1m", "--once"]
    assert main(command) == 0
    first = capsys.readouterr()
    requests = len(feed_site.requests)
    assert main(command) == 0
    second = capsys.readouterr()
    assert len(first.out.split()) == 1 and len(first.out.split()[0]) == 16, first.err
    # The state file says the feed is next due in a minute: the second run asks nothing, stores nothing.
    assert second.out == "" and len(feed_site.requests) == requests
    assert Path(str(tmp_path / "db.sqlite") + ".feeds.json").is_file()
