"""Many page sessions at once on one store, in Chromium: first markers, panels of every place kind, no leaks.

    .venv/bin/python bench/bench_sessions.py [--sessions 20] [--database FILE|postgresql://…] [--corpus …/lgl.jsonl]

Ingests the corpus into ``--database`` when that file does not exist yet, starts the app on it, and
opens ``--sessions`` browser contexts at once (one Chromium, async Playwright). Session i opens the
default view with ``place=`` set to the i-th of a list of places that covers every place kind in the
newest articles (cities, countries, first- and second-level divisions, airfields, seas and regions),
so it must show that place's panel and nobody else's: a session that shows another session's place,
or no panel, counts as a leak or a failure. Prints, per kind and overall, the time from navigation to
the first markers and to the panel. Then, once every page is idle, all sessions click a marker of
another place at the same moment, and it prints the time from each click to that place's panel.
Targets: issue 13, 20 sessions, no leak, first markers < 15 s, every kind's panel opens; issue 14, ten
sessions on one PostgreSQL database, each click to panel <= 1 s. Asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from geo.store import Store, is_postgres_url  # noqa: E402
from geo.types import MapFilter  # noqa: E402
from tests.browser_support import CHROMIUM, CHROMIUM_FLAGS, MAP_FRAME, app_server  # noqa: E402

NEWEST = 20  # the page's default view: the newest stored articles
# The titles of the markers a click at their centre reaches (what Playwright clicks): not those outside
# the map's frame, nor a label under a pin, which a click waits on until it times out.
CLICKABLE = (
    "icons => icons.filter(i => { const r = i.getBoundingClientRect();"
    " const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);"
    " return !!hit && hit.closest('.leaflet-marker-icon') === i; }).map(i => i.getAttribute('title'))"
)


def ensure_store(database: str, corpus: Path) -> None:
    if is_postgres_url(database):
        with Store(database) as store:
            if store.article_count():
                return
    elif Path(database).exists():
        return
    print(f"ingesting {corpus} into {database} …", flush=True)
    env = {**os.environ, "GEO_DATABASE": str(database)}
    subprocess.run([sys.executable, "-m", "geo", "ingest", str(corpus), "--no-progress"], env=env, check=False)


def cpu_seconds(pid: int) -> float:
    """CPU seconds a process and its ended children (a closed tab's renderer) have used so far."""
    import psutil

    try:
        times = psutil.Process(pid).cpu_times()
    except psutil.Error:
        return 0.0
    return times.user + times.system + times.children_user + times.children_system


def places_by_kind(database: str, sessions: int) -> list[tuple[str, str, str]]:
    """(id, name, kind) for ``sessions`` places of the default view, taking the kinds in turn."""
    with Store(database) as store:
        newest = list(store.articles(limit=NEWEST)["id"])
        places = store.places(MapFilter(newest)).sort_values("mentions", ascending=False)
    by_kind = {kind: list(group.itertuples(index=False)) for kind, group in places.groupby("kind")}
    chosen: list[tuple[str, str, str]] = []
    while len(chosen) < sessions and any(by_kind.values()):
        for rows in by_kind.values():
            if rows and len(chosen) < sessions:
                row = rows.pop(0)
                chosen.append((str(row.id), str(row.name), str(row.kind)))
    return chosen


async def one_session(
    browser, url: str, place: tuple[str, str, str], all_names: set[str], index: int, together: asyncio.Barrier
) -> dict[str, object]:
    place_id, name, kind = place
    context = await browser.new_context(viewport={"width": 1280, "height": 1000})
    page = await context.new_page()
    page.set_default_timeout(600_000)  # a cold server with every session at once, on a shared machine
    frame = page.frame_locator(MAP_FRAME).last
    result: dict[str, object] = {
        "kind": kind,
        "name": name,
        "first_markers": None,
        "panel": None,
        "click": None,
        "leak": [],
    }
    try:
        started = time.perf_counter()
        await page.goto(f"{url}/?place={place_id}", wait_until="commit")
        await page.wait_for_function(
            "(sel) => [...document.querySelectorAll(sel)].some(f => { try {"
            " return !!f.contentDocument.querySelector('.leaflet-marker-icon'); } catch (e) { return false; } })",
            arg=MAP_FRAME,
            polling=100,
        )
        result["first_markers"] = time.perf_counter() - started
        heading = page.locator("h3").filter(has_text=name).first
        try:
            await heading.wait_for(timeout=60_000)
            result["panel"] = time.perf_counter() - started
        except Exception:
            pass
        shown = set(await page.locator("h3").all_inner_texts())
        result["leak"] = sorted((shown & all_names) - {name})
        # Warm: the page is idle (its first report of the view has run), then a marker of another place.
        status = page.get_by_test_id("stStatusWidget")
        for _ in range(2):
            await status.first.wait_for(state="detached")
            await page.wait_for_timeout(1000)
        titles = sorted(set(await frame.locator(".leaflet-marker-icon[title]").evaluate_all(CLICKABLE)) - {name, ""})
        target = titles[index % len(titles)] if titles else None
    except Exception as error:
        result["error"] = f"{type(error).__name__}: {error}"[:200]
        target = None
    await together.wait()  # every session clicks at once
    if target is not None:
        try:
            clicked = time.perf_counter()
            await frame.locator(f'.leaflet-marker-icon[title="{target}"]').first.click(timeout=30_000)
            await page.locator("h3").filter(has_text=target).first.wait_for(timeout=60_000)
            result["click"] = time.perf_counter() - clicked
            result["clicked"] = target
        except Exception as error:
            result["error"] = f"click {target!r}: {type(error).__name__}: {error}"[:200]
    await context.close()
    return result


async def run(url: str, places: list[tuple[str, str, str]]) -> tuple[list[dict[str, object]], float]:
    """Every session's figures, and the CPU seconds of this script's child processes but the server
    (Chromium and Playwright's driver) at the end."""
    import psutil
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        names = {name for _, name, _ in places}
        together = asyncio.Barrier(len(places))
        results = await asyncio.gather(
            *(one_session(browser, url, p, names, i, together) for i, p in enumerate(places))
        )
        browser_cpu = sum(cpu_seconds(child.pid) for child in psutil.Process().children(recursive=True))
        await browser.close()
    return list(results), browser_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--database", default="/tmp/geo-bench-lgl.sqlite", help="an SQLite file or a postgresql:// URL")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "eval" / "lgl.jsonl")
    args = parser.parse_args()
    ensure_store(args.database, args.corpus)
    places = places_by_kind(args.database, args.sessions)
    print(f"{len(places)} sessions; kinds: {sorted({k for _, _, k in places})}", flush=True)
    load_start = os.getloadavg()[0]
    with app_server({"GEO_DATABASE": str(args.database)}) as server:
        started = time.perf_counter()
        results, children_cpu = asyncio.run(run(server.url, places))
        wall = time.perf_counter() - started
        server_cpu = cpu_seconds(server.pid)
    for kind in sorted({str(r["kind"]) for r in results}):
        rows = [r for r in results if r["kind"] == kind]
        opened = sum(r["panel"] is not None for r in rows)
        print(f"  {kind:12s} sessions {len(rows):2d}  panels opened {opened}/{len(rows)}")
    firsts = [float(r["first_markers"]) for r in results if r["first_markers"] is not None]  # type: ignore[arg-type]
    if len(firsts) < len(results):
        print(f"no markers within the timeout: {len(results) - len(firsts)} sessions")
    if not firsts:
        return
    panels = [float(r["panel"]) for r in results if r["panel"] is not None]  # type: ignore[arg-type]
    leaks = [r for r in results if r["leak"]]
    print(f"first markers: median {statistics.median(firsts):.1f} s, max {max(firsts):.1f} s")
    if panels:
        print(f"panel shown:   median {statistics.median(panels):.1f} s, max {max(panels):.1f} s")
    print(f"panels opened: {len(panels)}/{len(results)}; sessions showing another's place: {len(leaks)}")
    browser_cpu = children_cpu - server_cpu
    clicks = sorted(float(r["click"]) for r in results if r["click"] is not None)  # type: ignore[arg-type]
    if clicks:
        print(
            f"click to panel, every session at once on the warm server: median {statistics.median(clicks):.2f} s,"
            f" max {max(clicks):.2f} s, {len(clicks)}/{len(results)} panels;"
            f" each: {', '.join(f'{c:.2f}' for c in clicks)}"
        )
    for r in results:
        if "error" in r:
            print(f"  {r['name']}: {r['error']}")
    print(f"all {len(results)} sessions done in {wall:.1f} s")
    print(f"CPU: the server {server_cpu:.1f} s, Chromium and Playwright {browser_cpu:.1f} s")
    load_end = os.getloadavg()[0]
    print(f"load average (1 min): {load_start:.1f} at the start, {load_end:.1f} at the end, {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
