"""Resolve place mentions to gazetteer entries, reading the article as a whole.

One scoring function ranks every candidate of a mention (see ``_score``)::

    score = 0.30 * prominence      how large or important the place is (kind, population)
          + 0.15 * name_fit        its own name > abbreviation > other name > short facility name
          + 0.35 * country_focus   share of the article's country evidence that points at its country
          + 0.30 * division_focus  share of the article's state/province evidence that points at its division
          + 0.25 * containment     the text says "X, Y" or "X in Y" and Y contains the candidate
          + 0.20 * facility_cue    "X base" / "X airport" and the candidate is that kind of facility
          + 0.20 * coherence       fits the likely readings of the article's other names
          + 0.10 * home_region     share of the other names with a likely reading in its state/province

A town far less prominent than a namesake (``FAR_SMALLER``: London, Ohio against London) gets no
country or division focus unless the text names a town near it or places it in a container.
Country evidence comes from mentions that can only mean one country (a country
name, a demonym, a city with candidates in one country). Division evidence
likewise comes from mentions whose readings all lie in one first-level
division, or whose most important reading is that division itself ("Texas").
The last two parts come from a second pass. Every mention is first scored
without them; each name's best five first-pass readings are then weighted by
how close they came to winning (e^((score - best) / 0.05)). ``coherence`` is
the mean, over the other names, of their best weighted fit with the candidate
(closeness between points, 1 at the same point and 0 from 300 km; a point in a
state or province); ``home_region`` the share of names with a weighted reading
in the candidate's first-level division. So "Paris" beside "Henry County"
reads as Paris, Tennessee, the pair that fits, even where Tennessee is never
named and neither name wins alone.
The score a winner gets and the runner-up it beat are kept, with a sentence
that says why it won.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import NamedTuple

from geo.analysis.actors import ACTOR_NOUNS
from geo.analysis.recognise import SIEGE_VERBS, is_common_word
from geo.gazetteer import distance_km, normalize
from geo.gazetteer.names import prominence as place_prominence
from geo.types import AREA_KINDS, CONTAINER_KINDS, Candidate, Mention, MentionRole, Place, Resolution

WEIGHTS = {
    "prominence": 0.30,
    "name_fit": 0.15,
    "country_focus": 0.35,
    "division_focus": 0.30,
    "containment": 0.25,
    "facility_cue": 0.20,
    "coherence": 0.20,
    "home_region": 0.10,
}
_NAME_FIT = {"name": 1.0, "abbreviation": 0.9, "alternate": 0.7, "short": 0.5, "demonym": 0.0}
_FACILITY_KINDS = frozenset({"airport", "air base", "naval base", "port"})
_FACILITY_WORDS = re.compile(
    r"^\s+(air\s*base|airbase|air\s*field|airfield|airport|air\s+station|naval\s+base|base|port|harbou?r)\b",
    re.IGNORECASE,
)
_CONTAINER_AFTER = re.compile(
    r"^\s*(,|\bin\b|\bnear\b|\boutside\b|\bof\b)\s*(the\s+)?([A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*)*)"
)
# A month and a day or year: "May 24", "Sept. 3", "March 2024".
_DATE = re.compile(
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?\s+\d",
)
# The opening sentence of an article about a place says what it lies in: "Paris is a city in Lamar County",
# "Tripoli is the largest city of northern Lebanon", "Memphis was the capital of ancient Egypt".
_DEFINED_IN = re.compile(
    r"^\s+(?:is|was)\s+(?:(?:a|an|the)\s+)?(?:[\w-]+\s+){0,4}?"
    r"(?:city|town|village|hamlet|borough|township|suburb|community|municipality|port|capital|seat|valley|district"
    r"|county|province|region|state|island|settlement)\s+(?:in|of|on)\s+(?:the\s+)?(?:[a-z][\w-]*\s+){0,3}?"
    r"([A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*)*)"
)
# Syntactic slots where a country or capital acts rather than lies somewhere.
_ACTOR_DEPS = frozenset({"nsubj", "nsubjpass", "poss", "agent"})
# Labels under which a weak, obscure candidate is more likely a misreading than a place.
_NON_PLACE_LABELS = frozenset({"PERSON", "ORG", "NORP", "WORK_OF_ART", "PRODUCT", "EVENT", "LAW"})
MIN_SCORE = 0.30  # below this, a mention with a non-place label is left unresolved
MIN_SCORE_PLACE_LABEL = 0.15
MIN_FOCUS_FOR_NON_PLACE_LABELS = 0.2
MAJOR_CITY = 500_000  # a city this large is a place even where spaCy calls the name a person's


class _Scored(NamedTuple):
    """One reading's score and its parts (a tuple: thousands are made per article, cheaply)."""

    candidate: Candidate
    score: float
    parts: dict[str, float]
    anchored: bool = True  # False: a far smaller namesake with no named town near it (``FAR_SMALLER``)


def prominence(place: Place) -> float:
    """The one prior (``geo.gazetteer.names.prominence``) for a candidate."""
    return _prominence_of(place.kind, place.population)


# The resolver asks for the same few thousand (kind, population) pairs over and over.
_prominence_of = lru_cache(maxsize=65536)(place_prominence)


def _candidate_prominence(candidate: Candidate) -> float:
    """``prominence`` of a candidate's place (a sort or ``max`` key)."""
    place = candidate.place
    return _prominence_of(place.kind, place.population)


def resolve(
    mentions: Sequence[Mention], text: str, lookup, *, evidence: Sequence[Mention] = ()
) -> tuple[Resolution, ...]:
    """Resolve every mention (see ``ranked``): the best reading of each, if plausible, with the
    runner-up it beat and why."""
    resolutions = []
    rows = ranked(mentions, text, lookup, evidence=evidence)
    countries_of: dict[str, set[str | None]] = defaultdict(set)  # by name: the countries its winners lie in
    for mention, scored, _focus, _context in rows:
        countries_of[normalized_surface(mention.text)].add(scored[0].candidate.place.country)
    for mention, ranking, focus, context in rows:
        scored = _as_its_town(mention, ranking, countries_of, context.focus)
        if not scored:
            continue
        best = scored[0]
        if _namesake_lottery(mention, best, context.focus, focus) or not _plausible(mention, best, text, focus):
            continue
        runner_up = next((s for s in scored[1:] if s.candidate.place.id != best.candidate.place.id), None)
        resolutions.append(
            Resolution(
                mention=mention,
                place=best.candidate.place,
                score=round(best.score, 4),
                role=_role(mention, best.candidate, text),
                reason=_reason(best, runner_up, context.focus),
                runner_up=runner_up.candidate.place if runner_up else None,
                runner_up_score=round(runner_up.score, 4) if runner_up else None,
            )
        )
    return tuple(resolutions)


# "the Tripoli District", "Hama Governorate": a division named after a town the article also names.
_DIVISION_OF = re.compile(
    r"(?:the\s+)?(.+?)\s+(?:district|governorate|province|region|prefecture|department|municipality|oblast|county)",
    re.IGNORECASE,
)


def _as_its_town(
    mention: Mention, scored: list[_Scored], countries_of: dict[str, set[str | None]], focus: dict[str, float]
) -> list[_Scored]:
    """A division named after a town ("the Tripoli District" beside "Tripoli") lies in the country the
    article's town of that name was read in, where the article is about that country (``focus``: most
    of its country evidence): its best reading there first, or no reading where it has none there
    (Libya's Tripoli district is no marker in an article about Tripoli in Lebanon)."""
    match = _DIVISION_OF.fullmatch(mention.text)
    if match is None or scored[0].candidate.place.kind not in _DIVISION_KINDS:
        return scored
    countries = countries_of.get(normalized_surface(match.group(1)))
    if not countries or scored[0].candidate.place.country in countries:
        return scored
    if not any(focus.get(c or "", 0.0) >= CLEAR_FOCUS for c in countries):
        return scored
    there = [s for s in scored if s.candidate.place.country in countries]
    return [*there, *(s for s in scored if s.candidate.place.country not in countries)] if there else []


