"""The offline country basemap built from Natural Earth."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from geo.view import basemap


@pytest.fixture(scope="module")
def built(fixture_gazetteer: Path) -> tuple[Path, dict[str, Any]]:
    """The outlines at their default place (beside the session's gazetteer): built once, for the page's tests too."""
    path = fixture_gazetteer.parent / "countries-v1.geojson"
    outlines = basemap.country_outlines()
    assert path.is_file()
    return path, outlines


def test_is_a_feature_collection_of_countries(built: tuple[Path, dict[str, Any]]) -> None:
    _, outlines = built
    assert outlines["type"] == "FeatureCollection"
    features = outlines["features"]
    assert len(features) > 170
    for feature in features:
        assert feature["type"] == "Feature"
        assert set(feature["properties"]) == {"iso_a2", "name"}
        assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    by_iso = {f["properties"]["iso_a2"]: f["properties"]["name"] for f in features}
    assert by_iso["LY"] == "Libya"
    assert by_iso["RU"] == "Russia"
    assert by_iso["FR"] == "France"  # ISO_A2 is "-99" there; the fallback column has it
    names = [f["properties"]["name"] for f in features]
    assert "Spratly Islands" in names and "Wake Island" not in names  # mislabelled upstream
    assert len(set(names)) == len(names)  # folium can key features by name without adding ids


def test_coordinates_are_rounded_rings(built: tuple[Path, dict[str, Any]]) -> None:
    _, outlines = built
    for feature in outlines["features"]:
        geometry = feature["geometry"]
        coordinates = geometry["coordinates"]
        polygons = coordinates if geometry["type"] == "MultiPolygon" else [coordinates]
        for rings in polygons:
            for ring in rings:
                assert len(ring) >= 4 and ring[0] == ring[-1]
                assert all(round(x, 2) == x and round(y, 2) == y for x, y in ring)


def test_cache_file_is_small(built: tuple[Path, dict[str, Any]]) -> None:
    path, outlines = built
    assert path.stat().st_size <= 400_000
    assert json.loads(path.read_text(encoding="utf-8")) == outlines


def test_second_call_reads_the_cache(built: tuple[Path, dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    path, outlines = built

    def fail() -> dict[str, Any]:
        raise AssertionError("rebuilt although the cache exists")

    monkeypatch.setattr(basemap, "build_outlines", fail)
    assert basemap.country_outlines(path) == outlines


def test_damaged_cache_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stub = {"type": "FeatureCollection", "features": []}
    monkeypatch.setattr(basemap, "build_outlines", lambda: stub)
    path = tmp_path / "countries.geojson"
    path.write_text('{"type": "Feature', encoding="utf-8")
    assert basemap.country_outlines(path) == stub
    assert json.loads(path.read_text(encoding="utf-8")) == stub
    assert [p.name for p in tmp_path.iterdir()] == ["countries.geojson"]  # no temporary file left


def test_default_cache_sits_next_to_the_gazetteer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stub = {"type": "FeatureCollection", "features": []}
    monkeypatch.setattr(basemap, "build_outlines", lambda: stub)
    monkeypatch.setenv("GEO_GAZETTEER", str(tmp_path / "index" / "gazetteer-v1.sqlite"))
    assert basemap.country_outlines() == stub
    assert (tmp_path / "index" / "countries-v1.geojson").is_file()
