"""Run an ASGI app under uvicorn inside the current event loop.

Used by `serve all` (gateway and emulators share one process and one loop) and by the tests,
which need real HTTP on a free loopback port rather than an in-memory transport.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from types import TracebackType
from typing import Any

import uvicorn


class BackgroundServer:
    """`async with BackgroundServer(app, port=0) as srv: srv.url` — uvicorn on loopback."""

    def __init__(self, app: Any, *, host: str = "127.0.0.1", port: int = 0,
                 log_level: str = "warning", **config: Any) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted sockets inherit this; without it Nagle adds ~40 ms to every small response.
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock.bind((host, port))
        self.host, self.port = self._sock.getsockname()[:2]
        self.app = app
        # A response that never ends (a live stream, a stuck client) must not hold a stop:
        # past the grace, uvicorn cancels what is still running.
        config.setdefault("timeout_graceful_shutdown", 10)
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
