"""Render stored frames as a folium map and as highlighted HTML passages.

Pure functions: frames in, a ``folium.Map`` or an HTML string out. Every piece
of article text that reaches HTML passes through ``html.escape`` here; the
page adds no markup of its own around article text.
"""

from __future__ import annotations

import functools
import html
import json
from collections.abc import Iterable
from dataclasses import dataclass

import folium
import pandas as pd
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from jinja2 import Template
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from geo.static import (
    JQUERY_JS,
    LEAFLET_CSS,
    LEAFLET_IMAGES,
    LEAFLET_JS,
    MARKERCLUSTER_CSS,
    MARKERCLUSTER_DEFAULT_CSS,
    MARKERCLUSTER_JS,
)
from geo.types import NARRATOR, Place

DEFAULT_CENTER = (20.0, 10.0)
DEFAULT_ZOOM = 2  # the map opens here, then fits its places when the link names no view
BASEMAP_STYLE = {"fillColor": "#eef0f2", "color": "#9aa3ad", "weight": 0.6, "fillOpacity": 1.0}
BASEMAP_PANE = "geo-basemap"  # below Leaflet's overlay pane (z-index 400): the shaded countries stay on top
# One colour per stance, used by markers, shaded areas and the legend alike.
STANCE_COLORS = {
    "asserted": "#2c7fb8",
    "denied": "#d95f0e",
    "contested": "#8856a7",
    None: "#636363",
}
STANCE_LABELS = {
    "asserted": "claims assert something here",
    "denied": "claims deny something here",
    "contested": "contested: claims here contradict each other",
    None: "named, no claim about it",
}
AREA_KINDS = frozenset({"country", "continent", "sea", "region", "admin1"})
CLUSTER_RADIUS_PX = 35  # markers closer than this on screen merge into a counted cluster
MAX_FIT_ZOOM = 7
MAX_ZOOM = 18
COORDINATE_DECIMALS = 5  # sent to the browser: about a metre
CLICK_TOLERANCE_DEG = 1e-4  # a click reports the marker's rounded point; match it to the place within ~10 m
MAX_CLAIM_LAYERS = 12  # speakers with the most claims get a layer each; more would crowd the layer control


class _OfflineIcons(MacroElement):
    """Point Leaflet's default marker icon at the app's own static images.

    Leaflet guesses the path from its CSS URL and gets it wrong when served
    from /app/static; a header script would not run inside st_folium, so this
    runs in the map's own script, before any marker is created.
    """

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "L.Icon.Default.prototype.options.imagePath = {{ this.path|tojson }};"
        "{% endmacro %}"
    )

    def __init__(self, path: str) -> None:
        super().__init__()
        self._name = "OfflineIcons"
        self.path = path


def build_map(
    places: pd.DataFrame,
    *,
    claims: pd.DataFrame | None = None,
    basemap: dict | None = None,
    basemap_url: str | None = None,
    tiles: str = "",
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
) -> folium.Map:
    """The map of ``places`` (columns id, name, lat, lon, kind, country, mentions; optional stance).

    Towns and facilities are pins sized by mentions and coloured by stance,
    clustered when crowded; countries are shaded shapes with a clickable
    label, seas, continents and regions an outlined label. The country basemap
    is ``basemap`` itself, or fetched by the browser from ``basemap_url`` when
    given (the page serves it as a static file; ``basemap`` still gives the
    shapes of the countries named). ``claims`` (rows of ``Store.claims``) adds
    one switchable layer per speaker: a ring round each shown place that
    speaker makes claims about. Offline by default.
    The selected place is drawn by ``selection_layer``, sent apart so that a
    click does not rebuild the map.
    """
    # maxZoom on the map itself: with no tile layer Leaflet has none, and the cluster layer needs one.
    fmap = folium.Map(
        location=center or DEFAULT_CENTER,
        zoom_start=zoom or DEFAULT_ZOOM,
        tiles=None,
        control_scale=True,
        maxZoom=MAX_ZOOM,
        minZoom=1,
    )
    fmap.default_js = [("leaflet", LEAFLET_JS), ("jquery", JQUERY_JS)]
    fmap.default_css = [("leaflet_css", LEAFLET_CSS)]
    _OfflineIcons(LEAFLET_IMAGES).add_to(fmap)
    switchable: list[tuple[str, str]] = []  # (label, the layer's JavaScript name) for the layer control
    if tiles:
        folium.TileLayer(tiles, name="Tiles", control=False).add_to(fmap)
    elif basemap_url is not None:
        outlines = _Outlines(url=basemap_url, styles={"": BASEMAP_STYLE}, pane=BASEMAP_PANE).add_to(fmap)
        switchable.append(("Country basemap", outlines.get_name()))
    elif basemap is not None:
        outlines = _Outlines(data=_basemap_json(basemap), styles={"": BASEMAP_STYLE}, pane=BASEMAP_PANE).add_to(fmap)
        switchable.append(("Country basemap", outlines.get_name()))
    stance = dict(zip(places["id"], places["stance"], strict=True)) if "stance" in places else {}
    areas = places[places["kind"].isin(AREA_KINDS)]
    points = places[~places["kind"].isin(AREA_KINDS)]
    if basemap is not None and not areas.empty:
        shaded = _shade_countries(fmap, areas, stance, basemap)
        if shaded is not None:
            switchable.append(("Countries named (shaded)", shaded.get_name()))
    _PlaceLayer(_rows(points, stance), clustered=True, label="Places (pins)").add_to(fmap)
    _PlaceLayer(_rows(areas, stance), clustered=False, label="Areas (labels)").add_to(fmap)
    if claims is not None and not claims.empty:
        _ClaimLayers(claim_layers(claims, places)).add_to(fmap)
    _LayerSwitch(switchable).add_to(fmap)
    if center is None:
        framed = points if not points.empty else places
        if len(framed):
            fmap.fit_bounds(
                [(framed["lat"].min(), framed["lon"].min()), (framed["lat"].max(), framed["lon"].max())],
                padding=(40, 40),
                max_zoom=MAX_FIT_ZOOM,
            )
    return fmap


