"""Weeks of coverage on one map, in Chromium: first markers, a filter change, a date step, a timeline brush.

    .venv/bin/python bench/bench_time.py [--store FILE] [--runs 3]

The store holds the seed article, the LGL corpus and the PolNeAR corpora (about 1,500 dated articles;
built with ``geo ingest`` into a temporary file unless ``--store`` names one built from the same files,
which takes several minutes). The app starts on it once; one visit warms the server (its figures printed
apart), then ``--runs`` visits are timed, each in a fresh browser context:

- first markers: from requesting the page (every stored article, the default view) to markers in the map,
  with the CPU seconds the server and the browser spent on it (load on the machine stretches the wall time,
  not these), and the CPU seconds of the whole visit until the page is at rest (``visit_*``);
- filter change: choosing a source in the sidebar, to the map showing other markers;
- date step: the timeline's "▶" (the next 7 days), to the map showing other markers;
- brush: dragging across the timeline, to the URL's from=/to= and the map showing other markers.

Targets (issue 12): first markers <= 2.5 s (warm server), filter or date change <= 1.0 s, brush to
updated map <= 1.0 s. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from bench_map import FIRST_MARKERS, cluster_total  # noqa: E402

from tests.browser_support import CHROMIUM, CHROMIUM_FLAGS, MAP_FRAME, app_server, map_frame  # noqa: E402
from tests.conftest import FULL_GAZETTEER, SEED_TEXT, SHARED  # noqa: E402

CORPORA = [SHARED / "eval" / "lgl.jsonl", *sorted((SHARED / "eval").glob("polnear_*.jsonl"))]
SOURCE = "breitbart"  # a PolNeAR outlet: a filter that changes the map without emptying it
# The map frame's markers (single pins, plus the counts on the clusters) differ from ``before``.
MAP_CHANGED = (
    "([selector, before]) => { const f = [...document.querySelectorAll(selector)].pop();"
    " if (!f || !f.contentDocument) return false; const d = f.contentDocument;"
    " const n = [...d.querySelectorAll('.leaflet-marker-icon')].reduce((n, el) =>"
    " n + (el.classList.contains('marker-cluster') ? parseInt(el.innerText) || 0 : 1), 0);"
    " return n > 0 && n !== before; }"
)


def build_store(path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "geo", "ingest", "--no-progress", str(SEED_TEXT), *map(str, CORPORA)],
        cwd=ROOT,
        env={**os.environ, "GEO_GAZETTEER": str(FULL_GAZETTEER), "GEO_DATABASE": str(path)},
        check=True,
        stdout=subprocess.DEVNULL,
    )


def settle(page) -> int:
    """Wait for the script runs a change starts (the new map reports its view once) to end; the marker total."""
    from playwright.sync_api import expect

    page.wait_for_timeout(1200)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)
    return cluster_total(map_frame(page))


def timed_change(page, action, before: int) -> float:
    started = time.perf_counter()
    action()
    page.wait_for_function(MAP_CHANGED, arg=[MAP_FRAME, before], polling=50)
    return time.perf_counter() - started


def cpu_by_process() -> dict[int, float]:
    """CPU seconds used so far by each of this script's child processes (the app server, Chromium's
    processes and Playwright's driver)."""
    import psutil

    used = {}
    for process in psutil.Process().children(recursive=True):
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue
        used[process.pid] = times.user + times.system
    return used


def cpu_spent(before: dict[int, float], after: dict[int, float], server_pid: int) -> tuple[float, float]:
    """CPU seconds the server, and the other processes (Chromium and Playwright's driver), spent between two
    readings: what a visit costs, whatever the load on the machine. Per process, so that the renderer of a
    context closed meanwhile (gone from ``after``) does not count against this visit."""
    spent = {pid: used - before.get(pid, 0.0) for pid, used in after.items()}
    server = spent.pop(server_pid, 0.0)
    return server, sum(spent.values())


def one_run(browser, url: str, server_pid: int) -> dict[str, float]:
    from playwright.sync_api import expect

    page = browser.new_context(viewport={"width": 1280, "height": 1400}).new_page()
    page.set_default_timeout(120_000)
    expect.set_options(timeout=120_000)
    cpu_before = cpu_by_process()
    started = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_function(FIRST_MARKERS, polling=50)  # polled every 50 ms: expect() backs off to 1 s
    first_markers = time.perf_counter() - started
    server_cpu, browser_cpu = cpu_spent(cpu_before, cpu_by_process(), server_pid)
    before = settle(page)
    # The whole visit, to the page at rest: work deferred past the first markers still counts here.
    visit_server_cpu, visit_browser_cpu = cpu_spent(cpu_before, cpu_by_process(), server_pid)

    field = page.locator(".st-key-source_filter input")
    field.click()
    option = page.get_by_role("option", name=re.compile(rf"^{SOURCE} \(")).first
    option.wait_for()
    filter_change = timed_change(page, option.click, before)
    page.keyboard.press("Escape")
    before = settle(page)

    step = page.locator(".st-key-step_forward button:visible")
    date_step = timed_change(page, step.click, before)
    expect(page).to_have_url(re.compile("from="))
    before = settle(page)

    page.locator(".st-key-all_days button:visible").click()  # every day again, then brush a month or so
    expect(page).not_to_have_url(re.compile("from="))
    before = settle(page)
    box = page.locator(".st-key-timeline .marks").bounding_box()
    y = box["y"] + box["height"] * 0.4

    def brush() -> None:
        page.mouse.move(box["x"] + box["width"] * 0.25, y)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.35, y, steps=5)
        page.mouse.up()

    started = time.perf_counter()
    brush()
    page.wait_for_function("() => location.search.includes('from=')", polling=50)
    page.wait_for_function(MAP_CHANGED, arg=[MAP_FRAME, before], polling=50)
    brush_to_map = time.perf_counter() - started
    page.context.close()
    return {
        "first_markers_s": first_markers,
        "first_markers_server_cpu_s": server_cpu,
        "first_markers_browser_cpu_s": browser_cpu,
        "visit_server_cpu_s": visit_server_cpu,
        "visit_browser_cpu_s": visit_browser_cpu,
        "filter_change_s": filter_change,
        "date_step_s": date_step,
        "brush_to_map_s": brush_to_map,
    }


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", type=Path, default=None, help="a store of the seed, LGL and PolNeAR")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store
        if store is None:
            store = Path(tmp) / "weeks.sqlite"
            started = time.perf_counter()
            build_store(store)
            print(f"store built in {time.perf_counter() - started:.0f} s")
        with app_server({"GEO_DATABASE": str(store)}) as server, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
            runs = [one_run(browser, f"{server.url}/", server.pid) for _ in range(args.runs + 1)]
            browser.close()
    load = os.getloadavg()[0]
    print(f"load average (1 min) at the start: {load_start:.1f}")
    print(f"first visit after the server started: {', '.join(f'{k} {v:.2f}' for k, v in runs[0].items())}")
    for key in runs[0]:
        values = [run[key] for run in runs[1:]]
        print(f"{key:<28} median {statistics.median(values):6.2f}   runs {', '.join(f'{v:.2f}' for v in values)}")
    print(f"load average (1 min) at the end: {load:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
