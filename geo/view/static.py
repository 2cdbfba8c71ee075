"""Serve Leaflet and jQuery from the app itself, so the map works offline.

Stock folium loads them from CDNs; without network st_folium then shows no map.
``install_static`` copies the files shipped in the xstatic packages into the
folder Streamlit serves as ``/app/static/`` (``server.enableStaticServing``).
Run ``python -m geo.view.static [TARGET]`` before ``streamlit run``.
"""

from __future__ import annotations

import filecmp
import hashlib
import json
import os
import shutil
import sys
import time
from pathlib import Path

import xstatic.pkg.jquery
import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster

LEAFLET_JS = "/app/static/leaflet/leaflet.js"
LEAFLET_CSS = "/app/static/leaflet/leaflet.css"
LEAFLET_IMAGES = "/app/static/leaflet/images/"
JQUERY_JS = "/app/static/jquery/jquery.min.js"
MARKERCLUSTER_JS = "/app/static/markercluster/leaflet.markercluster.js"
MARKERCLUSTER_CSS = "/app/static/markercluster/MarkerCluster.css"
MARKERCLUSTER_DEFAULT_CSS = "/app/static/markercluster/MarkerCluster.Default.css"
# The country outlines as a file the browser fetches once and caches, instead of ~400 KB inside
# every map the page sends (each click or filter change sends the map again).
BASEMAP_JSON = "/app/static/basemap/countries.json"
# Layers to orient by when zoomed in (geo.view.layers), fetched the first time the map zooms in that far.
ORIENTATION_JSON = {name: f"/app/static/basemap/{name}.json" for name in ("admin1", "rivers", "lakes", "cities")}
_URL_PREFIX = "/app/static/"
# Data a map fetches only when the reader asks for it (the claim rings), written by the page as it
# draws a map: named by its content, so every session of a view, and the browser's cache, share one file.
PUBLISHED = "/app/static/published/"
PUBLISHED_MAX_AGE_S = 7 * 24 * 3600  # a file no map has used for a week is removed

DEFAULT_TARGET = Path("static")


def install_static(target: Path) -> Path:
    """Copy Leaflet (js, css, images), Leaflet.markercluster and jQuery into ``target``, with the
    country basemap and the layers to orient by (divisions, rivers, lakes, cities).

    Unchanged files are left alone.
    """
    leaflet = Path(xstatic.pkg.leaflet.BASE_DIR)
    jquery = Path(xstatic.pkg.jquery.BASE_DIR)
    cluster = Path(xstatic.pkg.leaflet_markercluster.BASE_DIR)
    copies = [
        (leaflet / "leaflet.js", target / "leaflet" / "leaflet.js"),
        (leaflet / "leaflet.css", target / "leaflet" / "leaflet.css"),
        (jquery / "jquery.min.js", target / "jquery" / "jquery.min.js"),
        *[
            (cluster / name, target / "markercluster" / name)
            for name in ("leaflet.markercluster.js", "MarkerCluster.css", "MarkerCluster.Default.css")
        ],
    ]
    copies += [(image, target / "leaflet" / "images" / image.name) for image in sorted((leaflet / "images").iterdir())]
    for source, dest in copies:
        _copy_if_changed(source, dest)
    _write_basemap(served_file(BASEMAP_JSON, target))
    _write_orientation(target)
    return target


def served_file(url: str, target: Path) -> Path:
    """The file in the static folder ``target`` that Streamlit serves at ``url``."""
    return target / url.removeprefix(_URL_PREFIX)


def publish_json(text: str, target: Path) -> str:
    """Write the JSON ``text`` into the static folder ``target`` under a name taken from its content;
    returns the URL the browser fetches it from. Files no map has used for a while are removed."""
    url = f"{PUBLISHED}{hashlib.sha256(text.encode()).hexdigest()[:24]}.json"
    dest = served_file(url, target)
    if dest.is_file():
        os.utime(dest)  # in use again: not one to remove
        return url
    from geo.view.basemap import _write_atomic  # loaded already by the page that publishes

    folder = dest.parent
    folder.mkdir(parents=True, exist_ok=True)
    stale = time.time() - PUBLISHED_MAX_AGE_S
    for old in folder.glob("*.json"):
        try:
            if old.stat().st_mtime < stale:
                old.unlink()
        except FileNotFoundError:  # another server removed it first
            pass
    _write_atomic(dest, text)  # a temporary file of its own for each writer (sessions, servers), then a rename
    return url


def _write_basemap(dest: Path) -> None:
    from geo.view.basemap import country_outlines  # shapely and the shapefile reader: only when installing

    _write_json(dest, json.dumps(country_outlines(), separators=(",", ":"), ensure_ascii=False))


def _write_orientation(target: Path) -> None:
    from geo.view import layers

    for name, url in ORIENTATION_JSON.items():
        value = layers.cities() if name == "cities" else layers.layer(name)
        _write_json(served_file(url, target), json.dumps(value, separators=(",", ":"), ensure_ascii=False))


def _write_json(dest: Path, text: str) -> None:
    if dest.is_file() and dest.read_text(encoding="utf-8") == text:
        return
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(dest)


def _copy_if_changed(source: Path, dest: Path) -> None:
    # Skipping identical files keeps mtimes stable, so a running Streamlit
    # server and browser caches see no change on a repeated install.
    if dest.is_file() and filecmp.cmp(source, dest, shallow=False):
        return
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".tmp")
    shutil.copyfile(source, tmp)
    tmp.replace(dest)  # never serve a half-copied file


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m geo.view.static [TARGET]`` (default ``./static``)."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) > 1:
        print("usage: python -m geo.view.static [TARGET]", file=sys.stderr)
        return 2
    target = install_static(Path(args[0]) if args else DEFAULT_TARGET)
    print(f"Leaflet, jQuery, the country basemap and its orientation layers installed in {target.resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
