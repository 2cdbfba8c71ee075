"""Leaflet, jQuery and the country basemap put into the folder Streamlit serves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo.view import static

FILES = (
    "leaflet/leaflet.js",
    "leaflet/leaflet.css",
    "leaflet/images/marker-icon.png",
    "leaflet/images/marker-icon-2x.png",
    "leaflet/images/marker-shadow.png",
    "jquery/jquery.min.js",
    "basemap/countries.json",
)


def test_install_copies_leaflet_and_jquery(tmp_path: Path) -> None:
    assert static.install_static(tmp_path) == tmp_path
    for name in FILES:
        assert (tmp_path / name).is_file(), name
    leaflet_js = (tmp_path / "leaflet/leaflet.js").read_text(encoding="utf-8")
    assert len(leaflet_js) > 100_000 and "Leaflet 1.9.3" in leaflet_js
    basemap = json.loads((tmp_path / "basemap/countries.json").read_text(encoding="utf-8"))
    assert basemap["type"] == "FeatureCollection" and len(basemap["features"]) > 150


def test_url_constants_match_the_installed_files(tmp_path: Path) -> None:
    static.install_static(tmp_path)
    for url in (static.LEAFLET_JS, static.LEAFLET_CSS, static.JQUERY_JS, static.BASEMAP_JSON):
        assert static.served_file(url, tmp_path).is_file(), url
    assert (tmp_path / static.LEAFLET_IMAGES.removeprefix("/app/static/") / "marker-icon.png").is_file()


def test_install_is_idempotent_and_repairs(tmp_path: Path) -> None:
    static.install_static(tmp_path)
    leaflet_js = tmp_path / "leaflet/leaflet.js"
    before = {name: (tmp_path / name).stat().st_mtime_ns for name in FILES}
    static.install_static(tmp_path)
    assert {name: (tmp_path / name).stat().st_mtime_ns for name in FILES} == before
    original = leaflet_js.read_bytes()
    leaflet_js.write_bytes(b"broken")
    static.install_static(tmp_path)
    assert leaflet_js.read_bytes() == original
    assert not list(tmp_path.rglob("*.tmp"))


def test_main_installs_into_static_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert static.main([]) == 0
    assert (tmp_path / "static/leaflet/leaflet.js").is_file()
    assert str(tmp_path / "static") in capsys.readouterr().out
    assert static.main([str(tmp_path / "other")]) == 0
    assert (tmp_path / "other/jquery/jquery.min.js").is_file()
    assert static.main(["a", "b"]) == 2