_DIVISION_KINDS = frozenset({"admin1", "admin2", "region"})
LOTTERY_TOWN = 100_000  # a town smaller than this, named alike in several countries, is a namesake lottery
CLEAR_FOCUS = 0.5  # share of the country evidence that makes the article another country's
LOTTERY_SHARE = 0.2  # at most this share of the evidence for the town's own country


def _namesake_lottery(mention: Mention, best: _Scored, focus: dict[str, float], others_focus: float = 1.0) -> bool:
    """Whether the winner is only the likeliest of far-flung small namesakes in an article about
    another country: a town (fewer than ``LOTTERY_TOWN`` people) whose name has readings in several
    countries, none placed by the text (no container, no base or airport), with no other named place
    within reach (no coherence), in a country that has little of the article's evidence while
    another has most of it ("Mina" in an article about Saudi Arabia: not Mina, Mexico; "Ehden" in one
    about Lebanon: not Eden, Australia, by another name). The index lacks the town meant; any
    reading would be a wrong marker. A name with readings in one country alone is such a lottery too where
    no other name of the article lies in that country (``others_focus``, their share of the evidence, is
    nil): "Tawila" in an article about Darfur is no village of Yemen, its only reading."""
    place = best.candidate.place
    if place.kind != "city" or place.population >= LOTTERY_TOWN:
        return False
    parts = best.parts
    if parts["containment"] or parts["coherence"] or parts["facility_cue"]:
        return False
    if len({c.place.country for c in mention.candidates}) < 2 and others_focus > 0.0:
        return False
    lead, share = max(focus.items(), key=lambda kv: kv[1], default=(None, 0.0))
    return lead != place.country and share >= CLEAR_FOCUS and focus.get(place.country or "", 0.0) < LOTTERY_SHARE


def ranked(
    mentions: Sequence[Mention], text: str, lookup, *, evidence: Sequence[Mention] = ()
) -> list[tuple[Mention, list[_Scored], float, _Context]]:
    """Every mention's readings, best first, with the other names' country focus on the best and the
    article's context; ``lookup(name)`` returns gazetteer candidates for a container name.

    ``evidence`` holds the article's other place mentions, read as evidence (country and
    division focus, coherence) but not resolved: with gold spans given, the rest of the
    article still speaks.

    Two passes: the first scores each mention against the article's unambiguous
    evidence; the second adds what the first pass's winners say about each other
    (``coherence``: how near the other resolved places lie, weighted by how sure
    each was, and the article's home region, the division most winners share).
    """
    wanted = {id(m) for m in mentions}
    starts = {m.start for m in (*mentions, *evidence)}
    # A name said again reads the same way where its surroundings do: filter its readings once.
    filtered: dict[tuple[str, int, str, str, bool, bool, float], list[Candidate]] = {}
    usable: list[tuple[Mention, list[Candidate]]] = []
    facility_of: dict[int, bool] = {}  # by mention: "base" or "airport" follows it
    for m in (*mentions, *evidence):
        if not m.candidates or _qualifies_next(m, text, starts):
            continue
        facility_next = facility_of[id(m)] = bool(_FACILITY_WORDS.match(text[m.end : m.end + 30]))
        after_town = _after_town(text, m.start)
        as_town = _used_as_town(m, text)
        same_readings = (m.text, len(m.candidates), m.candidates[0].place.id, m.candidates[-1].place.id)
        said_alike = (*same_readings, facility_next, after_town, as_town)
        if said_alike not in filtered:
            filtered[said_alike] = _usable_candidates(m, facility_next, after_town, as_town)
        usable.append((m, filtered[said_alike]))
    usable = [(m, cands) for m, cands in usable if cands]
    held = [_containers(m, text, lookup) for m, _ in usable]
    # A town the text places in a country or division where none of its readings lies is neither resolved
    # nor evidence; where some lie there ("named after Toledo in Spain"), only those are left.
    kept = [
        i for i, ((m, _), (box, area)) in enumerate(zip(usable, held, strict=True)) if not _held_elsewhere(m, box, area)
    ]
    usable = [(usable[i][0], _in_box(usable[i][0], usable[i][1], *held[i])) for i in kept]
    containers = [held[i][0] for i in kept]
    # One sense per article: "Mexico, Missouri" once places every later "Mexico" there too.
    said: dict[str, set[str]] = defaultdict(set)
    for (m, _), box in zip(usable, containers, strict=True):
        said[normalized_surface(m.text)] |= box
    containers = [box or said[normalized_surface(m.text)] for (m, _), box in zip(usable, containers, strict=True)]
    town_named = {normalized_surface(m.text) for m, _ in usable if _town_cue_before(text, m.start)}
    # Every town or county reading of every name, by division: the article's possible anchors.
    points: dict[str, list[tuple[str, Place]]] = defaultdict(list)
    anchored_names: set[tuple[str, int]] = set()
    for m, cands in usable:
        surface = normalized_surface(m.text)
        if (surface, id(cands)) in anchored_names:
            continue  # a name said again adds no anchor
        anchored_names.add((surface, id(cands)))
        for c in cands:
            if c.place.kind in _POINT_KINDS and (division := _division_key(c.place)):
                points[division].append((surface, c.place))
    usable = [(m, _state_said(m, cands, text)) for m, cands in usable]
    division_votes: dict[int, tuple[list[Candidate], tuple[str, float] | None]] = {}
    usable = _strong_priors(usable, containers, town_named, points, division_votes)

    # Country votes by name, so that a name's own votes can be set aside: no name is evidence for itself.
    own_votes: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    votes_of: dict[int, list[tuple[str, float]]] = {}  # by readings list: a name said again votes alike
    for m, cands in usable:
        if id(cands) not in votes_of:
            votes_of[id(cands)] = _country_vote(cands)
        for country, weight in votes_of[id(cands)]:
            own_votes[normalized_surface(m.text)][country] += weight
    all_votes: dict[str, float] = defaultdict(float)
    for by_country in own_votes.values():
        for country, weight in by_country.items():
            all_votes[country] += weight
    total_votes = sum(all_votes.values())

    def others_focus(surface: str, country: str | None) -> float:
        """The share of the other names' country evidence that points at ``country``."""
        own = own_votes.get(surface, {})
        total = total_votes - sum(own.values())
        return (all_votes.get(country or "", 0.0) - own.get(country or "", 0.0)) / total if total > 1e-9 else 0.0

    context = _Context(
        focus=_country_focus(usable, votes_of),
        divisions=_division_focus(usable, division_votes),
        winners=(),
        home={},
        points=points,
    )
    ranked: dict[tuple[str, frozenset[str], bool], list[_Scored]] = {}  # repeated names score once
    first = []
    for (m, cands), box in zip(usable, containers, strict=True):
        facility_next = facility_of[id(m)]
        same = (m.text, frozenset(box), facility_next)
        if same not in ranked:
            ranked[same] = _rank(m, cands, facility_next, context, box)
        first.append(ranked[same])
    readings: dict[tuple[str, str], _Winner] = {}  # a name said five times counts once
    weighed: set[int] = set()  # first-pass rankings already read (a shared one has the same name)
    for (m, _), scored in zip(usable, first, strict=True):
        if id(scored) in weighed:
            continue
        weighed.add(id(scored))
        surface = normalized_surface(m.text)
        for reading, weight in _readings(scored):
            key = (surface, reading.candidate.place.id)
            if key not in readings or readings[key].confidence < weight:
                readings[key] = _Winner(surface, reading.candidate.place, weight)
    winners = tuple(readings.values())
    context = _Context(
        context.focus, context.divisions, winners, _home_region(winners), points=context.points, fits=_Fits.of(winners)
    )
    out = []
    second: dict[int, list[_Scored]] = {}  # by the identity of the (shared) first-pass ranking
    for (mention, _), scored_first in zip(usable, first, strict=True):
        if id(mention) not in wanted:
            continue
        scored = second.get(id(scored_first)) or []
        if not scored:
            surface = normalized_surface(mention.text)
            # The second pass only adds (at most ``SECOND_PASS_GAIN``): a reading that cannot reach the
            # second-best first-pass score can be neither winner nor runner-up, and keeps its first score.
            floor = scored_first[1].score - SECOND_PASS_GAIN if len(scored_first) > 1 else 0.0
            scored = second[id(scored_first)] = sorted(
                (_second_pass(s, surface, context) if s.score >= floor else s for s in scored_first),
                key=_by_score,
            )
            scored = second[id(scored_first)] = _no_border_namesake(scored)
        focus = others_focus(normalized_surface(mention.text), scored[0].candidate.place.country)
        out.append((mention, scored, focus, context))
    return out