def selection_layer(places: pd.DataFrame, selected: str | None) -> folium.FeatureGroup:
    """A ring around the selected place, as a layer of its own (st_folium adds it without a rebuild)."""
    layer = folium.FeatureGroup(name="Selected place", control=False)
    if selected is not None and selected in set(places["id"]):
        row = places.loc[places["id"] == selected].iloc[0]
        folium.CircleMarker(
            location=(row["lat"], row["lon"]), radius=16, color="#222", weight=3, fill=False, interactive=False
        ).add_to(layer)
    return layer


_STANCE_ORDER = (None, "asserted", "denied", "contested")  # a row names its stance by position here


def _rows(places: pd.DataFrame, stance: dict[str, str | None]) -> list[list[object]]:
    """Compact marker data: [lat, lon, id, name, kind, mentions, stance index]; the browser builds the rest."""
    order = {value: index for index, value in enumerate(_STANCE_ORDER)}
    return [
        [
            round(float(row.lat), COORDINATE_DECIMALS),
            round(float(row.lon), COORDINATE_DECIMALS),
            str(row.id),
            str(row.name),
            str(row.kind),
            int(row.mentions),
            order.get(stance.get(row.id), 0),
        ]
        for row in places.itertuples(index=False)
    ]


class _PlaceLayer(JSCSSMixin, MacroElement):
    """Markers built in the browser from one JSON array: a few dozen bytes a place instead of a
    folium object each, which keeps thousands of places quick to send and draw.

    Pins sit in a marker cluster (offline Leaflet.markercluster) whose clusters take the stance
    colour their places share; area labels sit in a plain group that hides the labels that would
    overlap at the current zoom.
    Every string is escaped before it reaches the page (``esc``, ``textContent``, ``title``).
    Leaflet copies ``title`` onto the marker element: a handle for people (hover) and tests.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var rows = {{ this.rows }};
  var palette = {{ this.palette|tojson }};
  {% if this.clustered %}
  // A cluster takes the stance its places share; places that disagree make it "contested".
  // Stances are positions in the palette: 0 no claim, 1 asserted, 2 denied, 3 contested.
  function clusterIcon(cluster) {
    var seen = [false, false, false, false];
    cluster.getAllChildMarkers().forEach(function (m) { seen[m.options.stance] = true; });
    var color = palette[seen[3] || (seen[1] && seen[2]) ? 3 : seen[2] ? 2 : seen[1] ? 1 : 0];
    var count = cluster.getChildCount();
    var d = count < 10 ? 30 : count < 100 ? 36 : count < 1000 ? 42 : 48;
    return L.divIcon({
      html: '<div style="width:' + d + "px;height:" + d + "px;border-radius:50%;background:" + color +
        ";opacity:.85;border:3px solid rgba(255,255,255,.9);box-shadow:0 0 0 2px " + color + ";color:#fff;" +
        "font:700 12px/" + d + 'px sans-serif;text-align:center">' + count + "</div>",
      className: "marker-cluster geo-cluster", iconSize: [d, d]});
  }
  var options = {{ this.cluster_options|tojson }};
  options.iconCreateFunction = clusterIcon;
  var layer = L.markerClusterGroup(options);
  {% else %}
  var layer = L.featureGroup();
  {% endif %}
  function text(value) { var span = document.createElement("span"); span.textContent = value; return span; }
  function esc(value) {
    return String(value).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }
  var markers = rows.map(function (r) {
    var size, body, color = palette[r[6]];
    var tip = r[3] + " (" + r[4] + ", " + r[5] + " mention" + (r[5] === 1 ? "" : "s") + ")";
    {% if this.clustered %}
    var d = Math.round(14 + 6 * Math.log2(1 + r[5]));
    body = '<div data-place-id="' + esc(r[2]) + '" style="width:' + d + "px;height:" + d +
      "px;border-radius:50%;background:" + esc(color) + ";border:2px solid #fff;box-shadow:0 1px 3px " +
      "rgba(0,0,0,.45);color:#fff;font:600 11px/" + d + 'px sans-serif;text-align:center">' +
      (r[5] > 1 ? String(r[5]) : "") + "</div>";
    size = [d, d];
    {% else %}
    body = '<div class="geo-label" data-place-id="' + esc(r[2]) + '" style="display:inline-block;padding:1px 6px;' +
      "border-radius:4px;" +
      "background:rgba(255,255,255,.85);border:2px solid " + esc(color) + ";color:#222;" +
      'font:italic 600 12px sans-serif;white-space:nowrap">' + esc(r[3]) + "</div>";
    size = [Math.max(60, 8 * r[3].length + 16), 22];
    {% endif %}
    var icon = L.divIcon({html: body, className: "geo-marker", iconSize: size,
                          iconAnchor: [Math.round(size[0] / 2), Math.round(size[1] / 2)]});
    return L.marker([r[0], r[1]], {title: r[3], icon: icon, stance: r[6], mentions: r[5]})
      .bindTooltip(text(tip));
  });
  {% if this.clustered %}
  layer.addLayers(markers);
  {% else %}
  // Labels do not cluster: at each zoom, show the most mentioned ones that fit without
  // overlapping; the rest appear as the map zooms in (their countries stay shaded meanwhile).
  var byMentions = markers.slice().sort(function (a, b) { return b.options.mentions - a.options.mentions; });
  function declutter() {
    var placed = [];
    byMentions.forEach(function (m) {
      var p = map.latLngToLayerPoint(m.getLatLng()), size = m.options.icon.options.iconSize;
      var box = [p.x - size[0] / 2, p.y - size[1] / 2, p.x + size[0] / 2, p.y + size[1] / 2];
      var free = placed.every(function (b) {
        return box[2] < b[0] || box[0] > b[2] || box[3] < b[1] || box[1] > b[3];
      });
      if (free) { placed.push(box); layer.addLayer(m); } else { layer.removeLayer(m); }
    });
  }
  map.on("zoomend", declutter);
  map.whenReady(declutter);
  {% endif %}
  layer.addTo(map);
  map.geoOverlays = map.geoOverlays || {};
  map.geoOverlays[{{ this.label|tojson }}] = layer;
})();
{% endmacro %}
"""
    )

    # Loaded by folium into the page head, and by st_folium from these lists.
    default_js: list[tuple[str, str]] = [("markerclusterjs", MARKERCLUSTER_JS)]  # noqa: RUF012
    default_css: list[tuple[str, str]] = [  # noqa: RUF012
        ("markerclustercss", MARKERCLUSTER_CSS),
        ("markerclusterdefault", MARKERCLUSTER_DEFAULT_CSS),
    ]

    def __init__(self, rows: list[list[object]], *, clustered: bool, label: str) -> None:
        super().__init__()
        self._name = "PlaceLayer"
        self.rows = _script_json(rows)  # serialised once: st_folium renders the script more than once
        self.clustered = clustered
        self.label = label
        self.palette = [STANCE_COLORS[stance] for stance in _STANCE_ORDER]
        self.cluster_options = {
            "maxClusterRadius": CLUSTER_RADIUS_PX,
            "spiderfyOnMaxZoom": True,
            "showCoverageOnHover": False,
            "chunkedLoading": True,
        }


