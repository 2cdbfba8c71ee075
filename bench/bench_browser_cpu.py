"""Chromium's CPU for one fresh visit to the page and for one marker click, by Chromium process kind.

    .venv/bin/python bench/bench_browser_cpu.py --database FILE [--runs 3] [--place NAME]

Starts the app on ``--database`` (built as bench_sessions.py builds it), then, ``--runs`` times after one
visit that warms the server, opens the default view in a fresh browser context (no cache, as a new visitor)
and reads the CPU seconds of every Chromium process (renderer, GPU, browser, network service …), the app
server and Playwright's driver: to the first markers, to the page at rest, then for a click on the pin of
``--place`` (by default the first, by name, that a click at its centre reaches) to its panel and to rest.
CPU, not wall time: other work on the machine stretches the wall time, not these. Prints medians;
asserts nothing.
"""

from __future__ import annotations

import argparse
import collections
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from bench_map import FIRST_MARKERS  # noqa: E402
from bench_sessions import CLICKABLE  # noqa: E402
from bench_time import cpu_by_process  # noqa: E402

from tests.browser_support import CHROMIUM, CHROMIUM_FLAGS, app_server, map_frame  # noqa: E402


def kind(process) -> str:  # type: ignore[no-untyped-def]
    """The app server, Playwright's driver, or Chromium's process type (``--type=``)."""
    import psutil

    try:
        command = process.cmdline()
    except psutil.Error:
        return "gone"
    if any("streamlit" in part for part in command[:4]):
        return "server"
    if not command or "chrom" not in command[0]:
        return "driver"
    for part in command:
        if part.startswith("--utility-sub-type="):
            return part.split(".")[-1]
    for part in command:
        if part.startswith("--type="):
            return part[len("--type=") :]
    return "browser"


def reading() -> dict[int, tuple[str, float]]:
    """``bench_time.cpu_by_process``'s reading, each process with its kind."""
    import psutil

    used = {}
    for pid, seconds in cpu_by_process().items():
        try:
            process = psutil.Process(pid)
        except psutil.Error:
            continue
        used[pid] = (kind(process), seconds)
    return used


def spent(before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]]) -> collections.Counter[str]:
    """CPU seconds by process kind between two readings (per process: a closed context's renderer is not
    counted against the next)."""
    by_kind: collections.Counter[str] = collections.Counter()
    for pid, (name, used) in after.items():
        by_kind[name] += used - before.get(pid, (name, 0.0))[1]
    return by_kind


def chromium(by_kind: collections.Counter[str]) -> float:
    return sum(v for k, v in by_kind.items() if k not in ("server", "driver"))


def show(label: str, by_kind: collections.Counter[str]) -> str:
    parts = ", ".join(f"{k} {v:.2f}" for k, v in by_kind.most_common() if v >= 0.01)
    return f"{label}: Chromium {chromium(by_kind):.2f} s ({parts})"


def one_visit(browser, url: str, place: str | None) -> dict[str, collections.Counter[str]]:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    page.set_default_timeout(120_000)
    start = reading()
    page.goto(url, wait_until="commit")
    page.wait_for_function(FIRST_MARKERS, polling=100)
    first = reading()
    page.wait_for_timeout(1200)  # the map's report of its view reruns the page: the deferred parts come then
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=120_000)
    page.wait_for_timeout(1500)
    rest = reading()
    frame = map_frame(page)
    name = place or sorted(set(frame.locator(".leaflet-marker-icon[title]").evaluate_all(CLICKABLE)) - {""})[0]
    before = reading()
    frame.locator(f'.leaflet-marker-icon[title="{name}"]').first.click()
    page.locator("h3").filter(has_text=name).first.wait_for()
    panel = reading()
    page.wait_for_timeout(1500)
    clicked = reading()
    page.context.close()
    return {
        "first markers": spent(start, first),
        "visit to rest": spent(start, rest),
        f"click {name} to panel": spent(before, panel),
        f"click {name} to rest": spent(before, clicked),
    }


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True, help="an SQLite file or a postgresql:// URL")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--place", default=None, help="the name of the pin to click")
    args = parser.parse_args()
    print(f"load average (1 min) at the start: {os.getloadavg()[0]:.1f}")
    with app_server({"GEO_DATABASE": args.database}) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        started = time.perf_counter()
        visits = [one_visit(browser, f"{server.url}/", args.place) for _ in range(args.runs + 1)]
        browser.close()
    for label, by_kind in visits[0].items():
        print("warming visit, " + show(label, by_kind))
    for position, label in enumerate(visits[1]):
        values = [chromium(list(visit.values())[position]) for visit in visits[1:]]
        server = [list(visit.values())[position]["server"] for visit in visits[1:]]
        print(
            f"{label:<28} Chromium median {statistics.median(values):.2f} s"
            f" (runs {', '.join(f'{v:.2f}' for v in values)}); the server {statistics.median(server):.2f} s"
        )
    print(show("last run, visit to rest", visits[-1]["visit to rest"]))
    print(f"{args.runs + 1} visits in {time.perf_counter() - started:.0f} s")
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