class _Winner(NamedTuple):
    surface: str
    place: Place
    confidence: float  # how close this reading came to winning its name (1 = the winner)


@dataclass(frozen=True, slots=True)
class _Context:
    """What the article as a whole says, for scoring each candidate."""

    focus: dict[str, float]
    divisions: dict[str, float]
    winners: tuple[_Winner, ...]  # first-pass choices, empty during the first pass
    home: dict[str, float]  # division key -> confidence-weighted share of first-pass winners
    memo: dict[tuple[str, str], float] = field(default_factory=dict)  # (place id, name) -> coherence
    points: dict[str, list[tuple[str, Place]]] = field(default_factory=dict)  # division -> (name, town reading)
    fits: _Fits | None = None  # the winners, sorted for ``_coherence`` (second pass)


# The project's one name normaliser, memoised: the resolver folds every mention's text, often the same.
normalized_surface = lru_cache(maxsize=65536)(normalize)


def _by_score(s: _Scored) -> tuple[float, float, str]:
    """Best first; among equal scores the more prominent (``parts["prominence"]`` is its prior)."""
    return (-s.score, -s.parts["prominence"], s.candidate.place.id)


def _rank(
    mention: Mention, candidates: list[Candidate], facility_next: bool, context: _Context, box: set[str]
) -> list[_Scored]:
    """A mention's readings, best first (``facility_next``: "base" or "airport" follows it)."""
    top = max(candidates, key=_candidate_prominence).place
    most = _prominence_of(top.kind, top.population)
    surface = normalized_surface(mention.text)
    return sorted(
        (_score(c, surface, facility_next, context, box, most, top) for c in candidates),
        key=_by_score,
    )


SECOND_PASS_GAIN = WEIGHTS["coherence"] + WEIGHTS["home_region"]  # the most the second pass adds
READINGS = 5  # first-pass readings of each name that the second pass weighs
READING_SPREAD = 0.05  # a reading this far below the best counts e^-1 as much


def _readings(scored: list[_Scored]) -> list[tuple[_Scored, float]]:
    """The best first-pass readings of a name, each weighted by how close it came to winning."""
    best = scored[0].score
    return [(s, math.exp((s.score - best) / READING_SPREAD)) for s in scored[:READINGS]]


_POINT_KINDS = frozenset(
    {"city", "admin2", "airport", "air base", "naval base", "port", "feature", "river", "lake", "island"}
)


_HOME_KINDS = _POINT_KINDS | {"admin1"}


def _home_region(winners: tuple[_Winner, ...]) -> dict[str, float]:
    """Per first-level division, the share of the article's names that have a likely reading there
    (each name counts once, with its likeliest reading in that division)."""
    best: dict[tuple[str, str], float] = {}
    names: set[str] = set()
    for w in winners:
        key = _division_key(w.place)
        names.add(w.surface)
        if key is None or w.place.kind not in _HOME_KINDS:
            continue
        best[(w.surface, key)] = max(best.get((w.surface, key), 0.0), w.confidence)
    votes: dict[str, float] = defaultdict(float)
    for (_surface, key), weight in best.items():
        votes[key] += weight
    return {k: v / len(names) for k, v in votes.items()} if names else {}


COHERENCE_KM = 300.0


_DEGREE_KM = 111.2  # km per degree of latitude: a cheap bound before the great circle


@dataclass(frozen=True, slots=True)
class _Fits:
    """The first-pass readings ``_coherence`` compares a candidate with, sorted by what they can fit."""

    names: frozenset[str]  # every other name counts in the mean, whatever its readings
    points: tuple[tuple[str, float, float, float], ...]  # (name, lat, lon, confidence) of towns, rivers, ...
    lats: tuple[float, ...]  # the points' latitudes, ascending (the points are in that order)
    states: tuple[tuple[str, str, float], ...]  # (name, division, confidence) of first-level divisions
    in_states: tuple[tuple[str, str, float], ...]  # (name, division, confidence) of points with a division

    @classmethod
    def of(cls, winners: tuple[_Winner, ...]) -> _Fits:
        points, states, in_states = [], [], []
        for w in winners:
            place = w.place
            if place.kind in _POINT_KINDS:
                points.append((w.surface, place.lat, place.lon, w.confidence))
                if (key := _division_key(place)) is not None:
                    in_states.append((w.surface, key, w.confidence))
            elif place.kind == "admin1" and (key := _division_key(place)) is not None:
                states.append((w.surface, key, w.confidence))
        points.sort(key=lambda p: p[1])  # by latitude: a candidate reads only the band within reach
        return cls(
            frozenset(w.surface for w in winners),
            tuple(points),
            tuple(p[1] for p in points),
            tuple(states),
            tuple(in_states),
        )


def _coherence(place: Place, surface: str, fits: _Fits, by_state: bool = True) -> float:
    """0..1: over the article's other names, the mean of how well their likely readings fit this
    place (each name's best fit, weighted by that reading's first-pass likelihood): closeness
    between points (1 at the same point, 0 from ``COHERENCE_KM`` on), containment between a
    point and a state or province; countries and seas do not count."""
    others = len(fits.names) - (surface in fits.names)
    if others <= 0:
        return 0.0
    best: dict[str, float] = {}
    division = _division_key(place)
    if place.kind in _POINT_KINDS:
        lat, lon = place.lat, place.lon
        lon_km = _DEGREE_KM * math.cos(math.radians(lat))
        reach = COHERENCE_KM / _DEGREE_KM
        lo, hi = bisect_left(fits.lats, lat - reach), bisect_right(fits.lats, lat + reach)
        for name, olat, olon, confidence in fits.points[lo:hi]:
            if name == surface or confidence <= best.get(name, 0.0):
                continue
            if abs(lat - olat) * _DEGREE_KM >= COHERENCE_KM:
                continue
            dlon = abs(lon - olon)
            if min(dlon, 360.0 - dlon) * lon_km >= COHERENCE_KM * 1.01:
                continue
            fit = 1.0 - distance_km(lat, lon, olat, olon) / COHERENCE_KM
            if fit > 0.0 and confidence * fit > best.get(name, 0.0):
                best[name] = confidence * fit
        pairs = fits.states if by_state and division is not None else ()
    elif place.kind == "admin1" and by_state and division is not None:
        pairs = fits.in_states
    else:
        return 0.0
    for name, key, confidence in pairs:
        if key == division and name != surface and confidence > best.get(name, 0.0):
            best[name] = confidence
    return sum(best.values()) / others


