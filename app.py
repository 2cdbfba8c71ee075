"""The page: paste or upload an article, see its places on a map, click one to read what is said there.

UI only: parsing lives in geo.analysis.pipeline, SQL in geo.store, the shapes the map, the panel
and the exports share in geo.frames, the map in geo.view.map, HTML in geo.view.panel, the URL
contract in geo.view.url.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit_folium import st_folium

from geo import export, frames, settings
from geo.analysis.passages import looks_english
from geo.batch import AnalysisWorkers, ingest_batch
from geo.errors import GeoError
from geo.gazetteer import Gazetteer
from geo.sources.ingest import RawDocument, read_bytes
from geo.store import Store
from geo.types import Analysis, MapFilter
from geo.view import map as geomap
from geo.view import panel as html
from geo.view import url as view
from geo.view.basemap import country_outlines
from geo.view.static import BASEMAP_JSON, served_file
from geo.view.style import STANCE_LABELS

DEMO_ARTICLE = Path(__file__).parent / "data" / "demo_article.txt"
STATIC = Path(__file__).parent / "static"  # served at /app/static/ (python -m geo static fills it)
DEFAULT_ARTICLES = 20  # shown when the link names none
MAX_CHOOSABLE_ARTICLES = view.MAX_ARTICLES  # newest stored articles offered in the chooser, and a link's most
CORRECTION_CHOICES = 25  # other gazetteer entries offered for a mention
ARTICLE_CHIPS = 12  # more articles than this: their chooser opens on request
PLACE_LIST_ROWS = 300  # the list beside the map shows the most mentioned places
PANEL_PASSAGES = 30  # passages shown for a place before a reader asks for all of them

st.set_page_config(page_title="News map", page_icon="🗺️", layout="wide")
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


# Parts of the view Streamlit keeps in the URL itself: widgets bound to the query parameter named
# by their key (the speaker and stance filters, whose options are the URL's own values).
BOUND = {"speakers": "speaker", "stances": "stance"}
# The widget that shows each other part of the view, where one does. These stay synced by hand: a
# bound widget writes its options' labels to the URL, but the URL names articles by id and actors
# by name or id (case-insensitive), and the article chooser is not always shown.
VIEW_WIDGETS = {"articles": "articles", "actors": "actor_filter"}
PANEL = "place_panel"  # the place panel's fragment: a click on the map reruns only this


def set_view(**changes: object) -> None:
    """Write the changed parts of the view into the URL, and remember it as this session's own.

    The widgets showing those parts forget their value, so the next run seeds them from the URL
    (a button or a click may change what a widget shows); a bound widget is set instead.
    """
    state, _ = view.from_query(st.query_params.get_all)
    new = dataclasses.replace(state, **changes)  # type: ignore[arg-type]
    query = new.to_query()
    # One update, so one step in the browser's history; an empty list drops the parameter.
    st.query_params.update({name: query.get(name, []) for name in view.PARAMETERS if name not in BOUND.values()})
    st.session_state["view_seen"] = new
    for part in changes.keys() & BOUND.keys():
        st.session_state[BOUND[part]] = list(getattr(new, part))
    for part in changes.keys() & VIEW_WIDGETS.keys():
        st.session_state.pop(VIEW_WIDGETS[part], None)


def widget_value(key: str, from_url: list[str], url_changed: bool) -> None:
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
    set_view(articles=(article_id,), actors=(), place=None)


@st.cache_resource(show_spinner="Opening the gazetteer…")
def open_gazetteer(path: str) -> Gazetteer:
    return Gazetteer.open(Path(path))


def correct_place_ui(how: pd.DataFrame, place_id: str) -> None:
    """Let a person pick another gazetteer entry for the mentions of this place; the fix is stored."""
    with st.expander("Not this place? Choose another"):
        surfaces = sorted(set(how["surface"]))
        surface = surfaces[0] if len(surfaces) == 1 else st.selectbox("Name in the text", surfaces)
        candidates = [c.place for c in open_gazetteer(str(config.gazetteer)).lookup(surface)]
        others = [c for c in candidates if c.id != place_id][:CORRECTION_CHOICES]
        if not others:
            st.caption("The gazetteer has no other entry for this name.")
            return
        choice = st.selectbox(
            "Other entries", others, format_func=html.candidate_label, key=f"correct-{place_id}-{surface}"
        )
        if st.button("Use this place", key=f"apply-{place_id}-{surface}"):
            mentions = how[how["surface"] == surface]
            for row in mentions.itertuples(index=False):
                store().correct(row.article_id, int(row.start), int(row.end), choice, by="page")
            set_view(place=choice.id)
            st.rerun()  # the whole page: the place moved on the map


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
        set_view(articles=ids, actors=(), speakers=(), stances=(), place=None)


def on_articles(shown: list[str]) -> None:
    """Articles chosen in the sidebar: show them (an emptied chooser changes nothing)."""
    chosen = st.session_state["articles"]
    if chosen and sorted(chosen) != sorted(shown):
        set_view(articles=tuple(chosen), place=None)


def on_bound_filter() -> None:
    """A bound filter changed on the page, which Streamlit writes to the URL: the page's own change,
    not a link, back or forward, so the rest of the page does not follow the URL as if it were."""
    seen = st.session_state.get("view_seen")
    if seen is not None:
        st.session_state["view_seen"] = dataclasses.replace(
            seen, **{part: tuple(st.session_state.get(key, ())) for part, key in BOUND.items()}
        )


def on_actor_filter(actor_names: dict[str, str]) -> None:
    """Actors picked in the filter go to the URL by name, as a link names them."""
    set_view(actors=tuple(actor_names[a] for a in st.session_state["actor_filter"]))


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
        st.rerun(PANEL)


def empty_map_reason(article_ids: list[str], *, filtered: bool) -> str:
    """Why the map is empty, in words a reader can act on."""
    if filtered:
        return "No places match these filters. Remove an actor, speaker or stance to see more."
    if len(article_ids) == 1:
        return "No places found in this text: it names no place the offline gazetteer knows."
    return "No places found in these articles."


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

with st.sidebar:
    st.header("Add an article")
    pasted = st.text_area("Paste the text", height=180, placeholder="Paste a news article…")
    if st.button("Analyse the text", type="primary", disabled=not pasted.strip()):
        add_article(pasted.encode("utf-8"), "pasted.txt")
    upload = st.file_uploader("…or upload a file", type=["txt", "md", "html", "htm"])
    if upload is not None and st.button("Analyse the file"):
        add_article(upload.getvalue(), upload.name)
    if config.page_fetch_enabled:
        address = st.text_input("…or a web page or feed URL", placeholder="https://…", key="url_input")
        if address.strip() and st.button("Fetch and analyse", key="fetch"):
            add_from_url(address.strip())
    if st.button("Try the demo article"):
        add_article(DEMO_ARTICLE.read_bytes(), DEMO_ARTICLE.name)
    if error := st.session_state.get("add_error"):
        st.error(view.md_escape(error))

# One slot for every notice above the map: however many there are, the map keeps its place in the
# page, and Streamlit keeps its frame instead of loading it again.
notices = st.container()
state, warnings = view.from_query(st.query_params.get_all)
# The URL is the source of truth: when it differs from what this session last wrote, it was
# opened from a link or stepped through with back/forward, and the widgets follow it.
url_changed = st.session_state.get("view_seen") != state
st.session_state["view_seen"] = state
for warning in warnings:
    notices.warning(view.md_escape(warning))

try:
    stored = store().articles(limit=MAX_CHOOSABLE_ARTICLES)
except GeoError as error:  # the database cannot be opened or read: SQLite's own reason, no traceback
    notices.error(view.md_escape(error))
    st.stop()
titles = {
    row.id: " · ".join(str(part) for part in (row.title, row.source, (row.published or row.ingested_at)[:10]) if part)
    for row in stored.itertuples(index=False)
}
# The chooser tells options apart by their label: two articles with the same title, source and date
# would swap places in it, so repeated labels carry the article's id.
repeated = {label for label, count in Counter(titles.values()).items() if count > 1}
titles = {a: f"{label} · {a}" if label in repeated else label for a, label in titles.items()}
missing = [a for a in state.articles if a not in titles]
if missing:
    notices.warning(
        f"No stored article has the id {view.md_escape(', '.join(missing))}; it may live on another server."
    )
articles = [a for a in state.articles if a in titles] or list(stored["id"][:DEFAULT_ARTICLES])
if not articles:
    notices.info("No articles yet. Paste one in the sidebar, upload a file, or try the demo article.")
    st.stop()
if len(articles) == 1 and not looks_english(store().article(articles[0])["text"]):
    notices.warning(NOT_ENGLISH)
total = store().article_count()
if not state.articles and len(stored) > DEFAULT_ARTICLES:
    notices.caption(f"Showing the {DEFAULT_ARTICLES} newest of {total} stored articles; choose others in the sidebar.")

with st.sidebar:
    st.header("Stored articles")
    # Hundreds of chips would fill the sidebar and slow every page load: a long list opens on request.
    long_list = len(articles) > ARTICLE_CHIPS
    if not long_list or st.toggle(f"Change the {len(articles)} articles shown", key="edit_articles"):
        widget_value("articles", articles, url_changed)
        st.multiselect(
            "Show",
            options=list(titles),
            format_func=lambda a: titles[a],
            key="articles",
            on_change=on_articles,
            args=(articles,),
        )
    if len(articles) < len(titles):
        everything = f"all {total}" if total <= len(titles) else f"the {len(titles)} newest"
        st.button(
            f"Show {everything} stored articles",
            key="show_all",
            on_click=set_view,
            kwargs={"articles": tuple(titles), "place": None},
        )

# -- filters --------------------------------------------------------------------------------
actors = store().actors(articles)
actor_names = dict(zip(actors["id"], actors["name"], strict=True))
actor_types = dict(zip(actors["id"], actors["type"], strict=True))
selected_actors, unknown = view.match_actors(state.actors, actor_names)
if unknown:
    notices.warning(f"No actor called {view.md_escape(', '.join(unknown))} in these articles.")
actor_column, speaker_column, stance_column = st.columns([3, 2, 1])
widget_value("actor_filter", selected_actors, url_changed)
picked = actor_column.multiselect(
    "Only places in passages that mention",
    options=list(actor_names),
    format_func=lambda a: f"{actor_names[a]} ({actor_types[a]})",
    placeholder="Any actor",
    key="actor_filter",
    on_change=on_actor_filter,
    args=(actor_names,),
)
speakers = store().speakers(articles)
picked_speakers = speaker_column.multiselect(
    "…about which these speakers make claims",
    options=list(dict.fromkeys(speakers["name"])),
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

shown = MapFilter(
    article_ids=tuple(articles), actor_ids=tuple(picked), speakers=tuple(picked_speakers), stances=tuple(picked_stances)
)
# Past config.map_max_places places the store sends grid cells for the viewport at this zoom.
map_zoom = state.zoom if state.zoom is not None else geomap.DEFAULT_ZOOM
on_map = frames.map_frames(
    store(),
    shown,
    zoom=map_zoom,
    around=geomap.viewport_bounds(state.center, map_zoom) if state.center else None,
    max_places=config.map_max_places,
)
places, claims = on_map.places, on_map.claims
place = state.place if state.place in set(places["id"]) else None

# -- map and passages -------------------------------------------------------------------------
# The map's own HTML keeps the view the session opened with; later pans and zooms travel as
# st_folium's center/zoom arguments, so moving the map does not rebuild it.
if "map_origin" not in st.session_state:
    st.session_state["map_origin"] = (state.center, state.zoom)
origin_center, origin_zoom = st.session_state["map_origin"]
map_column, panel = st.columns([3, 2], gap="medium")
with map_column:
    if places.empty:
        st.info(empty_map_reason(articles, filtered=bool(picked or picked_speakers or picked_stances)))
    fmap = geomap.build_map(
        places,
        claims=on_map.layer_claims,
        basemap=basemap(),
        basemap_url=BASEMAP_JSON if served_file(BASEMAP_JSON, STATIC).is_file() else None,
        tiles=config.tiles,
        center=origin_center,
        zoom=origin_zoom,
        ring_on_click=True,  # a click rings its place at once; the panel alone reruns (on_map_event)
    )
    st.session_state["shown_places"] = places[["id", "lat", "lon"]]
    st_folium(
        fmap,
        key="map",
        height=560,
        use_container_width=True,
        # Move the map only when the URL was changed from outside; its own moves are already shown.
        center=state.center if url_changed else None,
        zoom=state.zoom if url_changed else None,
        returned_objects=["last_object_clicked", "center", "zoom"],
        # The selection travels as its own layer: a click re-sends this, not the whole map.
        feature_group_to_add=geomap.selection_layer(places, place),
        on_change=on_map_event,
        # st_folium renders the map's own script anyway; its extra whole-page render only costs time.
        render=False,
    )
    st.html(html.legend_html())
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
            "One row per claim and place, with offsets and passage text",
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
    articles: list[str], on_map: frames.MapFrames, actor_names: dict[str, str], share: DeltaGenerator
) -> None:
    """The list of places, or the passages of the selected one, and the link to this view.

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
        st.code(f"{base}?{urlencode(current.to_query(), doseq=True)}", language=None)
        st.caption("Anyone using this server opens the same articles, filter, selected place and map view.")
    if place is None:
        st.subheader("Places")
        listed = places.sort_values(["mentions", "name"], ascending=[False, True]).head(PLACE_LIST_ROWS)
        more = f" The {len(listed)} most mentioned of {len(places):,} are listed." if len(listed) < len(places) else ""
        st.caption(f"Click a marker, or a row below, to read the passages that name the place.{more}")
        st.session_state["listed_places"] = list(listed["id"])
        st.dataframe(
            listed[["name", "kind", "country", "mentions"]],
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
        how = store().resolutions_for_place(articles, place)
        if not how.empty:
            first = how.iloc[0]
            st.caption(view.md_escape(f"{html.precision_note(str(details.get('kind')))} Why here: {first['reason']}"))
            correct_place_ui(how, place)
        stance = on_map.stance(place)
        if stance:
            st.caption(f"Claims: {STANCE_LABELS[stance]}.")
        passages = store().passages_for_place(articles, place)
        if len(passages) > PANEL_PASSAGES and not st.toggle(
            f"Show all {len(passages)} passages (the first {PANEL_PASSAGES} are shown)", key=f"all-passages-{place}"
        ):
            passages = passages.head(PANEL_PASSAGES)
        marks = store().highlights(list(passages["passage_id"]))
        for passage in frames.panel_passages(passages, marks, claims, place, actor_names):
            with st.container(border=True):
                if len(articles) > 1:
                    st.caption(view.md_escape(passage.title))
                st.html(html.passage_block(passage))


with panel:
    place_panel(articles, on_map, actor_names, share)
