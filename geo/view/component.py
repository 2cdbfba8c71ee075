"""The map as st_folium's component arguments: rendered once per view, shared by every session.

``st_folium`` renders the whole folium map to script text on every script run of every session
(templates, a regex pass over the script, a hash of it), which for a view of a thousand places
is most of a run's CPU; twenty sessions of one server take turns on one interpreter doing it.
``map_parts`` does that once, into an immutable ``MapParts`` the page caches per view (its
filters, the store's revision and the view the map opens with); ``show`` sends those parts with
what is each session's own (the selected place's ring, the center and zoom it moves to), so
nothing one session selects reaches another's map.

It calls streamlit-folium's own helpers, so the component receives exactly what ``st_folium``
would send (``tests/test_render.py`` compares the two); the version is pinned in pyproject.toml.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import folium
import streamlit as st
import streamlit_folium as sf

# What st_folium reports before the map has said anything (its own ``_defaults``).
_DEFAULTS: dict[str, object] = {
    "last_clicked": None,
    "last_object_clicked": None,
    "last_object_clicked_count": None,
    "last_object_clicked_tooltip": None,
    "last_object_clicked_popup": None,
    "all_drawings": None,
    "last_active_drawing": None,
    "bounds": None,
    "zoom": None,
    "last_circle_radius": None,
    "last_circle_polygon": None,
    "selected_layers": None,
    "selected_tags": None,
    "last_geocoder_result": None,
}


@dataclass(frozen=True)
class MapParts:
    """What the map component needs that is the same for every session showing one view."""

    script: str
    header: str
    html: str
    map_id: str
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]
    hash_key: str  # the component's widget id: the same view has the same id in every session
    bounds: tuple[tuple[float | None, float | None], tuple[float | None, float | None]]
    zoom: object

    @property
    def size(self) -> int:
        """Characters sent to the browser when the map is first drawn."""
        return len(self.script) + len(self.header) + len(self.html)


def map_parts(fmap: folium.Map, key: str) -> MapParts:
    """Render ``fmap`` as st_folium does (with ``render=False``); ``key`` is the widget key the page uses."""
    fmap.render()
    html = sf._get_html(fmap)
    header = sf._get_header(fmap)
    script = sf._get_map_string(fmap)
    try:
        bounds = fmap.get_bounds()
    except AttributeError:
        bounds = [[None, None], [None, None]]
    css: list[str] = []
    js: list[str] = []
    for element in _walk(fmap):
        css.extend(href for _, href in getattr(element, "default_css", []))
        js.extend(src for _, src in getattr(element, "default_js", []))
    return MapParts(
        script=script,
        header=header,
        html=html,
        map_id=sf.get_full_id(fmap),
        css_links=tuple(dict.fromkeys(css)),
        js_links=tuple(dict.fromkeys(js)),
        hash_key=sf.generate_js_hash(script, key, False),
        bounds=(tuple(bounds[0]), tuple(bounds[1])),  # type: ignore[arg-type]
        zoom=fmap.options.get("zoom"),
    )


def _walk(element: object):  # type: ignore[no-untyped-def]
    """Every element that carries script or style links (st_folium's own walk, less colour maps)."""
    if isinstance(element, folium.elements.JSCSSMixin):
        yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def layer_script(layer: folium.FeatureGroup) -> str:
    """A layer as the script st_folium adds to a drawn map, rendered on a throwaway map: the
    shared parts are never touched."""
    scratch = folium.Map(tiles=None)
    return sf._get_feature_group_string(layer, map=scratch, idx=0)


def show(
    parts: MapParts,
    *,
    key: str,
    height: int,
    returned_objects: Sequence[str],
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
    feature_group: folium.FeatureGroup | None = None,
    on_change: Callable[[], None] | None = None,
) -> object:
    """Draw the shared map with this session's own layer and view, as ``st_folium`` would
    (``use_container_width``); returns what the map last reported."""
    south_west, north_east = parts.bounds
    defaults = {
        **_DEFAULTS,
        "bounds": {
            "_southWest": {"lat": south_west[0], "lng": south_west[1]},
            "_northEast": {"lat": north_east[0], "lng": north_east[1]},
        },
        "zoom": parts.zoom,
    }
    hash_key = parts.hash_key

    def changed() -> None:
        st.session_state[key] = st.session_state.get(hash_key, {})
        if on_change is not None:
            on_change()

    return sf._component_func(
        script=parts.script,
        header=parts.header,
        html=parts.html,
        id=parts.map_id,
        key=hash_key,
        height=height,
        width=None,
        returned_objects=list(returned_objects),
        default={k: v for k, v in defaults.items() if k in returned_objects},
        zoom=zoom,
        center=center,
        feature_group=layer_script(feature_group) if feature_group is not None else None,
        return_on_hover=False,
        layer_control=None,
        pixelated=False,
        css_links=list(parts.css_links),
        js_links=list(parts.js_links),
        on_change=changed,
        wrap_longitude=False,
    )
