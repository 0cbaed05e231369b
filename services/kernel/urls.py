"""The outbound URL guard: every URL a tenant supplies (an LLM endpoint, later webhooks) goes
through it, so the platform never calls inside its own network on a tenant's behalf (SSRF).

- `OutboundGuard.check(url)`: parse (http/https only, no credentials, a numeric port, no
  integer/octal/hex host forms), resolve the name (every address), refuse any address that is
  not public (`refusal`), unless the operator allowlisted it (`SWITCHBOARD_OUTBOUND_ALLOW`,
  "host:port,..."; a tenant can never allow anything).
- `OutboundGuard.client()`: an httpx client whose connections go through the same vetting at
  connect time and to the vetted address only (the Host header and the TLS SNI keep the name):
  no DNS rebinding between the check and the connection, no proxy from the environment, and
  redirects are not followed (a redirect followed anyway is vetted at its own connect).

`UrlRefused.reason` is for the operator log; callers tell tenants one fixed sentence.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import re
import socket
import ssl
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

log = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# name, port -> every address the name has (IP literals never reach a resolver).
Resolver = Callable[[str, int], Awaitable[list[IPAddress]]]

RESOLVE_TIMEOUT_S = 5.0
# Cloud metadata and platform endpoints; most are link-local or private anyway, some are not.
METADATA = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254", "169.254.170.2", "169.254.169.253", "fd00:ec2::254", "fd00:ec2::23",
    "100.100.100.200", "168.63.129.16", "192.0.0.192"))
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
_TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")  # RFC 2765 IPv4-translated
_LABEL = re.compile(r"^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$")
_DECIMAL_OCTET = re.compile(r"^(0|[1-9][0-9]{0,2})$")
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")


class UrlRefused(Exception):
    """The URL must not be called. `reason` says why, for the operator log only; `malformed`
    tells a URL that is not one (a port with letters) from an address the guard refuses."""

    def __init__(self, reason: str, *, malformed: bool = False) -> None:
        super().__init__(reason)
        self.reason, self.malformed = reason, malformed


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # lower case, IDNA-encoded, no trailing dot; an IPv6 literal without brackets
    port: int


def parse(url: str) -> Target:
    """The scheme, host and port of an http(s) URL, or UrlRefused for anything else."""
    if not url or any(c.isspace() or ord(c) < 0x20 or c == "\\" for c in url):
        raise UrlRefused("empty, or whitespace, control characters or backslashes in the URL", malformed=True)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:  # a port with letters, out of range, a broken IPv6 literal
        raise UrlRefused(f"malformed URL: {exc}", malformed=True) from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise UrlRefused(f"scheme {scheme!r} is not http or https", malformed=True)
    if parts.username is not None or parts.password is not None:
        raise UrlRefused("credentials in the URL", malformed=True)
    if not parts.hostname:
        raise UrlRefused("no host", malformed=True)
    if port == 0:
        raise UrlRefused("port 0", malformed=True)
    bracketed = parts.netloc.rsplit("@", 1)[-1].startswith("[")
    return Target(scheme, normalize_host(parts.hostname, bracketed=bracketed),
                  port or (443 if scheme == "https" else 80))


def normalize_host(host: str, *, bracketed: bool = False) -> str:
    """A host as the guard compares it; UrlRefused for forms resolvers read as numbers
    (2130706433, 0x7f000001, 017700000001, 127.1) and for names that are not DNS names."""
    host = host.strip().lower()
    literal = _literal(host)
    if literal is not None:
        if bracketed != (literal.version == 6):
            raise UrlRefused("an IPv6 address must be in brackets, an IPv4 address must not", malformed=True)
        return str(literal)
    if ":" in host:
        raise UrlRefused("a malformed IPv6 literal", malformed=True)
    try:
        name = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        raise UrlRefused("the host is not a valid international domain name", malformed=True) from None
    name = name.removesuffix(".")
    labels = name.split(".")
    if _NUMERIC_LABEL.match(labels[-1]):
        # WHATWG and inet_aton read such a host as an IPv4 address in some other notation.
        raise UrlRefused("a numeric host that is not a dotted-decimal IPv4 address")
    if len(name) > 253 or not all(_LABEL.match(label) for label in labels):
        raise UrlRefused("the host is not a valid DNS name", malformed=True)
    return name


def _literal(host: str) -> IPAddress | None:
    """An IP literal in its canonical notation only (dotted decimal for IPv4)."""
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host)
        except ValueError:
            return None
    parts = host.split(".")
    if len(parts) == 4 and all(_DECIMAL_OCTET.match(p) and int(p) <= 255 for p in parts):
        return ipaddress.IPv4Address(host)
    return None


def refusal(address: IPAddress) -> str | None:
    """Why an address must not be called on a tenant's behalf, or None when it is public."""
    if address in METADATA:
        return "a cloud metadata address"
    if isinstance(address, ipaddress.IPv6Address):
        if address in _NAT64_LOCAL or address.teredo is not None:
            return "a local NAT64 or Teredo address"
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            reason = refusal(embedded)
            return f"an IPv6 form of {reason}" if reason else None
        if address.is_site_local:
            return "a site-local address"
    checks = (("loopback", address.is_loopback), ("unspecified", address.is_unspecified),
              ("link-local", address.is_link_local), ("multicast", address.is_multicast),
              ("shared (CGNAT)", address in _CGNAT), ("private", address.is_private),
              ("reserved", address.is_reserved), ("not globally routable", not address.is_global))
    return next((f"a {name} address" for name, hit in checks if hit), None)


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address inside a mapped, compatible, translated, 6to4 or NAT64 address."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    value = int(address)
    if address in _NAT64 or address in _TRANSLATED or (value >> 32 == 0 and value > 1):
        return ipaddress.IPv4Address(value & 0xFFFFFFFF)
    return None


