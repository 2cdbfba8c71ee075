"""Typed, immutable values that travel between the stages.

ingest -> Article, Passage; recognise -> Mention (with Candidates from the
gazetteer); resolve -> Resolution (a chosen Place, its runner-up and why);
attribute -> Actor, Claim; the pipeline bundles them into an Analysis.
The map's query side reads a MapFilter: which part of the store to show.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import KW_ONLY, dataclass, field
from typing import Literal

PassageKind = Literal["title", "paragraph", "metadata"]
# How a gazetteer name relates to its place: its own name, another name or
# spelling, an abbreviation ("UAE"), a demonym ("Libyan"), or the core of a
# facility's name without its generic word ("Mitiga" for "Mitiga Airport").
NameKind = Literal["name", "alternate", "abbreviation", "demonym", "short"]
PlaceKind = Literal[
    "continent",
    "region",
    "country",
    "admin1",
    "admin2",
    "city",
    "airport",
    "air base",
    "naval base",
    "port",
    "sea",
    "river",
    "lake",
    "island",
    "feature",
]
# Places the resolver reads as containers with a strong prior ("Mexico" the country, not a town
# named after it); "region" includes valleys, deserts, peninsulas, mountain ranges and historical
# or contested regions.
CONTAINER_KINDS: frozenset[str] = frozenset({"continent", "country", "admin1", "sea", "region"})
# Places that are areas or lines rather than points: the map draws them as labels, not pins. Rivers,
# lakes and islands are such areas but no containers: "Amazon" the company is not the river.
AREA_KINDS: frozenset[str] = CONTAINER_KINDS | {"river", "lake", "island"}
# A place mention names a location, a government that acts ("Moscow denied"),
# or a people/state by its demonym ("Turkish forces").
MentionRole = Literal["location", "actor", "demonym"]
# "armed force": a regular or national army; "armed group": militia, paramilitary, rebels.
ActorType = Literal["person", "organisation", "armed force", "armed group", "state", "media"]
Stance = Literal["asserts", "denies"]
# The speaker of a claim the article makes in its own voice, when its outlet is unknown.
NARRATOR = "the article"
# (south, west, north, east) in degrees; west > east crosses the antimeridian.
Bounds = tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of article text, [start, end) in Python str offsets."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Passage:
    """A paragraph (or the title, or a metadata line) with its sentences."""

    index: int
    start: int
    end: int
    kind: PassageKind
    sentences: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class Article:
    """Clean text plus what the ingest stage learnt about it."""

    id: str
    title: str
    text: str
    source: str | None = None
    url: str | None = None
    published: str | None = None  # ISO 8601 date or date-time
    # Where ``published`` came from: "html" (the page's metadata), "feed" (its feed entry), "record" (a
    # corpus line's "published"), "text" (a dateline in the text), or "ingested" (none: the time it was stored).
    published_source: str | None = None


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry. ``id`` is stable across index rebuilds."""

    id: str  # "gn:2210247", "icao:HLLM", "sup:al-watiya-air-base"
    name: str
    lat: float
    lon: float
    kind: PlaceKind
    country: str | None  # ISO 3166-1 alpha-2
    population: int = 0
    geonameid: str | None = None
    admin1: str | None = None
    source: str = ""


@dataclass(frozen=True, slots=True)
class Candidate:
    """A place the gazetteer offers for a name, and how the name matched."""

    place: Place
    name_kind: NameKind


@dataclass(frozen=True, slots=True)
class Mention:
    """A recognised name with its gazetteer candidates."""

    start: int
    end: int
    text: str
    label: str  # the spaCy entity label, or "GAZ" for a gazetteer phrase match
    candidates: tuple[Candidate, ...] = ()
    dep: str = ""  # dependency relation of the span's root ("nsubj", "poss", "amod", ...)
    head: str = ""  # lemma of the word the span's root attaches to ("forces", "deny", ...)


