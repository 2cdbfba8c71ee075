"""The shapes the map, the place panel and the exports share, built from the store's frames.

One function per shape, each used by the page (app.py), the map (``geo.view.map``) and the
exports alike, so that the three cannot drift apart:

- ``place_stances``: how the claims about each place stand (asserted, denied, contested);
- ``map_frames``: the places a filter puts on the map with their stance, and the claims the
  per-speaker layers draw (``layer_claims``);
- ``claim_layers``: one layer per speaker, the places they make claims about;
- ``panel_passages``: the passages that name a place, each with its highlights and its claims,
  and the sentences round the place that the panel shows before a reader asks for the whole;
- ``both_sides``: the claims about a contested place, each with the claims it contradicts.

Plain data out (DataFrames, frozen dataclasses, stance words): colours, sizes and HTML are the
view's (``geo.view.style``, ``geo.view.panel``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from geo.analysis.passages import sentences
from geo.types import Bounds, MapFilter

if TYPE_CHECKING:
    from geo.store import Store

MAX_CLAIM_LAYERS = 12  # speakers with the most claims get a layer each; more would crowd the layer control
CLAIM_EXCERPT_CHARS = 110  # the passage shows the whole text; a claim line or tooltip names it briefly
CONTEXT_SENTENCES = 1  # sentences kept either side of the place's own when a passage is trimmed
COORDINATE_DECIMALS = 5  # sent to the browser: about a metre
STANCE_VERBS = {"asserted": "asserts", "denied": "denies", "contested": "asserts and denies"}


def place_stances(claims: pd.DataFrame) -> dict[str, str]:
    """How the claims about each place stand: ``asserted``, ``denied`` or ``contested``.

    A place is contested when claims about it take both stances, or when a claim
    about it contradicts another claim (the ``contradicts`` column, when present).
    """
    with_place = claims[claims["place_id"].notna()] if not claims.empty else claims
    if with_place.empty:
        return {}
    linked = with_place["contradicts"].map(bool) if "contradicts" in with_place else False
    said = (
        with_place.assign(
            asserts=with_place["stance"] == "asserts", denies=with_place["stance"] == "denies", linked=linked
        )
        .groupby("place_id")
        .agg(asserts=("asserts", "any"), denies=("denies", "any"), linked=("linked", "any"))
    )
    return {
        str(place_id): "contested" if row.linked else stance_of(row.asserts, row.denies)
        for place_id, row in zip(said.index, said.itertuples(index=False), strict=True)
    }


def stance_of(asserts: bool, denies: bool) -> str:
    """How claims that assert and/or deny something about a place read on the map."""
    if asserts and denies:
        return "contested"
    return "denied" if denies else "asserted"


def with_stance(places: pd.DataFrame, claims: pd.DataFrame) -> pd.DataFrame:
    """``places`` with the stance column the map colours markers by (``place_stances`` of ``claims``)."""
    stances = place_stances(claims)
    return places.assign(stance=[stances.get(place_id) for place_id in places["id"]])


def layer_claims(store: Store, shown: MapFilter, every_claim: pd.DataFrame) -> pd.DataFrame:
    """The claims the map's per-speaker layers draw: ``every_claim`` of the articles, narrowed
    by the filter's speakers and stances as the places are."""
    if not (shown.speakers or shown.stances):
        return every_claim
    return store.claims(shown, speakers=shown.speakers, stances=shown.stances, with_passages=False)


@dataclass(frozen=True, slots=True)
class MapFrames:
    """What one filter puts on the map."""

    places: pd.DataFrame  # Store.places plus ``stance``
    claims: pd.DataFrame  # every claim of the articles (stances are read over all of them)
    layer_claims: pd.DataFrame  # the claims the per-speaker layers draw

    def stance(self, place_id: str) -> str | None:
        found = self.places.loc[self.places["id"] == place_id, "stance"]
        return None if found.empty or pd.isna(found.iloc[0]) else str(found.iloc[0])


def map_frames(
    store: Store,
    shown: MapFilter,
    *,
    with_article_ids: bool = False,
    zoom: int | None = None,
    around: Bounds | None = None,
    max_places: int | None = None,
) -> MapFrames:
    """The places ``shown`` puts on the map, their stances and the claims layers' claims.

    With ``max_places`` (and the map's ``zoom`` and viewport ``around``), more places than that come
    as the store's grid cells (``Store.viewport``), so the map never holds more features.
    """
    every_claim = store.claims(shown, with_passages=False)
    if max_places is not None and zoom is not None:
        found = store.viewport(shown, zoom, max_places=max_places, around=around)
    else:
        found = store.places(shown, with_article_ids=with_article_ids)
    places = with_stance(found, every_claim)
    return MapFrames(places, every_claim, layer_claims(store, shown, every_claim))


