"""Many page sessions at once, the server's side only: each session is a client of Streamlit's own
protocol, not a browser.

    .venv/bin/python bench/bench_protocol_sessions.py [--sessions 20] [--database FILE|postgresql://…]

``bench_sessions.py`` opens the sessions in Chromium on this machine, so twenty browsers share the
server's two cores (150 s of browser CPU against the server's 27 s for twenty first visits). Users'
browsers run on their own machines; this script measures what the server alone gives twenty of them
at once. Each session does what a fresh browser tab asks of the server, in the same order:

1. ``GET /`` and every script and style sheet the page names (nothing cached: a new visitor);
2. the websocket ``/_stcore/stream``, and a script run with ``place=`` set to a place of its own
   (``BackMsg.rerun_script``, as the page's frontend sends on load);
3. from the map component's arguments, the component's frame (its ``index.html`` and what that
   names) and every ``/app/static/…`` file the map script loads (Leaflet, the basemap);
4. the map's first report (its bounds and zoom, as streamlit-folium sends once drawn), which
   runs the script again, as in the browser.

"First markers" is the time from the first request to the moment the map's arguments (which carry
the markers) and every file the map frame needs have arrived; "panel" the arrival of the place's
heading; "settled" the end of the second script run. A browser on the visitor's own machine then
needs its own drawing time on top (``bench_time.py`` measures one fresh visit's browser CPU). Asserts
nothing; prints medians, maxima, the server's CPU seconds and whether any session saw another's place.

``--browsers K`` makes the first K sessions real Chromium tabs (``bench_sessions.py``'s session: first
markers drawn in the map frame, the panel, a click on a marker at the same moment as every other
session's), so that a visitor's own browser is measured while the protocol clients give the server
the load of all the others, whose browsers would run on their own machines. Their figures are printed
apart.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

import httpx  # noqa: E402
import psutil  # noqa: E402
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from tornado.websocket import websocket_connect  # noqa: E402

from bench.bench_sessions import cpu_seconds, ensure_store, places_by_kind  # noqa: E402
from bench.bench_sessions import one_session as browser_session  # noqa: E402
from geo.store import Store  # noqa: E402
from geo.types import MapFilter  # noqa: E402
from geo.view.map import place_at  # noqa: E402
from tests.browser_support import app_server  # noqa: E402

ASSET = re.compile(r"""(?:src|href)=["']([^"'#?]+\.(?:js|css))""")
WAIT_S = 300.0
STATIC = re.compile(r"""["'](/?app/static/[^"'\s]+)["']""")


async def fetch_assets(client: httpx.AsyncClient, base: str, page: str) -> int:
    """``page`` and every script and style sheet it names, as a browser with an empty cache; bytes read."""
    response = await client.get(base + page)
    total = len(response.content)
    folder = page.rsplit("/", 1)[0] + "/"
    for asset in sorted(set(ASSET.findall(response.text))):
        url = asset if asset.startswith("http") else base + (asset if asset.startswith("/") else folder + asset)
        total += len((await client.get(url)).content)
    return total


def report(args: dict[str, object], clicked: tuple[float, float] | None = None) -> str:
    """What the page's map reports (the keys it asks for, in their order): once drawn, its view; on a
    click, the marker's point with that view."""
    bounds = args.get("bounds") or [[None, None], [None, None]]
    (south, west), (north, east) = bounds  # type: ignore[misc]
    center = {"lat": (south + north) / 2, "lng": (west + east) / 2} if None not in (south, west, north, east) else None
    point = {"lat": clicked[0], "lng": clicked[1]} if clicked else None
    return json.dumps({"last_object_clicked": point, "zoom": args.get("zoom"), "center": center})


class Session:
    """One visitor's tab, as the messages its frontend sends and receives."""

    def __init__(self, base: str, place: tuple[str, str, str]) -> None:
        self.base, self.place = base, place
        self.socket = None
        self.request = BackMsg()
        self.component = None
        self.headings: set[str] = set()

    async def send(self, value: str | None = None) -> None:
        message = BackMsg()
        message.rerun_script.CopyFrom(self.request.rerun_script)
        if value is not None and self.component is not None:
            state = message.rerun_script.widget_states.widgets.add()
            state.id = self.component.id
            state.json_value = value
        await self.socket.write_message(message.SerializeToString(), binary=True)  # type: ignore[union-attr]

    async def until(self, *args: object) -> bool:
        """``read`` with a deadline: a run that never ends is a failed session, not a hung benchmark."""
        return await asyncio.wait_for(self.read(*args), WAIT_S)  # type: ignore[arg-type]

    async def read(self, client: httpx.AsyncClient, heading: str, started: float, result: dict, key: str) -> bool:
        """Read messages to the end of a script run (or a fragment's); note when ``heading`` arrives."""
        while True:
            raw = await self.socket.read_message()  # type: ignore[union-attr]
            if raw is None:
                result["error"] = "the server closed the socket"
                return False
            message = ForwardMsg()
            message.ParseFromString(raw)
            kind_of = message.WhichOneof("type")
            if kind_of == "new_session":
                self.request.rerun_script.page_script_hash = message.new_session.main_script_hash
            elif kind_of == "delta" and message.delta.WhichOneof("type") == "new_element":
                element = message.delta.new_element
                if element.WhichOneof("type") == "heading":
                    shown = element.heading.body.replace("\\", "")  # the page escapes Markdown
                    self.headings.add(shown)
                    if result.get(key) is None and shown == heading:
                        result[key] = time.perf_counter() - started
                elif element.WhichOneof("type") == "component_instance" and self.component is None:
                    self.component = component = element.component_instance
                    frame = f"/_stcore/component/{component.component_name}/index.html"
                    fetched = await fetch_assets(client, self.base, frame)
                    for path in sorted(set(STATIC.findall(component.json_args))):
                        fetched += len((await client.get(self.base + "/" + path.lstrip("/"))).content)
                    result["first_markers"] = time.perf_counter() - started
                    result["map_bytes"] = len(component.json_args) + fetched
            elif kind_of == "script_finished" and message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                return True


async def one_session(
    base: str, place: tuple[str, str, str], target: tuple[str, float, float], names: set[str], together: asyncio.Barrier
) -> dict[str, object]:
    place_id, name, kind = place
    result: dict[str, object] = {"kind": kind, "name": name, "first_markers": None, "panel": None, "click": None}
    session = Session(base, place)
    started = time.perf_counter()
    async with httpx.AsyncClient(timeout=600) as client:
        try:
            result["page_bytes"] = await fetch_assets(client, base, "/")
            stream = base.replace("http", "ws", 1) + "/_stcore/stream"
            session.socket = await websocket_connect(stream, subprotocols=["streamlit"])
            session.request.rerun_script.query_string = f"place={place_id}"
            await session.send()
            if await session.until(client, name, started, result, "panel") and session.component is not None:
                args = json.loads(session.component.json_args)
                await session.send(report(args))  # the drawn map's first report: the page runs again
                await session.until(client, name, started, result, "panel")
            result["settled"] = time.perf_counter() - started
            result["leak"] = sorted((session.headings & names) - {name})
        except Exception as error:  # a failed session is counted, and the others go on
            result["error"] = f"{type(error).__name__}: {error}"[:200]
        await together.wait()  # every session clicks a marker of another place at once
        if session.component is not None and "error" not in result:
            target_name, lat, lon = target
            clicked = time.perf_counter()
            await session.send(report(json.loads(session.component.json_args), (lat, lon)))
            try:
                while result["click"] is None and await session.until(client, target_name, clicked, result, "click"):
                    pass
            except Exception as error:
                result["error"] = f"click: {type(error).__name__}: {error}"[:200]
            result["clicked"] = target_name
        if session.socket is not None:
            session.socket.close()
    return result


def targets(database: str, places: list[tuple[str, str, str]]) -> list[tuple[str, float, float]]:
    """For session i, the point of the place session i + 1 opened (another place to click) and the
    name of the place the page opens for a click there (a county's point may be its seat's)."""
    with Store(database) as store:
        shown = store.places(MapFilter())
    by_id = shown.set_index("id")
    points = []
    for place_id, _, _ in places[1:] + places[:1]:
        lat, lon = float(by_id.loc[place_id, "lat"]), float(by_id.loc[place_id, "lon"])
        opened = place_at(shown, lat, lon)
        points.append((str(by_id.loc[opened, "name"]), lat, lon))
    return points


async def run(
    base: str, places: list[tuple[str, str, str]], clicks: list[tuple[str, float, float]], browsers: int = 0
) -> list[dict]:
    """Every session's figures; the first ``browsers`` sessions in Chromium (marked ``browser``)."""
    names = {name for _, name, _ in places}
    together = asyncio.Barrier(len(places))
    clients = [
        one_session(base, p, c, names, together) for p, c in zip(places[browsers:], clicks[browsers:], strict=True)
    ]
    if not browsers:
        return list(await asyncio.gather(*clients))
    from playwright.async_api import async_playwright

    from tests.browser_support import CHROMIUM, CHROMIUM_FLAGS

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        tabs = [browser_session(browser, base, p, names, i, together) for i, p in enumerate(places[:browsers])]
        results = list(await asyncio.gather(*tabs, *clients))
        await browser.close()
    for result in results[:browsers]:
        result["browser"] = True
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--database", default="/tmp/geo-bench-lgl.sqlite", help="an SQLite file or a postgresql:// URL")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "eval" / "lgl.jsonl")
    parser.add_argument("--rounds", type=int, default=1, help="rounds of all sessions at once, one after another")
    parser.add_argument("--browsers", type=int, default=0, help="how many of the sessions are Chromium tabs")
    args = parser.parse_args()
    ensure_store(args.database, args.corpus)
    places = places_by_kind(args.database, args.sessions)
    clicks = targets(args.database, places)
    print(f"{len(places)} sessions; kinds: {sorted({k for _, _, k in places})}", flush=True)
    with app_server({"GEO_DATABASE": str(args.database)}) as server:
        for round_number in range(1, args.rounds + 1):
            load_start = os.getloadavg()[0]
            cpu_before = cpu_seconds(server.pid)
            started = time.perf_counter()
            results = asyncio.run(run(server.url, places, clicks, args.browsers))
            wall = time.perf_counter() - started
            server_cpu = cpu_seconds(server.pid) - cpu_before
            leaks = [r for r in results if r.get("leak")]
            print(f"round {round_number}: {len(results)} sessions at once")
            steps = (
                ("first markers", "first_markers"),
                ("panel", "panel"),
                ("settled", "settled"),
                ("click to panel", "click"),
            )
            groups = [("", [r for r in results if not r.get("browser")])]
            if args.browsers:
                groups = [
                    ("protocol clients ", groups[0][1]),
                    ("Chromium tabs ", [r for r in results if r.get("browser")]),
                ]
            for who, rows in groups:
                for label, key in steps:
                    times = [float(r[key]) for r in rows if r.get(key) is not None]  # type: ignore[arg-type]
                    if times:
                        print(
                            f"  {who}{label + ':':14s} median {statistics.median(times):.1f} s,"
                            f" max {max(times):.1f} s ({len(times)}/{len(rows)})"
                        )
            print(f"  sessions showing another's place: {len(leaks)}; all done in {wall:.1f} s")
            load = f"load {load_start:.1f} → {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores"
            rss = psutil.Process(server.pid).memory_info().rss / 2**20
            print(f"  the server's CPU: {server_cpu:.1f} s, its memory {rss:.0f} MiB RSS; {load}")
            for r in results:
                if "error" in r or r.get("panel") is None or r.get("click") is None:
                    print(f"  {r['kind']} {r['name']}: {r.get('error', 'no panel or no click panel')}")


if __name__ == "__main__":
    main()
