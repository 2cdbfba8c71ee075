"""A blind common-sense check: the place names world news uses most, each read where a reader would.

``data/common_places.csv`` (written for this test, not drawn from any corpus) lists every country,
the capitals, the US states and their AP abbreviations, the Canadian provinces and Australian
states with their abbreviations, about a hundred of the largest cities, and the regions and seas
in the news. Each name is resolved in a short neutral sentence and in one that names a
neighbouring place, through the real pipeline (spaCy, recognition, resolution) and the real
gazetteer. ``expect`` is ``kind:CC[.ADMIN1][@lat,lon]`` (alternatives joined by "|"): the place's
kind, its country (empty for seas and continents), its first-level division, or for towns a point
the entry must lie within ``CITY_KM`` of (Singapore the country is Singapore the city). ``also``
is a reading the neutral sentence may take instead ("Georgia" alone is the country or the state;
beside "Alabama" it is the state).

``data/not_places.csv`` holds a hundred names of people, offices, organisations, newspapers,
planets and events that contain a place-like word; none may be pinned.

Slow (spaCy over some 1,350 sentences, about 20 s): marked ``slow``.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import pytest

from geo.analysis import passages as passages_stage
from geo.analysis.recognise import recognise
from geo.analysis.resolve import resolve
from geo.types import Place, Resolution

pytestmark = pytest.mark.slow

DATA = Path(__file__).resolve().parent / "data"
CITY_KM = 100.0
_ABBREVIATION_TOWN = "{town}, {name}"


@dataclass(frozen=True)
class Expectation:
    kind: str
    country: str
    admin1: str
    point: tuple[float, float] | None

    @classmethod
    def parse(cls, text: str) -> Expectation:
        where, _, point = text.partition("@")
        kind, _, code = where.partition(":")
        country, _, admin1 = code.partition(".")
        lat_lon = tuple(float(v) for v in point.split(",")) if point else None
        return cls(kind, country, admin1, lat_lon)  # type: ignore[arg-type]

    def met_by(self, place: Place) -> bool:
        if (place.country or "") != self.country:
            return False
        if self.point is not None:  # a town: any entry at its point (the city-state, the capital district)
            return _km(self.point, (place.lat, place.lon)) < CITY_KM
        return place.kind == self.kind and (not self.admin1 or place.admin1 == self.admin1)


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    p = math.pi / 180
    h = (
        math.sin((b[0] - a[0]) * p / 2) ** 2
        + math.cos(a[0] * p) * math.cos(b[0] * p) * math.sin((b[1] - a[1]) * p / 2) ** 2
    )
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _sentences(row: dict[str, str]) -> list[tuple[str, bool]]:
    """(sentence, whether ``also`` is acceptable) for one row."""
    name, neighbour = row["name"], row["neighbour"]
    kind = row["expect"].split(":", 1)[0]
    if (kind == "admin1" and name.endswith(".")) or name in {"NSW", "Qld", "NT", "ACT"}:
        # Abbreviations follow a town, as style books use them ("Worcester, Mass.").
        return [
            (f"Officials in {neighbour}, {name}, said on Tuesday that the talks would resume.", True),
            (f"A man from {neighbour}, {name}, was hurt in the crash, police said.", True),
        ]
    the = "the " if kind == "river" or (kind in ("sea", "region", "feature") and not _bare(name)) else ""
    return [
        (f"Reporters travelled to {the}{name} last week to cover the talks.", True),
        (f"Officials from {the}{name} and {neighbour} met on Tuesday to discuss trade.", False),
    ]


def _bare(name: str) -> bool:
    """Regions written without an article: "Darfur", "Crimea", "Scotland"."""
    return not any(
        w in name
        for w in (
            "Sea",
            "Ocean",
            "Gulf",
            "Strait",
            "Canal",
            "Middle East",
            "Balkans",
            "Caucasus",
            "Sahel",
            "Horn",
            "Pacific",
            "Atlantic",
            "Caribbean",
            "Mediterranean",
            "Persian",
            "West Bank",
            "Gaza Strip",
            "Golan",
            "Sinai",
        )
    )


def _analyse(pipeline, text: str) -> tuple[Resolution, ...]:
    doc = pipeline.nlp(text)
    recognition = recognise(doc, passages_stage.split(text), pipeline.gazetteer)
    return resolve(recognition.places, text, pipeline.gazetteer.lookup)


def _at(resolutions: tuple[Resolution, ...], start: int, end: int) -> Resolution | None:
    return next((r for r in resolutions if r.mention.start <= start and end <= r.mention.end), None)


Failure = tuple[str, str, str]  # name, sentence, what happened


def common_place_failures(pipeline) -> list[Failure]:
    failures = []
    for row in _rows("common_places.csv"):
        expected = [Expectation.parse(e) for e in row["expect"].split("|")]
        also = Expectation.parse(row["also"]) if row["also"] else None
        for sentence, neutral in _sentences(row):
            start = sentence.index(row["name"])
            got = _at(_analyse(pipeline, sentence), start, start + len(row["name"]))
            ok = got is not None and (
                any(e.met_by(got.place) for e in expected) or (neutral and also is not None and also.met_by(got.place))
            )
            if not ok:
                found = "nothing" if got is None else f"{got.place.id} {got.place.name} ({got.place.kind})"
                failures.append((row["name"], sentence, f"{found}, expected {row['expect']}"))
    return failures


def not_place_failures(pipeline) -> list[Failure]:
    failures = []
    for row in _rows("not_places.csv"):
        sentence = row["sentence"]
        start = sentence.index(row["name"])
        got = _at(_analyse(pipeline, sentence), start, start + len(row["name"]))
        got = got or next(
            (r for r in _analyse(pipeline, sentence) if start <= r.mention.start < start + len(row["name"])), None
        )
        if got is not None:
            failures.append((row["name"], sentence, f"pinned to {got.place.id} {got.place.name}"))
    return failures


def test_the_list_is_as_large_as_promised() -> None:
    places = _rows("common_places.csv")
    kinds = {Expectation.parse(e).kind for r in places for e in r["expect"].split("|")}
    assert len(places) >= 300 and {"country", "admin1", "city", "sea", "region", "continent"} <= kinds
    assert len(_rows("not_places.csv")) >= 100


# Known misreadings, each with why, kept visible rather than dropped from the list. The tests
# fail on any other failure, and on a known one that is fixed (so that it leaves this list).
KNOWN_WRONG: set[tuple[str, str]] = set()  # (name, sentence start); none since issue 10's last round
KNOWN_PINNED: set[tuple[str, str]] = set()


def _compare(failures: list[Failure], known: set[tuple[str, str]]) -> tuple[list[Failure], list[tuple[str, str]]]:
    """Failures not known, and known ones that no longer fail."""

    def is_known(f: Failure) -> bool:
        return any(f[0] == name and f[1].startswith(start) for name, start in known)

    fixed = [(n, st) for n, st in known if not any(f[0] == n and f[1].startswith(st) for f in failures)]
    return [f for f in failures if not is_known(f)], fixed


def test_common_places_resolve_to_the_obvious_entity(full_pipeline) -> None:
    unexpected, fixed = _compare(common_place_failures(full_pipeline), KNOWN_WRONG)
    assert not unexpected and not fixed, f"wrong: {unexpected}; fixed (drop from KNOWN_WRONG): {fixed}"


def test_names_that_are_not_places_are_not_pinned(full_pipeline) -> None:
    unexpected, fixed = _compare(not_place_failures(full_pipeline), KNOWN_PINNED)
    assert not unexpected and not fixed, f"pinned: {unexpected}; fixed (drop from KNOWN_PINNED): {fixed}"