BORDER_NEAR = 0.2  # coherence (1 at the same point, 0 from 300 km) that makes a namesake near the others
BETTER_KNOWN = 0.05  # prominence by which a namesake is the better known (about 2.5 times the people)


def _no_border_namesake(scored: list[_Scored]) -> list[_Scored]:
    """Of two namesake towns that both lie near the article's other places, the better known one
    ("Vancouver" beside "Seattle": the city in British Columbia, not Vancouver, Washington): the
    country or state they share with the other places is a border, not evidence, so a smaller
    namesake that is no nearer the other places gets no more country, state or home-region lift
    than the better-known one."""
    best = scored[0]
    place = best.candidate.place
    if place.kind != "city" or best.candidate.name_kind != "name" or best.parts["coherence"] <= 0.0:
        return scored
    rivals = [
        s
        for s in scored[1:]
        if s.candidate.place.kind == "city"
        and s.candidate.name_kind == "name"
        and s.parts["coherence"] >= max(best.parts["coherence"], BORDER_NEAR)
        and prominence(s.candidate.place) >= prominence(place) + BETTER_KNOWN
    ]
    if not rivals:
        return scored
    rival = max(rivals, key=lambda s: prominence(s.candidate.place))
    capped = {k: min(best.parts[k], rival.parts[k]) for k in ("country_focus", "division_focus", "home_region")}
    parts = {**best.parts, **capped}
    again = _Scored(best.candidate, sum(WEIGHTS[k] * v for k, v in parts.items()), parts, best.anchored)
    ranked_again = sorted((again, *scored[1:]), key=_by_score)
    return ranked_again if ranked_again[0] is rival else scored


def _plausible(mention: Mention, best: _Scored, text: str, others_focus: float) -> bool:
    """Whether the winning reading is good enough to put on the map.

    spaCy's label is weak evidence, so a name it calls a person or an
    organisation still counts as a place, but only when the reading is an
    area (a river, lake or island by its own name), a major city, a facility
    the text calls one, or a place in a country the article is clearly about
    ("Misrata" labelled PERSON in a Libyan story, but not "Wagner" the South
    Dakota town in the same story). A name is evidence for its own country only
    where the text uses it as a place ("from Windhoek").
    """
    if best.candidate.name_kind == "demonym":
        return True
    if _lone_actor(mention, best, text, others_focus):
        return False
    if mention.label not in _NON_PLACE_LABELS:
        return best.score >= MIN_SCORE_PLACE_LABEL
    kind = best.candidate.place.kind
    if kind in AREA_KINDS and kind not in CONTAINER_KINDS and best.candidate.name_kind == "name":
        # A river, lake or island by its own name ("the Danube" that spaCy calls a person), not by
        # another name a firm may share ("Amazon" is no index name of the river).
        return True
    return best.score >= MIN_SCORE and (
        (kind in CONTAINER_KINDS and kind != "admin1")
        or (kind == "city" and best.candidate.place.population >= MAJOR_CITY)
        # "in Banja Luka", "near Rafah": a large town the text puts something in, whatever country leads
        or (
            kind == "city"
            and best.candidate.place.population >= LOTTERY_TOWN
            and _IN_BEFORE.search(text, max(0, mention.start - 12), mention.start) is not None
        )
        # "Hamilton, Ont.": a state or province after a town and a comma
        or (kind == "admin1" and _after_town(text, mention.start))
        or best.parts["facility_cue"] > 0
        or best.parts["containment"] > 0
        # The article's country: its other names, or the name's own readings where the text uses it as
        # a place ("from Windhoek"), not where it acts ("Delta cancelled flights": no Nigerian state).
        or (
            best.parts["country_focus"] >= MIN_FOCUS_FOR_NON_PLACE_LABELS
            and (
                others_focus >= MIN_FOCUS_FOR_NON_PLACE_LABELS
                or _used_as_place(mention, text)
                or (kind == "city" and _taken_as_place(mention, text))
            )
        )
    )


ACTING_TOWN = 100_000  # a town smaller than this that acts, with nothing else placing it, is a name


def _lone_actor(mention: Mention, best: _Scored, text: str, others_focus: float) -> bool:
    """A name that acts in its sentence (a subject or a possessor: "Titan signed the lease",
    "Jupiter's moons") and can only be a small town, in an article that says nothing else about
    where it is (no other name in its country, state or neighbourhood, no container, no "in X"):
    a firm, a person or a planet named like a town somewhere, not the town. Countries and large
    cities act in news ("China signed"); a town an article is about has its neighbours named."""
    place = best.candidate.place
    return (
        mention.dep in _ACTOR_DEPS
        and all(c.place.kind == "city" and c.place.population < ACTING_TOWN for c in mention.candidates)
        and others_focus == 0.0
        and best.parts["coherence"] == 0.0
        and best.parts["containment"] == 0.0
        and place.kind == "city"
        and not _used_as_place(mention, text)
        and not _PLACE_CUE_AFTER.match(text, _past_possessive(text, mention.end))
    )


def _past_possessive(text: str, end: int) -> int:
    """Where the words after a name start, past a possessive ("Greer's mayor")."""
    if text[end : end + 1] in ("'", "’"):
        end += 1 + (text[end + 1 : end + 2] == "s")
    return end


_IN_BEFORE = re.compile(r"\b(?:in|near|outside)\s+\Z")
_PLACE_CUE_BEFORE = re.compile(r"\b(?:in|near|outside|around|throughout|of|from|to|at|across)\s+(?:the\s+)?\Z")
# "Gainesville man", "Paris City Council", "Rock Hill-based", "COLUMBUS, Ohio": words after a name
# that make it a place.
_PLACE_CUE_AFTER = re.compile(
    r"(?:[ \t]+(?:man|woman|men|women|boy|girl|teen|couple|family|resident|residents|native|natives|area|city"
    r"|county|police|public|library|council|school|schools|mayor|officials)\b|-based\b|(?-i:,[ \t]+[A-Z]))",
    re.IGNORECASE,
)


def _used_as_place(mention: Mention, text: str) -> bool:
    """Whether the words around a name use it as a place: "from Windhoek", "a Gainesville man"."""
    return (
        _PLACE_CUE_BEFORE.search(text, max(0, mention.start - 12), mention.start) is not None
        or _PLACE_CUE_AFTER.match(text, mention.end) is not None
    )


# Verbs of war and flight whose object is a place ("attacked El Fasher", "shelled Kadugli", "fled Nyala"): the
# small model often calls such a town an organisation or a person. Not verbs a firm is as often the object of
# ("reached Toyota for comment", "left Google", "hit Boeing's shares").
_PLACE_OBJECT_VERBS = SIEGE_VERBS | frozenset("attack assault capture seize surround flee".split())
# A move on a place: "the assault on El Fasher", "advanced towards Nyala", "pushed into Wad Madani".
_PLACE_OBJECT_BEFORE = re.compile(
    r"\b(?:attacks?|assaults?|offensives?|sieges?|advance[sd]?|advancing|march(?:ed|es|ing)?|push(?:ed|es|ing)?"
    r"|clos(?:ed|es|ing) in|converg(?:ed|es|ing))\s+(?:on|upon|into|towards?)\s+(?:the\s+)?\Z",
    re.IGNORECASE,
)


