"""Resolve place mentions to gazetteer entries, reading the article as a whole.

One scoring function ranks every candidate of a mention (see ``score``)::

    score = 0.30 * prominence      how large or important the place is (kind, population)
          + 0.15 * name_fit        its own name > abbreviation > other name > short facility name
          + 0.35 * country_focus   share of the article's country evidence that points at its country
          + 0.30 * division_focus  share of the article's state/province evidence that points at its division
          + 0.10 * nearness        close to the places the article names without ambiguity
          + 0.25 * containment     the text says "X, Y" or "X in Y" and Y contains the candidate
          + 0.20 * facility_cue    "X base" / "X airport" and the candidate is that kind of facility

Country evidence comes from mentions that can only mean one country (a country
name, a demonym, a city with candidates in one country). Division evidence
likewise comes from mentions whose readings all lie in one first-level
division, or whose most important reading is that division itself ("Texas"). The score a winner
gets and the runner-up it beat are kept, with a sentence that says why it won.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from geo.types import Candidate, Mention, MentionRole, Place, Resolution

WEIGHTS = {
    "prominence": 0.30,
    "name_fit": 0.15,
    "country_focus": 0.35,
    "division_focus": 0.30,
    "nearness": 0.10,
    "containment": 0.25,
    "facility_cue": 0.20,
}
_NAME_FIT = {"name": 1.0, "abbreviation": 0.9, "alternate": 0.7, "short": 0.5, "demonym": 0.0}
_KIND_PROMINENCE = {
    "continent": 1.0,
    "country": 1.0,
    "sea": 0.9,
    "region": 0.8,
    "admin1": 0.75,
    "admin2": 0.6,
    "air base": 0.45,
    "naval base": 0.45,
    "airport": 0.4,
    "port": 0.4,
    "feature": 0.4,
}
_FACILITY_KINDS = frozenset({"airport", "air base", "naval base", "port"})
_FACILITY_WORDS = re.compile(
    r"^\s+(air\s*base|airbase|air\s*field|airfield|airport|air\s+station|naval\s+base|base|port|harbou?r)\b",
    re.IGNORECASE,
)
_CONTAINER_AFTER = re.compile(
    r"^\s*(,|\bin\b|\bnear\b|\boutside\b|\bof\b)\s*(the\s+)?([A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*)*)"
)
# Syntactic slots where a country or capital acts rather than lies somewhere.
_ACTOR_DEPS = frozenset({"nsubj", "nsubjpass", "poss", "agent"})
# Labels under which a weak, obscure candidate is more likely a misreading than a place.
_NON_PLACE_LABELS = frozenset({"PERSON", "ORG", "NORP", "WORK_OF_ART", "PRODUCT", "EVENT", "LAW"})
MIN_SCORE = 0.30  # below this, a mention with a non-place label is left unresolved
MIN_SCORE_PLACE_LABEL = 0.15
MIN_FOCUS_FOR_NON_PLACE_LABELS = 0.2
_AREA_KINDS = frozenset({"continent", "country", "sea", "region", "admin1"})


@dataclass(frozen=True, slots=True)
class _Scored:
    candidate: Candidate
    score: float
    parts: dict[str, float]


def prominence(place: Place) -> float:
    """0..1: areas by kind, towns by population (1 at ten million people)."""
    if place.kind == "city":
        return min(1.0, math.log10(place.population + 1) / 7.0) * 0.85
    return _KIND_PROMINENCE.get(place.kind, 0.3)


def resolve(mentions: Sequence[Mention], text: str, lookup) -> tuple[Resolution, ...]:
    """Resolve every mention; ``lookup(name)`` returns gazetteer candidates for a container name."""
    usable = [(m, _usable_candidates(m, text)) for m in mentions]
    usable = [(m, cands) for m, cands in usable if cands]
    focus = _country_focus(usable)
    divisions = _division_focus(usable)
    anchors = _anchor_points(usable)
    resolutions = []
    for mention, candidates in usable:
        containers = _containers(mention, text, lookup)
        scored = sorted(
            (_score(c, mention, text, focus, divisions, anchors, containers) for c in candidates),
            key=lambda s: (-s.score, -prominence(s.candidate.place), s.candidate.place.id),
        )
        best = scored[0]
        if not _plausible(mention, best):
            continue
        runner_up = next((s for s in scored[1:] if s.candidate.place.id != best.candidate.place.id), None)
        resolutions.append(
            Resolution(
                mention=mention,
                place=best.candidate.place,
                score=round(best.score, 4),
                role=_role(mention, best.candidate),
                reason=_reason(best, runner_up, focus),
                runner_up=runner_up.candidate.place if runner_up else None,
                runner_up_score=round(runner_up.score, 4) if runner_up else None,
            )
        )
    return tuple(resolutions)


def _plausible(mention: Mention, best: _Scored) -> bool:
    """Whether the winning reading is good enough to put on the map.

    spaCy's label is weak evidence, so a name it calls a person or an
    organisation still counts as a place, but only when the reading is an
    area, a facility the text calls one, or a place in a country the article
    is clearly about ("Misrata" labelled PERSON in a Libyan story, but not
    "Wagner" the South Dakota town in the same story).
    """
    if best.candidate.name_kind == "demonym":
        return True
    if mention.label not in _NON_PLACE_LABELS:
        return best.score >= MIN_SCORE_PLACE_LABEL
    return best.score >= MIN_SCORE and (
        best.candidate.place.kind in _AREA_KINDS
        or best.parts["facility_cue"] > 0
        or best.parts["containment"] > 0
        or best.parts["country_focus"] >= MIN_FOCUS_FOR_NON_PLACE_LABELS
    )


def _usable_candidates(mention: Mention, text: str) -> list[Candidate]:
    """Drop readings the surface text rules out."""
    facility_next = bool(_FACILITY_WORDS.match(text[mention.end : mention.end + 30]))
    kept = []
    for candidate in mention.candidates:
        if candidate.name_kind == "abbreviation" and not _looks_like_abbreviation(mention.text):
            continue  # "us" the pronoun is not the United States
        if candidate.name_kind == "short" and not facility_next:
            continue  # "Wagner" alone is not Wagner airport; "Mitiga base" is Mitiga airport
        kept.append(candidate)
    kept = [c for c in kept if not _seat_named(c, kept)]
    demonyms = [c for c in kept if c.name_kind == "demonym"]
    # A demonym reading wins outright: "Turkish" is never a town called Turkish.
    return demonyms or kept


SEAT_RATIO = 1.5


def _seat_named(candidate: Candidate, others: list[Candidate]) -> bool:
    """A division named after a town inside it reads as the town ("Tripoli" the
    city, not the district around it) unless the division has clearly more
    people than the town (New York state against New York City)."""
    div = candidate.place
    if div.kind not in ("admin1", "admin2"):
        return False
    return any(
        o.place.kind == "city"
        and o.place.country == div.country
        and o.place.admin1 == div.admin1
        and o.place.population * SEAT_RATIO >= div.population
        for o in others
    )


def _looks_like_abbreviation(surface: str) -> bool:
    letters = [ch for ch in surface if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)


def _country_focus(usable: list[tuple[Mention, list[Candidate]]]) -> dict[str, float]:
    """Share of unambiguous country evidence per ISO country code."""
    votes: dict[str, float] = defaultdict(float)
    for _mention, candidates in usable:
        countries = {c.place.country for c in candidates if c.place.country}
        if len(countries) != 1:
            continue
        (country,) = countries
        direct = any(c.place.kind == "country" for c in candidates)
        votes[country] += 1.0 if direct else 0.5
    total = sum(votes.values())
    return {country: n / total for country, n in votes.items()} if total else {}


def _division_key(place: Place) -> str | None:
    return f"{place.country}.{place.admin1}" if place.country and place.admin1 else None


def _division_focus(usable: list[tuple[Mention, list[Candidate]]]) -> dict[str, float]:
    """Share of first-level-division evidence per "CC.admin1" key."""
    votes: dict[str, float] = defaultdict(float)
    for _mention, candidates in usable:
        top = max(candidates, key=lambda c: prominence(c.place))
        if top.place.kind == "admin1" and top.name_kind != "demonym" and (key := _division_key(top.place)):
            votes[key] += 1.0
            continue
        keys = {_division_key(c.place) for c in candidates}
        if len(keys) == 1 and None not in keys:
            votes[next(iter(keys)) or ""] += 0.5
    total = sum(votes.values())
    return {key: n / total for key, n in votes.items()} if total else {}


def _anchor_points(usable: list[tuple[Mention, list[Candidate]]]) -> list[tuple[float, float]]:
    """Points of mentions that have exactly one point-like reading."""
    anchors = []
    for _mention, candidates in usable:
        points = [c.place for c in candidates if c.place.kind not in ("country", "continent", "sea", "region")]
        if len({p.id for p in points}) == 1:
            anchors.append((points[0].lat, points[0].lon))
    return anchors


def _containers(mention: Mention, text: str, lookup) -> set[str]:
    """Countries and divisions the text places this mention in: "Alexandria, Louisiana"."""
    match = _CONTAINER_AFTER.match(text[mention.end : mention.end + 60])
    if not match:
        return set()
    names = match.group(3).split()
    for width in range(len(names), 0, -1):
        candidates = lookup(" ".join(names[:width]))
        if candidates:
            return {c.place.country for c in candidates if c.place.country} | {
                f"{c.place.country}.{c.place.admin1}" for c in candidates if c.place.kind == "admin1"
            }
    return set()


def _score(
    candidate: Candidate,
    mention: Mention,
    text: str,
    focus: dict[str, float],
    divisions: dict[str, float],
    anchors: list[tuple[float, float]],
    containers: set[str],
) -> _Scored:
    place = candidate.place
    facility_next = bool(_FACILITY_WORDS.match(text[mention.end : mention.end + 30]))
    own_point = (place.lat, place.lon)
    distances = [_km(own_point, a) for a in anchors if a != own_point]
    nearest = min(distances, default=None)
    parts = {
        "prominence": prominence(place),
        "name_fit": _NAME_FIT[candidate.name_kind],
        "country_focus": focus.get(place.country or "", 0.0),
        "division_focus": divisions.get(_division_key(place) or "", 0.0),
        "nearness": 0.0 if nearest is None else max(0.0, 1.0 - nearest / 2000.0),
        "containment": float(
            bool(containers) and (place.country in containers or f"{place.country}.{place.admin1}" in containers)
        ),
        "facility_cue": float(facility_next and place.kind in _FACILITY_KINDS),
    }
    score = sum(WEIGHTS[name] * value for name, value in parts.items())
    return _Scored(candidate, score, parts)


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine, 6371 km sphere): geopy's is exact but slow in this loop."""
    p = math.pi / 180
    h = (
        math.sin((b[0] - a[0]) * p / 2) ** 2
        + math.cos(a[0] * p) * math.cos(b[0] * p) * math.sin((b[1] - a[1]) * p / 2) ** 2
    )
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))


