"""The timeline in Chromium: brushing it sets the dates in the URL and the map follows; step and play move
a window through the days. Articles the tests write (the demo article, one copy a day), no ../shared/."""

from __future__ import annotations

import dataclasses
import re

import pytest

from tests.browser_support import CHROMIUM, CHROMIUM_FLAGS, ROOT, app_server, map_frame, require_browser

pytestmark = pytest.mark.browser
TIMEOUT_MS = 60_000
DAYS = 20  # one article a day from 2024-01-01


@pytest.fixture(scope="module")
def served_days(tmp_path_factory, request):
    require_browser()
    from geo.store import Store
    from geo.view.static import install_static

    demo = request.getfixturevalue("demo_analysis")
    install_static(ROOT / "static")
    database = tmp_path_factory.mktemp("timeline") / "articles.sqlite"
    with Store(database) as store:
        for n in range(DAYS):
            article = dataclasses.replace(
                demo.article,
                id=f"{n:016x}",
                text=demo.article.text + f" ({n})",
                published=f"2024-01-{n + 1:02d}",
                published_source="record",
            )
            store.save(dataclasses.replace(demo, article=article))
    with app_server({"GEO_DATABASE": str(database)}) as server:
        yield server.url


@pytest.fixture(scope="module")
def page_factory():
    require_browser()
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)

        def new_page():
            page = browser.new_context(viewport={"width": 1280, "height": 1400}).new_page()
            page.set_default_timeout(TIMEOUT_MS)
            return page

        yield new_page
        browser.close()


def drawn(page) -> None:
    """Wait until the map shows markers and the script has finished."""
    from playwright.sync_api import expect

    expect(map_frame(page).locator(".leaflet-marker-icon").first).to_be_visible()
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)


def showing(page, text: str):
    return page.get_by_text(re.compile(text))


def test_brushing_the_timeline_sets_the_dates_and_the_map_follows(served_days, page_factory):
    from playwright.sync_api import expect

    page = page_factory()
    page.goto(served_days)
    drawn(page)
    expect(showing(page, f"Showing {DAYS} of {DAYS} stored articles")).to_be_visible()
    chart = page.locator(".st-key-timeline .marks")  # what Vega draws into (an svg or a canvas)
    box = chart.bounding_box()
    # The plot runs between the two axes: drag from a quarter to the middle of the chart's width.
    y = box["y"] + box["height"] * 0.4
    page.mouse.move(box["x"] + box["width"] * 0.3, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.5, y, steps=10)
    page.mouse.up()
    expect(page).to_have_url(re.compile(r"from=2024-01-\d\d&to=2024-01-\d\d"))
    since, until = re.search(r"from=(2024-01-\d\d)&to=(2024-01-\d\d)", page.url).groups()
    assert since < until, page.url
    chosen = int(until[-2:]) - int(since[-2:]) + 1
    expect(showing(page, f"Showing {chosen} of {DAYS} stored articles published {since}")).to_be_visible()
    drawn(page)  # the map is drawn again for the chosen days
    # The link opens the same days for someone else.
    other = page_factory()
    other.goto(page.url)
    drawn(other)
    expect(showing(other, f"Showing {chosen} of {DAYS} stored articles published {since}")).to_be_visible()


def test_step_and_play_move_a_window_through_the_days(served_days, page_factory):
    from playwright.sync_api import expect

    page = page_factory()
    page.goto(f"{served_days}/?from=2024-01-01&to=2024-01-07")
    drawn(page)
    expect(page).to_have_url(re.compile("zoom="))  # the map's first report of its view has rerun the page
    drawn(page)
    expect(page.locator(".st-key-step_forward button:visible")).to_have_count(1)
    page.locator(".st-key-step_forward button:visible").click()
    expect(page).to_have_url(re.compile("from=2024-01-08&to=2024-01-14"))
    expect(showing(page, f"Showing 7 of {DAYS} stored articles published 2024-01-08")).to_be_visible()
    drawn(page)
    page.locator(".st-key-playing label:visible").click()  # play: the window moves on by itself
    expect(page).to_have_url(re.compile("from=2024-01-15&to=2024-01-21"))
    expect(showing(page, f"Showing 6 of {DAYS} stored articles published 2024-01-15")).to_be_visible()
    # At the end of the timeline play stops by itself.
    expect(page.locator(".st-key-playing input:visible")).not_to_be_checked()
    assert "from=2024-01-15" in page.url
