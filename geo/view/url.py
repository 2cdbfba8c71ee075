"""The view a link shares: which articles, which actors, which place.

The URL contract (documented in the README); with no parameter at all, every stored article::

    ?from=YYYY-MM-DD first day of publication shown (inclusive)
    &to=YYYY-MM-DD   last day of publication shown (inclusive)
    &source=NAME     repeatable; keep articles of these outlets
    &article=ID      repeatable; a hand-picked set of articles (16 hex digits each), at most LINK_ARTICLES
    &view=ID         a hand-picked set too large to list, stored on the server under a short id
    &actor=NAME      repeatable; an actor's name as shown on the page, or its id
    &place=PLACE_ID  the selected place, e.g. gn:81302
    &speaker=NAME    repeatable; keep places that claims by these speakers are about
    &stance=S        repeatable; asserts or denies: keep places that such claims are about
    &center=LAT,LON  the map's centre, degrees
    &zoom=Z          the map's zoom level, 0-18

Malformed values are dropped with a warning the page shows; they never raise.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

ARTICLE_ID = re.compile(r"^[0-9a-f]{16}$")
# A gazetteer id: a source prefix (gn, icao, adm1, adm2, csc, sup, ...) and that source's own id.
PLACE_ID = re.compile(r"^[a-z][a-z0-9]{1,7}:[A-Za-z0-9._-]{1,80}$")
VIEW_ID = re.compile(r"^[0-9a-f]{12}$")  # Store.save_view's ids
MAX_VALUES = 50  # per parameter; a link with more is cut, with a warning
# A link read may list up to MAX_ARTICLES ids (links written before stored views did); the page writes at
# most LINK_ARTICLES (about 25 characters each), and stores a larger set as a view, so links stay short.
MAX_ARTICLES = 500
LINK_ARTICLES = 40
MAX_LINK_CHARS = 2000  # what a link the page writes may take, query string and address together
MAX_VALUE_CHARS = 300  # a speaker as written ("a senior official in ...") may be long
MAX_ZOOM = 18
STANCES = ("asserts", "denies")
# Every name the contract uses.
PARAMETERS = (
    "from",
    "to",
    "source",
    "article",
    "view",
    "actor",
    "place",
    "speaker",
    "stance",
    "center",
    "zoom",
)


@dataclass(frozen=True, slots=True)
class ViewState:
    """One view of the map. No articles and no view: every stored article (narrowed by the filters)."""

    articles: tuple[str, ...] = ()
    view: str | None = None  # a stored set of articles (Store.view), instead of ``articles``
    since: str | None = None  # YYYY-MM-DD, inclusive
    until: str | None = None
    sources: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()  # actor names as they appear in the URL
    place: str | None = None
    speakers: tuple[str, ...] = ()
    stances: tuple[str, ...] = ()
    center: tuple[float, float] | None = None
    zoom: int | None = None

    def to_query(self) -> dict[str, list[str] | str]:
        query: dict[str, list[str] | str] = {}
        if self.since:
            query["from"] = self.since
        if self.until:
            query["to"] = self.until
        if self.sources:
            query["source"] = list(self.sources)
        if self.articles:
            query["article"] = list(self.articles)
        if self.view:
            query["view"] = self.view
        if self.actors:
            query["actor"] = list(self.actors)
        if self.place:
            query["place"] = self.place
        if self.speakers:
            query["speaker"] = list(self.speakers)
        if self.stances:
            query["stance"] = list(self.stances)
        if self.center is not None:
            query["center"] = f"{self.center[0]:.4f},{self.center[1]:.4f}"
        if self.zoom is not None:
            query["zoom"] = str(self.zoom)
        return query

    def query_string(self) -> str:
        """The query string of a link to this view (without the ``?``)."""
        return urlencode(self.to_query(), doseq=True)

    @property
    def every_article(self) -> bool:
        """No hand-picked set: every stored article the filters keep."""
        return not self.articles and not self.view


def from_query(get_all: Callable[[str], Sequence[str]]) -> tuple[ViewState, list[str]]:
    """Read the view from query parameters (``get_all(name)`` lists a parameter's values)."""
    warnings: list[str] = []
    since = _valid(get_all("from"), "from", lambda v: _day(v) is not None, warnings)
    until = _valid(get_all("to"), "to", lambda v: _day(v) is not None, warnings)
    days = [_day(since[0]) if since else None, _day(until[0]) if until else None]
    if days[0] and days[1] and days[0] > days[1]:
        warnings.append(f"The link's date range ends ({days[1]}) before it starts ({days[0]}); it is read backwards.")
        days.reverse()
    sources = _valid(get_all("source"), "source", lambda v: bool(v.strip()) and len(v) <= MAX_VALUE_CHARS, warnings)
    articles = _valid(get_all("article"), "article", lambda v: bool(ARTICLE_ID.match(v)), warnings, MAX_ARTICLES)
    views = _valid(get_all("view"), "view", lambda v: bool(VIEW_ID.match(v)), warnings)
    actors = _valid(get_all("actor"), "actor", lambda v: bool(v.strip()) and len(v) <= MAX_VALUE_CHARS, warnings)
    places = _valid(get_all("place"), "place", lambda v: bool(PLACE_ID.match(v)), warnings)
    if len(places) > 1:
        warnings.append("The link names more than one place; the first is selected.")
    speakers = _valid(get_all("speaker"), "speaker", lambda v: bool(v.strip()) and len(v) <= MAX_VALUE_CHARS, warnings)
    stances = _valid(get_all("stance"), "stance", lambda v: v in STANCES, warnings)
    centers = _valid(get_all("center"), "center", lambda v: _center(v) is not None, warnings)
    zooms = _valid(get_all("zoom"), "zoom", lambda v: v.isdigit() and 0 <= int(v) <= MAX_ZOOM, warnings)
    if views and articles:
        warnings.append("The link names both a stored view and articles; the articles are shown.")
    state = ViewState(
        articles=tuple(dict.fromkeys(articles)),
        view=views[0] if views and not articles else None,
        since=days[0],
        until=days[1],
        sources=tuple(dict.fromkeys(sources)),
        actors=tuple(dict.fromkeys(actors)),
        place=places[0] if places else None,
        speakers=tuple(dict.fromkeys(speakers)),
        stances=tuple(dict.fromkeys(stances)),
        center=_center(centers[0]) if centers else None,
        zoom=int(zooms[0]) if zooms else None,
    )
    return state, warnings


def _day(value: str) -> str | None:
    """A day as the URL writes it (YYYY-MM-DD), or None."""
    try:
        day = date.fromisoformat(value).isoformat() if len(value) == 10 else None
    except ValueError:
        return None
    return day if day == value else None  # only YYYY-MM-DD ("2016-W37-1" is a day to Python too)


def _center(value: str) -> tuple[float, float] | None:
    try:
        lat, lon = (float(part) for part in value.split(","))
    except ValueError:
        return None
    return (lat, lon) if -90 <= lat <= 90 and -360 <= lon <= 360 else None


def _valid(
    values: Sequence[str], name: str, ok: Callable[[str], bool], warnings: list[str], most: int = MAX_VALUES
) -> list[str]:
    values = list(values)
    if len(values) > most:
        warnings.append(f"The link has {len(values)} '{name}' values; only the first {most} are used.")
        values = values[:most]
    kept = [v for v in values if ok(v)]
    for bad in (v for v in values if not ok(v)):
        shown = bad if len(bad) <= 40 else bad[:40] + "…"
        warnings.append(f"Ignored the malformed '{name}' value {shown!r} in the link.")
    return kept


def actor_values(actors: Mapping[str, str]) -> dict[str, str]:
    """What a link says for each actor (``actors`` maps id -> name): its name, as the page shows it, unless
    that name would read back as another actor (two actors of one name, or a name that is another's id)."""
    named: dict[str, int] = {}
    for name in actors.values():
        named[name.casefold()] = named.get(name.casefold(), 0) + 1
    values = {}
    for actor_id, name in actors.items():
        clash = (name in actors and name != actor_id) or named[name.casefold()] > 1
        values[actor_id] = actor_id if clash or not name.strip() or len(name) > MAX_VALUE_CHARS else name
    return values


def match_actors(requested: Sequence[str], actors: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """Map URL actor names (or ids) onto actor ids; ``actors`` maps id -> name. Returns (ids, unknown)."""
    by_name = {name.casefold(): actor_id for actor_id, name in actors.items()}
    ids: list[str] = []
    unknown: list[str] = []
    for value in requested:
        actor_id = value if value in actors else by_name.get(value.casefold())
        (ids if actor_id else unknown).append(actor_id or value)
    return list(dict.fromkeys(ids)), unknown


# Everything Streamlit's Markdown reads as markup: CommonMark punctuation, GFM tables and strike-through,
# Streamlit's own ":colour[...]" directives and emoji shortcodes, "$...$" math, HTML entities.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&=^\"'])")


def md_escape(value: object) -> str:
    """``value`` as literal text in Streamlit Markdown (st.caption, st.warning, st.error, ...).

    Titles, sources, names, URL parameters and error messages come from outside:
    unescaped, they could show links, remote images or styled text on the page.
    One line: a line break could start a heading or a list.
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))