def _role(mention: Mention, candidate: Candidate) -> MentionRole:
    if candidate.name_kind == "demonym":
        return "demonym"
    if candidate.place.kind in ("country", "city") and mention.dep in _ACTOR_DEPS:
        return "actor"
    return "location"


_PART_REASONS = {
    "country_focus": "the article is about {country}",
    "division_focus": "the article is about that state or province",
    "containment": "the text places it in {country}",
    "facility_cue": "the text calls it a base or airport",
    "nearness": "it lies near the other places named",
    "prominence": "it is the most prominent place of that name",
    "name_fit": "it is the place's own name",
}


def _reason(best: _Scored, runner_up: _Scored | None, focus: dict[str, float]) -> str:
    """One sentence: the candidate, what it beat, and the part of the score that decided."""
    place = best.candidate.place
    label = _label(place)
    if runner_up is None:
        return f"{label}: the only {'reading' if best.candidate.name_kind != 'demonym' else 'country'} of this name."
    margins = {k: WEIGHTS[k] * (best.parts[k] - runner_up.parts[k]) for k in WEIGHTS}
    decisive = max(margins, key=lambda k: margins[k])
    why = _PART_REASONS[decisive].format(country=place.country or "its region")
    return f"{label} over {_label(runner_up.candidate.place)}: {why}."


def _label(place: Place) -> str:
    where = f", {place.country}" if place.country and place.kind != "country" else ""
    return f"{place.name}{where} ({place.kind})"
