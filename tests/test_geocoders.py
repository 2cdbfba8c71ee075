"""geopy shape and online backing, against local HTTP servers on 127.0.0.1 that imitate Nominatim."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from geopy.geocoders import Nominatim
from geopy.location import Location

from geo import settings as settings_module
from geo.errors import GeoError
from geo.gazetteer import Gazetteer
from geo.gazetteer.geocoders import BackedGeocoder, from_settings, guarded_adapter, online_geocoder
from geo.sources.netguard import AddressPolicy
from tests.conftest import QUICK_SHUTDOWN

ONLINE_ONLY = "Zzyzx Mineral Springs Qq"  # a name no offline index has
PLACES = {
    ONLINE_ONLY.casefold(): [
        {
            "place_id": 1,
            "lat": "35.1430",
            "lon": "-116.1045",
            "display_name": "Zzyzx, San Bernardino County, California, United States",
            "class": "place",
            "type": "hamlet",
        }
    ],
    # Only asked when the offline gazetteer lacks the name: it never should.
    "tripoli": [{"place_id": 2, "lat": "0", "lon": "0", "display_name": "Wrong Tripoli"}],
}
# Malformed answers, by query: each must end in the offline fallback, never in the cache.
MALFORMED = {
    "Qq Answer One": b"1",
    "Qq No Coordinates": b'[{"place_id": 3, "display_name": "Nowhere"}]',
    "Qq Not Json": b"<html>busy</html>",
    "Qq Deep": b"[" * 5000 + b"]" * 5000,
    "Qq Bad Lat": b'[{"place_id": 4, "lat": "95", "lon": "10", "display_name": "Off the globe"}]',
}
# The tests' own server is on 127.0.0.1: the guard must be told to trust it (as an intranet would).
TRUST_LOCAL = AddressPolicy(allowed_hosts=frozenset({"127.0.0.1"}))


@dataclass
class FakeNominatim:
    """A /search endpoint in Nominatim's JSON, or one that fails: mode "ok", "hang" or "error"."""

    mode: str = "ok"
    requests: list[str] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def domain(self) -> str:
        return self.url.removeprefix("http://")


def _handler(fake: FakeNominatim) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = parse_qs(parts.query).get("q", [""])[0]
            fake.requests.append(query)
            if fake.mode == "hang":
                fake.release.wait(10)
                return
            if fake.mode == "drip":  # headers one byte at a time: each read is quick, the whole is not
                for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" * 20:
                    if fake.release.wait(0.1):
                        return
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                return
            if query in MALFORMED:
                body = MALFORMED[query]
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            if fake.mode == "error" or parts.path != "/search":
                self.send_error(500, "Internal Server Error")
                return
            body = json.dumps(PLACES.get(query.casefold(), [])).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture()
def fake_server(request: pytest.FixtureRequest) -> Iterator[FakeNominatim]:
    fake = FakeNominatim(mode=getattr(request, "param", "ok"))
    fake.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.server.daemon_threads = True
    thread = threading.Thread(target=fake.server.serve_forever, kwargs=QUICK_SHUTDOWN, daemon=True)
    thread.start()
    yield fake
    fake.release.set()
    fake.server.shutdown()
    fake.server.server_close()


@pytest.fixture(scope="module")
def gaz() -> Iterator[Gazetteer]:
    with Gazetteer.open() as g:
        yield g


def _backed(
    gaz: Gazetteer, fake: FakeNominatim, tmp_path: Path, timeout: float = 2.0, policy: AddressPolicy = TRUST_LOCAL
) -> BackedGeocoder:
    online = Nominatim(
        domain=fake.domain,
        scheme="http",
        user_agent="geo-news-map-tests",
        timeout=timeout,
        adapter_factory=guarded_adapter(policy),
    )
    return BackedGeocoder(gaz, online, cache_path=tmp_path / "cache.sqlite", timeout=timeout, min_delay_seconds=0)


# -- the contract both geocoders keep ------------------------------------------


@pytest.fixture(params=["offline gazetteer", "backed geocoder"])
def geocoder(request: pytest.FixtureRequest, gaz: Gazetteer, fake_server: FakeNominatim, tmp_path: Path) -> Any:
    if request.param == "offline gazetteer":
        return gaz
    return _backed(gaz, fake_server, tmp_path)


