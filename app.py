"""The page: paste or upload an article, see its places on a map, click one to read what is said there.

UI only: parsing lives in geo.analysis.pipeline, SQL in geo.store, the shapes the map, the panel
and the exports share in geo.frames, the map in geo.view.map, HTML in geo.view.panel, the URL
contract in geo.view.url.
"""

from __future__ import annotations

import dataclasses
import time
from collections import Counter
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from geo import export, frames, settings
from geo.analysis.passages import looks_english
from geo.batch import AnalysisWorkers, ingest_batch
from geo.errors import GeoError
from geo.gazetteer import Gazetteer
from geo.sources.ingest import RawDocument, read_bytes
from geo.store import Store
from geo.types import Analysis, MapFilter
from geo.view import component, timeline
from geo.view import map as geomap
from geo.view import panel as html
from geo.view import url as view
from geo.view.basemap import country_outlines
from geo.view.static import BASEMAP_JSON, ORIENTATION_JSON, publish_json, served_file
from geo.view.style import STANCE_LABELS

DEMO_ARTICLE = Path(__file__).parent / "data" / "demo_article.txt"
STATIC = Path(__file__).parent / "static"  # served at /app/static/ (python -m geo static fills it)
MAX_CHOOSABLE_ARTICLES = 10_000  # newest stored articles offered in the chooser (Store.MAX_ARTICLE_LIMIT)
CORRECTION_CHOICES = 25  # other gazetteer entries offered for a mention
ARTICLE_CHIPS = 12  # a link naming this many articles or fewer opens the chooser
FILTER_OPTIONS = 400  # actors and speakers offered in a filter: the most mentioned, and any the link names
WINDOWS = {1: "1 day", 7: "7 days", 30: "30 days", 365: "a year"}  # the step and play controls' window
PLAY_SECONDS = 2.5  # how long play shows each window
MAP_CACHE_ENTRIES = 8  # filters whose map frames and filter options are kept for every session
PLACE_LIST_ROWS = 300  # the list beside the map shows the most mentioned places
PANEL_PASSAGES = 30  # passages shown for a place before a reader asks for all of them
PANEL_CACHE_ENTRIES = 64  # places whose passages are kept for every session (a place of a view each)

SIDEBAR_PX = 220
PLACE_COLUMNS = {  # narrow columns, so that all four fit beside the map
    "name": st.column_config.TextColumn("Place", width=118),
    "kind": st.column_config.TextColumn("Kind", width=64),
    "country": st.column_config.TextColumn("CC", width=36, help="Country (ISO code)"),
    "mentions": st.column_config.NumberColumn("Men.", width=44, help="Mentions"),
}
MAP_SHARE = (2, 1)  # map column : panel column
# Placeholders hold still (as Streamlit's own reduced-motion style has them): a pulsing placeholder, the map's
# above all while its frame loads, has Chromium repaint and composite it every frame, and under load (twenty
# sessions on one machine) that was a third of the browsers' CPU while they waited for their maps.
PAGE_CSS = (
    "<style>.block-container{padding-left:1.5rem;padding-right:1.5rem;padding-top:2.5rem}"
    ".stSkeleton,[data-testid=stSkeleton],[data-testid=stSkeletonElement]{animation:none!important}</style>"
)

# A narrower sidebar and page margin: at 1280 px the map takes most of the width, the place list stays readable.
st.set_page_config(page_title="News map", page_icon="🗺️", layout="wide", initial_sidebar_state=SIDEBAR_PX)
st.html(PAGE_CSS)
config = settings.load()


@st.cache_resource
def open_store(path: str) -> Store:
    return Store(path)


def store() -> Store:
    # Keyed by path: one Store per database file, shared by every session of this server.
    return open_store(str(config.database))


@st.cache_resource
def basemap() -> dict:
    return country_outlines()


def cache_key(shown: MapFilter) -> str:
    """What a cached reading depends on: the database, its revision (any write changes it) and the filter."""
    return f"{config.database}|{store().revision()}|{shown!r}"


# Shared by every session, and never changed by the page: a filter seen before (the default view of
# every article above all) is drawn without reading the store again. The frames of every article of a
# store of 1,500 take about 25 MB: a few filters are kept, not all.
@st.cache_resource(max_entries=MAP_CACHE_ENTRIES, ttl=3600, show_spinner=False)
def map_data(
    key: str, _shown: MapFilter, _zoom: int, _around: tuple[float, float, float, float] | None
) -> frames.MapFrames:
    return frames.map_frames(store(), _shown, zoom=_zoom, around=_around, max_places=config.map_max_places)


