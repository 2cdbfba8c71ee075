"""Watch RSS/Atom feeds: poll each on a schedule with conditional requests and ingest only new entries.

Each feed keeps a little state between polls: its validators (ETag,
Last-Modified) so that an unchanged feed answers 304 with no body, the entry
links already taken, how many polls in a row failed, and when it is due
again. A failing feed backs off (the interval doubles per failure, up to
``MAX_BACKOFF_S``) instead of being hammered. The state lives in a small JSON
file beside the database, written atomically, so a restarted watcher picks up
where it stopped. New entries go through ``batch.ingest_batch`` like any
other target: the article store stays idempotent by content hash whatever the
watcher remembers.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from geo import settings as settings_module
from geo.batch import Outcome, ingest_batch
from geo.errors import InputError
from geo.sources.fetch import Fetcher, parse_feed
from geo.sources.ingest import Item

if TYPE_CHECKING:
    from geo.analysis.pipeline import Pipeline
    from geo.store import Store

MAX_BACKOFF_S = 6 * 3600.0
SEEN_PER_FEED = 5000  # entry links remembered per feed; feeds list far fewer at once
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNIT_S = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_duration(text: str) -> float:
    """Seconds in ``"90"``, ``"30s"``, ``"15m"``, ``"2h"`` or ``"1d"``."""
    match = _DURATION.match(text.lower())
    if not match or float(match.group(1)) <= 0:
        raise InputError(f"{text!r} is not a duration: write it like 90, 30s, 15m, 2h or 1d.")
    return float(match.group(1)) * _UNIT_S[match.group(2)]


def read_feed_list(path: Path) -> list[str]:
    """Feed URLs, one a line; blank lines and lines starting with # are skipped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"Cannot read the feed list {path}: {error}.") from error
    feeds = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    if not feeds:
        raise InputError(f"{path} lists no feeds: write one feed URL a line.")
    return list(dict.fromkeys(feeds))


@dataclass
class FeedState:
    url: str
    etag: str | None = None
    last_modified: str | None = None
    seen: list[str] = field(default_factory=list)
    failures: int = 0
    due: float = 0.0  # time.time() at which the feed is polled next
    last_error: str | None = None


@dataclass(frozen=True, slots=True)
class Poll:
    """What one poll of one feed did."""

    feed: str
    new: tuple[Outcome, ...] = ()
    not_modified: bool = False
    error: str | None = None


class Watcher:
    """Poll ``feeds`` every ``every`` seconds and store their new entries."""

    def __init__(
        self,
        feeds: Sequence[str],
        store: Store,
        *,
        every: float,
        state_path: Path,
        config: settings_module.Settings | None = None,
        fetcher: Fetcher | None = None,
        pipeline: Pipeline | None = None,
        workers: int = 1,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.every = every
        self.store = store
        self.config = config or settings_module.load()
        self.state_path = state_path
        self.clock = clock
        self.workers = workers
        self.pipeline = pipeline
        self._fetcher = fetcher or Fetcher(self.config)
        self._own_fetcher = fetcher is None
        saved = _load_state(state_path)
        self.feeds = {url: saved.get(url) or FeedState(url) for url in feeds}

    def close(self) -> None:
        if self._own_fetcher:
            self._fetcher.close()

    def __enter__(self) -> Watcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def poll_due(self) -> list[Poll]:
        """Poll every feed whose time has come; save the state after each."""
        polls = []
        for state in self.feeds.values():
            if state.due <= self.clock():
                polls.append(self._poll(state))
                self._save()
        return polls

    def next_due(self) -> float:
        return min(state.due for state in self.feeds.values())

    def run(self, stop: threading.Event, report: Callable[[Poll], None] | None = None) -> None:
        """Poll until ``stop`` is set, sleeping until the next feed is due."""
        while not stop.is_set():
            for poll in self.poll_due():
                if report is not None:
                    report(poll)
            stop.wait(max(0.0, self.next_due() - self.clock()))

    def _poll(self, state: FeedState) -> Poll:
        try:
            fetched = self._fetcher.get(state.url, etag=state.etag, last_modified=state.last_modified)
            if fetched.not_modified:
                self._succeeded(state, fetched.etag or state.etag, fetched.last_modified or state.last_modified)
                return Poll(state.url, not_modified=True)
            if not fetched.is_feed:
                raise InputError(f"{state.url} is not an RSS or Atom feed.")
            entries = parse_feed(fetched.data, fetched.url)
        except Exception as error:  # one feed's failure never stops the others
            return self._failed(state, error)
        seen = set(state.seen)
        fresh = [e for e in entries if e.url not in seen]
        items = [Item(e.url, url=e.url, title=e.title, published=e.published) for e in fresh]
        outcomes = (
            ingest_batch(
                items,
                self.store,
                config=self.config,
                workers=self.workers,
                fetcher=self._fetcher,
                pipeline=self.pipeline,
                progress=False,
            )
            if items
            else []
        )
        # An entry whose page failed is tried again when the feed next changes.
        taken = [item.url for item, outcome in zip(items, outcomes, strict=True) if outcome.error is None]
        state.seen = (state.seen + [url for url in taken if url])[-SEEN_PER_FEED:]
        self._succeeded(state, fetched.etag, fetched.last_modified)
        return Poll(state.url, new=tuple(outcomes))

    def _succeeded(self, state: FeedState, etag: str | None, last_modified: str | None) -> None:
        state.etag, state.last_modified = etag, last_modified
        state.failures, state.last_error = 0, None
        state.due = self.clock() + self.every

    def _failed(self, state: FeedState, error: Exception) -> Poll:
        state.failures += 1
        state.last_error = str(error) or type(error).__name__
        state.due = self.clock() + min(self.every * 2**state.failures, max(MAX_BACKOFF_S, self.every))
        return Poll(state.url, error=state.last_error)

    def _save(self) -> None:
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        payload = json.dumps({url: asdict(state) for url, state in self.feeds.items()}, indent=1)
        handle, temporary = tempfile.mkstemp(dir=self.state_path.parent, prefix=".watch-", suffix=".json")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(payload)
            os.replace(temporary, self.state_path)  # readers see the old state or the new, never half of one
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise


def default_state_path(database: Path | str) -> Path:
    if isinstance(database, str) and "://" in database:
        # A database server has no folder to keep the state beside: this machine's cache folder, per database.
        digest = hashlib.sha256(database.encode()).hexdigest()[:16]
        return settings_module.cache_dir() / f"feeds-{digest}.json"
    database = Path(database)
    return database.with_name(database.name + ".feeds.json")


def _load_state(path: Path) -> dict[str, FeedState]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return {url: FeedState(**fields) for url, fields in raw.items()}
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, TypeError) as error:
        raise InputError(f"The watch state {path} is unreadable ({error}); move it away to start afresh.") from error