class TestGeopyContract:
    def test_exactly_one_is_a_location_with_raw(self, geocoder: Any) -> None:
        location = geocoder.geocode("Tripoli", exactly_one=True)
        assert isinstance(location, Location)
        assert isinstance(location.raw, dict) and location.raw
        assert -90 <= location.latitude <= 90 and -180 <= location.longitude <= 180
        assert location.address

    def test_default_is_exactly_one(self, geocoder: Any) -> None:
        assert isinstance(geocoder.geocode("Tripoli"), Location)

    def test_many_is_a_list_of_locations(self, geocoder: Any) -> None:
        locations = geocoder.geocode("Tripoli", exactly_one=False)
        assert isinstance(locations, list) and len(locations) >= 2
        assert all(isinstance(loc, Location) and loc.raw for loc in locations)

    def test_unknown_is_none(self, geocoder: Any) -> None:
        assert geocoder.geocode("Qzxv Nowhere Plorp", exactly_one=True) is None
        assert geocoder.geocode("Qzxv Nowhere Plorp", exactly_one=False) is None


# -- online backing ----------------------------------------------------------------


def test_offline_names_never_go_online(gaz: Gazetteer, fake_server: FakeNominatim, tmp_path: Path) -> None:
    with _backed(gaz, fake_server, tmp_path) as geocoder:
        location = geocoder.geocode("Tripoli")
    assert location is not None and location.raw["country"] == "LY"
    assert fake_server.requests == []


def test_a_name_the_gazetteer_lacks_is_asked_online_once(
    gaz: Gazetteer, fake_server: FakeNominatim, tmp_path: Path
) -> None:
    assert gaz.geocode(ONLINE_ONLY) is None
    with _backed(gaz, fake_server, tmp_path) as geocoder:
        location = geocoder.geocode(ONLINE_ONLY)
        assert isinstance(location, Location)
        assert (round(location.latitude, 3), round(location.longitude, 3)) == (35.143, -116.105)
        assert location.raw["display_name"].startswith("Zzyzx")
        many = geocoder.geocode(ONLINE_ONLY, exactly_one=False)
        assert isinstance(many, list) and len(many) == 1
        assert geocoder.geocode("Qzxv Nowhere Plorp") is None
        assert geocoder.geocode("Qzxv Nowhere Plorp") is None  # a miss is cached too
        assert geocoder.last_message is None
    assert fake_server.requests == [ONLINE_ONLY, "Qzxv Nowhere Plorp"]
    # The cache is on disk: a new geocoder answers with the server gone.
    fake_server.mode = "error"
    with _backed(gaz, fake_server, tmp_path) as again:
        cached = again.geocode(ONLINE_ONLY)
    assert isinstance(cached, Location) and cached.raw["place_id"] == 1
    assert len(fake_server.requests) == 2


@pytest.mark.parametrize("fake_server", ["hang"], indirect=True)
def test_a_hanging_server_times_out_and_offline_stands(
    gaz: Gazetteer, fake_server: FakeNominatim, tmp_path: Path
) -> None:
    with _backed(gaz, fake_server, tmp_path, timeout=0.5) as geocoder:
        started = time.perf_counter()
        assert geocoder.geocode(ONLINE_ONLY) is None
        took = time.perf_counter() - started
        assert took < 1.5  # one try of 0.5 s, no retries
        assert geocoder.last_message and "failed" in geocoder.last_message
        assert "Tripoli" in str(geocoder.geocode("Tripoli"))  # offline still answers
        assert geocoder.geocode(ONLINE_ONLY) is None  # a failure is not cached: asked again
    assert fake_server.requests == [ONLINE_ONLY, ONLINE_ONLY]


