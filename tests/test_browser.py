"""The real-browser tier: the seed article in Chromium, clicked, filtered, corrected and shared.

These read the seed article with the full gazetteer, so they belong to the shared tier as well.
Every wait is on a condition (an element, the URL, the map's state, running animations), never a fixed time.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser_support import CHROMIUM, CHROMIUM_FLAGS, ROOT, app_server, map_frame, require_browser
from tests.conftest import FULL_GAZETTEER

pytestmark = [pytest.mark.browser, pytest.mark.shared]
ARTIFACTS = ROOT / "tests" / "artifacts"
TIMEOUT_MS = 30_000
TRIPOLI_LY = "gn:2210247"
# Tall enough for the whole map: Chromium drops clicks inside an iframe that runs past the viewport.
VIEWPORT = {"width": 1280, "height": 1200}


# The page and the ingest read the seed with the full index, as the shared tier's gold answers do.
FULL = {"GEO_GAZETTEER": str(FULL_GAZETTEER)}


def ingest_seed(database: Path, seed: Path) -> str:
    ingested = subprocess.run(
        [sys.executable, "-m", "geo", "ingest", "--no-progress", str(seed)],
        cwd=ROOT,
        env={**os.environ, **FULL, "GEO_DATABASE": str(database)},
        capture_output=True,
        text=True,
    )
    assert ingested.returncode == 0, ingested.stderr[-3000:]
    return ingested.stdout.split()[0]


@pytest.fixture(scope="module")
def browser():
    require_browser()
    from playwright.sync_api import expect, sync_playwright

    from geo.view.static import install_static

    install_static(ROOT / "static")
    expect.set_options(timeout=TIMEOUT_MS)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def served_seed(browser, tmp_path_factory, seed_path):
    database = tmp_path_factory.mktemp("browser") / "articles.sqlite"
    article_id = ingest_seed(database, seed_path)
    with app_server({**FULL, "GEO_DATABASE": str(database)}) as server:
        yield server.url, article_id


def new_page(browser):
    page = browser.new_context(viewport=VIEWPORT).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page


def marker(frame, name: str):
    return frame.locator(f'.leaflet-marker-icon[title="{name}"]')


def choose(page, widget_key: str, option: re.Pattern[str]) -> None:
    """Pick an option of a Streamlit multiselect by typing it, so a rerun cannot close the list under us."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    field = page.locator(f".st-key-{widget_key} input")
    for _attempt in range(3):
        try:
            field.click()
            page.get_by_role("option", name=option).first.click(timeout=5_000)
            page.keyboard.press("Escape")
            expect(page.locator(f".st-key-{widget_key}").get_by_text(option)).to_have_count(1, timeout=5_000)
            return
        except (AssertionError, PlaywrightTimeout):
            continue
    raise AssertionError(f"could not choose {option.pattern} in {widget_key}")


def settle(page) -> None:
    """Wait until the map is drawn (a pin or a cluster, not only an area's label, which is a marker too and
    may be drawn first) and has reported its first view (which reruns the script)."""
    from playwright.sync_api import expect

    frame = map_frame(page)
    expect(frame.locator(".leaflet-marker-icon").filter(has_not=frame.locator(".geo-label")).first).to_be_visible()
    expect(page).to_have_url(re.compile(r"zoom="))
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)


# The live Leaflet map, inside the map's iframe.
LEAFLET_MAP = "Object.keys(window).filter(k => k.startsWith('map_')).map(k => window[k]).find(v => v && v.getZoom)"


def leaflet(page):
    """The map's iframe, where the live Leaflet map runs (a Frame, to evaluate scripts in)."""
    return next(f for f in page.frames if "streamlit_folium" in f.url and f.evaluate("() => !!window.L"))


def map_view(page) -> tuple[float, float, int]:
    """The live Leaflet map's centre and zoom, read inside the map's iframe."""
    from playwright.sync_api import Error as PlaywrightError

    script = "() => { const m = " + LEAFLET_MAP + "; const c = m.getCenter(); return [c.lat, c.lng, m.getZoom()]; }"
    for _attempt in range(5):
        try:
            return tuple(leaflet(page).evaluate(script))
        except (PlaywrightError, StopIteration):  # a rerun replaced the frame meanwhile: read its successor
            map_frame(page).locator(".leaflet-marker-icon").first.wait_for()
    raise AssertionError("no live map to read")


