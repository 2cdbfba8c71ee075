"""Exports of the stored map: GeoJSON, a CSV of claims and a standalone HTML map."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from geo import export, frames
from geo.types import MapFilter
from tests.test_store import TEXT, analysis, other_article

ALL = ["0123456789abcdef", "aaaaaaaaaaaaaaaa"]


@pytest.fixture
def filled(store):
    store.save(analysis())
    store.save(other_article("aaaaaaaaaaaaaaaa", "2024-01-02"))
    return store


def test_geojson_is_rfc7946_with_provenance(filled):
    data = json.loads(export.geojson(filled, MapFilter(ALL)))
    assert data["type"] == "FeatureCollection" and "crs" not in data
    features = {f["id"]: f for f in data["features"]}
    assert set(features) == {"gn:81302", "gn:88319", "gn:2210247"}
    tobruk = features["gn:81302"]
    assert tobruk["type"] == "Feature"
    assert tobruk["geometry"] == {"type": "Point", "coordinates": [23.95385, 32.08963]}  # lon, lat
    props = tobruk["properties"]
    assert props["name"] == "Tobruk" and props["mention_count"] == 2
    assert sorted(props["article_ids"]) == sorted(ALL)
    first = next(m for m in props["mentions"] if m["article_id"] == "0123456789abcdef")
    assert TEXT[first["start"] : first["end"]] == "Tobruk" == first["text"]
    assert first["passage"] == {"start": 0, "end": TEXT.index("\n")}
    assert {a["id"] for a in props["actors"]} == {"russia"}
    assert all({"article_id", "start", "end"} <= set(m) for a in props["actors"] for m in a["mentions"])
    [claim] = props["claims"]
    assert (claim["article_id"], claim["id"], claim["speaker"], claim["stance"]) == (
        "aaaaaaaaaaaaaaaa",
        "c1",
        "Russia",
        "denies",
    )
    assert claim["start"] == 0 and claim["text"] == "Russia denied a base at Tobruk."
    assert props["stance"] == "contested"  # c1 denies, and contradicts c2 (frames.place_stances)
    assert {a["id"] for a in data["articles"]} == set(ALL)


def test_geojson_follows_the_map_filters(filled):
    data = json.loads(export.geojson(filled, MapFilter(ALL, actor_ids=["haftar"])))
    assert [f["id"] for f in data["features"]] == ["gn:88319"]
    assert json.loads(export.geojson(filled, MapFilter(bounds=(30, 10, 35, 15))))["features"][0]["id"] == "gn:2210247"
    assert json.loads(export.geojson(filled, MapFilter([])))["features"] == []


def test_claims_csv(filled):
    rows = list(csv.DictReader(io.StringIO(export.claims_csv(filled, MapFilter(ALL)))))
    assert list(rows[0]) == list(export.CSV_COLUMNS)
    assert [(r["claim_id"], r["place"], r["stance"], r["speaker"]) for r in rows] == [
        ("c1", "Tobruk", "denies", "Russia"),
        ("c2", "", "asserts", "Tripoli"),
    ]
    first = rows[0]
    assert (first["article_id"], first["start"], first["end"]) == ("aaaaaaaaaaaaaaaa", "0", "31")
    assert first["hedged"] == "no"
    assert first["published"] == filled.article("aaaaaaaaaaaaaaaa")["published"]  # a claim is dated by its article
    # Passage text only when asked: each row would repeat its passage.
    assert "passage_text" not in first
    with_text = list(csv.DictReader(io.StringIO(export.claims_csv(filled, MapFilter(ALL), with_passages=True))))
    assert list(with_text[0]) == [*export.CSV_COLUMNS, export.PASSAGE_COLUMN]
    assert with_text[0]["passage_text"] == "Russia denied a base at Tobruk."
    assert [{k: v for k, v in r.items() if k != "passage_text"} for r in with_text] == rows
    # Under a place filter only claims about places on the map remain.
    narrowed = list(csv.DictReader(io.StringIO(export.claims_csv(filled, MapFilter(ALL, bounds=(30, 10, 35, 15))))))
    assert narrowed == []
    assert len(list(csv.DictReader(io.StringIO(export.claims_csv(filled, MapFilter(ALL, stances=["denies"])))))) == 1


def test_html_map_is_standalone(filled):
    page = export.html_map(
        filled, MapFilter(ALL), basemap={"type": "FeatureCollection", "features": []}, title="Libya <map>"
    )
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>Libya &lt;map&gt;</title>" in page
    # Nothing is loaded from anywhere: no script or style sheet by URL.
    assert not re.search(r"<script[^>]+src=", page)
    assert not re.search(r"<link[^>]+stylesheet", page)
    assert "/app/static/" not in page
    assert "L.Icon.Default.mergeOptions" in page and "data:image/png;base64," in page
    assert "jQuery" in page and "Tobruk" in page
    assert "Claims by Russia" in page  # the page's claims layers travel with it


@pytest.mark.browser
def test_html_map_opens_offline_in_chromium(filled, tmp_path):
    from tests.browser_support import CHROMIUM, CHROMIUM_FLAGS, require_browser

    require_browser()
    from playwright.sync_api import sync_playwright

    path = tmp_path / "map.html"
    path.write_text(export.html_map(filled, MapFilter(ALL)), encoding="utf-8")
    outside: list[str] = []
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        page = browser.new_page()
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.as_uri())
        page.wait_for_selector(".leaflet-marker-icon", timeout=15_000)
        markers = page.locator(".leaflet-marker-icon").count()
        browser.close()
    assert errors == [] and outside == []
    assert markers >= 1


def test_layer_claims_follow_the_speaker_and_stance_filters(filled):
    every = filled.claims(ALL, with_passages=False)
    assert frames.layer_claims(filled, MapFilter(ALL), every) is every
    russia = frames.layer_claims(filled, MapFilter(ALL, speakers=["Russia"]), every)
    assert not russia.empty and set(russia["speaker"]) == {"Russia"}
    assert len(russia) < len(every)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_never_start_a_formula(start):
    from geo.export import _cell

    assert _cell(f'{start}HYPERLINK("http://evil.example")').startswith("'")
    assert _cell("Tripoli") == "Tripoli"
    assert _cell(-3) == "-3" and _cell(2.0) == "2"


def test_the_export_command_leaves_passages_out_unless_asked_and_takes_dates(filled, tmp_path, monkeypatch):
    from geo.cli import main

    monkeypatch.setenv("GEO_DATABASE", str(filled.path))
    small, large = tmp_path / "claims.csv", tmp_path / "with-passages.csv"
    assert main(["export", "--format", "csv", "--output", str(small)]) == 0
    assert main(["export", "--format", "csv", "--output", str(large), "--with-passages"]) == 0
    assert "passage_text" not in small.read_text().splitlines()[0]
    assert large.read_text().splitlines()[0].endswith(",passage_text") and large.stat().st_size > small.stat().st_size
    dated = tmp_path / "dated.csv"
    assert (
        main(["export", "--format", "csv", "--output", str(dated), "--from", "2024-01-01", "--to", "2024-01-31"]) == 0
    )
    rows = list(csv.DictReader(io.StringIO(dated.read_text())))
    assert {r["article_id"] for r in rows} == {"aaaaaaaaaaaaaaaa"} and {r["published"] for r in rows} == {"2024-01-02"}
    with pytest.raises(SystemExit):
        main(["export", "--format", "csv", "--output", str(dated), "--from", "January"])