@st.cache_resource(max_entries=MAP_CACHE_ENTRIES, ttl=3600, show_spinner=False)
def drawn_map(
    key: str, _on_map: frames.MapFrames, center: tuple[float, float] | None, zoom: int | None
) -> component.MapParts:
    """The map of a view as the component's script, built and rendered once for every session that
    shows it (``key``: the view's frames, ``map_data``'s key; center and zoom: the view it opens with).

    Immutable and free of any session's state: the selected place, and where a session has moved
    the map since, travel beside it (``component.show``).
    """
    orientation = {name: url for name, url in ORIENTATION_JSON.items() if served_file(url, STATIC).is_file()}
    served = served_file(BASEMAP_JSON, STATIC).is_file()  # the static folder is installed and served
    fmap = geomap.build_map(
        _on_map.places,
        claims=_on_map.layer_claims,
        basemap=basemap(),
        basemap_url=BASEMAP_JSON if served else None,
        tiles=config.tiles,
        center=center,
        zoom=zoom,
        ring_on_click=True,  # a click rings its place at once; the panel alone reruns (on_map_event)
        orientation=orientation,
        # The claim rings (most of a large view's map) are fetched when a claims layer is switched on.
        publish=(lambda text: publish_json(text, STATIC)) if served else None,
    )
    return component.map_parts(fmap, key="map")


@st.cache_resource(max_entries=MAP_CACHE_ENTRIES, ttl=3600, show_spinner=False)
def filter_options(key: str, _scope: MapFilter) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """The actors and speakers of the articles in scope, and what a link says for each actor."""
    actors = store().actors(_scope)
    return actors, store().speakers(_scope), view.actor_values(dict(zip(actors["id"], actors["name"], strict=True)))


@st.cache_data(max_entries=MAP_CACHE_ENTRIES, ttl=3600, show_spinner=False)
def timeline_days(key: str, _shown: MapFilter) -> pd.DataFrame:
    """Articles and mentions per day for every session showing these filters (the dates aside: a step or
    a brush reads the same days again)."""
    return store().timeline(_shown)


@st.cache_data(max_entries=PANEL_CACHE_ENTRIES, ttl=3600, show_spinner=False)
def place_passages(
    key: str,
    place: str,
    every: bool,
    _scope: MapFilter,
    _claims: pd.DataFrame,
    _actor_names: dict[str, str],
) -> tuple[int, list[frames.PanelPassage]]:
    """How many passages name ``place`` in these articles, and the first PANEL_PASSAGES of them (``every``:
    all) with their highlights and claims, for every session and every rerun showing this place and view
    (``key``: the map's cache key and the actor names highlighted)."""
    passages = store().passages_for_place(_scope, place)
    count = len(passages)
    if not every:
        passages = passages.head(PANEL_PASSAGES)
    marks = store().highlights(list(passages["passage_id"]))
    return count, list(frames.panel_passages(passages, marks, _claims, place, _actor_names))


# Parts of the view Streamlit keeps in the URL itself: widgets bound to the query parameter named
# by their key (the speaker and stance filters, whose options are the URL's own values).
BOUND = {"speakers": "speaker", "stances": "stance"}
# The widget that shows each other part of the view, where one does. These stay synced by hand: a
# bound widget writes its options' labels to the URL, but the URL names articles by id and actors
# by name or id (case-insensitive), and the article chooser is not always shown.
VIEW_WIDGETS = {
    "articles": "articles",
    "view": "articles",
    "actors": "actor_filter",
    "sources": "source_filter",
    "statements_only": "statements_filter",
}
PANEL = "place_panel"  # the place panel's fragment: a click on the map reruns only this
LINK_ADDRESS_CHARS = 200  # kept for the server's address in front of the query string


def set_view(**changes: object) -> None:
    """Write the changed parts of the view into the URL, and remember it as this session's own.

    The widgets showing those parts forget their value, so the next run seeds them from the URL
    (a button or a click may change what a widget shows); a bound widget is set instead.
    """
    state, _ = view.from_query(st.query_params.get_all)
    new = dataclasses.replace(state, **changes)  # type: ignore[arg-type]
    if new.articles and (
        len(new.articles) > view.LINK_ARTICLES or len(new.query_string()) > view.MAX_LINK_CHARS - LINK_ADDRESS_CHARS
    ):
        # Too many to list in a link: the set is stored, and the link names it by a short id.
        new = dataclasses.replace(new, articles=(), view=store().save_view(new.articles))
    elif "articles" in changes:
        new = dataclasses.replace(new, view=None)
    query = new.to_query()
    # One update, so one step in the browser's history; an empty list drops the parameter.
    st.query_params.update({name: query.get(name, []) for name in view.PARAMETERS if name not in BOUND.values()})
    st.session_state["view_seen"] = new
    for part in changes.keys() & BOUND.keys():
        st.session_state[BOUND[part]] = list(getattr(new, part))
    for part in changes.keys() & VIEW_WIDGETS.keys():
        st.session_state.pop(VIEW_WIDGETS[part], None)


def widget_value(key: str, from_url: object, url_changed: bool) -> None:
    """Seed a widget from the URL when the URL changed outside the page (a link, back, forward)."""
    if url_changed or key not in st.session_state:
        st.session_state[key] = from_url


@st.cache_resource(show_spinner="Starting the analysis workers…")
def analysis_workers(model: str, gazetteer: str, timeout: float) -> AnalysisWorkers:
    # Shared by every session: a runaway text stops at its deadline in a worker, not in the page's process.
    return AnalysisWorkers(config)