@dataclass(frozen=True, slots=True)
class Resolution:
    """A mention resolved to a place, with the runner-up and the reason."""

    mention: Mention
    place: Place
    score: float
    role: MentionRole
    reason: str
    runner_up: Place | None = None
    runner_up_score: float | None = None


@dataclass(frozen=True, slots=True)
class Actor:
    """A person, organisation, armed group, state or outlet, aliases merged."""

    id: str
    name: str
    type: ActorType
    mentions: tuple[Span, ...]
    place_id: str | None = None  # the country a state actor stands for


@dataclass(frozen=True, slots=True)
class Claim:
    """Who says what, asserting or denying, about which places.

    ``start``/``end``/``text`` are the content of the claim (not its cue or
    speaker). ``speaker`` is an actor id when the speaker is a known actor
    ("bloomberg"), else the phrase as written ("an informed source in the LNA"),
    or the narrator for narration (the source outlet's id, else "the article");
    ``speaker_text`` is the speaker's words in this sentence ("it" for a pronoun
    resolved to an earlier speaker, "" for narration) and ``speaker_actor`` the
    actor id when there is one. ``via`` is the relaying outlet (an actor id when
    known). ``passage`` is the index of the passage holding the claim.
    ``speaker_start``/``speaker_end`` and ``cue_start``/``cue_end`` are where the
    speaker and the cue are written (the speaker as written, possibly a pronoun or
    a role; for a quote that continues, those of the attribution it continues);
    None when the text has none (narration, a passive cue). ``internal`` marks a
    belief, wish or plan ("believes", "wants") rather than a statement.
    ``speaker_chain`` is how the speaker was resolved: the speaker as written, then
    each reference it was linked through ("he" -> "the president" -> "President X").
    """

    id: str
    start: int
    end: int
    text: str
    speaker: str
    via: str | None
    cue: str
    stance: Stance
    hedged: bool
    places: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    contradicts: tuple[str, ...] = ()
    speaker_text: str = ""
    speaker_actor: str | None = None
    narrated: bool = False
    passage: int = -1
    hedges: tuple[Span, ...] = ()
    speaker_start: int | None = None
    speaker_end: int | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    internal: bool = False
    speaker_chain: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything the pipeline learnt about one article."""

    article: Article
    passages: tuple[Passage, ...]
    resolutions: tuple[Resolution, ...]
    actors: tuple[Actor, ...]
    claims: tuple[Claim, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class MapFilter:
    """Which part of the store the map shows: the page's places and every export read the same one.

    ``article_ids``: the articles whose mentions count; None means every stored article.
    The other fields, given by keyword, narrow the mentions counted; an empty one narrows nothing:
    ``sources`` keeps articles of these outlets;
    ``actor_ids`` keeps mentions in passages that name one of the actors;
    ``speakers`` (as stored, an actor id or an actor's name) and ``stances`` keep
    places that a matching claim of the same article is about; ``since``/``until``
    (ISO dates, inclusive) keep articles published in the range; ``bounds`` keeps
    places inside (south, west, north, east), west > east crossing the antimeridian;
    ``statements_only`` keeps places that a statement of the same article is about (a claim
    that is not a belief, wish or plan: ``Claim.internal`` false), and narrows ``speakers``
    and ``stances`` to statements. Lists are accepted and kept as tuples, so a filter is hashable and cannot change.
    """

    article_ids: tuple[str, ...] | None = None
    _: KW_ONLY
    actor_ids: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    stances: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None
    bounds: Bounds | None = None
    statements_only: bool = False

    def __post_init__(self) -> None:
        # Callers hold lists (widget values, argparse); a frozen value sets its fields this way.
        if self.article_ids is not None:
            object.__setattr__(self, "article_ids", _strings(self.article_ids))
        for name in ("actor_ids", "speakers", "stances", "sources"):
            object.__setattr__(self, name, _strings(getattr(self, name)))


def _strings(values: Iterable[str]) -> tuple[str, ...]:
    if isinstance(values, str):  # a lone id would otherwise become a tuple of its characters
        raise TypeError(f"Expected a sequence of strings, not the string {values!r}.")
    return tuple(values)