def _taken_as_place(mention: Mention, text: str) -> bool:
    """Whether a war's or a flight's verb takes the name as its object, or a move goes on, into or towards it:
    "The RSF attacked El Fasher", "the army's advance on Nyala"."""
    return (mention.dep == "dobj" and mention.head in _PLACE_OBJECT_VERBS) or (
        _PLACE_OBJECT_BEFORE.search(text, max(0, mention.start - 30), mention.start) is not None
    )


# "Cairns, Qld": a town, a comma, then its state.
_AFTER_TOWN = re.compile(r"[A-Z][\w.'’-]*,[ \t]*$")
# "a town called China", "the village of Mexico": the text itself says a town is meant.
_TOWN_CUE_BEFORE = re.compile(
    r"\b(?:town|city|village|hamlet|township|borough|community|municipality)\s+(?:of|called|named)\s+$",
    re.IGNORECASE,
)
_AREA_NAME_KINDS = frozenset({"name", "abbreviation", "alternate"})


def _after_town(text: str, start: int) -> bool:
    """Whether a town and a comma come just before ``start`` (``_AFTER_TOWN`` in the 40 characters before)."""
    lo = max(0, start - 40)
    # The pattern ends in a comma and spaces or tabs, then the end (or a last newline): test that first.
    if start <= lo or text[start - 1] not in ", \t\n":
        return False
    window = text[lo:start]
    if window.endswith("\n"):
        window = window[:-1]
    if not window.rstrip(" \t").endswith(","):
        return False
    return _AFTER_TOWN.search(text, lo, start) is not None


# Words before a name that use it as a town's rather than a province's, surely ("near Haifa", "on the
# outskirts of Gao") or likely ("in Gao", "from Agadez"), and the later names of a list they open ("near
# Bosso and Diffa").
_LISTED_BEFORE = r"\s+(?:(?:[A-Z][\w'’-]*\s+){0,2}?[A-Z][\w'’-]*(?:,\s+|\s+(?:and|or)\s+)){0,3}\Z"
_TOWN_USE_BEFORE = re.compile(
    r"\b(?i:near|outside|towards?|(?:outskirts|centre|center|streets|heart|mayor)\s+of)" + _LISTED_BEFORE
)
_PLACE_USE_BEFORE = re.compile(r"\b(?i:in|at|from|between|via|into)" + _LISTED_BEFORE)
# Words after a name (or a list it opens) that make it the province's: "Diffa region", "Kaduna state",
# "Córdoba and Santa Fe provinces".
_DIVISION_AFTER = re.compile(
    r"(?:(?:,[ \t]+|[ \t]+(?:and|or)[ \t]+)[A-Z][\w'’-]*(?:[ \t]+[A-Z][\w'’-]*){0,2}){0,3}[ \t]+"
    r"(?i:region|province|state|governorate|department|district|prefecture|oblast|county|division)s?\b"
)
# An upper-case name opening a line and a dateline: "GAO, Mali, May 3 (Reuters) -", "HAIFA (AP) -".
_DATELINE_AFTER = re.compile(r"(?:,[ \t]+[A-Z]|[ \t]*\()")


def _used_as_town(mention: Mention, text: str) -> float:
    """How far the words around a name use it as a town's rather than as its province's: the most people
    the province may have, as a multiple of the town's, for the town to be meant. Surely (no bound) after
    "near" or "town of" and in a dateline; likely after "in" or "from" ("in Gao", not "from Quebec" with
    twelve times Quebec City's people); else ``SEAT_RATIO``; never before "region" or "province"."""
    start = mention.start
    if mention.text.isupper() and (start == 0 or text[start - 1] == "\n"):
        return math.inf if _DATELINE_AFTER.match(text, mention.end) else SEAT_RATIO
    if _DIVISION_AFTER.match(text, mention.end):
        return SEAT_RATIO
    lo = max(0, start - 80)
    if _TOWN_USE_BEFORE.search(text, lo, start) is not None or _town_cue_before(text, start):
        return math.inf
    return PLACE_USE_SEAT_RATIO if _PLACE_USE_BEFORE.search(text, lo, start) else SEAT_RATIO


def _town_cue_before(text: str, start: int) -> bool:
    """Whether the 40 characters before ``start`` end in "town of", "village called", ... (``_TOWN_CUE_BEFORE``)."""
    # The pattern ends in "of", "called" or "named" and white space: test that first.
    lo = max(0, start - 40)
    if _word_end_before(text, lo, start) not in ("f", "F", "d", "D"):
        return False
    return _TOWN_CUE_BEFORE.search(text[lo:start]) is not None


def _word_end_before(text: str, lo: int, start: int) -> str:
    """The last character before the white space that ends ``text[lo:start]``; "" where none ends it."""
    if start <= lo or not text[start - 1].isspace():
        return ""
    if start - 2 >= lo and not text[start - 2].isspace():
        return text[start - 2]  # one space: the usual case
    return text[lo:start].rstrip()[-1:]


STRONG_PRIOR_LIFT = 0.5  # division focus at which the article's own region may overrule a strong prior


def _strong_priors(
    usable: list[tuple[Mention, list[Candidate]]],
    containers: list[set[str]],
    town_named: set[str],
    points_in: dict[str, list[tuple[str, Place]]],
    division_votes: dict[int, tuple[list[Candidate], tuple[str, float] | None]] | None = None,
) -> list[tuple[Mention, list[Candidate]]]:
    """A country's, state's or province's own name means that division (or another division of
    that name: Georgia the country or the state), not a namesake town elsewhere, unless the text
    says otherwise:

    - it places the name in a container that holds a town reading ("Mexico, Missouri", said once
      for the whole article) or calls it a town ("a town called China");
    - the article is about the town's state or province (at least half of its division evidence),
      names another town that can lie within ``NEAR_KM`` of it, and no other name in it lies only in the
      division's country ("a Palestine man" beside Anderson County, Texas; not "Russia" in an
      article about Ohio that names no town near Russia, Ohio).

    Applies when the most important reading (the gazetteer's order) is such a division (or an ocean:
    "Pacific"); "Washington" stays open (the city comes first)."""
    divisions: dict[str, float] | None = None  # computed when first needed
    single_country: dict[str, int] = defaultdict(int)  # names whose readings all lie in one country
    own_country: dict[str, str] = {}
    # Where each name's most prominent town or division lies: sub-national evidence, counted per
    # country and per division (a name's own count is taken off when it is judged).
    local_of: dict[str, Place] = {}
    seen: set[tuple[str, int]] = set()
    for m, cands in usable:
        surface = normalized_surface(m.text)
        if (surface, id(cands)) in seen:
            continue  # the same name with the same readings (shared list): nothing new
        seen.add((surface, id(cands)))
        countries = {c.place.country for c in cands if c.place.country}
        if len(countries) == 1 and surface not in own_country:
            own_country[surface] = next(iter(countries))
            single_country[own_country[surface]] += 1
        top_place = max(cands, key=_candidate_prominence).place
        if top_place.kind in _POINT_KINDS or top_place.kind == "admin1":
            local_of[surface] = top_place
    local_countries: dict[str | None, int] = defaultdict(int)
    local_divisions: dict[str | None, int] = defaultdict(int)
    for place in local_of.values():
        local_countries[place.country] += 1
        local_divisions[_division_key(place)] += 1
    out = []
    for (mention, candidates), box in zip(usable, containers, strict=True):
        surface = normalized_surface(mention.text)
        mine = local_of.get(surface)

        def spoken_of(country: str | None, division: str | None = None, mine: Place | None = mine) -> bool:
            """Whether another name's likeliest reading lies in this country (or division)."""
            if division is not None:
                return local_divisions[division] - (mine is not None and _division_key(mine) == division) > 0
            return local_countries[country] - (mine is not None and mine.country == country) > 0

        candidates = _no_capital_namesake_state(candidates, spoken_of, box)
        # The most important reading, not counting a town's other names ("Victoria" for Hong Kong).
        top = next((c for c in candidates if c.name_kind != "alternate" or c.place.kind != "city"), candidates[0])
        if (
            top.place.kind not in CONTAINER_KINDS
            or top.name_kind not in _AREA_NAME_KINDS
            or surface in town_named
            or _minor_division(top, candidates)
        ):
            out.append((mention, candidates))
            continue
        towns = [c for c in candidates if c.place.kind not in CONTAINER_KINDS]
        if box and any(c.place.country in box or f"{c.place.country}.{c.place.admin1}" in box for c in towns):
            out.append((mention, candidates))
            continue
        # A state or province of another country needs the article to speak of that country's
        # towns or states: "Niger" beside "Nigeria" is the country, beside "Lagos" maybe the state.
        areas = [
            c
            for c in candidates
            if c.place.kind in CONTAINER_KINDS
            and c.name_kind in _AREA_NAME_KINDS
            and (c.place.kind != "admin1" or c.place.country == top.place.country or spoken_of(c.place.country))
        ]
        top_country = top.place.country
        supported = (
            single_country.get(top_country or "", 0) - (own_country.get(surface) == top_country) > 0
            if top_country
            else False
        )
        if towns and divisions is None:
            divisions = _division_focus(usable, division_votes)
        local = [
            c
            for c in towns
            if divisions
            and divisions.get(_division_key(c.place) or "", 0.0) >= STRONG_PRIOR_LIFT
            and any(s != surface and _near(c.place, p) for s, p in points_in.get(_division_key(c.place) or "", ()))
        ]
        out.append((mention, areas + local if local and not supported else areas))
    return out