@pytest.mark.parametrize("fake_server", ["error"], indirect=True)
def test_a_server_error_falls_back_with_a_message(
    gaz: Gazetteer, fake_server: FakeNominatim, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with _backed(gaz, fake_server, tmp_path) as geocoder:
        assert geocoder.geocode(ONLINE_ONLY) is None
        assert geocoder.last_message and ONLINE_ONLY in geocoder.last_message
    assert any("failed" in r.getMessage() for r in caplog.records)


def test_a_refused_connection_falls_back(gaz: Gazetteer, tmp_path: Path) -> None:
    online = Nominatim(
        domain="127.0.0.1:9",
        scheme="http",
        user_agent="geo-news-map-tests",
        timeout=1,
        adapter_factory=guarded_adapter(TRUST_LOCAL),
    )
    with BackedGeocoder(gaz, online, cache_path=tmp_path / "c.sqlite", timeout=1, min_delay_seconds=0) as geocoder:
        assert geocoder.geocode(ONLINE_ONLY) is None
        assert geocoder.last_message


# -- settings ------------------------------------------------------------------


def test_offline_only_by_default(gaz: Gazetteer, tmp_path: Path) -> None:
    config = settings_module.load({"GEO_GAZETTEER": str(gaz.path)})
    assert config.geocoder == ""
    with from_settings(gaz, config) as geocoder:
        assert geocoder.online is None
        assert geocoder.geocode(ONLINE_ONLY) is None
        assert geocoder.last_message is None


def test_settings_choose_the_service_url_user_agent_and_timeout(
    gaz: Gazetteer, fake_server: FakeNominatim, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = settings_module.load(
        {
            "GEO_ONLINE_GEOCODER": f"nominatim@{fake_server.url}",
            "GEO_USER_AGENT": "geo-news-map-test-agent",
            "GEO_TIMEOUT": "3",
            "GEO_FETCH_ALLOW_HOSTS": "127.0.0.1",
        }
    )
    online = online_geocoder(config.geocoder, user_agent=config.user_agent, timeout=config.timeout)
    assert isinstance(online, Nominatim)
    assert online.headers["User-Agent"] == "geo-news-map-test-agent" and online.timeout == 3.0
    # from_settings keeps its cache beside the gazetteer index: point it at a copy's folder.
    monkeypatch.setattr(gaz, "path", tmp_path / "gazetteer.sqlite")
    with from_settings(gaz, config) as geocoder:
        assert isinstance(geocoder.geocode(ONLINE_ONLY), Location)
    assert (tmp_path / "geocoder-cache.sqlite").exists()
    assert fake_server.requests == [ONLINE_ONLY]


def test_unknown_service_is_a_clear_error() -> None:
    with pytest.raises(GeoError, match="Unknown online geocoder"):
        online_geocoder("no-such-geocoder", user_agent="x", timeout=1)
    with pytest.raises(GeoError, match="base URL"):
        online_geocoder("nominatim@not a url", user_agent="x", timeout=1)


# -- the guard, the deadline and malformed answers ------------------------------------------------


def test_the_default_guard_refuses_a_geocoder_on_the_server_s_own_network(
    gaz: Gazetteer, fake_server: FakeNominatim, tmp_path: Path
) -> None:
    with _backed(gaz, fake_server, tmp_path, policy=AddressPolicy()) as geocoder:
        assert geocoder.geocode(ONLINE_ONLY) is None
        assert geocoder.last_message and "own network" in geocoder.last_message
    assert fake_server.requests == []  # refused before connecting
    config = settings_module.load({"GEO_ONLINE_GEOCODER": f"nominatim@{fake_server.url}"})
    with from_settings(gaz, config) as geocoder:
        geocoder._cache = type(geocoder._cache)(tmp_path / "default.sqlite")  # type: ignore[operator]
        assert geocoder.geocode(ONLINE_ONLY) is None
        assert geocoder.last_message and "GEO_FETCH_ALLOW_HOSTS" in geocoder.last_message


@pytest.mark.parametrize("fake_server", ["drip"], indirect=True)
def test_headers_sent_a_byte_at_a_time_cannot_outlast_the_deadline(
    gaz: Gazetteer, fake_server: FakeNominatim, tmp_path: Path
) -> None:
    with _backed(gaz, fake_server, tmp_path, timeout=1.0) as geocoder:
        started = time.perf_counter()
        assert geocoder.geocode(ONLINE_ONLY) is None
        took = time.perf_counter() - started
    assert took < 2.0  # GEO_TIMEOUT held within 1 s; each byte alone came well within it
    assert geocoder.last_message and "failed" in geocoder.last_message


@pytest.mark.parametrize("query", list(MALFORMED))
def test_a_malformed_answer_falls_back_and_is_not_cached(
    gaz: Gazetteer, fake_server: FakeNominatim, tmp_path: Path, query: str
) -> None:
    with _backed(gaz, fake_server, tmp_path) as geocoder:
        assert geocoder.geocode(query) is None
        assert geocoder.last_message and "offline answer stands" in geocoder.last_message
        assert geocoder.geocode(query) is None  # asked again: nothing was cached
    assert fake_server.requests == [query, query]
