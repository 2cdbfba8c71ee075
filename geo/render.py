"""Render stored frames as a folium map and as highlighted HTML passages.

Pure functions: frames in, a ``folium.Map`` or an HTML string out. Every piece
of article text that reaches HTML passes through ``html.escape`` here; the
page adds no markup of its own around article text.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass

import folium
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from geo.static import JQUERY_JS, LEAFLET_CSS, LEAFLET_IMAGES, LEAFLET_JS

DEFAULT_CENTER = (20.0, 10.0)
SELECTED_COLOR = "#d7301f"
BASEMAP_STYLE = {"fillColor": "#eef0f2", "color": "#9aa3ad", "weight": 0.6, "fillOpacity": 1.0}


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
    selected: str | None = None,
    basemap: dict | None = None,
    tiles: str = "",
) -> folium.Map:
    """One marker per place (frame columns id, name, lat, lon, kind, mentions), offline by default."""
    fmap = folium.Map(
        location=DEFAULT_CENTER, zoom_start=2, tiles=tiles or None, control_scale=True, prefer_canvas=False
    )
    fmap.default_js = [("leaflet", LEAFLET_JS), ("jquery", JQUERY_JS)]
    fmap.default_css = [("leaflet_css", LEAFLET_CSS)]
    _OfflineIcons(LEAFLET_IMAGES).add_to(fmap)
    if basemap is not None and not tiles:
        folium.GeoJson(
            basemap,
            name="Countries",
            style_function=lambda _feature: BASEMAP_STYLE,
            interactive=False,
            control=False,
        ).add_to(fmap)
    for row in places.itertuples(index=False):
        label = f"{row.name} ({row.kind}, {row.mentions} mention{'s' if row.mentions != 1 else ''})"
        folium.Marker(
            location=(row.lat, row.lon),
            tooltip=html.escape(label),
            # Leaflet writes these onto the marker's <img>: a stable handle for people and tests.
            title=str(row.name),
            alt=str(row.id),
        ).add_to(fmap)
    if selected is not None and selected in set(places["id"]):
        row = places.loc[places["id"] == selected].iloc[0]
        folium.CircleMarker(
            location=(row.lat, row.lon),
            radius=22,
            color=SELECTED_COLOR,
            weight=3,
            fill=False,
            interactive=False,
        ).add_to(fmap)
    if len(places):
        south, west = places["lat"].min(), places["lon"].min()
        north, east = places["lat"].max(), places["lon"].max()
        fmap.fit_bounds([(south, west), (north, east)], padding=(30, 30), max_zoom=7)
    return fmap


def place_at(places: pd.DataFrame, lat: float, lon: float) -> str | None:
    """The id of the place whose marker sits at a clicked point (Leaflet returns the marker's own point)."""
    if places.empty:
        return None
    distance = (places["lat"] - lat).abs() + (places["lon"] - lon).abs()
    nearest = distance.idxmin()
    return str(places.loc[nearest, "id"]) if distance[nearest] < 1e-6 else None


@dataclass(frozen=True, slots=True)
class Highlight:
    start: int
    end: int
    kind: str  # "place", "actor" or "selected"
    title: str


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
</style>
"""
