"""Run an ASGI app under uvicorn inside the current event loop.

Used by `serve all` (gateway and emulators share one process and one loop) and by the tests,
which need real HTTP on a free loopback port rather than an in-memory transport.

Slow or oversized request heads are cut here, below the app: uvicorn has no deadline for a
request's headers (a client sending them a byte at a time holds a connection for ever) and
httptools no bound on their size. `HardenedProtocol` answers 408 to headers that do not arrive
within `header_timeout_s` of the connection (or of the request's first byte on a kept-alive
one) and 431 past `max_header_bytes`, and closes. Bodies are the app's to bound
(`gateway/body_limit.py`); idle kept-alive connections close after `timeout_keep_alive`.

That idle limit is longer than any client pool keeps a connection (httpx 5 s, nginx upstreams
60 s): a server that closes first races the client's next request on the same connection, which
then fails with a read error (CI: httpx.ReadError against the emulator at uvicorn's 5 s).

A connection closed while the client is still sending a body (a 413 before reading it) closes
gently: the answer is followed by a half-close, and what the client still sends is dropped for
up to `LINGER_S` before the socket closes. Closed at once, the kernel answers the unread bytes
with a reset, and a client busy sending never reads the refusal.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from types import TracebackType
from typing import Any, ClassVar

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

HEADER_TIMEOUT_S = 10.0
MAX_HEADER_BYTES = 64 * 1024
KEEP_ALIVE_S = 75
LINGER_S = 2.0


class _HeadTooLarge(Exception):
    pass


class HardenedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline for request heads and a bound on their
    size. `protocol(header_timeout_s, max_header_bytes)` makes one with those values."""

    header_timeout_s: ClassVar[float] = HEADER_TIMEOUT_S
    max_header_bytes: ClassVar[int] = MAX_HEADER_BYTES

    @classmethod
    def configured(cls, header_timeout_s: float, max_header_bytes: int) -> type[HardenedProtocol]:
        return type("HardenedProtocol", (cls,), {"header_timeout_s": header_timeout_s,
                                                 "max_header_bytes": max_header_bytes})

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._head_timer: asyncio.TimerHandle | None = None
        self._head_bytes, self._head_refused = 0, False
        self._socket, self._lingering = transport, False
        super().connection_made(_GentleClose(transport, self))  # type: ignore[arg-type]
        self._arm()  # a connection that sends nothing at all is cut too

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if not self._lingering:  # else: the rest of a refused body, dropped
            super().data_received(data)

    def close_gently(self) -> bool:
        """Half-close and drop what comes for a while if a body is still coming."""
        if self._lingering or self.cycle is None or not self.cycle.more_body \
                or self._socket.is_closing() or not self._socket.can_write_eof():
            return False
        self._lingering = True
        self._disarm()
        self._socket.write_eof()
        self._socket.resume_reading()  # flow control may have paused it for the app
        self.loop.call_later(LINGER_S, self._socket.close)
        return True

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head_bytes = 0
        if self._head_timer is None:
            self._arm()

    def on_url(self, url: bytes) -> None:
        self._count(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(name) + len(value) + 4)
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def send_400_response(self, msg: str) -> None:
        if self._head_refused:  # raised by _count, through httptools (a parser error)
            self._refuse(431, b"request header fields too large")
        else:
            super().send_400_response(msg)

    def _count(self, size: int) -> None:
        self._head_bytes += size
        if self._head_bytes > self.max_header_bytes:
            self._head_refused = True
            raise _HeadTooLarge

    def _arm(self) -> None:
        self._head_timer = self.loop.call_later(self.header_timeout_s, self._head_timed_out)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.transport.is_closing():
            return
        if self.cycle is not None and not self.cycle.response_complete:
            self._arm()  # a pipelined request behind one still answering: its turn comes
            return
        self._refuse(408, b"the request's headers did not arrive in time")

    def _refuse(self, status: int, detail: bytes) -> None:
        body = b'{"type":"about:blank","status":%d,"detail":"%s"}' % (status, detail)
        reason = {408: b"Request Timeout", 431: b"Request Header Fields Too Large"}[status]
        self.transport.write(b"HTTP/1.1 %d %s\r\ncontent-type: application/problem+json\r\n"
                             b"content-length: %d\r\nconnection: close\r\n\r\n%s"
                             % (status, reason, len(body), body))
        self.transport.close()


class BackgroundServer:
    """`async with BackgroundServer(app, port=0) as srv: srv.url` — uvicorn on loopback."""

    def __init__(self, app: Any, *, host: str = "127.0.0.1", port: int = 0,
                 log_level: str = "warning", header_timeout_s: float = HEADER_TIMEOUT_S,
                 max_header_bytes: int = MAX_HEADER_BYTES, reuse_port: bool = False,
                 **config: Any) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:  # several processes listen on the port; the kernel spreads connections
            self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        # Accepted sockets inherit this; without it Nagle adds ~40 ms to every small response.
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock.bind((host, port))
        self.host, self.port = self._sock.getsockname()[:2]
        self.app = app
        # A response that never ends (a live stream, a stuck client) must not hold a stop:
        # past the grace, uvicorn cancels what is still running.
        config.setdefault("timeout_graceful_shutdown", 10)
        config.setdefault("timeout_keep_alive", KEEP_ALIVE_S)
        config.setdefault("http", HardenedProtocol.configured(header_timeout_s, max_header_bytes))
        cfg = uvicorn.Config(app, log_level=log_level, access_log=False, lifespan="on", **config)
        self._server = uvicorn.Server(cfg)
        # The process installs its own signal handlers; uvicorn must not steal them.
        self._server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
        self._task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        self._task = asyncio.create_task(self._server.serve(sockets=[self._sock]))
        while not self._server.started:
            if self._task.done():
                self._task.result()  # surfaces the startup error
                raise RuntimeError(f"HTTP server on {self.url} stopped during startup")
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        if self._task is None:
            return
        self._server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None
        self._sock.close()

    async def __aenter__(self) -> BackgroundServer:
        await self.start()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.stop()


class _GentleClose:
    """The connection's transport, whose `close()` lets `HardenedProtocol` close gently."""

    def __init__(self, transport: asyncio.Transport, protocol: HardenedProtocol) -> None:
        self._transport, self._protocol = transport, protocol

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)

    def close(self) -> None:
        if not self._protocol.close_gently():
            self._transport.close()

    def is_closing(self) -> bool:
        return self._protocol._lingering or self._transport.is_closing()
