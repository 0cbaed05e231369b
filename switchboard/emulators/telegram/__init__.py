"""A faithful in-memory fake of the Telegram Bot API over real HTTP, for the sandbox and the
tests: aiogram runs against it unchanged (`TelegramAPIServer.from_base(url)`)."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from types import FrameType

import uvicorn

from switchboard.emulators.telegram.app import create_app
from switchboard.emulators.telegram.settings import Limit, Limits, TelegramEmulatorSettings
from switchboard.emulators.telegram.updates import Updates

__all__ = ["Limit", "Limits", "TelegramEmulatorSettings", "create_app", "run"]


class _Server(uvicorn.Server):
    """uvicorn, telling the emulator it stops: long polls in flight answer at once instead of
    holding Ctrl-C for their timeout."""

    def __init__(self, config: uvicorn.Config, updates: Updates) -> None:
        super().__init__(config)
        self._updates = updates
        self._loop: asyncio.AbstractEventLoop | None = None

    async def serve(self, sockets: list[socket.socket] | None = None) -> None:
        self._loop = asyncio.get_running_loop()
        await super().serve(sockets)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self._loop is not None:  # a signal handler: hand the wake-up to the loop
            self._loop.call_soon_threadsafe(self._updates.close)
        super().handle_exit(sig, frame)


def run(host: str = "127.0.0.1", port: int = 8092, state_file: Path | None = None) -> None:
    """Serve the emulator until interrupted (`switchboard emulate telegram`)."""
    app = create_app(TelegramEmulatorSettings(state_file=state_file))
    config = uvicorn.Config(app, host=host, port=port, timeout_graceful_shutdown=3)
    _Server(config, app.state.emulator.updates).run()
