"""The real-browser tier: the seed article in Chromium, clicked, filtered and shared."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.browser_support import CHROMIUM, CHROMIUM_FLAGS, ROOT, app_server, map_frame, require_browser
from tests.conftest import SEED_TEXT

pytestmark = pytest.mark.browser
ARTIFACTS = ROOT / "tests" / "artifacts"
TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def served_seed(tmp_path_factory):
    require_browser()
    from geo.static import install_static

    install_static(ROOT / "static")
    database = tmp_path_factory.mktemp("browser") / "articles.sqlite"
    env = {"GEO_DATABASE": str(database)}
    ingested = subprocess.run(
        [sys.executable, "-m", "geo", "ingest", str(SEED_TEXT)],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    article_id = ingested.stdout.split()[0]
    with app_server(env) as server:
        yield server.url, article_id


def marker(frame, name: str):
    return frame.locator(f'.leaflet-marker-icon[title="{name}"]')


def test_click_filter_and_share(served_seed):
    from playwright.sync_api import expect, sync_playwright

    url, article_id = served_seed
    expect.set_options(timeout=TIMEOUT_MS)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(f"{url}/?article={article_id}")
            frame = map_frame(page)
            expect(marker(frame, "Tobruk")).to_be_visible()
            expect(marker(frame, "Benghazi")).to_have_count(1)

            marker(frame, "Tobruk").click()
            expect(page.get_by_text("docking rights", exact=False).first).to_be_visible()
            expect(page).to_have_url(re.compile(r"place=gn%3A81302|place=gn:81302"))
            page.screenshot(path=str(ARTIFACTS / "tobruk.png"), full_page=True)

            actor_filter = page.locator(".st-key-actor_filter input")
            actor_filter.click()
            page.get_by_role("option", name=re.compile(r"^Russia\b")).first.click()
            page.keyboard.press("Escape")
            expect(marker(frame, "Benghazi")).to_have_count(0)
            expect(marker(frame, "Tobruk")).to_be_visible()
            expect(page).to_have_url(re.compile(r"actor=Russia"))
            shared = page.url

            fresh = browser.new_context(viewport={"width": 1280, "height": 900})
            other = fresh.new_page()
            other.set_default_timeout(TIMEOUT_MS)
            other.goto(shared)
            other_frame = map_frame(other)
            expect(marker(other_frame, "Tobruk")).to_be_visible()
            expect(marker(other_frame, "Moscow")).to_be_visible()
            expect(marker(other_frame, "Benghazi")).to_have_count(0)
            expect(other.get_by_text("docking rights", exact=False).first).to_be_visible()
            other.screenshot(path=str(ARTIFACTS / "shared.png"), full_page=True)
        finally:
            browser.close()
