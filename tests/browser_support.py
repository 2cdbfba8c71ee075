"""Start the app on a free port and drive Debian's Chromium with Playwright.

In CI (``CI`` set) a missing Chromium or Playwright fails the test; on a
developer machine without them the browser tier is skipped with the reason.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path(os.environ.get("GEO_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_SECONDS = 60
# While Streamlit reruns, a second, not yet sized map iframe can exist beside the live one.
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]:not([height="0"])'


def map_frame(page):
    """The live map's frame (re-resolved on every use, so it follows re-renders)."""
    return page.frame_locator(MAP_FRAME).last


def require_browser() -> None:
    """Fail in CI, skip elsewhere, when the browser tier cannot run."""
    missing = None
    if not CHROMIUM.exists():
        missing = f"{CHROMIUM} is missing (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "the playwright package is missing (pip install -e '.[test]')"
    if missing and os.environ.get("CI"):
        pytest.fail(f"browser tier cannot run in CI: {missing}")
    if missing:
        pytest.skip(missing)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Server:
    url: str
    pid: int


@contextmanager
def app_server(env: dict[str, str], port: int | None = None) -> Iterator[Server]:
    """Run ``streamlit run app.py`` on 127.0.0.1 until the context exits; yields its URL and pid."""
    port = port or free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "app.py"),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    process = subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read().decode(errors="replace") if process.stdout else ""
                raise RuntimeError(f"streamlit did not start:\n{output[-3000:]}")
            time.sleep(0.3)
        yield Server(url, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