def wait_until_zoomed_past(page, zoom: int) -> None:
    """Wait until the map's zoom is above ``zoom`` and its zoom and cluster animations have ended."""
    leaflet(page).wait_for_function(
        f"(z) => {{ const m = {LEAFLET_MAP}; return m && m.getZoom() > z && !m._animatingZoom"
        " && document.getAnimations().length === 0; }",
        arg=zoom,
        timeout=TIMEOUT_MS,
    )


def test_click_filter_and_share(browser, served_seed):
    from playwright.sync_api import expect

    url, article_id = served_seed
    page = new_page(browser)
    page.goto(f"{url}/?article={article_id}")
    frame = map_frame(page)
    expect(marker(frame, "Tobruk")).to_be_visible()
    expect(marker(frame, "Benghazi")).to_have_count(1)

    marker(frame, "Tobruk").click()
    expect(page.get_by_text("docking rights", exact=False).first).to_be_visible()
    expect(page).to_have_url(re.compile(r"place=gn(%3A|:)81302"))
    page.screenshot(path=str(ARTIFACTS / "tobruk.png"), full_page=True)

    choose(page, "actor_filter", re.compile(r"^Russia\b"))
    expect(marker(frame, "Benghazi")).to_have_count(0)
    expect(marker(frame, "Tobruk")).to_be_visible()
    expect(page).to_have_url(re.compile(r"actor=Russia"))
    shared = page.url

    other = new_page(browser)
    other.goto(shared)
    other_frame = map_frame(other)
    expect(marker(other_frame, "Tobruk")).to_be_visible()
    expect(marker(other_frame, "Moscow")).to_be_visible()
    expect(marker(other_frame, "Benghazi")).to_have_count(0)
    expect(other.get_by_text("docking rights", exact=False).first).to_be_visible()
    other.screenshot(path=str(ARTIFACTS / "shared.png"), full_page=True)


def test_cluster_click_zooms_to_its_places(browser, served_seed):
    from playwright.sync_api import expect

    url, article_id = served_seed
    page = new_page(browser)
    page.goto(f"{url}/?article={article_id}&center=30.0,18.0&zoom=4")
    frame = map_frame(page)
    cluster = frame.locator(".marker-cluster").first
    expect(cluster).to_be_visible()
    expect(marker(frame, "Tripoli")).to_have_count(0)  # inside the cluster at this zoom
    for _level in range(4):  # Tripoli and Mitiga airport are 8 km apart: a cluster may hold a cluster
        _lat, _lon, zoom = map_view(page)
        frame.locator(".marker-cluster").first.click()
        wait_until_zoomed_past(page, zoom)
        if marker(frame, "Tripoli").count():
            break
    expect(marker(frame, "Tripoli")).to_be_visible()
    _lat, _lon, zoom = map_view(page)
    assert zoom > 4


def test_claims_layer_of_a_speaker_rings_the_places_they_speak_about(browser, served_seed):
    from playwright.sync_api import expect

    url, article_id = served_seed
    page = new_page(browser)
    page.goto(f"{url}/?article={article_id}")
    settle(page)
    frame = map_frame(page)
    rings = frame.locator("path.leaflet-interactive[fill='none']")
    expect(rings).to_have_count(0)  # claims layers start switched off
    frame.locator(".leaflet-control-layers").hover()
    entry = frame.locator(".leaflet-control-layers-overlays label").filter(
        has_text=re.compile(r"^\s*Claims by Bloomberg")
    )
    expect(entry).to_have_count(1)
    entry.locator("input").check()
    expect(rings).to_have_count(1)  # Bloomberg's one claim is about Moscow
    box = rings.first.bounding_box()
    rings.first.hover(position={"x": 2, "y": box["height"] / 2})  # on the ring itself: its middle is the pin
    expect(frame.locator(".leaflet-tooltip").filter(has_text="Moscow: Bloomberg asserts")).to_be_visible()


