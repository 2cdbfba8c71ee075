"""The page with many places, in Chromium: first render, filter change, click to panel.

    .venv/bin/python bench/bench_map.py [--places 5000] [--articles 250] [--runs 3]

Builds a store of made-up articles naming that many places (bench_store.synthetic_store),
starts the app on it and drives /usr/bin/chromium through Playwright; one visit warms the
server (its figure printed apart), then ``--runs`` visits are timed. Targets (issue 6):
first render with markers <= 4 s after navigation, filter change to updated map <= 1.5 s,
click to panel <= 1 s. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from bench_store import synthetic_store  # noqa: E402

from geo.types import MapFilter  # noqa: E402
from tests.browser_support import CHROMIUM, CHROMIUM_FLAGS, app_server, map_frame  # noqa: E402

MARKERS = ".leaflet-marker-icon"
# A sized map frame with a marker in it: what a person sees as the map with its places.
FIRST_MARKERS = (
    "() => [...document.querySelectorAll('iframe[title=\"streamlit_folium.st_folium\"]')].some(f => {"
    " try { return f.getAttribute('height') !== '0' && !!f.contentDocument.querySelector('.leaflet-marker-icon'); }"
    " catch (e) { return false; } })"
)


def cluster_total(frame) -> int:
    """What the map shows: single markers plus the counts on the clusters."""
    return int(
        frame.locator("body").evaluate(
            "() => [...document.querySelectorAll('.leaflet-marker-icon')].reduce((n, el) =>"
            " n + (el.classList.contains('marker-cluster') ? parseInt(el.innerText) || 0 : 1), 0)"
        )
    )


def one_run(browser, url: str) -> dict[str, float]:
    from playwright.sync_api import expect

    page = browser.new_context(viewport={"width": 1280, "height": 1200}).new_page()
    page.set_default_timeout(120_000)
    expect.set_options(timeout=120_000)
    started = time.perf_counter()
    page.goto(url, wait_until="commit")
    # Polled every 50 ms (expect() backs off to 1 s between checks, which would blur the figure).
    page.wait_for_function(FIRST_MARKERS, polling=50)
    first_render = time.perf_counter() - started
    frame = map_frame(page)
    page.wait_for_timeout(1000)  # the map's first report of its view triggers one more script run
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
    before = cluster_total(frame)

    field = page.locator(".st-key-actor_filter input")
    field.click()
    field.fill("Actor 3 (")  # the list is long: narrow it the way a person would
    option = page.get_by_role("option", name=re.compile(r"^Actor 3 ")).first
    option.wait_for()
    started = time.perf_counter()
    option.click()
    page.wait_for_function(
        "([selector, before]) => { const f = [...document.querySelectorAll(selector)].pop();"
        " if (!f || !f.contentDocument) return false; const d = f.contentDocument;"
        " const n = [...d.querySelectorAll('.leaflet-marker-icon')].reduce((n, el) =>"
        " n + (el.classList.contains('marker-cluster') ? parseInt(el.innerText) || 0 : 1), 0);"
        " return n > 0 && n !== before; }",
        arg=['iframe[title="streamlit_folium.st_folium"]:not([height="0"])', before],
    )
    filter_change = time.perf_counter() - started
    page.keyboard.press("Escape")
    page.wait_for_timeout(1500)  # the new map reports its view once, which reruns the script
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)

    # A pin well inside the map's frame: one at an edge may be clipped by the map's border.
    title = frame.locator("body").evaluate(
        "() => { const box = document.querySelector('.leaflet-container').getBoundingClientRect();"
        " const pins = [...document.querySelectorAll('.leaflet-marker-icon:not(.marker-cluster)')]"
        ".filter(el => el.title).map(el => [el, el.getBoundingClientRect()])"
        ".filter(([el, r]) => r.left > box.left + 20 && r.right < box.right - 20 && r.top > box.top + 20"
        " && r.bottom < box.bottom - 20);"
        " return pins.length ? pins[0][0].title : null; }"
    )
    single = frame.locator(f'{MARKERS}[title="{title}"]').first
    started = time.perf_counter()
    single.click()
    # The panel swaps its "Places" list for the clicked place (whichever pin was on top there).
    page.get_by_role("heading", name="Places", exact=True).wait_for(state="detached")
    click_to_panel = time.perf_counter() - started
    page.context.close()
    return {"first_render_s": first_render, "filter_change_s": filter_change, "click_to_panel_s": click_to_panel}


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--places", type=int, default=5000)
    parser.add_argument("--articles", type=int, default=250)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    per_article = 2 * -(-args.places // args.articles)  # every place named at least once
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "many.sqlite"
        store, build = synthetic_store(db, args.places, args.articles, per_article)
        ids = list(store.articles(limit=args.articles)["id"])
        shown = len(store.places(MapFilter(article_ids=ids)))
        store.close()
        print(f"store: {shown} places on the map from {len(ids)} articles (built in {build:.1f} s)")
        query = "&".join(f"article={i}" for i in ids)
        with app_server({"GEO_DATABASE": str(db)}) as server, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
            # The first visitor after a start also pays for the server's first script run (imports, caches).
            runs = [one_run(browser, f"{server.url}/?{query}") for _ in range(args.runs + 1)]
            browser.close()
    print(f"first visit after the server started: first render {runs[0]['first_render_s']:.2f} s")
    for key in runs[0]:
        values = [run[key] for run in runs[1:]]
        print(f"{key:<18} median {statistics.median(values):6.2f}   runs {', '.join(f'{v:.2f}' for v in values)}")


if __name__ == "__main__":
    main()