def _minor_division(top: Candidate, candidates: list[Candidate]) -> bool:
    """Whether the most important reading is a first-level division that a careful reader does not know
    better than a namesake town abroad: one with fewer people than that town ("Hanover" the parish of
    Jamaica beside Hanover, Maryland; "Manchester" and "Portland" in Jamaica; Mozambique's Gaza). Such a
    name gets no strong prior: the scoring decides. (Yukon, with a fifth more people than Yukon,
    Oklahoma in this index's town sums, keeps it.)"""
    if top.place.kind != "admin1":
        return False
    bar = top.place.population
    return any(
        c.place.kind == "city"
        and c.name_kind == "name"
        and c.place.country != top.place.country
        and c.place.population > bar
        for c in candidates
    )


NEAR_KM = 60.0  # another named town this close makes a namesake town the article's own


def _near(place: Place, other: Place) -> bool:
    return (
        abs(place.lat - other.lat) * _DEGREE_KM < NEAR_KM
        and abs(place.lon - other.lon) * _DEGREE_KM * math.cos(math.radians(place.lat)) < NEAR_KM * 1.01
        and distance_km(place.lat, place.lon, other.lat, other.lon) < NEAR_KM
    )


# "Washington state", "the state of New York": the text itself says the state is meant.
_STATE_AFTER = re.compile(r"\s+state\b")
_STATE_BEFORE = re.compile(r"\bstate\s+of\s+$", re.IGNORECASE)


def _state_before(text: str, start: int) -> bool:
    """Whether "state of" ends the 20 characters before ``start`` (``_STATE_BEFORE``)."""
    lo = max(0, start - 20)
    # The pattern ends in "of" and white space: test that first.
    if _word_end_before(text, lo, start) not in ("f", "F"):
        return False
    return _STATE_BEFORE.search(text, lo, start) is not None


def _state_said(mention: Mention, candidates: list[Candidate], text: str) -> list[Candidate]:
    """Only the first-level division readings of a name the text calls a state ("a Washington state farm",
    "in the state of Washington"), unless the name is a country's own ("Mexico state oil company")."""
    if not (_STATE_AFTER.match(text, mention.end) or _state_before(text, mention.start)):
        return candidates
    if any(c.place.kind == "country" and c.name_kind == "name" for c in candidates):
        return candidates
    states = [c for c in candidates if c.place.kind == "admin1"]
    return states or candidates


def _no_capital_namesake_state(
    candidates: list[Candidate], spoken_of: Callable[..., bool], containers: set[str]
) -> list[Candidate]:
    """A state named like a more important city of its country that lies outside it is that city
    ("Washington": the capital, not the state) unless the article speaks of the state's towns
    ("Seattle") or the text places it in a container."""
    if containers or not any(c.place.kind == "admin1" for c in candidates):
        return candidates
    kept = []
    for i, c in enumerate(candidates):
        state = c.place
        if (
            state.kind == "admin1"
            and any(
                x.place.kind == "city" and x.place.country == state.country and x.place.admin1 != state.admin1
                for x in candidates[:i]
            )
            and not spoken_of(state.country, _division_key(state))
        ):
            continue
        kept.append(c)
    # Nothing dropped: the same list, so that a name said again keeps sharing its readings.
    return kept if kept and len(kept) < len(candidates) else candidates


def _usable_candidates(
    mention: Mention, facility_next: bool, after_town: bool, as_town: float = 0.0
) -> list[Candidate]:
    """Drop readings the surface text rules out (``facility_next``: "base" or "airport" follows;
    ``after_town``: a town and a comma come just before; ``as_town``: the words around use the name as
    a town's, ``_used_as_town``)."""
    kept = []
    for candidate in mention.candidates:
        if candidate.name_kind == "abbreviation" and not (_looks_like_abbreviation(mention.text) or after_town):
            continue  # "us" the pronoun is not the United States; "Cairns, Qld" is Queensland
        if candidate.name_kind == "short" and not facility_next:
            continue  # "Wagner" alone is not Wagner airport; "Mitiga base" is Mitiga airport
        if (
            candidate.name_kind == "alternate"
            and candidate.place.kind == "city"
            and candidate.place.population < LOTTERY_TOWN
            and _common_phrase(mention.text)
        ):
            continue  # "Old Town" (of Alexandria) is not Winchester, Virginia, though Winchester is called so
        kept.append(candidate)
    kept = [c for c in kept if not _seat_named(c, kept, as_town)]
    demonyms = [c for c in kept if c.name_kind == "demonym"]
    # A demonym reading wins outright: "Turkish" is never a town called Turkish.
    if demonyms:
        return demonyms
    if _clipped(mention.text):
        # "Mo.", "Alta.": a clipped word is a state's or province's abbreviation, not a town named Mo.
        areas = [c for c in kept if c.place.kind in CONTAINER_KINDS and c.name_kind != "name"]
        if areas:
            return areas
    return _no_far_alternates(kept)


def _qualifies_next(mention: Mention, text: str, starts: set[int]) -> bool:
    """Common words right before another place's name ("Old Town Alexandria"): a part of that place,
    not a place of their own."""
    return text[mention.end : mention.end + 1] == " " and mention.end + 1 in starts and _common_phrase(mention.text)


def _common_phrase(surface: str) -> bool:
    """Two or more words, each common in English ("Old Town", "Holy City"): a description that many
    places share, not evidence for the one place that the index also calls so. An abbreviation
    ("St. Paris", "Mt. Pleasant") makes a name."""
    words = surface.split()
    return len(words) > 1 and all(w.isalpha() and is_common_word(w) for w in words)


ALTERNATE_MARGIN = 0.25


