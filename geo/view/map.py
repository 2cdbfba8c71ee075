"""Stored frames as a folium map: offline Leaflet, markers built in the browser from one array,
clusters, stance colours, shaded countries, a claims layer per speaker, a layer control.

Pure functions: frames in (``geo.frames``), a ``folium.Map`` or a layer out. Colours and sizes
come from ``geo.view.style``. Article text reaches the page only as JSON inside scripts (escaped
by ``tojson``) and as text nodes; the layer control's labels, which Leaflet inserts as HTML,
are escaped here.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable

import folium
import pandas as pd
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from jinja2 import Template
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape

from geo.frames import COORDINATE_DECIMALS, ClaimLayer, claim_layers
from geo.store import CELLS_PER_TILE
from geo.types import AREA_KINDS, NARRATOR
from geo.view.layers import MIN_ZOOM as ORIENTATION_MIN_ZOOM
from geo.view.static import (
    JQUERY_JS,
    LEAFLET_CSS,
    LEAFLET_IMAGES,
    LEAFLET_JS,
    MARKERCLUSTER_CSS,
    MARKERCLUSTER_DEFAULT_CSS,
    MARKERCLUSTER_JS,
)
from geo.view.style import (
    BASEMAP_STYLE,
    CLAIM_RING,
    CLUSTER_RADIUS_PX,
    CLUSTER_SIZES_PX,
    LABEL_BOX_PX,
    LABELLED_CITIES,
    ORIENTATION_STYLES,
    PIN_SIZE_PX,
    SELECTION_CLASS,
    SELECTION_RING,
    SHADE_OPACITY,
    STANCE_COLORS,
    STANCE_ORDER,
)

DEFAULT_CENTER = (20.0, 10.0)
DEFAULT_ZOOM = 2  # the map opens here, then fits its places when the link names no view
BASEMAP_PANE = "geo-basemap"  # below Leaflet's overlay pane (z-index 400): the shaded countries stay on top
ORIENTATION_PANE = "geo-orientation"  # divisions, rivers, lakes: over the basemap, under the overlays
MAX_FIT_ZOOM = 7
MAX_ZOOM = 18
CLICK_TOLERANCE_DEG = 1e-4  # a click reports the marker's rounded point; match it to the place within ~10 m


def viewport_bounds(
    center: tuple[float, float], zoom: int, *, width_px: int = 1400, height_px: int = 700
) -> tuple[float, float, float, float]:
    """(south, west, north, east) a map of about this size shows around ``center`` at ``zoom``, with half
    a screen of margin each way (Web Mercator: 256-pixel tiles, 2**zoom of them around the world)."""
    world_px = 256 * 2**zoom
    lat, lon = center
    half_lon = min(180.0, 360.0 * width_px / world_px)
    y = math.log(math.tan(math.pi / 4 + math.radians(max(-85.0, min(85.0, lat))) / 2))
    half_y = 2 * math.pi * height_px / world_px

    def to_lat(value: float) -> float:
        return math.degrees(2 * math.atan(math.exp(value)) - math.pi / 2)

    if half_lon >= 180.0:
        west, east = -180.0, 180.0
    else:
        west, east = (lon - half_lon + 180) % 360 - 180, (lon + half_lon + 180) % 360 - 180
    return (to_lat(y - half_y), west, to_lat(y + half_y), east)


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
    ring_on_click: bool = False,
    orientation: dict[str, str] | None = None,
    orientation_data: dict[str, object] | None = None,
    publish: Callable[[str], str] | None = None,
) -> folium.Map:
    """The map of ``places`` (columns id, name, lat, lon, kind, country, mentions; optional stance).

    Towns and facilities are pins sized by mentions and coloured by stance,
    clustered when crowded; countries are shaded shapes with a clickable
    label, seas, continents and regions an outlined label. The country basemap
    is ``basemap`` itself, or fetched by the browser from ``basemap_url`` when
    given (the page serves it as a static file; ``basemap`` still gives the
    shapes of the countries named). ``claims`` (rows of ``Store.claims``) adds
    one switchable layer per speaker: a ring round each shown place that
    speaker makes claims about; with ``publish`` (JSON text in, the URL it is served at out) the
    rings are fetched from there when a layer is first switched on, not sent with the map.
    Offline by default.
    ``orientation`` names the URLs of the layers to orient by (``geo.view.layers``: admin1,
    rivers, lakes, cities), fetched the first time the map is zoomed in far enough;
    ``orientation_data`` holds the same layers themselves, for a page that fetches nothing.
    The selected place is drawn by ``selection_layer``, sent apart so that a
    click does not rebuild the map; with ``ring_on_click`` the browser rings a
    clicked place at once, before (or without) the page sending a new selection.
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
    if (orientation or orientation_data) and not tiles:
        _Orientation(orientation or {}, orientation_data or {}).add_to(fmap)
    stance = dict(zip(places["id"], places["stance"], strict=True)) if "stance" in places else {}
    areas = places[places["kind"].isin(AREA_KINDS)]
    points = places[~places["kind"].isin(AREA_KINDS)]
    if basemap is not None and not areas.empty:
        shaded = _shade_countries(fmap, areas, stance, basemap, url=None if tiles else basemap_url)
        if shaded is not None:
            switchable.append(("Countries named (shaded)", shaded.get_name()))
    if ring_on_click:
        _SelectionRings().add_to(fmap)
    _PlaceLayer(_rows(points, stance), clustered=True, label="Places (pins)").add_to(fmap)
    _PlaceLayer(_rows(areas, stance), clustered=False, label="Areas (labels)").add_to(fmap)
    if claims is not None and not claims.empty:
        _ClaimLayers(claim_layers(claims, places), publish).add_to(fmap)
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
    """A ring around the selected place, as a layer of its own (st_folium adds it without a rebuild).

    With nothing selected the ring is transparent: added all the same, it takes
    the place of a ring the browser drew on a click (``_SelectionRings``).
    """
    layer = folium.FeatureGroup(name="Selected place", control=False)
    ring = {**SELECTION_RING, "class_name": SELECTION_CLASS, "fill": False}
    if selected is not None and selected in set(places["id"]):
        row = places.loc[places["id"] == selected].iloc[0]
        marker = folium.CircleMarker(location=(row["lat"], row["lon"]), **ring)
    else:
        marker = folium.CircleMarker(location=(0.0, 0.0), **{**ring, "opacity": 0})
    marker.options["interactive"] = False  # folium drops this option; a click must reach the pin beneath
    marker.add_to(layer)
    return layer