def test_narrow_window_stacks_map_and_panel_without_sideways_scrolling(browser, served_seed):
    from playwright.sync_api import expect

    url, article_id = served_seed
    page = browser.new_context(viewport={"width": 420, "height": 1400}).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{url}/?article={article_id}")
    settle(page)
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    map_box = page.locator('iframe[title="streamlit_folium.st_folium"]').last.bounding_box()
    assert map_box["width"] > 300  # the map takes the window's width, the sidebar folds away
    marker(map_frame(page), "Tobruk").click()
    heading = page.get_by_role("heading", name="Tobruk")
    expect(heading).to_be_visible()
    map_box = page.locator('iframe[title="streamlit_folium.st_folium"]').last.bounding_box()  # after any scroll
    assert heading.bounding_box()["y"] > map_box["y"] + map_box["height"]  # the panel comes below the map
    page.screenshot(path=str(ARTIFACTS / "narrow.png"), full_page=True)


def test_back_button_steps_through_earlier_views(browser, served_seed):
    from playwright.sync_api import expect

    url, article_id = served_seed
    page = new_page(browser)
    page.goto(f"{url}/?article={article_id}")
    settle(page)
    for name, place_id in (("Tobruk", "81302"), ("Benghazi", "88319")):
        marker(map_frame(page), name).click()
        expect(page.get_by_role("heading", name=name)).to_be_visible()
        expect(page).to_have_url(re.compile(rf"place=gn(%3A|:){place_id}"))
        expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
    page.go_back()
    expect(page).to_have_url(re.compile(r"place=gn(%3A|:)81302"))
    expect(page.get_by_role("heading", name="Tobruk")).to_be_visible()
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"place="))
    expect(page.get_by_role("heading", name="Places", exact=True)).to_be_visible()


def test_a_row_of_the_place_list_selects_its_place(browser, served_seed):
    from playwright.sync_api import expect

    url, article_id = served_seed
    page = new_page(browser)
    page.goto(f"{url}/?article={article_id}")
    settle(page)
    # The list is a canvas grid: click the first row's selection cell (rows and header are 35 px tall).
    page.get_by_test_id("stDataFrame").click(position={"x": 12, "y": 35 + 17})
    expect(page).to_have_url(re.compile(r"place=gn(%3A|:)2215636"))  # Libya, the most mentioned
    expect(page.get_by_role("heading", name="Libya")).to_be_visible()


def test_area_labels_never_overlap_and_return_as_the_map_zooms_in(browser, served_seed):
    url, article_id = served_seed
    counts = {}
    for zoom in (1, 6):
        page = new_page(browser)
        page.goto(f"{url}/?article={article_id}&center=33.0,18.0&zoom={zoom}")
        settle(page)
        labels = map_frame(page).locator(".geo-label")
        boxes = [labels.nth(i).bounding_box() for i in range(labels.count())]
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                apart = (
                    a["x"] + a["width"] <= b["x"]
                    or b["x"] + b["width"] <= a["x"]
                    or a["y"] + a["height"] <= b["y"]
                    or b["y"] + b["height"] <= a["y"]
                )
                assert apart, (zoom, a, b)
        counts[zoom] = len(boxes)
        page.context.close()
    assert 0 < counts[1] < counts[6]  # the world view leaves some out; zoomed in, they come back


def test_shared_link_restores_the_map_view(browser, served_seed):
    from playwright.sync_api import expect

    url, article_id = served_seed
    page = new_page(browser)
    page.goto(f"{url}/?article={article_id}&center=32.5,15.0&zoom=6")
    expect(marker(map_frame(page), "Tobruk")).to_have_count(1)
    lat, lon, zoom = map_view(page)
    assert zoom == 6
    assert abs(lat - 32.5) < 0.5 and abs(lon - 15.0) < 0.5


def test_correction_persists_after_a_server_restart(browser, tmp_path, seed_path):
    from playwright.sync_api import expect

    database = tmp_path / "corrections.sqlite"
    article_id = ingest_seed(database, seed_path)
    env = {**FULL, "GEO_DATABASE": str(database)}
    with app_server(env) as server:
        page = new_page(browser)
        page.goto(f"{server.url}/?article={article_id}&place={TRIPOLI_LY}")
        settle(page)
        page.get_by_text("Not this place? Choose another").click()
        entries = page.get_by_label("Other entries")
        expect(entries).to_be_visible()
        # The expander has opened: its own opening animations have ended (others, such as Streamlit's
        # status widget while a script runs, may still be going; a looping one inside it, a spinner,
        # never ends and is not what the click has to wait for).
        page.wait_for_function(
            "() => !document.getAnimations().some(a => a.playState === 'running' && a.effect"
            " && a.effect.getComputedTiming().iterations !== Infinity && a.effect.target"
            " && a.effect.target.closest && a.effect.target.closest('[data-testid=\"stExpander\"]'))"
        )
        entries.click()
        page.get_by_role("option", name=re.compile(r"Tripoli, (.+, )?LB \(")).first.click()
        page.get_by_role("button", name="Use this place").click()
        expect(page).not_to_have_url(re.compile(f"place={TRIPOLI_LY.replace(':', '(%3A|:)')}"))
        corrected = page.url
    with app_server(env) as restarted:
        page = new_page(browser)
        page.goto(corrected.replace(corrected.split("/?")[0], restarted.url))
        expect(page.get_by_text("Chosen by a person", exact=False).first).to_be_visible()
        expect(page.get_by_text("· LB ·", exact=False).first).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "corrected.png"), full_page=True)