def parse_allowlist(value: str | Iterable[str]) -> frozenset[tuple[str, int]]:
    """"host:port,host:port" (an IPv6 host in brackets) as (normalized host, port) pairs."""
    items = value.split(",") if isinstance(value, str) else value
    allowed = set()
    for item in (i.strip() for i in items):
        if not item:
            continue
        host, sep, port = item.rpartition(":")
        if not sep or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"outbound allowlist entry {item!r} is not host:port")
        bracketed = host.startswith("[") and host.endswith("]")
        try:
            allowed.add((normalize_host(host[1:-1] if bracketed else host, bracketed=bracketed),
                         int(port)))
        except UrlRefused as exc:
            raise ValueError(f"outbound allowlist entry {item!r}: {exc.reason}") from None
    return frozenset(allowed)


async def system_resolver(host: str, port: int) -> list[IPAddress]:
    loop = asyncio.get_running_loop()
    infos = await asyncio.wait_for(
        loop.getaddrinfo(host, port, type=socket.SOCK_STREAM), RESOLVE_TIMEOUT_S)
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


class OutboundGuard:
    """The vetting rules with the operator's allowlist; one per process (from its settings)."""

    def __init__(self, allow: str | Iterable[str] = "", *, resolver: Resolver | None = None) -> None:
        self.allowed = parse_allowlist(allow)
        self._resolve = resolver or system_resolver

    async def check(self, url: str) -> Target:
        """Parse and vet a URL now (e.g. when a tenant stores it); UrlRefused if it may not be
        called. Calls still go through `client()`, which vets again when it connects."""
        try:
            target = parse(url)
        except UrlRefused as exc:
            _log_refusal(_shown(url), None, exc.reason)
            raise
        await self.addresses(target.host, target.port)
        return target

    async def addresses(self, host: str, port: int) -> list[IPAddress]:
        """Every address of host, all vetted, to connect to in order (UrlRefused otherwise)."""
        try:
            name = normalize_host(host, bracketed=":" in host)
            literal = _literal(name)
            found = [literal] if literal is not None else await self._lookup(name, port)
            if not found:
                raise UrlRefused("the name has no address")
            if (name, port) not in self.allowed:
                for address in found:
                    reason = refusal(address)
                    if reason and (str(address), port) not in self.allowed:
                        raise UrlRefused(f"{name} resolves to {address}, {reason}")
        except UrlRefused as exc:
            _log_refusal(host, port, exc.reason)
            raise
        return list(dict.fromkeys(found))

    async def _lookup(self, name: str, port: int) -> list[IPAddress]:
        try:
            return await self._resolve(name, port)
        except (OSError, TimeoutError, UnicodeError, ValueError) as exc:
            raise UrlRefused(f"{name} does not resolve: {exc}") from None

    def transport(self, **kwargs: Any) -> httpx.AsyncBaseTransport:
        """An httpx transport connecting only to vetted addresses (kwargs: limits, verify ...)."""
        return PinnedTransport(self, **kwargs)

    def client(self, *, timeout: float | httpx.Timeout,
               limits: httpx.Limits | None = None) -> httpx.AsyncClient:
        """An httpx client for tenant-supplied URLs: pinned, no redirects, no env proxies."""
        return httpx.AsyncClient(
            transport=self.transport(limits=limits or httpx.Limits()), timeout=timeout,
            follow_redirects=False, trust_env=False)


def _shown(url: str) -> str:
    """A URL for the log: its scheme and host part only, never credentials, path or query."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0].split('?', 1)[0].rsplit('@', 1)[-1]}"


def _log_refusal(where: str, port: int | None, reason: str) -> None:
    log.warning("outbound call refused", extra={
        "outbound_host": where[:300], "outbound_port": port, "reason": reason[:500]})


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """Resolves and vets at connect time, then connects to the vetted address itself; TLS is
    started by httpcore afterwards with the original name (SNI and certificate check)."""

    def __init__(self, guard: OutboundGuard) -> None:
        self.guard = guard
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,  # noqa: ASYNC109 (httpcore's signature)
                          local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        addresses = await self.guard.addresses(host, port)
        failure: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(str(address), port, timeout=timeout,
                                                     local_address=local_address,
                                                     socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def connect_unix_socket(self, path: str, timeout: float | None = None,  # noqa: ASYNC109
                                  socket_options: Iterable[Any] | None = None,
                                  ) -> httpcore.AsyncNetworkStream:
        raise UrlRefused("unix sockets are never called on a tenant's behalf")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class PinnedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport over a connection pool whose network backend is `PinnedBackend`
    (no proxy: a proxy would resolve the name itself)."""

    def __init__(self, guard: OutboundGuard, *, limits: httpx.Limits = httpx.Limits(),
                 verify: ssl.SSLContext | bool | str = True, http2: bool = False) -> None:
        super().__init__(verify=verify, limits=limits, http2=http2)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify),  # SSL_CERT_FILE is honoured
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry, http1=True, http2=http2,
            network_backend=PinnedBackend(guard))
