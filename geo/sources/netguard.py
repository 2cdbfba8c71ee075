"""Which addresses a fetch may reach, checked when the connection is made, and a deadline for the whole call.

A page visitor types a URL and the server fetches it, so the URL is untrusted: it
must not make the server reach itself or its private network (server-side request
forgery). Checking the URL's host before the request is not enough: a name can
resolve to a private address, a public page can redirect to one, a feed can list
one, and DNS can answer differently between a check and the connection (DNS
rebinding). So ``GuardedTransport`` checks where the transport actually connects:
its network backend resolves the host itself, refuses the connection when any
address is not a public unicast one (loopback, private, link-local, CGNAT,
unique-local, multicast, reserved, unspecified, or IPv4 embedded in IPv6), and
connects to the very address it checked. Every hop of a redirect and every feed
entry is a new request through the same transport, so each is checked.

Ports other than 80 and 443 are refused unless configured (``GEO_FETCH_PORTS``);
hosts named in ``GEO_FETCH_ALLOW_HOSTS`` (an intranet's news server, the tests'
own 127.0.0.1 servers) may be private and use any port.

``deadline(seconds)`` bounds a whole call: every read and write of a connection
made in it gets at most the time left, so a server that sends one byte a second
cannot hold a fetch past its deadline (httpx's own timeouts restart on every byte).
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
import typing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import httpcore
import httpx

from geo.errors import FetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class BlockedAddress(FetchError):
    """The URL leads to an address or port that the server must not fetch from."""


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """Where fetches may go: public addresses on ``ports``, plus any address and port of ``allowed_hosts``."""

    ports: frozenset[int] = frozenset({80, 443})
    allowed_hosts: frozenset[str] = frozenset()

    @classmethod
    def from_settings(cls, ports: str, allowed_hosts: str) -> AddressPolicy:
        """Parse the comma-separated ``GEO_FETCH_PORTS`` and ``GEO_FETCH_ALLOW_HOSTS`` values."""
        try:
            port_set = frozenset(int(p) for p in _items(ports))
        except ValueError as error:
            raise FetchError(f"GEO_FETCH_PORTS must list port numbers separated by commas, not {ports!r}.") from error
        return cls(port_set, frozenset(_host_key(h) for h in _items(allowed_hosts)))

    def is_allowed_host(self, host: str) -> bool:
        return _host_key(host) in self.allowed_hosts

    def check_port(self, host: str, port: int) -> None:
        if port not in self.ports and not self.is_allowed_host(host):
            raise BlockedAddress(
                f"{host}:{port}: only ports {', '.join(map(str, sorted(self.ports)))} are fetched (GEO_FETCH_PORTS)."
            )

    def resolve(self, host: str, port: int) -> list[str]:
        """The addresses to try for ``host``; raise ``BlockedAddress`` if the server must not go there."""
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as error:
            raise FetchError(f"Cannot find the address of {host}.") from error
        addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
        if not addresses:
            raise FetchError(f"Cannot find the address of {host}.")
        if not self.is_allowed_host(host):
            # Refuse when any answer is private: trying "the public one" would let a name that
            # answers both kinds steer the connection.
            for address in addresses:
                if not is_public(address):
                    raise BlockedAddress(
                        f"{host} leads to {address}, a loopback, private or reserved address: the server does not "
                        "fetch from its own network (name trusted hosts in GEO_FETCH_ALLOW_HOSTS)."
                    )
        self.check_port(host, port)
        return list(dict.fromkeys(str(a) for a in addresses))


def is_public(address: IPAddress) -> bool:
    """A public unicast address, with any IPv4 address embedded in an IPv6 one checked as itself."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if embedded is None and address in NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public(embedded)
    return address.is_global and not (address.is_multicast or address.is_reserved or address.is_unspecified)


# -- the whole-call deadline ----------------------------------------------------------------------

_local = threading.local()


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Bound every network read and write made by this thread inside the block to ``seconds`` in all."""
    previous = getattr(_local, "deadline", None)
    _local.deadline = time.monotonic() + seconds
    try:
        yield
    finally:
        _local.deadline = previous


def _time_left(timeout: float | None) -> float | None:
    end = getattr(_local, "deadline", None)
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("the deadline for the whole request has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write gets at most the time left before the thread's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _time_left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _time_left(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: typing.Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, _time_left(timeout)))

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class _GuardedBackend(httpcore.NetworkBackend):
    def __init__(self, policy: AddressPolicy) -> None:
        self._policy = policy
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        # Connect to the addresses just checked, never to the name again (DNS rebinding); TLS still
        # checks the certificate against the host name.
        addresses = self._policy.resolve(host, port)
        for address in addresses[:-1]:
            try:
                return _DeadlineStream(
                    self._inner.connect_tcp(address, port, _time_left(timeout), local_address, socket_options)
                )
            except httpcore.ConnectError:
                continue
        stream = self._inner.connect_tcp(addresses[-1], port, _time_left(timeout), local_address, socket_options)
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[typing.Any] | None = None
    ) -> httpcore.NetworkStream:
        raise BlockedAddress("Unix sockets are never fetched from.")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    """An httpx transport that connects only where ``policy`` allows, resolving names at connect time."""

    def __init__(self, policy: AddressPolicy) -> None:
        super().__init__(trust_env=False)  # no proxy from the environment: it would connect for us, unchecked
        self._policy = policy
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(), network_backend=_GuardedBackend(policy), max_connections=10
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        if url.scheme not in ("http", "https"):
            raise BlockedAddress(f"{url} is not an http(s) URL.")
        return super().handle_request(request)


def _items(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _host_key(host: str) -> str:
    return host.strip().strip("[]").lower().rstrip(".")