# The selection rings on the map that can be seen: for each, whether it is centred on the named marker.
RINGS_ROUND = (
    "(name) => { const m = " + LEAFLET_MAP + ", box = m.getContainer().getBoundingClientRect();"
    'const icon = document.querySelector(`.leaflet-marker-icon[title="${name}"]`).getBoundingClientRect();'
    "const found = []; m.eachLayer(l => { if (l.options && l.options.className === 'geo-selection' &&"
    " l.options.opacity !== 0) { const p = m.latLngToContainerPoint(l.getLatLng());"
    " found.push(Math.abs(box.x + p.x - icon.x - icon.width / 2) < 3 &&"
    " Math.abs(box.y + p.y - icon.y - icon.height / 2) < 3); } }); return found; }"
)
LAST_SENT = "() => window.__GLOBAL_DATA__.last_feature_group"  # the selection layer st_folium last received


def test_a_click_rings_its_place_and_reruns_only_the_panel(browser, served_seed):
    """The place panel is a fragment: a click shows the passages without the page sending the map again."""
    from playwright.sync_api import expect

    url, article_id = served_seed
    page = new_page(browser)
    page.goto(f"{url}/?article={article_id}")
    settle(page)
    live = leaflet(page)
    sent = live.evaluate(LAST_SENT)
    for name, place_id in (("Tobruk", "81302"), ("Benghazi", "88319")):
        marker(map_frame(page), name).click()
        expect(page.get_by_role("heading", name=name)).to_be_visible()
        expect(page).to_have_url(re.compile(rf"place=gn(%3A|:){place_id}"))
        expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
        expect(page.get_by_text(f"place=gn%3A{place_id}", exact=False).first).to_be_attached()  # the share box
        assert live.evaluate(RINGS_ROUND, name) == [True]  # one ring, round the place clicked
        assert live.evaluate(LAST_SENT) == sent  # the page did not run the map again


# Click a pin's element and read, in the same task, what the component has reported to the page.
CLICK_AND_READ_REPORT = (
    "(name) => { document.querySelector(`.leaflet-marker-icon[title=\"${name}\"]`).click();"
    " const sent = window.__GLOBAL_DATA__.previous_data; return sent && sent.last_object_clicked; }"
)


def test_a_click_is_reported_to_the_page_at_once(browser, served_seed):
    """st_folium reports clicks 250 ms late (a debounce meant for pans): the map reports a click on a place
    itself, in the click's own task, in the form st_folium sends, so its late report sends nothing more."""
    from playwright.sync_api import expect

    url, article_id = served_seed
    page = new_page(browser)
    page.goto(f"{url}/?article={article_id}")
    settle(page)
    reported = leaflet(page).evaluate(CLICK_AND_READ_REPORT, "Tobruk")
    assert reported is not None and abs(reported["lat"] - 32.08) < 0.1 and abs(reported["lng"] - 23.96) < 0.1
    expect(page.get_by_role("heading", name="Tobruk")).to_be_visible()
    expect(page).to_have_url(re.compile(r"place=gn(%3A|:)81302"))


def test_the_stance_filter_keeps_itself_in_the_url(browser, served_seed):
    """Bound by Streamlit (bind="query-params"): a choice writes the URL, back takes it away again."""
    from playwright.sync_api import expect

    url, article_id = served_seed
    page = new_page(browser)
    page.goto(f"{url}/?article={article_id}")
    settle(page)
    choose(page, "stance", re.compile(r"^asserts$"))
    expect(page).to_have_url(re.compile(r"stance=asserts"))
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"stance="))
    expect(page.locator(".st-key-stance").get_by_text("asserts")).to_have_count(0)


