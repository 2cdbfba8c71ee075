"""The offline gazetteer, optionally backed by an online geopy geocoder for names it lacks.

``BackedGeocoder.geocode`` has geopy's shape (``geocode(query, exactly_one=True, ...)``
returning a ``geopy.location.Location`` with the source record in ``raw``, a list
with ``exactly_one=False``, ``None`` for an unknown name). The offline gazetteer
answers first; only a name it does not know goes online, and only when an online
geocoder is configured (off by default: ``GEO_ONLINE_GEOCODER`` is empty).

Online requests go through

- an on-disk cache (SQLite, beside the gazetteer index), answers and misses alike,
  so a name is asked for once;
- geopy's ``RateLimiter`` (one request a second by default, Nominatim's usage policy),
  without retries;
- ``GuardedAdapter``: geopy's HTTP calls go through the project's guarded httpx
  transport (``geo.netguard``: no private or loopback address, ports 80 and 443
  unless ``GEO_FETCH_PORTS``/``GEO_FETCH_ALLOW_HOSTS`` say otherwise), one try,
  ``GEO_TIMEOUT`` seconds for the whole call (headers and body), at most
  ``MAX_ANSWER_BYTES`` of answer.

A failure (timeout, HTTP error, refused connection, malformed answer such as
``"1"`` or a place without coordinates) never raises and never hangs past the
timeout: the offline answer (``None``) stands, the failure is logged, and
``last_message`` says what happened. Failures are not cached.

``GEO_ONLINE_GEOCODER`` names a geopy service ("nominatim", "photon", ...),
optionally followed by ``@`` and a base URL for a self-hosted server
("nominatim@http://127.0.0.1:8080").
"""

from __future__ import annotations

import functools
import json
import logging
import math
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeAlias
from urllib.parse import urlsplit

import httpx
from geopy.adapters import AdapterHTTPError, BaseAdapter, BaseSyncAdapter
from geopy.exc import GeocoderParseError, GeocoderTimedOut, GeocoderUnavailable, GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import get_geocoder_for_service
from geopy.location import Location

from geo import settings as settings_module
from geo.errors import FetchError, GeoError
from geo.gazetteer import Gazetteer, normalize
from geo.sources.netguard import AddressPolicy, BlockedAddress, GuardedTransport, deadline

__all__ = [
    "CACHE_NAME",
    "BackedGeocoder",
    "GuardedAdapter",
    "MalformedAnswer",
    "from_settings",
    "guarded_adapter",
    "online_geocoder",
]

log = logging.getLogger(__name__)

CACHE_NAME = "geocoder-cache.sqlite"
MAX_ANSWER_BYTES = 1_000_000  # a geocoder's JSON for one name is a few KB
MIN_DELAY_SECONDS = 1.0  # Nominatim's usage policy: at most one request a second

Answer: TypeAlias = Location | list[Location] | None


class MalformedAnswer(GeoError):
    """The online geocoder answered something that is not a list of places with coordinates."""


class GuardedAdapter(BaseSyncAdapter):
    """A geopy adapter over the guarded httpx transport: one try, one deadline for the whole call, a size cap."""

    def __init__(self, *, proxies: Any = None, ssl_context: Any = None, policy: AddressPolicy | None = None) -> None:
        # No proxies, ever: a proxy would make the connection for us, unchecked.
        super().__init__(proxies=proxies, ssl_context=ssl_context)
        self._client = httpx.Client(transport=GuardedTransport(policy or AddressPolicy()), follow_redirects=False)

    def get_text(self, url: str, *, timeout: float, headers: dict[str, str]) -> str:
        try:
            with (
                deadline(timeout),
                self._client.stream(
                    "GET", url, headers={**headers, "Accept-Encoding": "identity"}, timeout=timeout
                ) as response,
            ):
                body = bytearray()
                for chunk in response.iter_raw():
                    body += chunk
                    if len(body) > MAX_ANSWER_BYTES:
                        raise GeocoderParseError(f"The answer is longer than {MAX_ANSWER_BYTES:,} bytes.")
                text = body.decode(response.encoding or "utf-8", errors="replace")
        except httpx.TimeoutException as error:
            raise GeocoderTimedOut(f"No whole answer within {timeout:g} s (GEO_TIMEOUT).") from error
        except BlockedAddress as error:
            raise GeocoderUnavailable(str(error)) from error
        except (httpx.HTTPError, FetchError) as error:
            raise GeocoderUnavailable(f"{type(error).__name__}: {error}") from error
        if response.status_code >= 400:
            raise AdapterHTTPError(
                f"Non-successful status code {response.status_code}",
                status_code=response.status_code,
                headers=response.headers,
                text=text,
            )
        return text

    def get_json(self, url: str, *, timeout: float, headers: dict[str, str]) -> Any:
        text = self.get_text(url, timeout=timeout, headers=headers)
        try:
            return json.loads(text)
        except (ValueError, RecursionError) as error:
            raise GeocoderParseError(f"The answer is not JSON ({type(error).__name__}).") from error

    def __exit__(self, *exc: object) -> None:
        self._client.close()


def guarded_adapter(policy: AddressPolicy) -> Callable[..., BaseAdapter]:
    """An ``adapter_factory`` for geopy that builds ``GuardedAdapter``s under ``policy``."""
    return functools.partial(GuardedAdapter, policy=policy)


