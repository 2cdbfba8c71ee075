"""Time the page in Chromium: server start to first marker, click to passage, server memory.

    .venv/bin/python bench/bench_app.py [--runs N]

Starts `streamlit run app.py` on a free port with a fresh database holding the
seed article, drives /usr/bin/chromium through Playwright, and prints each figure.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser_support import CHROMIUM, CHROMIUM_FLAGS, app_server, map_frame  # noqa: E402
from tests.conftest import SEED_TEXT  # noqa: E402


def rss_mib(pid: int) -> float:
    """Resident memory of the process and its children, from /proc."""
    total = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            total += int(line.split()[1])
    return total / 1024


def one_run(article_id: str, env: dict[str, str]) -> dict[str, float]:
    from playwright.sync_api import expect, sync_playwright

    started = time.perf_counter()
    with app_server(env) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1200})
        page.set_default_timeout(60_000)
        page.goto(f"{server.url}/?article={article_id}")
        frame = map_frame(page)
        tobruk = frame.locator('.leaflet-marker-icon[title="Tobruk"]')
        # wait_for, not expect(): expect() backs off to a check a second, which would blur the figures.
        tobruk.wait_for()
        first_marker = time.perf_counter() - started
        # Let the map's first report of its view (a script run of its own) finish before clicking.
        expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
        page.wait_for_timeout(1000)
        expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
        clicked = time.perf_counter()
        tobruk.click()
        page.get_by_text("docking rights", exact=False).first.wait_for()
        click_to_passage = time.perf_counter() - clicked
        memory = rss_mib(server.pid)
        browser.close()
    return {"start_to_first_marker_s": first_marker, "click_to_passage_s": click_to_passage, "server_rss_mib": memory}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {"GEO_DATABASE": str(Path(tmp) / "bench.sqlite")}
        ingested = subprocess.run(
            [sys.executable, "-m", "geo", "ingest", str(SEED_TEXT)],
            cwd=ROOT,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            check=True,
        )
        article_id = ingested.stdout.split()[0]
        runs = [one_run(article_id, env) for _ in range(args.runs)]
    for key in runs[0]:
        values = [run[key] for run in runs]
        print(f"{key:<26} median {statistics.median(values):8.2f}   runs {', '.join(f'{v:.2f}' for v in values)}")


if __name__ == "__main__":
    main()