def analyse(document: RawDocument) -> Analysis:
    return analysis_workers(config.spacy_model, str(config.gazetteer), config.analysis_timeout).analyse(document)


def add_article(data: bytes, filename: str) -> None:
    try:
        with st.spinner("Reading the article…"):
            article_id = store().save(analyse(read_bytes(data, filename, limits=config)))
    except GeoError as error:
        st.session_state["add_error"] = str(error)
        return
    st.session_state.pop("add_error", None)
    show_articles((article_id,), actors=(), place=None)


@st.cache_resource(show_spinner="Opening the gazetteer…")
def open_gazetteer(path: str) -> Gazetteer:
    return Gazetteer.open(Path(path))


def correct_place_ui(how: pd.DataFrame, place_id: str) -> None:
    """Let a person pick another gazetteer entry for the mentions of this place; the fix is stored."""
    with st.expander("Not this place? Choose another"):
        surfaces = sorted(set(how["surface"]))
        surface = surfaces[0] if len(surfaces) == 1 else st.selectbox("Name in the text", surfaces)
        gazetteer = open_gazetteer(str(config.gazetteer))
        candidates = [c.place for c in gazetteer.lookup(surface)]
        others = [c for c in candidates if c.id != place_id][:CORRECTION_CHOICES]
        if not others:
            st.caption("The gazetteer has no other entry for this name.")
            return
        choice = st.selectbox(
            "Other entries",
            others,
            format_func=lambda p: html.candidate_label(p, gazetteer.division(p)),
            key=f"correct-{place_id}-{surface}",
        )
        if st.button("Use this place", key=f"apply-{place_id}-{surface}"):
            mentions = how[how["surface"] == surface]
            for row in mentions.itertuples(index=False):
                store().correct(row.article_id, int(row.start), int(row.end), choice, by="page")
            set_view(place=choice.id)
            st.rerun()  # the whole page: the place moved on the map


EMPTY_PASTE = "Nothing was analysed: the text box is empty (or holds only spaces). Paste an article's text first."
EMPTY_URL = "Nothing was fetched: the URL box is empty. Type a web page's or feed's address (https://…) first."


def runner_up_labels(how: pd.DataFrame) -> list[str]:
    """The readings the gazetteer ranked second for this place's mentions, each told apart from the
    chosen one by division, country, kind and population (their names are often the same)."""
    gazetteer = open_gazetteer(str(config.gazetteer))
    labels = []
    for place_id in dict.fromkeys(how["runner_up_id"].dropna()):
        found = gazetteer.get(str(place_id))
        if found is not None:
            labels.append(html.candidate_label(found, gazetteer.division(found)))
    return labels


NOT_ENGLISH = (
    "This text does not look like English. The language model and the gazetteer's names are English, "
    "so places may be missed or misread."
)


def add_from_url(address: str) -> None:
    """Fetch a page (or every entry of a feed), analyse and store it; show what failed and why."""
    try:
        with st.spinner("Fetching…"):
            # urls_only: what a visitor types is never read as a path on the server.
            outcomes = ingest_batch(
                [address], store(), config=config, workers=1, analyse=analyse, progress=False, urls_only=True
            )
    except GeoError as error:  # the store cannot be opened or written
        st.session_state["add_error"] = str(error)
        return
    failures = [f"{o.name}: {o.error}" for o in outcomes if o.error]
    ids = tuple(dict.fromkeys(o.article_id for o in outcomes if o.article_id))
    if failures:
        st.session_state["add_error"] = "Not added: " + "; ".join(failures[:5])
    else:
        st.session_state.pop("add_error", None)
    if ids:
        show_articles(ids, actors=(), speakers=(), stances=(), place=None)


def show_articles(ids: tuple[str, ...], **changes: object) -> None:
    """Show these articles (just added, or chosen), whatever their dates and sources."""
    set_view(articles=ids, since=None, until=None, sources=(), **changes)


def on_articles(shown: list[str]) -> None:
    """Articles chosen in the sidebar: show them (an emptied chooser shows every article)."""
    chosen = st.session_state["articles"]
    if sorted(chosen) != sorted(shown):
        set_view(articles=tuple(chosen), view=None, place=None)


def on_source_filter() -> None:
    set_view(sources=tuple(st.session_state["source_filter"]), place=None)


def on_brush() -> None:
    """Days brushed on the timeline become the date range (an emptied brush keeps the range)."""
    event = st.session_state.get("timeline")
    days = timeline.brushed_days(getattr(event, "selection", None) if event is not None else None)
    if days:
        set_view(since=days[0], until=days[1], place=None)


def step_dates(first: str, last: str, direction: int) -> bool:
    """Move the date range one window along the timeline; False at its end."""
    state, _ = view.from_query(st.query_params.get_all)
    width = int(st.session_state.get("window_days", 7))
    window = timeline.step_window(first, last, state.since, state.until, width, direction)
    if window is None:
        return False
    set_view(since=window[0], until=window[1], place=None)
    return True


def step(first: str, last: str, direction: int) -> None:
    step_dates(first, last, direction)