@dataclass(frozen=True, slots=True)
class ClaimLayer:
    """What one speaker claims about the places on the map, ready for the browser."""

    speaker: str
    claims: int
    rows: tuple[tuple[float, float, str, str], ...]  # lat, lon, colour, tooltip

    @property
    def label(self) -> str:
        if self.speaker == NARRATOR:
            return f"Said by the article itself ({self.claims})"
        # Leaflet's layer control inserts labels as HTML: the speaker's name is article text.
        return f"Claims by {html.escape(self.speaker)} ({self.claims})"


_STANCE_VERBS = {"asserted": "asserts", "denied": "denies", "contested": "asserts and denies"}


def claim_layers(claims: pd.DataFrame, places: pd.DataFrame, limit: int = MAX_CLAIM_LAYERS) -> list[ClaimLayer]:
    """One layer per speaker (most claims first, at most ``limit``): the shown places they make claims about.

    A place's ring takes the colour of the speaker's stance there: asserted, denied, or
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
    rings = (
        about.assign(asserts=about["stance"] == "asserts", denies=about["stance"] == "denies")
        .groupby(["speaker", "place_id"], sort=True)
        .agg(asserts=("asserts", "any"), denies=("denies", "any"), claims=("claim", "nunique"), text=("text", "first"))
        .reset_index()
        .merge(places[["id", "lat", "lon", "name"]], left_on="place_id", right_on="id")
    )
    rows: dict[str, list[tuple[float, float, str, str]]] = {}
    for ring in rings.itertuples(index=False):
        stance = _stance(ring.asserts, ring.denies)
        count = f"{ring.claims} claim{'s' if ring.claims != 1 else ''}"
        tooltip = f"{ring.name}: {ring.speaker} {_STANCE_VERBS[stance]} ({count}) — “{_excerpt(ring.text)}”"
        point = (round(float(ring.lat), COORDINATE_DECIMALS), round(float(ring.lon), COORDINATE_DECIMALS))
        rows.setdefault(ring.speaker, []).append((*point, STANCE_COLORS[stance], tooltip))
    return [ClaimLayer(str(speaker), int(count), tuple(rows.get(speaker, ()))) for speaker, count in ranked]


class _ClaimLayers(MacroElement):
    """One Leaflet layer per speaker, off until switched on in the layer control.

    Rings, not filled discs: a click inside a ring still reaches the pin beneath it.
    Tooltips are text nodes, so article text never becomes markup.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  map.geoClaimOverlays = map.geoClaimOverlays || {};
  {{ this.layers|tojson }}.forEach(function (spec) {
    var group = L.featureGroup();
    spec.rows.forEach(function (r) {
      var tip = document.createElement("span");
      tip.textContent = r[3];
      L.circleMarker([r[0], r[1]], {radius: 15, color: r[2], weight: 3, opacity: 0.9, fill: false})
        .bindTooltip(tip).addTo(group);
    });
    map.geoClaimOverlays[spec.label] = group;
  });
})();
{% endmacro %}
"""
    )

    def __init__(self, layers: list[ClaimLayer]) -> None:
        super().__init__()
        self._name = "ClaimLayers"
        self.layers = [{"label": layer.label, "rows": [list(row) for row in layer.rows]} for layer in layers]


class _LayerSwitch(MacroElement):
    """Leaflet's layer control: place layers, then the folium layers named, then a layer per speaker."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var overlays = Object.assign({}, map.geoOverlays || {});
  {% for label, name in this.layers %}overlays[{{ label|tojson }}] = {{ name }};
  {% endfor %}
  Object.assign(overlays, map.geoClaimOverlays || {});  // listed last: a layer per speaker
  L.control.layers(null, overlays, {collapsed: true}).addTo(map);
})();
{% endmacro %}
"""
    )

    def __init__(self, layers: list[tuple[str, str]]) -> None:
        super().__init__()
        self._name = "LayerSwitch"
        self.layers = layers


def _shade_countries(
    fmap: folium.Map, areas: pd.DataFrame, stance: dict[str, str | None], basemap: dict
) -> _Outlines | None:
    colors = {
        row.country: STANCE_COLORS.get(stance.get(row.id), STANCE_COLORS[None])
        for row in areas[areas["kind"] == "country"].itertuples(index=False)
    }
    features = [f for f in basemap.get("features", []) if f["properties"].get("iso_a2") in colors]
    if not features:
        return None
    styles = {iso: {"fillColor": c, "color": c, "weight": 1, "fillOpacity": 0.18} for iso, c in colors.items()}
    shaded = _Outlines(data=_script_json({"type": "FeatureCollection", "features": features}), styles=styles)
    shaded.add_to(fmap)
    return shaded


class _Outlines(MacroElement):
    """Country shapes from GeoJSON (``data``, or fetched from ``url``), styled by ISO code
    (``""``: every shape), not clickable.

    Leaner than ``folium.GeoJson``, which styles every feature in Python and walks every
    coordinate for the map's bounds on each script run: the basemap is large and constant.
    A fetched basemap arrives after the other layers, so it draws in a pane of its own below them.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function () {
  var map = {{ this._parent.get_name() }};
  var styles = {{ this.styles|tojson }};
  var options = {interactive: false, style: function (feature) {
    return styles[feature.properties.iso_a2] || styles[""];
  }};
  {% if this.pane %}
  if (!map.getPane({{ this.pane|tojson }})) { map.createPane({{ this.pane|tojson }}).style.zIndex = 350; }
  options.pane = {{ this.pane|tojson }};
  {% endif %}
  {% if this.url %}
  var layer = L.geoJSON(null, options).addTo(map);
  fetch({{ this.url|tojson }}).then(function (response) { return response.json(); })
    .then(function (data) { layer.addData(data); });
  return layer;
  {% else %}
  return L.geoJSON({{ this.data }}, options).addTo(map);
  {% endif %}
})();
{% endmacro %}
"""
    )

    def __init__(
        self,
        *,
        styles: dict[str, dict[str, object]],
        data: Markup | None = None,
        url: str | None = None,
        pane: str | None = None,
    ) -> None:
        super().__init__()
        self._name = "Outlines"
        self.data = data
        self.url = url
        self.styles = styles
        self.pane = pane


_basemap_cache: list[tuple[dict, Markup]] = []  # the last basemap serialised, held so its id stays its own


def _basemap_json(basemap: dict) -> Markup:
    """The basemap as script-safe JSON, serialised once for the same object (the page passes one per process)."""
    if not _basemap_cache or _basemap_cache[0][0] is not basemap:
        _basemap_cache[:] = [(basemap, _script_json(basemap))]
    return _basemap_cache[0][1]


def _script_json(value: object) -> Markup:
    """JSON that is safe inside a <script> element (what Jinja's ``tojson`` writes), compact."""
    return htmlsafe_json_dumps(value, dumps=functools.partial(json.dumps, separators=(",", ":")))


def legend_html() -> str:
    """The legend shown under the map: one swatch per stance."""
    items = "".join(
        f'<span style="display:inline-flex;align-items:center;margin-right:14px">'
        f'<span style="width:12px;height:12px;border-radius:50%;background:{color};display:inline-block;'
        f'margin-right:5px"></span>{html.escape(STANCE_LABELS[stance])}</span>'
        for stance, color in STANCE_COLORS.items()
    )
    notes = "pin size: mentions · a cluster takes the colour its places share · shaded: countries named"
    return f'<div style="font-size:0.85rem;color:#444">{items}<div style="color:#666">{notes}</div></div>'


def place_at(places: pd.DataFrame, lat: float, lon: float) -> str | None:
    """The id of the place whose marker sits at a clicked point (Leaflet returns the marker's own point)."""
    if places.empty:
        return None
    distance = (places["lat"] - lat).abs() + (places["lon"] - lon).abs()
    nearest = distance.idxmin()
    return str(places.loc[nearest, "id"]) if distance[nearest] < CLICK_TOLERANCE_DEG else None


@dataclass(frozen=True, slots=True)
class Highlight:
    start: int
    end: int
    kind: str  # "place", "actor", "selected", "speaker" or "cue"
    title: str


def claim_highlights(claims: pd.DataFrame) -> list[Highlight]:
    """Where each claim's speaker and cue are written (the ``speaker_start``... columns of the
    claims frame), as highlights; a claim whose speaker or cue is not written has none."""
    marks: list[Highlight] = []
    if claims.empty or "speaker_start" not in claims:
        return marks
    for c in claims.drop_duplicates("claim_id").itertuples(index=False):
        if pd.notna(c.speaker_start) and pd.notna(c.speaker_end):
            marks.append(Highlight(int(c.speaker_start), int(c.speaker_end), "speaker", f"speaker: {c.speaker}"))
        if pd.notna(c.cue_start) and pd.notna(c.cue_end):
            marks.append(Highlight(int(c.cue_start), int(c.cue_end), "cue", f"cue: {c.stance}"))
    return marks


def passage_html(text: str, offset: int, highlights: Iterable[Highlight]) -> str:
    """Escape ``text`` (which starts at article offset ``offset``) and wrap highlights in <mark>."""
    pieces: list[str] = []
    cursor = 0
    for mark in sorted(highlights, key=lambda h: (h.start, -h.end)):
        start, end = mark.start - offset, mark.end - offset
        if start < cursor or start < 0 or end > len(text):
            continue  # overlapping or outside this passage
        pieces.append(html.escape(text[cursor:start]))
        pieces.append(
            f'<mark class="geo-{mark.kind}" title="{html.escape(mark.title)}">{html.escape(text[start:end])}</mark>'
        )
        cursor = end
    pieces.append(html.escape(text[cursor:]))
    return "".join(pieces)


HIGHLIGHT_CSS = """
<style>
mark.geo-selected { background: #fdd49e; color: inherit; font-weight: 600; padding: 0 2px; border-radius: 3px; }
mark.geo-place { background: #e0ecf4; color: inherit; padding: 0 2px; border-radius: 3px; }
mark.geo-actor { background: #e5f5e0; color: inherit; padding: 0 2px; border-radius: 3px;
                 border-bottom: 2px solid #41ab5d; }
mark.geo-speaker { background: #efedf5; color: inherit; padding: 0 2px; border-radius: 3px;
                   border-bottom: 2px solid #756bb1; }
mark.geo-cue { background: transparent; color: inherit; font-style: italic; border-bottom: 1px dashed #756bb1; }
</style>
"""


STANCE_BADGES = {"asserts": ("asserts", "#2c7fb8"), "denies": ("denies", "#d95f0e")}


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
        str(place_id): "contested" if row.linked else _stance(row.asserts, row.denies)
        for place_id, row in zip(said.index, said.itertuples(index=False), strict=True)
    }


