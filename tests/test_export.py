"""Exports of the stored map: GeoJSON, a CSV of claims and a standalone HTML map."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from geo import export, frames
from geo.types import Analysis, Article, Claim, MapFilter, Mention, Passage, Resolution
from tests.test_store import TEXT, TOBRUK, analysis, other_article

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


@pytest.mark.parametrize(
    "shown", [MapFilter(ALL), MapFilter([]), MapFilter(ALL, speakers=["Russia"]), MapFilter(ALL, actor_ids=["haftar"])]
)
def test_streamed_geojson_is_the_text_json_dumps_gives(filled, shown):
    """write_geojson writes feature by feature; the text is what one json.dumps of the whole would be."""
    text = export.geojson(filled, shown)
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=1)
    out = io.StringIO()
    export.write_geojson(filled, shown, out)
    assert out.getvalue() == text


def test_cli_export_writes_geojson_to_a_file(filled, tmp_path, monkeypatch, capsys):
    from geo.cli import main

    monkeypatch.setenv("GEO_DATABASE", str(filled.path))
    target = tmp_path / "out" / "map.geojson"
    assert main(["export", "--format", "geojson", "--output", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == export.geojson(filled, MapFilter())
    assert [p.name for p in target.parent.iterdir()] == ["map.geojson"]  # no partial file left
    assert main(["export", "--format", "geojson", "--output", "-"]) == 0
    assert capsys.readouterr().out.endswith(export.geojson(filled, MapFilter()))


@pytest.mark.parametrize("shown", [MapFilter(ALL), MapFilter(ALL, stances=["denies"])])
def test_geojson_read_a_place_at_a_time_is_the_same(filled, shown, monkeypatch):
    """The export asks the store for a chunk of places at a time: chunks of one place give the same text."""
    whole = export.geojson(filled, shown)
    monkeypatch.setattr(export, "EXPORT_CHUNK_PLACES", 1)
    assert export.geojson(filled, shown) == whole
    monkeypatch.setattr(export, "EXPORT_CHUNK_PLACES", 1000)
    monkeypatch.setattr(export, "EXPORT_CHUNK_MENTIONS", 1)
    assert export.geojson(filled, shown) == whole
    assert len(json.loads(export.geojson(filled, MapFilter(ALL)))["features"]) > 1  # more than one chunk to read


# -- the offline map works like the page (issue 12, item 5) ------------------------------------------

HOSTILE = '<img src=x onerror="window.pwned=1">'


def hostile_article() -> Analysis:
    """An article whose title, source, passage and claim all carry markup that must stay text."""
    text = f"Russia denied {HOSTILE} a base at Tobruk.\nTripoli said nothing."
    first_end = text.index("\n")
    start = text.index("Tobruk")
    return Analysis(
        article=Article("bbbbbbbbbbbbbbbb", f"Bases {HOSTILE}", text, source="<b>Wire</b>", published="2026-11-02"),
        passages=(Passage(0, 0, first_end, "paragraph"), Passage(1, first_end + 1, len(text), "paragraph")),
        resolutions=(Resolution(Mention(start, start + 6, "Tobruk", "GPE"), TOBRUK, 0.8, "location", "why"),),
        actors=(),
        claims=(
            Claim(
                "c1", 0, first_end, text[:first_end], "<i>Russia</i>", None, "denied", "denies", False, ("gn:81302",)
            ),
        ),
    )


def open_offline(path, viewport=None):
    """Chromium on a file, with every request that leaves the file and every script error collected."""
    from playwright.sync_api import sync_playwright

    from tests.browser_support import CHROMIUM, CHROMIUM_FLAGS

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
    page = browser.new_page(viewport=viewport or {"width": 1280, "height": 800})
    page.set_default_timeout(30_000)
    page.outside, page.errors, page.dialogs = [], [], []
    page.on("request", lambda r: page.outside.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    return playwright, browser, page


@pytest.mark.browser
def test_html_map_pin_opens_its_passages_and_claims_as_text(store, tmp_path):
    from tests.browser_support import require_browser

    require_browser()
    store.save(hostile_article())
    path = tmp_path / "map.html"
    path.write_text(export.html_map(store, MapFilter(["bbbbbbbbbbbbbbbb"])), encoding="utf-8")
    playwright, browser, page = open_offline(path)
    try:
        page.locator('.leaflet-marker-icon[title="Tobruk"]').click()
        panel = page.locator(".geo-panel")
        panel.locator("h3", has_text="Tobruk").wait_for()
        text = panel.inner_text()
        assert f"Russia denied {HOSTILE} a base at Tobruk." in text  # the passage, literally
        assert f"Bases {HOSTILE}" in text and "<b>Wire</b> · 2026-11-02" in text and "<i>Russia</i>" in text
        assert panel.locator("mark").inner_text() == "Tobruk"
        assert panel.locator("img, b, i").count() == 0
        assert page.evaluate("() => window.pwned") is None
        assert page.errors == [] and page.outside == [] and page.dialogs == []
    finally:
        browser.close()
        playwright.stop()


def blank_rows(png: bytes) -> int:
    """Rows of a screenshot that are one flat colour from edge to edge: a band with nothing drawn."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    width, height = image.size
    pixels = image.load()
    return sum(1 for y in range(0, height, 4) if len({pixels[x, y] for x in range(0, width, 8)}) == 1)