@st.fragment(run_every=PLAY_SECONDS)
def player(first: str, last: str) -> None:
    """While play is on: every PLAY_SECONDS the window steps on and the page (the map) follows."""
    now = time.monotonic()
    if now - st.session_state.get("played_at", 0.0) < PLAY_SECONDS * 0.8:
        return  # the page's own run, just after a step
    st.session_state["played_at"] = now
    if not step_dates(first, last, 1):
        st.session_state["playing"] = False
    st.rerun()


@st.fragment(run_every=max(config.page_refresh, 1.0))
def follow_store(drawn: object) -> None:
    """While "Follow new articles" is on: every GEO_PAGE_REFRESH s, one cheap read of the store's
    revision; when a write has landed since the page was drawn (``geo watch``, another reader's
    correction), the page reruns. The view lives in the URL and the map reopens where the reader
    left it, so the new articles appear without losing the view or the open place."""
    if store().revision() != drawn:
        st.rerun()


def on_bound_filter() -> None:
    """A bound filter changed on the page, which Streamlit writes to the URL: the page's own change,
    not a link, back or forward, so the rest of the page does not follow the URL as if it were."""
    seen = st.session_state.get("view_seen")
    if seen is not None:
        st.session_state["view_seen"] = dataclasses.replace(
            seen, **{part: tuple(st.session_state.get(key, ())) for part, key in BOUND.items()}
        )


def on_actor_filter(link_names: dict[str, str]) -> None:
    """Actors picked in the filter go to the URL by name, as a link names them (by id when names clash)."""
    set_view(actors=tuple(link_names.get(a, a) for a in st.session_state["actor_filter"]))


def on_statements_filter() -> None:
    set_view(statements_only=bool(st.session_state["statements_filter"]), place=None)


def on_place_row() -> None:
    """A row picked in the list of places selects that place, as a click on its marker does."""
    rows = st.session_state["place_table"].selection.rows
    if rows:
        set_view(place=st.session_state["listed_places"][rows[0]])
        st.rerun()  # the whole page, not only the panel: the map rings the place


def on_map_event() -> None:
    """A click or a move on the map, handled before the script reruns, so one run shows its result.

    A click that only selects a place reruns the place panel alone (the browser has ringed the
    place already); a move reruns the page, which keeps the view in the URL and the share box.
    """
    value = st.session_state.get("map") or {}
    point = value.get("last_object_clicked")
    selected = False
    if point and point != st.session_state.get("handled_click"):
        st.session_state["handled_click"] = point
        clicked = geomap.place_at(st.session_state["shown_places"], point["lat"], point["lng"])
        if clicked and not clicked.startswith("cell:"):  # a grid cell is no place: zoom in to see its places
            set_view(place=clicked)
            selected = True
    moved, zoom = value.get("center"), value.get("zoom")
    if moved and zoom is not None:
        state, _ = view.from_query(st.query_params.get_all)
        center = (round(moved["lat"], 4), round(moved["lng"], 4))
        opened_to_fit = st.session_state["map_origin"][0] is None
        first_view = opened_to_fit and (center, int(zoom)) == (geomap.DEFAULT_CENTER, geomap.DEFAULT_ZOOM)
        # (The view the map opens with before it fits its places is no view to keep.)
        if not first_view and (center, int(zoom)) != (state.center, state.zoom):
            set_view(center=center, zoom=int(zoom))
            return
    if selected:
        if st.session_state.get("panel_drawn_in_run") == st.session_state.get("page_runs"):
            st.rerun(PANEL)
        st.rerun()  # the last full run stopped before the panel: its fragment cannot rerun alone


def show_warnings(slot: DeltaGenerator, found: list[str], url_changed: bool) -> None:
    """Show the link's warnings (Markdown-escaped already) with a control to dismiss them.

    A link opened from outside, or one with warnings of its own, replaces the warnings kept; the
    page's own rewrites of the URL (a pan, a click) keep them, though the URL drops their cause.
    """
    kept, dismissed = st.session_state.get("url_warnings", []), st.session_state.get("dismissed_warnings", [])
    if url_changed or any(w not in kept and w not in dismissed for w in found):
        kept, st.session_state["dismissed_warnings"] = list(dict.fromkeys(found)), []  # another link's warnings
    st.session_state["url_warnings"] = kept
    for warning in kept:
        slot.warning(warning)
    if kept:
        slot.button("Dismiss", key="dismiss_warnings", on_click=dismiss_warnings, help="Hide these warnings")


def dismiss_warnings() -> None:
    st.session_state["dismissed_warnings"] = [
        *st.session_state.get("dismissed_warnings", []),
        *st.session_state.get("url_warnings", []),
    ]
    st.session_state["url_warnings"] = []


def empty_map_reason(article_ids: tuple[str, ...] | None, *, filtered: bool) -> str:
    """Why the map is empty, in words a reader can act on."""
    if filtered:
        return "No places match these filters. Remove an actor, speaker, stance, source or date range to see more."
    if article_ids is not None and len(article_ids) == 1:
        return "No places found in this text: it names no place the offline gazetteer knows."
    return "No places found in these articles."