class _SelectionRings(MacroElement):
    """One selection ring at a time: a click on a place rings it at once, in the browser; a ring
    the page sends later (``selection_layer``, through st_folium) replaces it, and it replaces that."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var ring = {{ this.ring|tojson }};
  function isRing(layer) { return !!layer.options && layer.options.className === ring.className; }
  map.on("layeradd", function (event) {
    if (!isRing(event.layer)) { return; }
    map.eachLayer(function (other) { if (other !== event.layer && isRing(other)) { map.removeLayer(other); } });
  });
  // Inside the page's map component (st_folium): tell the page of the click at once. The component
  // reports a click 250 ms later (a debounce meant for pans); it then finds the same report already
  // sent and sends nothing again. Its order of keys is kept, so the two reports compare equal.
  function report(latlng) {
    var global = window.__GLOBAL_DATA__, streamlit = window.Streamlit;
    if (!global || !streamlit || !global.returned_objects) { return; }
    var known = {last_object_clicked: latlng, zoom: map.getZoom(), center: map.getCenter()};
    var data = {};
    ["last_object_clicked", "zoom", "center"].forEach(function (key) {
      if (global.returned_objects.indexOf(key) !== -1) { data[key] = known[key]; }
    });
    if (Object.keys(data).length !== global.returned_objects.length) { return; }  // it returns more: it reports
    if (JSON.stringify(global.previous_data) !== JSON.stringify(data)) {
      global.last_object_clicked = latlng;
      global.previous_data = data;
      streamlit.setComponentValue(data);
    }
  }
  map.geoSelect = function (latlng) { L.circleMarker(latlng, ring).addTo(map); report(latlng); };
})();
{% endmacro %}
"""
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "SelectionRings"
        self.ring = {**SELECTION_RING, "className": SELECTION_CLASS, "fill": False, "interactive": False}