@pytest.mark.browser
def test_html_map_is_drawn_whole_at_once(filled, tmp_path):
    """The country outlines are drawn on a canvas: as SVG, a big window showed blank bands across the
    map while the browser rasterised thousands of outline points, most of all after a pan."""
    from tests.browser_support import require_browser

    require_browser()
    path = tmp_path / "map.html"
    path.write_text(export.html_map(filled, MapFilter(ALL)), encoding="utf-8")
    playwright, browser, page = open_offline(path, {"width": 1920, "height": 1080})
    try:
        page.wait_for_selector(".leaflet-marker-icon")
        live_map = "Object.values(window).find(v => v && v.getZoom)"
        page.evaluate(f"() => {{ {live_map}.setView([44, 20], 5, {{animate: false}}); }}")
        page.mouse.move(900, 500)
        page.mouse.down()
        page.mouse.move(700, 300, steps=5)
        page.mouse.up()
        page.wait_for_function("() => document.getAnimations().length === 0")
        assert blank_rows(page.screenshot()) == 0
        # The layers to orient by travel in the file: city labels, zoomed in, with nothing fetched.
        page.wait_for_function("() => document.querySelectorAll('.geo-city').length > 3")
        assert "Belgrade" in page.locator(".geo-city").all_inner_texts()
        assert page.outside == [] and page.errors == []
    finally:
        browser.close()
        playwright.stop()


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


# -- the offline panel shows both sides, as the page's does (issue 12, item 4) ----------------------


def contested_articles() -> tuple[Analysis, Analysis]:
    """A denial and an assertion about Tobruk in one article (linked by ``contradicts``), and another
    outlet's article asserting what the denial denies (linked across articles at save): every
    speaker, outlet, title and text carrying markup that must stay text."""
    import dataclasses

    first = hostile_article()
    text = f"Bloomberg {HOSTILE} reported a Russian base at Tobruk.\nNothing else."
    end = text.index("\n")
    start = text.index("Tobruk")
    denial = dataclasses.replace(first.claims[0], contradicts=("c2",))
    rumour = Claim("c2", 0, 20, first.article.text[:20], "<u>Wire</u>", None, "said", "asserts", True, ("gn:81302",))
    other = Analysis(
        article=Article("cccccccccccccccc", "Other", text, source="<s>Bloomberg</s>", published="2026-11-03"),
        passages=(Passage(0, 0, end, "paragraph"), Passage(1, end + 1, len(text), "paragraph")),
        resolutions=(Resolution(Mention(start, start + 6, "Tobruk", "GPE"), TOBRUK, 0.8, "location", "why"),),
        actors=(),
        claims=(
            Claim("c1", 0, end, text[:end], "<em>bloomberg</em>", None, "reported", "asserts", False, ("gn:81302",)),
        ),
    )
    return dataclasses.replace(first, claims=(denial, rumour)), other


def test_html_map_panel_carries_each_claims_contradicting_claims(store):
    first, other = contested_articles()
    store.save(first)
    store.save(other)
    assert not store.contradictions_across(["cccccccccccccccc"]).empty  # the link the export must carry
    shown = MapFilter()
    panels = export.place_panels(store, shown, frames.map_frames(store, shown).places)
    claims = {(c[0], c[6]): c for c in panels["gn:81302"]["claims"]}
    assert [c[2] for c in panels["gn:81302"]["claims"]] == ["asserts", "asserts", "denies"]  # asserting side first
    denial = claims[("<i>Russia</i>", first.claims[0].text)]
    # [speaker, via, stance, hedged, outlet, date, text]: the same article's claim, and the other outlet's.
    assert sorted(denial[7]) == sorted(
        [
            ["<em>bloomberg</em>", None, "asserts", False, "<s>Bloomberg</s>", "2026-11-03", other.claims[0].text],
            ["<u>Wire</u>", None, "asserts", True, "<b>Wire</b>", "2026-11-02", first.claims[1].text],
        ]
    )
    assert [c[0] for c in claims[("<em>bloomberg</em>", other.claims[0].text)][7]] == ["<i>Russia</i>"]
    # A speaker filter lists fewer claims, but each still names the claims it contradicts.
    narrowed = export.place_panels(
        store, MapFilter(speakers=["<em>bloomberg</em>"]), frames.map_frames(store, shown).places
    )
    (only,) = narrowed["gn:81302"]["claims"]
    assert [c[0] for c in only[7]] == ["<i>Russia</i>"]


@pytest.mark.browser
def test_html_map_panel_shows_both_sides_offline_as_text(store, tmp_path):
    from tests.browser_support import require_browser

    require_browser()
    first, other = contested_articles()
    store.save(first)
    store.save(other)
    path = tmp_path / "map.html"
    path.write_text(export.html_map(store, MapFilter()), encoding="utf-8")
    playwright, browser, page = open_offline(path)
    try:
        page.locator('.leaflet-marker-icon[title="Tobruk"]').click()
        panel = page.locator(".geo-panel")
        panel.get_by_text("Both sides").wait_for()
        assert panel.locator(".geo-side").all_inner_texts()[0].startswith("Asserted (2)")
        denial = panel.locator(".geo-side", has_text="Denied (1)").locator(".geo-claim")
        against = denial.locator(".geo-against").all_inner_texts()
        assert len(against) == 2
        assert any("<em>bloomberg</em>" in a and "<s>Bloomberg</s> · 2026-11-03" in a for a in against), against
        assert any("<u>Wire</u>" in a and "<b>Wire</b> · 2026-11-02" in a for a in against), against
        assert all(a.startswith("contradicts:") for a in against)
        assert panel.locator("img, b, i, s, u, em").count() == 0
        assert page.evaluate("() => window.pwned") is None
        assert page.errors == [] and page.outside == [] and page.dialogs == []
    finally:
        browser.close()
        playwright.stop()