def timeline_ui(shown: MapFilter, state: view.ViewState) -> None:
    """Articles and mentions per day under the map: brush it to choose the dates; step or play a window."""
    days = timeline_days(cache_key(dataclasses.replace(shown, since=None, until=None)), shown)
    if days.empty:
        return
    first, last = str(days["day"].iloc[0]), str(days["day"].iloc[-1])
    st.vega_lite_chart(
        timeline.chart(days, state.since, state.until),
        key="timeline",
        on_select=on_brush,
        selection_mode=timeline.BRUSH,
        width="stretch",
    )
    window, back, forward, play, clear = st.columns([3, 1, 1, 2, 2], vertical_alignment="bottom")
    window.selectbox("Window", list(WINDOWS), index=1, format_func=WINDOWS.__getitem__, key="window_days")
    back.button("◀", key="step_back", help="The window before", on_click=step, args=(first, last, -1))
    forward.button("▶", key="step_forward", help="The window after", on_click=step, args=(first, last, 1))
    play.toggle("Play", key="playing", help=f"Step on every {PLAY_SECONDS:g} s; the map follows")
    if state.since or state.until:
        clear.button("Every day", key="all_days", on_click=set_view, kwargs={"since": None, "until": None})
    st.caption(f"Drag across the timeline to choose days ({first} – {last}): bars count articles, dots mentions.")
    if st.session_state.get("playing"):
        player(first, last)


def article_forms() -> None:
    """The sidebar's ways to add an article: paste, upload, a URL, the demo."""
    with st.sidebar:
        st.header("Add an article")
        # Forms: a text box commits its value only when it loses focus, so a button beside it would
        # need a first click to blur it; a form's button sends what is typed with the one click.
        with st.form("paste_form", border=False):
            pasted = st.text_area("Paste the text", height=180, placeholder="Paste a news article…", key="pasted")
            if st.form_submit_button("Analyse the text", type="primary"):
                if pasted.strip():
                    add_article(pasted.encode("utf-8"), "pasted.txt")
                else:
                    st.session_state["add_error"] = EMPTY_PASTE
        upload = st.file_uploader("…or upload a file", type=["txt", "md", "html", "htm"])
        if upload is not None and st.button("Analyse the file"):
            add_article(upload.getvalue(), upload.name)
        if config.page_fetch_enabled:
            with st.form("url_form", border=False):
                address = st.text_input("…or a web page or feed URL", placeholder="https://…", key="url_input")
                if st.form_submit_button("Fetch and analyse", key="fetch"):
                    if address.strip():
                        add_from_url(address.strip())
                    else:
                        st.session_state["add_error"] = EMPTY_URL
        if st.button("Try the demo article"):
            add_article(DEMO_ARTICLE.read_bytes(), DEMO_ARTICLE.name)
        if error := st.session_state.get("add_error"):
            st.error(view.md_escape(error))


# -- the article being read -------------------------------------------------------------------
st.title("News map")
st.caption("Places, actors and passages of news articles, resolved offline. Click a marker to read what is said there.")
with st.expander("How to read this map"):
    st.markdown(
        "- **Pins** are towns, ports and bases; their size counts the mentions, their colour the stance of the "
        "claims made about them (legend under the map). Crowded pins merge into a numbered cluster: click it to "
        "zoom in.\n"
        "- **Shaded countries** and **outlined labels** (seas, regions, continents) are areas, not points.\n"
        "- **Click** a pin or label to read every passage that names the place, with the place and the actors "
        "highlighted, the claims made there, and why the gazetteer chose that entry.\n"
        "- **Layers** (the stacked squares, top right of the map) switch pins, labels, shaded countries and the "
        "basemap, and show the claims of each speaker as rings round the places they speak about.\n"
        "- **Filter** by actor (places in passages that mention them), by speaker and by stance.\n"
        "- The **link** in the address bar always reproduces this view; *Share this view* under the map copies it."
    )

# One slot for every notice above the map: however many there are, the map keeps its place in the
# page, and Streamlit keeps its frame instead of loading it again.
notices = st.container()
# A session's first run sends the map, and defers the timeline, the list of places and the sidebar's
# forms: in the browser they share one thread with the map's frame (about 1.3 s of Chromium's CPU for
# the list's grid and the chart, 0.3-0.7 s for the forms and the file uploader), so the markers would
# wait for them. The map (empty or not) reports its view once drawn, which reruns the page: they follow
# then (any later run shows them). A page that draws no map (no articles yet, a store error) shows the
# forms at once.
st.session_state["page_runs"] = st.session_state.get("page_runs", 0) + 1
first_run = st.session_state["page_runs"] == 1
if not first_run:
    article_forms()

state, warnings = view.from_query(st.query_params.get_all)
# The URL is the source of truth: when it differs from what this session last wrote, it was
# opened from a link or stepped through with back/forward, and the widgets follow it.
url_changed = st.session_state.get("view_seen") != state
st.session_state["view_seen"] = state
# What the link asked for and the page could not show: kept until dismissed, or replaced by the
# warnings of another link (the page rewrites its own URL, dropping what it could not read).
url_warnings = [view.md_escape(w) for w in warnings]