def _stance(asserts: bool, denies: bool) -> str:
    """How claims that assert and/or deny something about a place read on the map."""
    if asserts and denies:
        return "contested"
    return "denied" if denies else "asserted"


def claim_html(speaker: str, via: str | None, cue: str, stance: str, hedged: bool, text: str) -> str:
    """One claim as a line of badges (speaker, stance, hedge) and its escaped content."""
    label, color = STANCE_BADGES.get(stance, (stance, STANCE_COLORS[None]))
    relay = f" <span style='color:#666'>via {html.escape(via)}</span>" if via else ""
    hedge = (
        " <span class='geo-badge' style='background:#fff3cd;color:#7a5d00' title='hedged: may, could, likely…'>"
        "hedged</span>"
        if hedged
        else ""
    )
    return (
        "<div class='geo-claim' style='margin:6px 0;font-size:0.92rem'>"
        f"<strong>{html.escape(speaker)}</strong>{relay} "
        f"<span class='geo-badge' style='background:{color};color:#fff;border-radius:8px;padding:0 7px'>"
        f"{html.escape(label)}</span>{hedge} <span style='color:#666'>({html.escape(cue)})</span>"
        f"<div style='color:#555;margin-top:2px;font-style:italic'>“{html.escape(_excerpt(text))}”</div></div>"
    )


CLAIM_EXCERPT_CHARS = 110  # the passage above shows the whole text; the claim line names it briefly


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= CLAIM_EXCERPT_CHARS else text[: CLAIM_EXCERPT_CHARS - 1].rstrip() + "…"


_PRECISION = {
    "country": "An area: the pin marks a point inside the country.",
    "admin1": "An area: the pin marks a point inside the province or state.",
    "admin2": "An area: the pin marks a point inside the district or county.",
    "continent": "An area: the label marks a point inside the continent.",
    "sea": "An area: the label marks a point on the sea.",
    "region": "An area: the label marks a point inside the region.",
}


def precision_note(kind: str) -> str:
    """What the point on the map stands for, in one sentence."""
    return _PRECISION.get(kind, f"A point ({kind}): the place itself.")


def candidate_label(place: Place) -> str:
    """How a gazetteer entry is offered to a person choosing between readings."""
    population = f", pop. {place.population:,}" if place.population else ""
    country = f", {place.country}" if place.country else ""
    return f"{place.name}{country} ({place.kind}{population}) · {place.id}"