def _rows(places: pd.DataFrame, stance: dict[str, str | None]) -> list[list[object]]:
    """Compact marker data: [lat, lon, id, name, kind, mentions, stance index]; the browser builds the rest."""
    order = {value: index for index, value in enumerate(STANCE_ORDER)}
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
  var sizes = {{ this.sizes|tojson }};
  {% if this.clustered %}
  // A cluster takes the stance its places share; places that disagree make it "contested".
  // Stances are positions in the palette: 0 no claim, 1 asserted, 2 denied, 3 contested.
  function clusterIcon(cluster) {
    var seen = [false, false, false, false];
    cluster.getAllChildMarkers().forEach(function (m) { seen[m.options.stance] = true; });
    var color = palette[seen[3] || (seen[1] && seen[2]) ? 3 : seen[2] ? 2 : seen[1] ? 1 : 0];
    var count = cluster.getChildCount();
    var d = sizes.cluster[Math.min(sizes.cluster.length, String(count).length) - 1];
    return L.divIcon({
      html: '<div title="' + count + ' places: click to zoom in" style="width:' + d + "px;height:" + d +
        "px;border-radius:50%;background:" + color +
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
    var d = Math.round(sizes.pin[0] + sizes.pin[1] * Math.log2(1 + r[5]));
    body = '<div data-place-id="' + esc(r[2]) + '" style="width:' + d + "px;height:" + d +
      "px;border-radius:50%;background:" + esc(color) + ";border:2px solid #fff;box-shadow:0 1px 3px " +
      "rgba(0,0,0,.45)" + '"></div>';  // no number: a number is a cluster's, counting places, not mentions
    size = [d, d];
    {% else %}
    body = '<div class="geo-label" data-place-id="' + esc(r[2]) + '" style="display:inline-block;padding:1px 6px;' +
      "border-radius:4px;" +
      "background:rgba(255,255,255,.85);border:2px solid " + esc(color) + ";color:#222;" +
      'font:italic 600 12px sans-serif;white-space:nowrap">' + esc(r[3]) + "</div>";
    size = [Math.max(sizes.label[0], sizes.label[1] * r[3].length + sizes.label[2]), sizes.label[3]];
    {% endif %}
    var icon = L.divIcon({html: body, className: "geo-marker", iconSize: size,
                          iconAnchor: [Math.round(size[0] / 2), Math.round(size[1] / 2)]});
    // Area labels lie under every pin and cluster (Leaflet stacks markers by their height on the screen):
    // a wide label drawn over a town's pin (Rwanda's over Nairobi's) took every click meant for the pin.
    return L.marker([r[0], r[1]], {title: r[3], icon: icon, stance: r[6], mentions: r[5], placeId: r[2],
                                   zIndexOffset: {{ 0 if this.clustered else -1000000 }}})
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
  layer.on("click", function (event) {
    // A grid cell of the server's aggregation (cell:ZOOM:ROW:COL) is no place: zoom into it, and the
    // page, told of the move, sends the places (or finer cells) it holds.
    var cell = /^cell:([0-9]+):([0-9]+):([0-9]+)$/.exec(event.layer.options.placeId || "");
    if (cell) {
      var size = 360 / Math.pow(2, Number(cell[1])) / {{ this.cells_per_tile }};
      var south = Number(cell[2]) * size - 90, west = Number(cell[3]) * size - 180;
      var bounds = L.latLngBounds([[south, west], [south + size, west + size]]);
      // A cell coarser than the view (the store merges cells while there are too many) is not fitted,
      // which would zoom out: the map zooms in on its places' centre instead.
      if (map.getBoundsZoom(bounds) >= map.getZoom() + 2) { map.fitBounds(bounds); }
      else { map.setView(event.layer.getLatLng(), Math.min(map.getZoom() + 2, map.getMaxZoom())); }
      return;
    }
    if (map.geoSelect) { map.geoSelect(event.layer.getLatLng()); }
    // The offline export's panel (geo.export), where there is one.
    if (map.geoShowPlace) { map.geoShowPlace(event.layer.options.placeId, event.layer.options.title); }
  });
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
        self.cells_per_tile = CELLS_PER_TILE
        self.palette = [STANCE_COLORS[stance] for stance in STANCE_ORDER]
        self.sizes = {"pin": PIN_SIZE_PX, "cluster": CLUSTER_SIZES_PX, "label": LABEL_BOX_PX}
        self.cluster_options = {
            "maxClusterRadius": CLUSTER_RADIUS_PX,
            "spiderfyOnMaxZoom": True,
            "showCoverageOnHover": False,
            "chunkedLoading": True,
        }


def layer_label(layer: ClaimLayer) -> str:
    """The layer control's entry for a speaker's layer (Leaflet inserts it as HTML: the name is article text)."""
    if layer.speaker == NARRATOR:
        return f"Said by the article itself ({layer.claims})"
    return f"Claims by {escape(layer.speaker)} ({layer.claims})"


class _Orientation(MacroElement):
    """Division boundaries, large rivers and lakes, and city labels, fetched the first time the
    map is zoomed in to ``MIN_ZOOM`` and drawn on the basemap's canvas pane from then on.

    City labels are text nodes, placed most populous first where they do not overlap a label
    already placed, each from its own zoom on; they take no clicks (the pins above them do).
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var urls = {{ this.urls|tojson }}, inline = {{ this.inline }};
  var styles = {{ this.styles|tojson }}, minZoom = {{ this.min_zoom }};
  function get(name) {
    if (inline[name]) { return Promise.resolve(inline[name]); }
    return fetch(urls[name]).then(function (r) { return r.json(); });
  }
  var pane = {{ this.pane|tojson }};  // above the country fills, below the places and shaded countries
  if (!map.getPane(pane)) { map.createPane(pane).style.zIndex = 355; }
  if (!map.getPane("geo-city-labels")) {
    var labelPane = map.createPane("geo-city-labels");
    labelPane.style.zIndex = 360;
    labelPane.style.pointerEvents = "none";
  }
  var renderer = L.canvas({padding: 0.5, pane: pane});
  var lines = L.layerGroup(), labels = L.layerGroup(), cities = null, asked = false;
  function load() {
    asked = true;
    ["lakes", "rivers", "admin1"].forEach(function (name) {
      if (!urls[name] && !inline[name]) { return; }
      get(name).then(function (data) {
        L.geoJSON(data, {interactive: false, renderer: renderer, pane: pane, style: styles[name]}).addTo(lines);
      });
    });
    if (urls.cities || inline.cities) {
      get("cities").then(function (rows) { cities = rows; place(); });
    }
  }
  function place() {
    labels.clearLayers();
    if (!cities || map.getZoom() < minZoom) { return; }
    var zoom = map.getZoom(), bounds = map.getBounds().pad(0.1), taken = [], shown = 0;
    for (var i = 0; i < cities.length && shown < {{ this.most }}; i++) {
      var c = cities[i];
      if (c[3] > zoom || !bounds.contains([c[0], c[1]])) { continue; }
      var p = map.latLngToLayerPoint([c[0], c[1]]), w = 7 * c[2].length + 10;
      var box = [p.x - 4, p.y - 9, p.x + w, p.y + 9];
      if (taken.some(function (b) { return !(box[2] < b[0] || box[0] > b[2] || box[3] < b[1] || box[1] > b[3]); })) {
        continue;
      }
      taken.push(box);
      shown++;
      var label = document.createElement("div");
      label.className = "geo-city";
      label.textContent = c[2];
      L.marker([c[0], c[1]], {pane: "geo-city-labels", interactive: false, keyboard: false,
        icon: L.divIcon({html: label, className: "geo-city-label", iconSize: null, iconAnchor: [3, 9]})}).addTo(labels);
    }
  }
  var style = document.createElement("style");
  style.textContent = ".geo-city-label{background:none;border:none}" +
    ".geo-city{font:11px/18px sans-serif;color:#555;white-space:nowrap;" +
    "text-shadow:0 0 2px #fff,0 0 2px #fff,0 0 3px #fff}" +
    ".geo-city:before{content:'';display:inline-block;width:4px;height:4px;border-radius:50%;" +
    "background:#777;margin-right:4px;vertical-align:middle}";
  document.head.appendChild(style);
  function update() {
    if (map.getZoom() >= minZoom) {
      if (!asked) { load(); }
      if (!map.hasLayer(lines)) { lines.addTo(map); labels.addTo(map); }
      place();
    } else if (map.hasLayer(lines)) {
      map.removeLayer(lines);
      map.removeLayer(labels);
    }
  }
  map.on("moveend", update);
  map.whenReady(update);
})();
{% endmacro %}
"""
    )

    def __init__(self, urls: dict[str, str], inline: dict[str, object]) -> None:
        super().__init__()
        self._name = "Orientation"
        self.urls = urls
        self.inline = _script_json(inline)
        self.styles = ORIENTATION_STYLES
        self.min_zoom = ORIENTATION_MIN_ZOOM
        self.pane = ORIENTATION_PANE
        self.most = LABELLED_CITIES


class _ClaimLayers(MacroElement):
    """One Leaflet layer per speaker, off until switched on in the layer control.

    The rings (thousands in a large view, a tooltip each: most of the map's bytes) are not sent with
    the map when ``url`` names a file that holds them: the browser fetches it, once for every layer,
    the first time a layer is switched on. Without ``url`` they travel inside the script (the offline export).
    Rings, not filled discs: a click inside a ring still reaches the pin beneath it.
    Tooltips are text nodes, so article text never becomes markup.
    """

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  map.geoClaimOverlays = map.geoClaimOverlays || {};
  var ring = {{ this.ring|tojson }};
  var rings = null;  // a promise of every layer's rows: [lat, lon, colour, tooltip]
  function load() {
    {% if this.url %}
    rings = rings || fetch({{ this.url|tojson }}).then(function (response) { return response.json(); });
    {% else %}
    rings = rings || Promise.resolve({{ this.rows|tojson }});
    {% endif %}
    return rings;
  }
  {{ this.labels|tojson }}.forEach(function (label, index) {
    var group = L.featureGroup();
    group.once("add", function () {
      load().then(function (layers) {
        layers[index].forEach(function (r) {
          var tip = document.createElement("span");
          tip.textContent = r[3];
          L.circleMarker([r[0], r[1]], Object.assign({color: r[2], fill: false}, ring))
            .bindTooltip(tip).addTo(group);
        });
      });
    });
    map.geoClaimOverlays[label] = group;
  });
})();
{% endmacro %}
"""
    )

    def __init__(self, layers: list[ClaimLayer], publish: Callable[[str], str] | None = None) -> None:
        super().__init__()
        self._name = "ClaimLayers"
        self.ring = CLAIM_RING
        self.labels = [layer_label(layer) for layer in layers]
        rows = [[[r.lat, r.lon, STANCE_COLORS[r.stance], r.tooltip] for r in layer.rings] for layer in layers]
        self.url = None
        if publish is not None and layers:
            self.url = publish(json.dumps(rows, separators=(",", ":"), ensure_ascii=False))
        self.rows = None if self.url else rows


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
    fmap: folium.Map, areas: pd.DataFrame, stance: dict[str, str | None], basemap: dict, url: str | None = None
) -> _Outlines | None:
    """The countries named, shaded by stance: their shapes from ``basemap``, or from the basemap file the
    browser fetches anyway (``url``), so that the page does not send them a second time."""
    colors = {
        row.country: STANCE_COLORS.get(stance.get(row.id), STANCE_COLORS[None])
        for row in areas[areas["kind"] == "country"].itertuples(index=False)
    }
    features = [f for f in basemap.get("features", []) if f["properties"].get("iso_a2") in colors]
    if not features:
        return None
    styles = {iso: {"fillColor": c, "color": c, "weight": 1, "fillOpacity": SHADE_OPACITY} for iso, c in colors.items()}
    if url is not None:
        shaded = _Outlines(url=url, styles=styles, only_styled=True)
    else:
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
  // Drawn on a canvas: thousands of outline points as SVG take the browser's rasteriser seconds,
  // leaving blank bands across the map until it catches up; a canvas is drawn at once.
  var options = {interactive: false, style: function (feature) {
    return styles[feature.properties.iso_a2] || styles[""];
  }};
  {% if this.pane %}
  if (!map.getPane({{ this.pane|tojson }})) { map.createPane({{ this.pane|tojson }}).style.zIndex = 350; }
  options.pane = {{ this.pane|tojson }};
  {% endif %}
  options.renderer = L.canvas({padding: 0.5, pane: options.pane || "overlayPane"});
  {% if this.only_styled %}
  options.filter = function (feature) { return styles.hasOwnProperty(feature.properties.iso_a2); };
  {% endif %}
  {% if this.url %}
  var layer = L.geoJSON(null, options).addTo(map);
  // One request for every layer drawn from this file (the basemap and the countries shaded).
  var fetched = map.geoFetched = map.geoFetched || {};
  fetched[{{ this.url|tojson }}] = fetched[{{ this.url|tojson }}] ||
    fetch({{ this.url|tojson }}).then(function (response) { return response.json(); });
  fetched[{{ this.url|tojson }}].then(function (data) { layer.addData(data); });
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
        only_styled: bool = False,
    ) -> None:
        super().__init__()
        self._name = "Outlines"
        self.data = data
        self.url = url
        self.only_styled = only_styled  # draw only the shapes ``styles`` names
        self.styles = styles
        self.pane = pane


_basemap_cache: list[tuple[dict, Markup]] = []  # the last basemap serialised, held so its id stays its own


def _basemap_json(basemap: dict) -> Markup:
    """The basemap as script-safe JSON, serialised once for the same object (the page passes one per process)."""
    if not _basemap_cache or _basemap_cache[0][0] is not basemap:
        _basemap_cache[:] = [(basemap, _script_json(basemap))]
    return _basemap_cache[0][1]


def script_json(value: object) -> Markup:
    """JSON that is safe inside a <script> element (what Jinja's ``tojson`` writes), compact."""
    return htmlsafe_json_dumps(value, dumps=functools.partial(json.dumps, separators=(",", ":")))


_script_json = script_json


def place_at(places: pd.DataFrame, lat: float, lon: float) -> str | None:
    """The id of the place whose marker sits at a clicked point (Leaflet returns the marker's own point)."""
    if places.empty:
        return None
    distance = (places["lat"] - lat).abs() + (places["lon"] - lon).abs()
    nearest = distance.idxmin()
    return str(places.loc[nearest, "id"]) if distance[nearest] < CLICK_TOLERANCE_DEG else None