try:
    total = store().article_count()
except GeoError as error:  # the database cannot be opened or read: SQLite's own reason, no traceback
    notices.error(view.md_escape(error))
    show_warnings(notices, url_warnings, url_changed)
    if first_run:  # no map will report its view to bring them: now
        article_forms()
    st.stop()
if not total:
    show_warnings(notices, url_warnings, url_changed)
    notices.info("No articles yet. Paste one in the sidebar, upload a file, or try the demo article.")
    if first_run:
        article_forms()
    st.stop()
# The articles a link hand-picks, by id or as a stored view; none: every stored article.
chosen: tuple[str, ...] | None = None
if state.view:
    chosen = store().view(state.view)
    if chosen is None:
        url_warnings.append(
            f"No stored view has the id {view.md_escape(state.view)}; it may live on another server. "
            "Showing every article."
        )
elif state.articles:
    known = store().known(state.articles)
    missing = [a for a in state.articles if a not in known]
    if missing:
        url_warnings.append(
            f"No stored article has the id {view.md_escape(', '.join(missing))}; it may live on another server."
        )
    chosen = tuple(a for a in state.articles if a in known) or None
if chosen is not None and len(chosen) == 1 and not looks_english(store().article(chosen[0])["text"]):
    notices.warning(NOT_ENGLISH)
sources = store().sources()
unknown_sources = [s for s in state.sources if s not in set(sources["source"])]
if unknown_sources:
    url_warnings.append(f"No stored article comes from {view.md_escape(', '.join(unknown_sources))}.")
# What the articles, sources and dates keep: every reader below narrows by it in SQL.
scope = MapFilter(
    article_ids=chosen,
    sources=tuple(s for s in state.sources if s not in unknown_sources),
    since=state.since,
    until=state.until,
)
in_scope = store().article_count(sources=scope.sources, since=scope.since, until=scope.until, article_ids=chosen)
dates = f" published {state.since or '…'} – {state.until or '…'}" if state.since or state.until else ""
if chosen is None:
    notices.caption(f"Showing {in_scope:,} of {total:,} stored articles{dates}.")
else:
    notices.caption(f"Showing {in_scope:,} of {len(chosen):,} chosen articles{dates} ({total:,} stored).")

with st.sidebar:
    st.header("Stored articles")
    source_counts = dict(zip(sources["source"], sources["articles"], strict=True))
    if len(sources) > 1 or state.sources:
        widget_value("source_filter", list(scope.sources), url_changed)
        st.multiselect(
            "Sources",
            options=list(sources["source"]),
            format_func=lambda s: f"{s} ({source_counts.get(s, 0)})",
            placeholder="Every source",
            key="source_filter",
            on_change=on_source_filter,
        )
    # The chooser lists every stored article: it opens on request, so a page load does not send them all.
    # Open at first when a link hand-picks a few articles; then as the reader leaves it.
    st.session_state.setdefault("edit_articles", chosen is not None and len(chosen) <= ARTICLE_CHIPS)
    if st.toggle("Choose articles", key="edit_articles"):
        stored = store().articles(limit=MAX_CHOOSABLE_ARTICLES)
        titles = {
            row.id: " · ".join(str(part) for part in (row.title, row.source, str(row.published or "")[:10]) if part)
            for row in stored.itertuples(index=False)
        }
        # The chooser tells options apart by their label: two articles with the same title, source and date
        # would swap places in it, so repeated labels carry the article's id.
        repeated = {label for label, count in Counter(titles.values()).items() if count > 1}
        titles = {a: f"{label} · {a}" if label in repeated else label for a, label in titles.items()}
        widget_value("articles", list(chosen or ()), url_changed)
        st.multiselect(
            "Show only",
            options=list(titles),
            format_func=lambda a: titles.get(a, a),
            key="articles",
            placeholder="Every article",
            on_change=on_articles,
            args=(list(chosen or ()),),
        )
    if config.page_refresh > 0 and st.toggle(
        "Follow new articles",
        key="follow",
        help=f"Look for new articles every {config.page_refresh:g} s and show them, keeping this view",
    ):
        follow_store(store().revision())
    if chosen is not None:
        st.button(
            f"Show all {total:,} stored articles",
            key="show_all",
            on_click=set_view,
            kwargs={"articles": (), "view": None, "place": None},
        )

# -- filters --------------------------------------------------------------------------------
actors, speakers, link_names = filter_options(cache_key(scope), scope)
# The most mentioned actors, and any the link names: a filter with every actor would send them all to the page.
requested = {value.casefold() for value in state.actors}
named = actors["id"].str.casefold().isin(requested) | actors["name"].str.casefold().isin(requested)
actors = actors[(actors.index < FILTER_OPTIONS) | named]
actor_names = dict(zip(actors["id"], actors["name"], strict=True))
actor_types = dict(zip(actors["id"], actors["type"], strict=True))
selected_actors, unknown = view.match_actors(state.actors, actor_names)
if unknown:
    url_warnings.append(f"No actor called {view.md_escape(', '.join(unknown))} in these articles.")
