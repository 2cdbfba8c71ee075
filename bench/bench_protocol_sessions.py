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
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from tornado.websocket import websocket_connect  # noqa: E402

from bench.bench_sessions import cpu_seconds, ensure_store, places_by_kind  # noqa: E402
from tests.browser_support import app_server  # noqa: E402

ASSET = re.compile(r"""(?:src|href)=["']([^"'#?]+\.(?:js|css))""")
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


def first_report(args: dict[str, object]) -> str:
    """What streamlit-folium reports once the map is drawn: its defaults with the bounds and zoom."""
    bounds = args.get("bounds") or [[None, None], [None, None]]
    (south, west), (north, east) = bounds  # type: ignore[misc]
    return json.dumps(
        {
            "last_clicked": None,
            "last_object_clicked": None,
            "last_object_clicked_tooltip": None,
            "last_object_clicked_popup": None,
            "all_drawings": None,
            "last_active_drawing": None,
            "bounds": {"_southWest": {"lat": south, "lng": west}, "_northEast": {"lat": north, "lng": east}},
            "zoom": args.get("zoom"),
            "last_circle_radius": None,
            "last_circle_polygon": None,
            "selected_layers": None,
        }
    )


async def one_session(base: str, place: tuple[str, str, str], names: set[str]) -> dict[str, object]:
    place_id, name, kind = place
    result: dict[str, object] = {"kind": kind, "name": name, "first_markers": None, "panel": None, "leak": []}
    started = time.perf_counter()
    async with httpx.AsyncClient(timeout=600) as client:
        result["page_bytes"] = await fetch_assets(client, base, "/")
        socket = await websocket_connect(base.replace("http", "ws", 1) + "/_stcore/stream", subprotocols=["streamlit"])
        request = BackMsg()
        request.rerun_script.query_string = f"place={place_id}"
        request.rerun_script.page_script_hash = ""
        await socket.write_message(request.SerializeToString(), binary=True)
        component, headings, runs = None, set(), 0
        while runs < 2:
            raw = await socket.read_message()
            if raw is None:
                result["error"] = "the server closed the socket"
                break
            message = ForwardMsg()
            message.ParseFromString(raw)
            kind_of = message.WhichOneof("type")
            if kind_of == "new_session":
                request.rerun_script.page_script_hash = message.new_session.main_script_hash
            elif kind_of == "delta" and message.delta.WhichOneof("type") == "new_element":
                element = message.delta.new_element
                if element.WhichOneof("type") == "heading":
                    heading = element.heading.body.replace("\\", "")  # the page escapes Markdown
                    headings.add(heading)
                    if result["panel"] is None and heading == name:
                        result["panel"] = time.perf_counter() - started
                elif element.WhichOneof("type") == "component_instance" and component is None:
                    component = element.component_instance
                    frame = f"/_stcore/component/{component.component_name}/index.html"
                    fetched = await fetch_assets(client, base, frame)
                    for path in sorted(set(STATIC.findall(component.json_args))):
                        fetched += len((await client.get(base + "/" + path.lstrip("/"))).content)
                    result["first_markers"] = time.perf_counter() - started
                    result["map_bytes"] = len(component.json_args) + fetched
            elif kind_of == "script_finished":
                runs += 1
                if runs == 1 and component is not None:
                    report = BackMsg()
                    report.rerun_script.CopyFrom(request.rerun_script)
                    state = report.rerun_script.widget_states.widgets.add()
                    state.id = component.id
                    state.json_value = first_report(json.loads(component.json_args))
                    await socket.write_message(report.SerializeToString(), binary=True)
                elif runs == 1:
                    break
        result["settled"] = time.perf_counter() - started
        result["leak"] = sorted((headings & names) - {name})
        socket.close()
    return result


async def run(base: str, places: list[tuple[str, str, str]]) -> list[dict[str, object]]:
    names = {name for _, name, _ in places}
    return list(await asyncio.gather(*(one_session(base, p, names) for p in places)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--database", default="/tmp/geo-bench-lgl.sqlite", help="an SQLite file or a postgresql:// URL")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "eval" / "lgl.jsonl")
    parser.add_argument("--rounds", type=int, default=1, help="rounds of all sessions at once, one after another")
    args = parser.parse_args()
    ensure_store(args.database, args.corpus)
    places = places_by_kind(args.database, args.sessions)
    print(f"{len(places)} sessions; kinds: {sorted({k for _, _, k in places})}", flush=True)
    with app_server({"GEO_DATABASE": str(args.database)}) as server:
        for round_number in range(1, args.rounds + 1):
            load_start = os.getloadavg()[0]
            cpu_before = cpu_seconds(server.pid)
            started = time.perf_counter()
            results = asyncio.run(run(server.url, places))
            wall = time.perf_counter() - started
            server_cpu = cpu_seconds(server.pid) - cpu_before
            leaks = [r for r in results if r["leak"]]
            print(f"round {round_number}: {len(results)} sessions at once")
            for label, key in (("first markers", "first_markers"), ("panel", "panel"), ("settled", "settled")):
                times = [float(r[key]) for r in results if r[key] is not None]  # type: ignore[arg-type]
                if times:
                    print(
                        f"  {label + ':':14s} median {statistics.median(times):.1f} s, max {max(times):.1f} s"
                        f" ({len(times)}/{len(results)})"
                    )
            print(f"  sessions showing another's place: {len(leaks)}; all done in {wall:.1f} s")
            load = f"load {load_start:.1f} → {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores"
            print(f"  the server's CPU: {server_cpu:.1f} s; {load}")
            for r in results:
                if "error" in r or r["panel"] is None:
                    print(f"  {r['kind']} {r['name']}: {r.get('error', 'no panel heading')}")


if __name__ == "__main__":
    main()
