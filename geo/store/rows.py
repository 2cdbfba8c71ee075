"""How an analysis becomes stored rows, shared by the store and the exports (which sit above it)."""

from __future__ import annotations

from collections import defaultdict

from geo.types import Analysis, Resolution


def place_mentions(analysis: Analysis) -> dict[str, list[Resolution]]:
    """Resolutions that put a place on the map, grouped by place id in text order."""
    grouped: dict[str, list[Resolution]] = defaultdict(list)
    for resolution in analysis.resolutions:
        if resolution.role != "demonym":
            grouped[resolution.place.id].append(resolution)
    return dict(grouped)