# -- issue 12: input that works the first time, a map to orient by, the layout at 1280 px ----------


def test_pasted_text_is_analysed_with_one_click(browser, served_seed):
    """The text box commits its value on blur: a button beside it took a first click just to blur it."""
    from playwright.sync_api import expect

    url, article_id = served_seed
    page = new_page(browser)
    page.goto(f"{url}/?article={article_id}")
    settle(page)
    page.get_by_label("Paste the text").fill(
        "Port talks stall\n\nOfficials in Benghazi said on Monday that talks over the port had stalled."
    )
    page.get_by_role("button", name="Analyse the text").click()  # once, with the focus still in the box
    expect(page).to_have_url(re.compile(r"article=(?!" + article_id + r")[0-9a-f]{16}(&|$)"), timeout=90_000)
    expect(marker(map_frame(page), "Benghazi")).to_be_visible()


def test_a_link_warning_outlives_the_urls_own_rewrites(browser, served_seed):
    from playwright.sync_api import expect

    url, article_id = served_seed
    page = new_page(browser)
    page.goto(f"{url}/?article={article_id}&speaker=Nobody%20at%20all")
    warning = page.get_by_text("No speaker called Nobody at all", exact=False)
    expect(warning).to_be_visible()
    settle(page)  # the map reported its view: the page rewrote the URL, without the speaker
    expect(page).not_to_have_url(re.compile(r"speaker="))
    marker(map_frame(page), "Tobruk").click()
    expect(page.get_by_role("heading", name="Tobruk")).to_be_visible()
    expect(warning).to_be_visible()
    page.get_by_role("button", name="Dismiss").click()
    expect(warning).to_have_count(0)


ORIENTATION = (
    "() => ({cities: [...document.querySelectorAll('.geo-city')].map(e => e.textContent),"
    " canvases: document.querySelectorAll('.leaflet-geo-orientation-pane canvas').length,"
    " drawn: Object.keys(window).filter(k => k.startsWith('map_')).map(k => window[k]).find(v => v && v.getZoom)"
    "  ._layers && [...document.querySelectorAll('.leaflet-geo-orientation-pane canvas')].some(c => {"
    "   const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
    "   for (let i = 3; i < d.length; i += 4 * 97) { if (d[i]) { return true; } } return false; })})"
)


def test_zoomed_in_the_map_shows_divisions_rivers_lakes_and_city_labels(browser, served_seed):
    url, article_id = served_seed
    page = new_page(browser)
    page.goto(f"{url}/?article={article_id}&center=43.0,12.5&zoom=6")
    settle(page)
    live = leaflet(page)
    live.wait_for_function("() => document.querySelectorAll('.geo-city').length > 5")
    found = live.evaluate(ORIENTATION)
    assert {"Rome", "Naples", "Milan"} <= set(found["cities"])
    assert found["canvases"] == 1 and found["drawn"]  # the lines and lakes, drawn on their canvas
    page.screenshot(path=str(ARTIFACTS / "orientation.png"), full_page=True)

    world = new_page(browser)
    world.goto(f"{url}/?article={article_id}&center=30.0,15.0&zoom=2")
    settle(world)
    assert leaflet(world).evaluate(ORIENTATION)["cities"] == []  # the world view stays clean


def test_a_pin_counts_nothing_a_cluster_counts_places(browser, served_seed):
    """A place with several mentions must not look like a cluster of as many places."""
    from playwright.sync_api import expect

    url, article_id = served_seed
    page = new_page(browser)
    page.goto(f"{url}/?article={article_id}&center=30.0,18.0&zoom=4")
    settle(page)
    frame = map_frame(page)
    cluster = frame.locator(".geo-cluster").first
    expect(cluster).to_be_visible()
    count = cluster.inner_text().strip()
    assert count.isdigit() and int(count) > 1
    expect(cluster.locator(f'[title="{count} places: click to zoom in"]')).to_have_count(1)
    page.goto(f"{url}/?article={article_id}&center=32.9,13.2&zoom=10")  # Tripoli alone, named twice
    settle(page)
    tripoli = marker(map_frame(page), "Tripoli")
    expect(tripoli).to_be_visible()
    tripoli.hover()
    expect(map_frame(page).locator(".leaflet-tooltip").filter(has_text="2 mentions")).to_be_visible()
    assert tripoli.inner_text().strip() == ""