actor_column, speaker_column, stance_column = st.columns([3, 2, 1])
widget_value("actor_filter", selected_actors, url_changed)
picked = actor_column.multiselect(
    "Only places in passages that mention",
    options=list(actor_names),
    format_func=lambda a: f"{actor_names[a]} ({actor_types[a]})",
    placeholder="Any actor",
    key="actor_filter",
    on_change=on_actor_filter,
    args=(link_names,),
)
speaker_names = list(dict.fromkeys(speakers["name"]))
# Read before the bound widget below, which drops values that name no speaker of these articles.
if unknown_speakers := [s for s in st.query_params.get_all(BOUND["speakers"]) if s not in set(speakers["name"])]:
    url_warnings.append(f"No speaker called {view.md_escape(', '.join(unknown_speakers))} in these articles.")
    # The widget drops them from the URL: that is the page's own change, not a new link to follow.
    st.session_state["view_seen"] = dataclasses.replace(
        state, speakers=tuple(s for s in state.speakers if s not in unknown_speakers)
    )
show_warnings(notices, url_warnings, url_changed)
wanted = set(state.speakers)
picked_speakers = speaker_column.multiselect(
    "…about which these speakers make claims",
    options=[n for i, n in enumerate(speaker_names) if i < FILTER_OPTIONS or n in wanted],
    placeholder="Any speaker",
    key=BOUND["speakers"],
    bind="query-params",
    on_change=on_bound_filter,
)
picked_stances = stance_column.multiselect(
    "…that",
    options=list(view.STANCES),
    placeholder="assert or deny",
    key=BOUND["stances"],
    bind="query-params",
    on_change=on_bound_filter,
)
widget_value("statements_filter", state.statements_only, url_changed)
statements_only = stance_column.toggle(
    "Statements only",
    key="statements_filter",
    help='Leave out beliefs, wishes and plans ("believes", "wants", "plans to"): only what was said',
    on_change=on_statements_filter,
)

shown = dataclasses.replace(
    scope,
    actor_ids=tuple(picked),
    speakers=tuple(picked_speakers),
    stances=tuple(picked_stances),
    statements_only=statements_only,
)
# Past config.map_max_places places the store sends grid cells for the viewport at this zoom (cached per view).
map_zoom = state.zoom if state.zoom is not None else geomap.DEFAULT_ZOOM
map_around = geomap.viewport_bounds(state.center, map_zoom) if state.center else None
view_key = f"|{map_zoom}|{map_around}" if store().crowded(shown, config.map_max_places) else ""
map_key = cache_key(shown) + view_key
on_map = map_data(map_key, shown, map_zoom, map_around)
places, claims = on_map.places, on_map.claims
place = state.place if state.place in set(places["id"]) else None

# -- map and passages -------------------------------------------------------------------------
# The map's own HTML keeps the view the session opened with; later pans and zooms travel as
# st_folium's center/zoom arguments, so moving the map does not rebuild it.
if "map_origin" not in st.session_state:
    st.session_state["map_origin"] = (state.center, state.zoom)
# A new map for the same filter (new articles stored, or grid cells of another viewport: a move, a click
# on a cell) opens where the reader left the map, not where the session began.
drawn = (store().revision(), view_key)
if st.session_state.get("map_drawn", drawn) != drawn and state.center is not None and state.zoom is not None:
    st.session_state["map_origin"] = (state.center, state.zoom)
st.session_state["map_drawn"] = drawn
origin_center, origin_zoom = st.session_state["map_origin"]
map_column, panel = st.columns(list(MAP_SHARE), gap="small")
with map_column:
    if places.empty:
        filtered = bool(
            picked
            or picked_speakers
            or picked_stances
            or statements_only
            or scope.sources
            or state.since
            or state.until
        )
        st.info(empty_map_reason(chosen, filtered=filtered))
    parts = drawn_map(f"{map_key}|{config.tiles}", on_map, origin_center, origin_zoom)
    st.session_state["shown_places"] = places[["id", "lat", "lon"]]
    component.show(
        parts,
        key="map",
        height=560,
        # Move the map only when the URL was changed from outside; its own moves are already shown.
        center=state.center if url_changed else None,
        zoom=state.zoom if url_changed else None,
        returned_objects=["last_object_clicked", "center", "zoom"],
        # The selection travels as its own layer: a click re-sends this, not the whole map.
        feature_group=geomap.selection_layer(places, place),
        on_change=on_map_event,
    )
    st.html(html.legend_html())
    if first_run:
        st.caption("The timeline follows once the map is drawn.")
    else:
        timeline_ui(shown, state)
    # (label, file, MIME type, what it holds, how to make it): built only when clicked.
    exports = (
        (
            "GeoJSON",
            "news-map.geojson",
            "application/geo+json",
            "Places with their mentions, actors and claims",
            lambda: export.geojson(store(), shown),
        ),
        (
            "Claims CSV",
            "claims.csv",
            "text/csv",
            "One row per claim and place, dated, with passage offsets (geo export --with-passages adds the text)",
            lambda: export.claims_csv(store(), shown),
        ),
        (
            "Offline HTML map",
            "news-map.html",
            "text/html",
            "A map that opens with no network",
            lambda: export.html_map(store(), shown, basemap=basemap()),
        ),
    )
    for column, (label, file_name, mime, hint, make) in zip(st.columns(len(exports)), exports, strict=True):
        column.download_button(label, make, file_name=file_name, mime=mime, on_click="ignore", help=hint)
    share = st.container()  # filled by the panel: it follows a selection made without rerunning the page