def online_geocoder(spec: str, *, user_agent: str, timeout: float, policy: AddressPolicy | None = None) -> Any:
    """A geopy geocoder from a setting value: "nominatim" or "nominatim@http://host:port"."""
    name, _, url = spec.strip().partition("@")
    try:
        cls = get_geocoder_for_service(name.strip().lower())
    except GeopyError as exc:
        raise GeoError(f"Unknown online geocoder {name!r} in GEO_ONLINE_GEOCODER: {exc}") from exc
    kwargs: dict[str, Any] = {
        "user_agent": user_agent,
        "timeout": timeout,
        "adapter_factory": guarded_adapter(policy or AddressPolicy()),
    }
    if url:
        parts = urlsplit(url.strip())
        if not parts.scheme or not parts.netloc:
            raise GeoError(f"GEO_ONLINE_GEOCODER: {url!r} is not a base URL such as http://127.0.0.1:8080.")
        kwargs.update(domain=parts.netloc + parts.path.rstrip("/"), scheme=parts.scheme)
    return cls(**kwargs)


class _Cache:
    """Online answers by normalised query, as JSON (address, point, raw); [] is a cached miss."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(path), check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock, self._conn:
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS answers (service TEXT NOT NULL, query TEXT NOT NULL, "
                "answer TEXT NOT NULL, fetched REAL NOT NULL, PRIMARY KEY (service, query))"
            )

    def get(self, service: str, query: str) -> list[Location] | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT answer FROM answers WHERE service = ? AND query = ?", (service, query)
            ).fetchone()
        if row is None:
            return None
        return [Location(a["address"], (a["lat"], a["lon"]), a["raw"]) for a in json.loads(row[0])]

    def put(self, service: str, query: str, locations: Iterable[Location]) -> None:
        answer = [
            {"address": loc.address, "lat": loc.latitude, "lon": loc.longitude, "raw": loc.raw} for loc in locations
        ]
        with self._lock, self._conn:
            self._conn.execute(
                "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?)",
                (service, query, json.dumps(answer, ensure_ascii=False), time.time()),
            )

    def close(self) -> None:
        self._conn.close()


class BackedGeocoder:
    """geopy-shaped geocoder: the offline gazetteer first, then (optionally) an online one."""

    def __init__(
        self,
        gazetteer: Gazetteer,
        online: Any | None = None,
        *,
        cache_path: Path | None = None,
        timeout: float = 10.0,
        min_delay_seconds: float = MIN_DELAY_SECONDS,
    ) -> None:
        self.gazetteer = gazetteer
        self.online = online
        self.timeout = timeout
        self.last_message: str | None = None
        self._service = type(online).__name__.lower() if online is not None else ""
        self._cache = _Cache(cache_path or gazetteer.path.parent / CACHE_NAME) if online is not None else None
        self._ask: Callable[..., Any] | None = (
            RateLimiter(online.geocode, min_delay_seconds=min_delay_seconds, max_retries=0, swallow_exceptions=False)
            if online is not None
            else None
        )

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()

    def __enter__(self) -> BackedGeocoder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def geocode(self, query: str, exactly_one: bool = True, **kwargs: Any) -> Answer:
        """The offline answer, or for a name the gazetteer lacks the online one (cached), or None."""
        self.last_message = None
        offline = self.gazetteer.geocode(query, exactly_one=exactly_one, **kwargs)
        if offline or self._ask is None or self._cache is None:
            return offline
        key = normalize(query)
        if not key:
            return None
        locations = self._cache.get(self._service, key)
        if locations is None:
            try:
                found = self._ask(query, exactly_one=False, timeout=self.timeout)
                locations = _checked(found)
            except Exception as exc:  # any failure of the online service: the offline answer stands
                self.last_message = (
                    f"Online geocoder {self._service} failed for {query!r} ({type(exc).__name__}: {exc}); "
                    "the offline answer stands."
                )
                log.warning(self.last_message)
                return None
            self._cache.put(self._service, key, locations)
        if not locations:
            return None
        return locations[0] if exactly_one else locations


def _checked(found: object) -> list[Location]:
    """The answer as a list of places with real coordinates, or ``MalformedAnswer``.

    geopy parses whatever the service sends: ``"1"`` fails inside it, and a place
    without coordinates becomes a Location at (0, 0), which would be cached for good.
    """
    if found is None:
        return []
    items = found if isinstance(found, list) else [found]
    locations: list[Location] = []
    for item in items:
        if not isinstance(item, Location) or not isinstance(item.raw, dict):
            raise MalformedAnswer(f"the answer holds {type(item).__name__}, not a place")
        lat, lon = item.latitude, item.longitude
        if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
            raise MalformedAnswer(f"{item.address!r} has no valid coordinates")
        if lat == 0 and lon == 0:  # what geopy makes of missing coordinates; no place name means (0, 0)
            raise MalformedAnswer(f"{item.address!r} has no coordinates")
        locations.append(item)
    return locations


def from_settings(gazetteer: Gazetteer, config: settings_module.Settings | None = None) -> BackedGeocoder:
    """The geocoder the settings ask for: offline only unless ``GEO_ONLINE_GEOCODER`` names a service."""
    config = config or settings_module.load()
    online = (
        online_geocoder(
            config.geocoder,
            user_agent=config.user_agent,
            timeout=config.timeout,
            policy=AddressPolicy.from_settings(config.fetch_ports, config.fetch_allow_hosts),
        )
        if config.geocoder.strip()
        else None
    )
    return BackedGeocoder(gazetteer, online, timeout=config.timeout)