def test_at_1280_px_the_map_takes_most_of_the_width_and_the_list_fits(browser, served_seed):
    from playwright.sync_api import expect

    url, article_id = served_seed
    page = new_page(browser)  # 1280 px wide
    page.goto(f"{url}/?article={article_id}")
    settle(page)
    # The list of places follows the drawn map (a second run): on a busy machine, after ``settle``.
    expect(page.locator("[data-testid=stDataFrame] .dvn-scroller").first).to_be_visible()
    map_box = page.locator('iframe[title="streamlit_folium.st_folium"]').last.bounding_box()
    assert map_box["width"] >= 0.5 * VIEWPORT["width"], map_box
    widths = page.evaluate(
        "() => [...document.querySelectorAll('[data-testid=stDataFrame] .dvn-scroller')]"
        ".map(e => [e.scrollWidth, e.clientWidth])"
    )
    assert widths and all(scroll <= client for scroll, client in widths), widths  # every column in view


def in_live_map(page, condition: str, arg: object = None) -> object:
    """Wait until ``condition`` (a script) is truthy in the live map's frame, and return its value, across
    the replacements of that frame that a new map (new features) brings."""
    from playwright.sync_api import Error as PlaywrightError

    for _attempt in range(5):
        try:
            return leaflet(page).wait_for_function(condition, arg=arg).json_value()
        except (PlaywrightError, StopIteration):  # the frame went, or its successor has no map yet
            map_frame(page).locator(".leaflet-marker-icon").first.wait_for()
    raise AssertionError(f"never true in the live map: {condition}")


def wait_for_map_zoom(page, zoom: int) -> None:
    """Wait until the live map shows ``zoom`` (its frame may be replaced meanwhile)."""
    for _attempt in range(5):
        in_live_map(page, f"(z) => {{ const m = {LEAFLET_MAP}; return m && m.getZoom() === z; }}", zoom)
        if map_view(page)[2] == zoom:
            return
    raise AssertionError(f"the map never settled at zoom {zoom}")


def test_a_grid_cell_click_zooms_the_map_into_that_cell(browser, tmp_path, seed_path):
    """Past GEO_MAP_MAX_PLACES places the store sends grid cells: a click on one zooms into it, and the
    page then draws what the cell holds (its places, or finer cells) where the click took the map."""
    from playwright.sync_api import expect

    database = tmp_path / "articles.sqlite"
    ingest_seed(database, seed_path)
    with app_server({**FULL, "GEO_DATABASE": str(database), "GEO_MAP_MAX_PLACES": "3"}) as server:
        page = new_page(browser)
        page.goto(server.url)
        settle(page)  # the map fits its cells and reports that view, which the page draws again
        cells = '.leaflet-marker-icon[title$=" places"], .leaflet-marker-icon[title$=" place"]'
        # under load the settled page may not have drawn its cells yet: what the click changes is read after
        expect(map_frame(page).locator(cells).first).to_be_visible()
        before = map_frame(page).locator(cells).all_inner_texts()
        first = int(re.search(r"zoom=(\d+)", page.url).group(1))
        for _attempt in range(3):  # a click on a map that a rerun replaces at that moment is lost: again
            # A cell in view (the map's frame may hold some beyond its edges, or the page's).
            inside = in_live_map(
                page,
                f"() => {{ const i = [...document.querySelectorAll('{cells}')].findIndex(e => {{"
                " const r = e.getBoundingClientRect(); return r.width > 0 && r.left > 0 && r.top > 0"
                " && r.right < innerWidth && r.bottom < innerHeight; }); return i >= 0 ? String(i) : null; }",
            )
            map_frame(page).locator(cells).nth(int(str(inside))).click()
            try:
                expect(page).not_to_have_url(re.compile(rf"zoom={first}(&|$)"), timeout=10_000)
                break
            except AssertionError:
                continue
        zoom = int(re.search(r"zoom=(\d+)", page.url).group(1))
        assert zoom >= first + 2 and "place=" not in page.url  # in by two levels at least; nothing selected
        # The page's rerun draws the cell's contents, on a map that stays where the click took it.
        expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
        expect(map_frame(page).locator(cells).first).to_be_visible()
        wait_for_map_zoom(page, zoom)
        assert map_frame(page).locator(cells).all_inner_texts() != before