@dataclass(frozen=True, slots=True)
class ClaimRing:
    """One place a speaker makes claims about."""

    lat: float
    lon: float
    stance: str  # asserted, denied or contested (the same speaker both asserts and denies)
    tooltip: str  # plain text: the map shows it as a text node


@dataclass(frozen=True, slots=True)
class ClaimLayer:
    """What one speaker claims about the places on the map."""

    speaker: str
    claims: int
    rings: tuple[ClaimRing, ...]


def claim_layers(claims: pd.DataFrame, places: pd.DataFrame, limit: int = MAX_CLAIM_LAYERS) -> list[ClaimLayer]:
    """One layer per speaker (most claims first, at most ``limit``): the shown places they make claims about.

    A place's ring takes the speaker's stance there: asserted, denied, or
    contested when the same speaker does both.
    """
    about = claims.loc[
        claims["place_id"].isin(places["id"]) & claims["speaker"].notna(),
        ["article_id", "claim_id", "speaker", "place_id", "stance", "text"],
    ]
    if about.empty:
        return []
    about = about.assign(claim=about["article_id"] + "/" + about["claim_id"])
    counts = about.groupby("speaker")["claim"].nunique()
    ranked = sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))[:limit]
    about = about[about["speaker"].isin([speaker for speaker, _count in ranked])]
    grouped = (
        about.assign(asserts=about["stance"] == "asserts", denies=about["stance"] == "denies")
        .groupby(["speaker", "place_id"], sort=True)
        .agg(asserts=("asserts", "any"), denies=("denies", "any"), claims=("claim", "nunique"), text=("text", "first"))
        .reset_index()
        .merge(places[["id", "lat", "lon", "name"]], left_on="place_id", right_on="id")
    )
    rings: dict[str, list[ClaimRing]] = {}
    for ring in grouped.itertuples(index=False):
        stance = stance_of(bool(ring.asserts), bool(ring.denies))
        count = f"{ring.claims} claim{'s' if ring.claims != 1 else ''}"
        tooltip = f"{ring.name}: {ring.speaker} {STANCE_VERBS[stance]} ({count}) — “{excerpt(str(ring.text))}”"
        lat, lon = round(float(ring.lat), COORDINATE_DECIMALS), round(float(ring.lon), COORDINATE_DECIMALS)
        rings.setdefault(str(ring.speaker), []).append(ClaimRing(lat, lon, stance, tooltip))
    return [ClaimLayer(str(speaker), int(count), tuple(rings.get(str(speaker), ()))) for speaker, count in ranked]


def excerpt(text: str) -> str:
    """A claim's text on one line, cut to ``CLAIM_EXCERPT_CHARS``."""
    text = " ".join(text.split())
    return text if len(text) <= CLAIM_EXCERPT_CHARS else text[: CLAIM_EXCERPT_CHARS - 1].rstrip() + "…"


@dataclass(frozen=True, slots=True)
class Highlight:
    start: int
    end: int
    kind: str  # "place", "actor", "selected", "speaker" or "cue"
    title: str


@dataclass(frozen=True, slots=True)
class ClaimLine:
    """A claim made in a passage, as the panel lists it under the passage."""

    speaker: str
    via: str | None
    cue: str
    stance: str
    hedged: bool
    text: str
    chain: tuple[str, ...] = ()  # how the speaker was resolved: as written, then each reference linked


@dataclass(frozen=True, slots=True)
class PanelPassage:
    """A passage that names the selected place: its text, what to highlight in it, the claims made in it."""

    article_id: str
    title: str
    text: str
    start: int  # the passage's offset in its article (highlights count from the article's start)
    highlights: tuple[Highlight, ...]
    claims: tuple[ClaimLine, ...]
    published: str = ""  # the article's day, YYYY-MM-DD ("" when unknown)
    dated_by_ingest: bool = False  # the article carried no date: ``published`` is when it was stored
    excerpt: tuple[int, int] | None = None  # article offsets of the sentences round the place; None: all of it