def _no_far_alternates(candidates: list[Candidate]) -> list[Candidate]:
    """Another name of a place (a translation, an old or colloquial name) never beats, on its own,
    the own name of a far more important place: "Mexico" is not Mexico City's other name when it is
    a country's, "Egypt" not a town in Arizona once called so."""
    if not any(c.name_kind == "alternate" for c in candidates):
        return candidates
    exact = max(
        (
            _prominence_of(c.place.kind, c.place.population)
            for c in candidates
            if c.name_kind in ("name", "abbreviation")
        ),
        default=None,
    )
    if exact is None:
        return candidates
    return [
        c
        for c in candidates
        if c.name_kind != "alternate" or _prominence_of(c.place.kind, c.place.population) + ALTERNATE_MARGIN > exact
    ]


def _clipped(surface: str) -> bool:
    """A word cut short with a full stop, as AP and Canadian abbreviations are: "Mass.", "Alta."."""
    return surface.endswith(".") and surface.count(".") == 1 and surface[:1].isupper() and len(surface) <= 6


SEAT_RATIO = 1.5
PLACE_USE_SEAT_RATIO = 5.0  # "in Gao": the town, where its province has at most five times its people


def _seat_named(candidate: Candidate, others: list[Candidate], as_town: float = 0.0) -> bool:
    """A division named after a town inside it reads as the town ("Tripoli" the
    city, not the district around it) unless the division has clearly more
    people than the town (New York state against New York City) and the text does not use the name
    as a town's (``as_town``: "near Gao", "the town of Diffa", a dateline's "HAIFA, Israel")."""
    div = candidate.place
    if div.kind not in ("admin1", "admin2"):
        return False
    return any(
        o.place.kind == "city"
        and o.name_kind == "name"  # Santa Cruz de la Sierra, called "Santa Cruz", leaves the department its name
        and o.place.country == div.country
        and o.place.admin1 == div.admin1
        and o.place.population * max(SEAT_RATIO, as_town) >= div.population
        for o in others
    )


def _looks_like_abbreviation(surface: str) -> bool:
    """Capitals ("UAE", "N.Y.") or a dotted form ("Mass.", "W.Va."); not "us" the pronoun, not "Man"."""
    letters = [ch for ch in surface if ch.isalpha()]
    return bool(letters) and (all(ch.isupper() for ch in letters) or ("." in surface and letters[0].isupper()))


def _country_vote(candidates: list[Candidate]) -> list[tuple[str, float]]:
    """A name's vote for a country: 1 for a country's name, 0.5 for a name whose readings all lie in one."""
    countries = {c.place.country for c in candidates if c.place.country}
    if len(countries) != 1:
        return []
    (country,) = countries
    return [(country, 1.0 if any(c.place.kind == "country" for c in candidates) else 0.5)]


def _country_focus(
    usable: list[tuple[Mention, list[Candidate]]], votes_of: dict[int, list[tuple[str, float]]] | None = None
) -> dict[str, float]:
    """Share of unambiguous country evidence per ISO country code (``votes_of``: each readings list's
    ``_country_vote``, by the list's identity, where already computed)."""
    votes: dict[str, float] = defaultdict(float)
    for _mention, candidates in usable:
        known = votes_of.get(id(candidates)) if votes_of is not None else None
        for country, weight in known if known is not None else _country_vote(candidates):
            votes[country] += weight
    total = sum(votes.values())
    return {country: n / total for country, n in votes.items()} if total else {}


def _division_key(place: Place) -> str | None:
    return f"{place.country}.{place.admin1}" if place.country and place.admin1 else None


def _division_vote(candidates: list[Candidate]) -> tuple[str, float] | None:
    """A name's vote for a first-level division: 1 when its most important reading is the division
    itself ("Texas"), 0.5 when all its readings lie in one."""
    top = max(candidates, key=_candidate_prominence)
    if top.place.kind == "admin1" and top.name_kind != "demonym" and (key := _division_key(top.place)):
        return key, 1.0
    keys = {f"{p.country}.{p.admin1}" if p.country and p.admin1 else None for p in [c.place for c in candidates]}
    if len(keys) == 1 and None not in keys:
        return next(iter(keys)) or "", 0.5
    return None


def _division_focus(
    usable: list[tuple[Mention, list[Candidate]]],
    vote_of: dict[int, tuple[list[Candidate], tuple[str, float] | None]] | None = None,
) -> dict[str, float]:
    """Share of first-level-division evidence per "CC.admin1" key (``vote_of``: each readings list's
    ``_division_vote`` by the list's identity, kept with the list so that the identity stays its own,
    shared between calls)."""
    votes: dict[str, float] = defaultdict(float)
    if vote_of is None:
        vote_of = {}  # by readings list: a repeated name votes alike
    for _mention, candidates in usable:
        known = vote_of.get(id(candidates))
        if known is None:
            known = vote_of[id(candidates)] = (candidates, _division_vote(candidates))
        if (vote := known[1]) is not None:
            votes[vote[0]] += vote[1]
    total = sum(votes.values())
    return {key: n / total for key, n in votes.items()} if total else {}


def _containers(mention: Mention, text: str, lookup) -> tuple[set[str], bool]:
    """Countries and divisions the text places this mention in: "Alexandria, Louisiana", "Lebanon is a
    city in Grafton County"; and whether that container surely is a country or division (``_in_box``)."""
    match = _CONTAINER_AFTER.match(text[mention.end : mention.end + 60])
    weak = False  # the container may be something else: an apposition or the next name of a list
    if match and _DATE.match(text, mention.end + match.start(3)):
        return set(), False  # "DAMASCUS, May 24 (Reuters)", "in March 2024": a date, not May, Texas
    if match:
        names = match.group(3).split()
        # "Santa Ana, the Santa Ana Unified School District": after a comma, "the" opens an apposition;
        # "New York City, Long Island", "Sharon, Cornwall and Salisbury": the next name of a list, where
        # the name has readings in one country alone or the list goes on.
        weak = match.group(1) == "," and (
            bool(match.group(2))
            or len({c.place.country for c in mention.candidates}) < 2
            or _LIST_GOES_ON.match(text, mention.end + match.end()) is not None
        )
    elif defined := _DEFINED_IN.match(text[mention.end : mention.end + 120]):
        names = defined.group(1).split()
    else:
        return set(), False
    for width in range(len(names), 0, -1):
        # Not a facility's short name ("Old" for an aerodrome in "Egypt in the Old Kingdom").
        candidates = [c for c in lookup(" ".join(names[:width])) if c.name_kind not in ("short", "demonym")]
        if candidates:
            # "in Egypt" is the country, not a town of that name in Pennsylvania: a name with a reading that
            # can hold a town is read as one.
            areas = [c for c in candidates if c.place.kind in _HOLDERS]
            box = {c.place.country for c in areas or candidates if c.place.country} | {
                f"{c.place.country}.{c.place.admin1}" for c in candidates if c.place.kind == "admin1"
            }
            # Read as a country or division only where that is the name's most important reading
            # (not "Long Island" for a district of the Bahamas).
            return box, candidates[0].place.kind in _HOLDERS and not weak
    return set(), False


def _in_box(mention: Mention, candidates: list[Candidate], box: set[str], area: bool) -> list[Candidate]:
    """The readings of a town that lie in the country or division the text places it in (``area``: the
    container is read as a country or division; all of them where it places it nowhere, or where none
    lies there); the same list where nothing is left out."""
    if not (box and area and _town_name(mention)):
        return candidates
    inside = [c for c in candidates if c.place.country in box or f"{c.place.country}.{c.place.admin1}" in box]
    return inside if inside and len(inside) < len(candidates) else candidates


# "Sharon, Cornwall and Salisbury": the name after the comma is the next of a list.
_LIST_GOES_ON = re.compile(r",?\s+(?:and|or)\s+[A-Z]")
_HOLDERS = frozenset({"country", "admin1", "admin2", "region"})  # kinds of place a town lies in ("England")


