"""How the map and the panel look: stance colours and words, sizes, which places are drawn as labels.

The one home of these rules: the map's markers, clusters, shaded countries and claim rings, the
legend and the panel's claim badges all read their colours here.
"""

from __future__ import annotations

from typing import Any

# One colour per stance of a place (``geo.frames.place_stances``); None: named, no claim about it.
STANCE_COLORS: dict[str | None, str] = {
    "asserted": "#2c7fb8",
    "denied": "#d95f0e",
    "contested": "#8856a7",
    None: "#636363",
}
STANCE_LABELS: dict[str | None, str] = {
    "asserted": "claims assert something here",
    "denied": "claims deny something here",
    "contested": "contested: claims here contradict each other",
    None: "named, no claim about it",
}
# The browser names a marker's stance by its position here (0 no claim, 1 asserted, 2 denied, 3 contested).
STANCE_ORDER: tuple[str | None, ...] = (None, "asserted", "denied", "contested")
# A claim's own stance (asserts / denies) as a badge: the colour of the place stance it makes.
CLAIM_BADGES = {"asserts": ("asserts", STANCE_COLORS["asserted"]), "denies": ("denies", STANCE_COLORS["denied"])}

HEDGE_BADGE = {"background": "#fff3cd", "color": "#7a5d00"}  # a hedged claim (may, could, likely…)
# Marks in a passage: the selected place, other places, actors (underlined too).
HIGHLIGHT_COLORS = {
    "selected": "#fdd49e",
    "place": "#e0ecf4",
    "actor": "#e5f5e0",
    "actor_line": "#41ab5d",
    "speaker": "#efedf5",  # a claim's speaker as written, and (dashed) the words that cue the claim
    "speaker_line": "#756bb1",
}

# Areas are drawn as labels (countries also shaded), everything else as a pin.

BASEMAP_STYLE = {"fillColor": "#eef0f2", "color": "#9aa3ad", "weight": 0.6, "fillOpacity": 1.0}
# Layers to orient by when zoomed in (geo.view.layers): quiet, under the places.
ORIENTATION_STYLES = {
    "admin1": {"color": "#8a8f99", "weight": 0.8, "dashArray": "4 3", "opacity": 0.9},
    "rivers": {"color": "#7aa6c9", "weight": 1.2, "opacity": 0.9},
    "lakes": {"color": "#7aa6c9", "weight": 0.6, "fillColor": "#c6dbef", "fillOpacity": 1.0},
}
LABELLED_CITIES = 120  # city labels on screen at most
SHADE_OPACITY = 0.18  # a country named in the text, filled with its stance colour
SELECTION_CLASS = "geo-selection"  # the selected place's ring, wherever it was drawn (page or browser)
SELECTION_RING: dict[str, Any] = {"radius": 16, "color": "#222", "weight": 3}
CLAIM_RING = {"radius": 15, "weight": 3, "opacity": 0.9}
PIN_SIZE_PX = (14, 6)  # a pin's diameter: the first, and what each doubling of its mentions adds
CLUSTER_SIZES_PX = (30, 36, 42, 48)  # a cluster's diameter: under 10 places, under 100, under 1,000, more
LABEL_BOX_PX = (60, 8, 16, 22)  # an area label's box: least width, width a letter, padding, height
CLUSTER_RADIUS_PX = 35  # markers closer than this on screen merge into a counted cluster
LEGEND_NOTES = "pin size: mentions · a cluster takes the colour its places share · shaded: countries named"