def excerpt_window(
    text: str, start: int, marks: Sequence[Highlight], context: int = CONTEXT_SENTENCES
) -> tuple[int, int] | None:
    """The sentences of a passage (``text`` at article offset ``start``) round its ``marks``, with
    ``context`` sentences either side, as article offsets; None when that is the whole passage."""
    spans = sentences(text)
    if len(spans) <= 1 + 2 * context or not marks:
        return None
    touched = [i for i, (a, b) in enumerate(spans) if any(m.start - start < b and a < m.end - start for m in marks)]
    if not touched:
        return None
    first, last = max(0, min(touched) - context), min(len(spans) - 1, max(touched) + context)
    if first == 0 and last == len(spans) - 1:
        return None
    return start + spans[first][0], start + spans[last][1]


def claim_highlights(claims: pd.DataFrame) -> tuple[Highlight, ...]:
    """Where each claim's speaker and cue are written (the ``speaker_start``... columns of the
    claims frame), as highlights; a claim whose speaker or cue is not written has none."""
    if claims.empty or "speaker_start" not in claims:
        return ()
    return _claim_marks(claims.drop_duplicates("claim_id").itertuples(index=False))


def _claim_marks(claims: Iterable[Any]) -> tuple[Highlight, ...]:
    """``claim_highlights`` of claims rows (named tuples), one row a claim."""
    marks: list[Highlight] = []
    for c in claims:
        if pd.notna(c.speaker_start) and pd.notna(c.speaker_end):
            marks.append(Highlight(int(c.speaker_start), int(c.speaker_end), "speaker", f"speaker: {c.speaker}"))
        if pd.notna(c.cue_start) and pd.notna(c.cue_end):
            marks.append(Highlight(int(c.cue_start), int(c.cue_end), "cue", f"cue: {c.stance}"))
    return tuple(marks)


def speaker_chain(claim: Any) -> tuple[str, ...]:
    """The texts of a claims row's stored speaker chain (JSON [[start, end, text], ...]); () without one."""
    stored = getattr(claim, "speaker_chain", None)
    if not isinstance(stored, str) or not stored:
        return ()
    try:
        return tuple(str(link[2]) for link in json.loads(stored))
    except (ValueError, TypeError, IndexError):
        return ()


def panel_passages(
    passages: pd.DataFrame,
    marks: pd.DataFrame,
    claims: pd.DataFrame,
    place_id: str,
    actor_names: Mapping[str, str],
) -> list[PanelPassage]:
    """The panel of ``place_id``: ``passages`` (Store.passages_for_place: newest article first), the ``marks`` in them
    (Store.highlights: the selected place stands out, actors are titled by name) and the
    ``claims`` made in them (rows of Store.claims; one line per claim)."""
    # Rows grouped once, as named tuples: a frame filtered, deduplicated and iterated per passage cost
    # pandas' overhead thirty times over (most of a click's server CPU, on a place's first click).
    marks_in: dict[object, list[Any]] = {}
    for m in marks.itertuples(index=False):
        marks_in.setdefault(m.passage_id, []).append(m)
    made_here = claims[claims["passage_id"].isin(passages["passage_id"])]
    claims_in: dict[tuple[object, object], list[Any]] = {}
    for c in made_here.drop_duplicates(["article_id", "passage_id", "claim_id"]).itertuples(index=False):
        claims_in.setdefault((c.article_id, c.passage_id), []).append(c)
    offsets = "speaker_start" in claims  # where speakers and cues are written
    shown: list[PanelPassage] = []
    for row in passages.itertuples(index=False):
        highlights = tuple(
            Highlight(
                int(m.start),
                int(m.end),
                "selected" if m.kind == "place" and m.target == place_id else str(m.kind),
                actor_names.get(str(m.target), "") if m.kind == "actor" else "place",
            )
            for m in marks_in.get(row.passage_id, ())
        )
        in_passage = claims_in.get((row.article_id, row.passage_id), [])
        if offsets:
            highlights += _claim_marks(in_passage)  # who speaks, and the words that say so
        lines = tuple(
            ClaimLine(str(c.speaker), c.via, str(c.cue), str(c.stance), bool(c.hedged), str(c.text), speaker_chain(c))
            for c in in_passage
        )
        selected = [h for h in highlights if h.kind == "selected"]
        published = getattr(row, "published", None)
        shown.append(
            PanelPassage(
                str(row.article_id),
                str(row.title),
                str(row.text),
                int(row.start),
                highlights,
                lines,
                published=str(published)[:10] if published else "",
                dated_by_ingest=getattr(row, "published_source", None) == "ingested",
                excerpt=excerpt_window(str(row.text), int(row.start), selected),
            )
        )
    return shown