@st.fragment(key=PANEL)
def place_panel(
    key: str,
    scope: MapFilter,
    on_map: frames.MapFrames,
    actor_names: dict[str, str],
    share: DeltaGenerator,
) -> None:
    """The list of places, or the passages of the selected one, and the link to this view.

    ``key``: the map's cache key (the filters and the store's revision), which the passages are cached by.
    During the session's first run (and any click before the next) the list waits: the map comes first.
    A fragment: a click on the map (``on_map_event``) or inside the panel reruns only this, so
    the map is not built again. It reads the selection from the URL, which a click has just set.
    """
    places, claims = on_map.places, on_map.claims
    state, _ = view.from_query(st.query_params.get_all)
    place = state.place if state.place in set(places["id"]) else None
    with share.expander("Share this view"):
        # Speakers and stances from their widgets: Streamlit keeps them in the URL.
        current = dataclasses.replace(
            state,
            speakers=tuple(st.session_state.get(BOUND["speakers"], ())),
            stances=tuple(st.session_state.get(BOUND["stances"], ())),
        )
        base = str(st.context.url or "").split("?")[0]
        # Plain escaped text, not st.code: its syntax highlighter was the costliest script of a visit.
        st.html(html.share_html(f"{base}?{current.query_string()}"))
        st.caption(
            "Click the link to select it, then copy it. Anyone using this server opens the same articles, "
            "filter, selected place and map view."
        )
    if place is None and st.session_state.get("page_runs", 0) <= 1:
        st.subheader("Places")
        st.caption("The list of places follows once the map is drawn.")
    elif place is None:
        st.subheader("Places")
        listed = places.sort_values(["mentions", "name"], ascending=[False, True]).head(PLACE_LIST_ROWS)
        more = f" The {len(listed)} most mentioned of {len(places):,} are listed." if len(listed) < len(places) else ""
        st.caption(f"Click a marker, or a row below, to read the passages that name the place.{more}")
        st.session_state["listed_places"] = list(listed["id"])
        st.dataframe(
            # A sea, a region or a continent has no country: an empty cell, not a grey "None".
            listed[["name", "kind", "country", "mentions"]].assign(country=listed["country"].fillna("")),
            column_config=PLACE_COLUMNS,
            hide_index=True,
            width="stretch",
            key="place_table",
            on_select=on_place_row,
            selection_mode="single-row",
        )
    else:
        details = store().place(place) or {}
        st.subheader(view.md_escape(details.get("name", place)))
        st.caption(
            view.md_escape(
                f"{details.get('kind')} · {details.get('country') or '—'} · "
                f"{details.get('lat'):.4f}, {details.get('lon'):.4f} · id {place}"
            )
        )
        how = store().resolutions_for_place(scope, place)
        if not how.empty:
            first = how.iloc[0]
            st.caption(view.md_escape(f"{html.precision_note(str(details.get('kind')))} Why here: {first['reason']}"))
            if runner_ups := runner_up_labels(how):
                st.caption(view.md_escape(f"Runner-up reading: {'; '.join(runner_ups)}"))
            correct_place_ui(how, place)
        stance = on_map.stance(place)
        if stance:
            st.caption(f"Claims: {STANCE_LABELS[stance]}.")
        if stance == "contested":
            # Linked within an article, and across articles (another outlet's claim about this place).
            across = store().contradictions_across(scope.article_ids, place)
            st.html(html.sides_html(frames.both_sides(claims, place, across)))
        names_key = f"{key}|{hash(tuple(actor_names.items()))}"
        count, shown_passages = place_passages(names_key, place, False, scope, claims, actor_names)
        if count > PANEL_PASSAGES and st.toggle(
            f"Show all {count} passages (the first {PANEL_PASSAGES} are shown)", key=f"all-passages-{place}"
        ):
            count, shown_passages = place_passages(names_key, place, True, scope, claims, actor_names)
        for passage in shown_passages:
            with st.container(border=True):
                # Newest first, each dated (an article without a date of its own: the day it was stored).
                stored_on = " (stored; no date of its own)" if passage.dated_by_ingest else ""
                st.caption(view.md_escape(f"{passage.published}{stored_on} · {passage.title}"))
                st.html(html.passage_block(passage))


with panel:
    place_panel(map_key, scope, on_map, actor_names, share)
# The panel's fragment writes to ``share``, made outside it: Streamlit lets a fragment rerun do so only
# after a full run that reached the panel. A click during a run stopped before it (a slow first run)
# reruns the page instead (``on_map_event``).
st.session_state["panel_drawn_in_run"] = st.session_state["page_runs"]