def test_a_followed_page_shows_new_articles_and_keeps_the_view_and_the_open_place(browser, tmp_path, seed_path):
    """With "Follow new articles" on, an article stored by another process (as `geo watch` stores them)
    appears without a reload; the map stays where the reader moved it and the open place stays open."""
    from playwright.sync_api import expect

    database = tmp_path / "articles.sqlite"
    ingest_seed(database, seed_path)
    with app_server({**FULL, "GEO_DATABASE": str(database), "GEO_PAGE_REFRESH": "1"}) as server:
        page = new_page(browser)
        page.goto(f"{server.url}/?place={TRIPOLI_LY}&center=32.9,13.2&zoom=7")
        settle(page)
        expect(page.get_by_text("Showing 1 of 1 stored articles")).to_be_visible()
        expect(page.get_by_role("heading", name="Tripoli")).to_be_visible()
        # The reader moves the map, away from the view the session opened with.
        leaflet(page).evaluate(f"() => {{ {LEAFLET_MAP}.setView([33.1, 13.6], 9, {{animate: false}}); }}")
        expect(page).to_have_url(re.compile(r"zoom=9"))
        expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
        page.locator(".st-key-follow label").click()
        stored = subprocess.run(
            [sys.executable, "-m", "geo", "ingest", "--no-progress", str(ROOT / "data" / "demo_article.txt")],
            cwd=ROOT,
            env={**os.environ, **FULL, "GEO_DATABASE": str(database)},
            capture_output=True,
            text=True,
        )
        assert stored.returncode == 0, stored.stderr[-3000:]
        expect(page.get_by_text("Showing 2 of 2 stored articles")).to_be_visible()
        expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
        expect(page.get_by_role("heading", name="Tripoli")).to_be_visible()  # the open place
        assert f"place={TRIPOLI_LY.replace(':', '%3A')}" in page.url and "zoom=9" in page.url
        expect(map_frame(page).locator(".leaflet-marker-icon").first).to_be_visible()
        wait_for_map_zoom(page, 9)
        lat, lon, _zoom = map_view(page)
        assert abs(lat - 33.1) < 0.05 and abs(lon - 13.6) < 0.05


# Pins and clusters whose centre lies in the map, and the area label a click at that centre reaches instead, if any.
PIN_HITS = (
    "() => { const box = document.querySelector('.leaflet-container').getBoundingClientRect();"
    " return [...document.querySelectorAll('.leaflet-marker-icon')].filter(i => !i.querySelector('.geo-label'))"
    ".map(i => { const r = i.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;"
    " if (x < box.left || x > box.right || y < box.top || y > box.bottom) { return null; }"
    " const top = document.elementFromPoint(x, y), owner = top && top.closest('.leaflet-marker-icon');"
    " return [i.title || i.innerText, owner && owner.querySelector('.geo-label') ? owner.innerText : 'no label']; })"
    ".filter(Boolean); }"
)


@pytest.mark.parametrize("zoom", [3, 5])
def test_an_area_label_never_covers_a_pin(browser, served_seed, zoom):
    """A country's label sits near its towns: drawn over a pin, it took the pin's clicks (Rwanda's over Nairobi)."""
    url, article_id = served_seed
    page = new_page(browser)
    page.goto(f"{url}/?article={article_id}&center=30.0,18.0&zoom={zoom}")
    settle(page)
    expect_labels = map_frame(page).locator(".geo-label")
    assert expect_labels.count() > 0
    hits = map_frame(page).locator("body").evaluate(PIN_HITS)
    assert hits and all(reached == "no label" for _, reached in hits), hits
    # Stacked so wherever they are: every label under every pin and cluster (Leaflet stacks by screen height).
    labels, pins = map_frame(page).locator("body").evaluate(
        "() => { const z = [...document.querySelectorAll('.leaflet-marker-icon')].map(i =>"
        " [!!i.querySelector('.geo-label'), Number(i.style.zIndex)]);"
        " return [z.filter(e => e[0]).map(e => e[1]), z.filter(e => !e[0]).map(e => e[1])]; }"
    )
    assert labels and pins and max(labels) < min(pins), (labels, pins)
    page.context.close()