@dataclass(frozen=True, slots=True)
class SideClaim:
    """A claim as the "both sides" list shows it: who, through whom, what, where it was published and when."""

    article_id: str
    claim_id: str
    speaker: str
    via: str | None
    cue: str
    stance: str
    hedged: bool
    text: str
    outlet: str | None  # the article's source
    date: str | None  # the article's publication date (YYYY-MM-DD), when known


@dataclass(frozen=True, slots=True)
class Disagreement:
    """A claim about a place, and the claims it contradicts (or that contradict it)."""

    claim: SideClaim
    against: tuple[SideClaim, ...]


def both_sides(claims: pd.DataFrame, place_id: str, across: pd.DataFrame | None = None) -> list[Disagreement]:
    """The claims about ``place_id`` among ``claims`` (rows of ``Store.claims``), asserting ones
    first, each with the claims it is linked to by ``contradicts`` in either direction, wherever
    those are about (the same article's claims, from ``claims``), and by ``across``
    (``Store.contradictions_across``: claims of other articles about the same place)."""
    about = claims[claims["place_id"] == place_id] if not claims.empty else claims
    if about.empty:
        return []
    # Contradictions link claims of one article, or claims about this place: only the articles with a
    # claim about the place count.
    unique = claims[claims["article_id"].isin(set(about["article_id"]))].drop_duplicates(["article_id", "claim_id"])
    by_key = side_claims(unique)
    links = contradiction_links(unique, across)
    keys = list(dict.fromkeys((str(c.article_id), str(c.claim_id)) for c in about.itertuples(index=False)))
    return [
        Disagreement(by_key[key], tuple(by_key[other] for other in links.get(key, ())))
        for key in in_side_order(keys, by_key)
    ]


ClaimKey = tuple[str, str]  # (article id, claim id)


def in_side_order(keys: Sequence[ClaimKey], sides: Mapping[ClaimKey, SideClaim]) -> list[ClaimKey]:
    """Claims as "both sides" lists them, on the page and in the offline export: asserting ones
    first, newest first on each side."""
    ordered = sorted(keys, key=lambda key: sides[key].date or "", reverse=True)
    return sorted(ordered, key=lambda key: sides[key].stance != "asserts")


def side_claims(claims: pd.DataFrame) -> dict[ClaimKey, SideClaim]:
    """Each claim of ``claims`` (rows of ``Store.claims``, one per claim and place) once, by its key."""
    return {(str(c.article_id), str(c.claim_id)): _side_claim(c) for c in claims.itertuples(index=False)}


def contradiction_links(claims: pd.DataFrame, across: pd.DataFrame | None = None) -> dict[ClaimKey, list[ClaimKey]]:
    """Which claims of ``claims`` contradict which, in both directions, each list in the order found
    and without repeats: the same article's (the ``contradicts`` column) and, with ``across``
    (``Store.contradictions_across``), other articles' claims about the same place. Links to claims
    outside ``claims`` are left out."""
    known = {(str(a), str(c)) for a, c in zip(claims["article_id"], claims["claim_id"], strict=True)}
    pairs: list[tuple[ClaimKey, ClaimKey]] = []
    if "contradicts" in claims:
        for article_id, claim_id, contradicts in zip(
            claims["article_id"], claims["claim_id"], claims["contradicts"], strict=True
        ):
            if isinstance(contradicts, str) and contradicts:
                pairs += [
                    ((str(article_id), str(claim_id)), (str(article_id), o.strip())) for o in contradicts.split(",")
                ]
    if across is not None and not across.empty:
        pairs += [
            ((str(a), str(c)), (str(oa), str(oc)))
            for a, c, oa, oc in zip(
                across["article_id"],
                across["claim_id"],
                across["other_article_id"],
                across["other_claim_id"],
                strict=True,
            )
        ]
    links: dict[ClaimKey, dict[ClaimKey, None]] = {}
    for key, other in pairs:
        if key in known and other in known and key != other:
            links.setdefault(key, {})[other] = None
            links.setdefault(other, {})[key] = None
    return {key: list(others) for key, others in links.items()}


def _side_claim(c: Any) -> SideClaim:
    def text_or_none(value: object) -> str | None:
        return None if value is None or (isinstance(value, float) and pd.isna(value)) or value == "" else str(value)

    published = text_or_none(getattr(c, "published", None))
    return SideClaim(
        str(c.article_id),
        str(c.claim_id),
        str(c.speaker),
        text_or_none(c.via),
        str(c.cue),
        str(c.stance),
        bool(c.hedged),
        str(c.text),
        text_or_none(getattr(c, "source", None)),
        published[:10] if published else None,
    )