def _held_elsewhere(mention: Mention, box: set[str], area: bool) -> bool:
    """Whether the text places a town's name in a country or division (``box``, from its own words;
    ``area``: the container read as one) that none of its readings lies in: "Memphis was the capital of
    ancient Egypt" where the index knows only the Memphis of Tennessee. The right place is missing; any
    reading would be a wrong marker. (A country or state in a list, "Greece, Bulgaria", is no town.)"""
    return (
        bool(box)
        and area
        and _town_name(mention)
        and not any(c.place.country in box or f"{c.place.country}.{c.place.admin1}" in box for c in mention.candidates)
    )


def _town_name(mention: Mention) -> bool:
    """Whether the name's most important reading is no country, state, sea or region."""
    return bool(mention.candidates) and mention.candidates[0].place.kind not in CONTAINER_KINDS


# A town this much less prominent than a namesake (about a hundred times fewer people: London,
# Ohio against London) needs a named town near it or a container in the text; the article's
# country or state alone does not lift it.
FAR_SMALLER = 0.25


def _score(
    candidate: Candidate,
    surface: str,
    facility_next: bool,
    context: _Context,
    containers: set[str],
    most: float = 0.0,
    top: Place | None = None,
) -> _Scored:
    """A candidate's first-pass score; ``surface`` is the mention's normalised text, ``facility_next``
    whether "base" or "airport" follows it; ``most`` the prominence of its most prominent reading, ``top``."""
    place = candidate.place
    country_code, admin1 = place.country, place.admin1
    key = f"{country_code}.{admin1}" if country_code and admin1 else ""  # ``_division_key``
    own = _prominence_of(place.kind, place.population)
    in_box = bool(containers) and (country_code in containers or f"{country_code}.{admin1}" in containers)
    facility = float(facility_next and place.kind in _FACILITY_KINDS)
    unanchored = (
        place.kind in _POINT_KINDS
        # "Hodeidah airport": the text names the facility beside the far larger town, not a namesake far off
        and not (facility and top is not None and _near(place, top))
        and own + FAR_SMALLER <= most
        and not in_box
        and not any(s != surface and _near(place, p) for s, p in context.points.get(key, ()))
    )
    fit = _NAME_FIT[candidate.name_kind]
    country = 0.0 if unanchored else context.focus.get(country_code or "", 0.0)
    division = 0.0 if unanchored else context.divisions.get(key, 0.0)
    contained = float(in_box)
    parts = {
        "prominence": own,
        "name_fit": fit,
        "country_focus": country,
        "division_focus": division,
        "containment": contained,
        "facility_cue": facility,
        "coherence": 0.0,  # second pass (``_second_pass``)
        "home_region": 0.0,
    }
    # The weighted sum of ``parts`` in their order (the first pass's coherence and home region are 0).
    score = (
        _W_PROMINENCE * own
        + _W_NAME_FIT * fit
        + _W_COUNTRY * country
        + _W_DIVISION * division
        + _W_CONTAINMENT * contained
        + _W_FACILITY * facility
    )
    return _new_scored((candidate, score, parts, not unanchored))


_W_PROMINENCE, _W_NAME_FIT, _W_COUNTRY, _W_DIVISION = (
    WEIGHTS["prominence"],
    WEIGHTS["name_fit"],
    WEIGHTS["country_focus"],
    WEIGHTS["division_focus"],
)
_W_CONTAINMENT, _W_FACILITY = WEIGHTS["containment"], WEIGHTS["facility_cue"]
_W_COHERENCE, _W_HOME = WEIGHTS["coherence"], WEIGHTS["home_region"]
# A ``_Scored`` from its four fields, without the named tuple's Python-level ``__new__`` or ``_make``.
_new_scored: Callable[[tuple[Candidate, float, dict[str, float], bool]], _Scored] = partial(tuple.__new__, _Scored)


def _second_pass(first: _Scored, surface: str, context: _Context) -> _Scored:
    """The first-pass score plus what the other names' first-pass readings say."""
    place = first.candidate.place
    memo_key = (place.id, surface)
    coherence = context.memo.get(memo_key)
    if coherence is None:
        assert context.fits is not None, "the second pass reads the first pass's readings"
        coherence = context.memo[memo_key] = _coherence(place, surface, context.fits, first.anchored)
    # The state a far smaller namesake lies in is no evidence for it (London, Ohio in an Ohio story).
    if first.anchored:
        home = context.home.get(f"{place.country}.{place.admin1}" if place.country and place.admin1 else "", 0.0)
    else:
        home = 0.0
    parts = first.parts.copy()
    parts["coherence"] = coherence
    parts["home_region"] = home
    score = first.score + _W_COHERENCE * coherence + _W_HOME * home
    return _new_scored((first.candidate, score, parts, first.anchored))


def _role(mention: Mention, candidate: Candidate, text: str) -> MentionRole:
    if candidate.name_kind == "demonym":
        return "demonym" if _nationality(mention, text) else "location"
    if candidate.place.kind in ("country", "city") and mention.dep in _ACTOR_DEPS:
        return "actor"
    return "location"


# A demonym's syntactic slots as a modifier: "Canadian officials", "the Sri Lankan government army".
_MODIFIER_DEPS = frozenset({"amod", "compound", "nmod"})


def _nationality(mention: Mention, text: str) -> bool:
    """A demonym that says who people are, not where something is: it modifies a noun through which
    a state acts ("Canadian officials", "the Iraqi government", "Russian troops": the country is an
    actor, recorded as such by ``geo.analysis.actors``), or it names a language ("spoke French").
    Other demonyms ("the Egyptian economy", "Russian missiles", "the Georgian-controlled village")
    are place mentions of their country, pinned there."""
    if mention.label == "LANGUAGE":
        return True
    if mention.dep in _MODIFIER_DEPS and mention.head.lower() in ACTOR_NOUNS:
        return True
    # The parse may attach it elsewhere ("Italian and British forces"): the next lower-case word.
    following = _NEXT_WORD.match(text, mention.end)
    return following is not None and following.group(1) in ACTOR_NOUNS


_NEXT_WORD = re.compile(r"[\s\w-]{0,30}?\b([a-z]+)\b")


_PART_REASONS = {
    "country_focus": "the article is about {country}",
    "division_focus": "the article is about that state or province",
    "containment": "the text places it in {country}",
    "facility_cue": "the text calls it a base or airport",
    "prominence": "it is the most prominent place of that name",
    "name_fit": "it is the place's own name",
    "coherence": "it lies near the places the rest of the article resolves to",
    "home_region": "the article's other places are in that state or province",
}


def _reason(best: _Scored, runner_up: _Scored | None, focus: dict[str, float]) -> str:
    """One sentence: the candidate, what it beat, and the part of the score that decided."""
    place = best.candidate.place
    label = _label(place)
    if runner_up is None:
        return f"{label}: the only {'reading' if best.candidate.name_kind != 'demonym' else 'country'} of this name."
    # The part with the largest weighted margin (the first such in ``WEIGHTS``' order).
    ours, theirs = best.parts, runner_up.parts
    decisive, widest = "", 0.0
    for k, weight in WEIGHTS.items():
        margin = weight * (ours[k] - theirs[k])
        if not decisive or margin > widest:
            decisive, widest = k, margin
    why = _PART_REASONS[decisive].format(country=place.country or "its region")
    return f"{label} over {_label(runner_up.candidate.place)}: {why}."


def _label(place: Place) -> str:
    where = f", {place.country}" if place.country and place.kind != "country" else ""
    return f"{place.name}{where} ({place.kind})"
