"""A faithful in-memory fake of api.avito.ru over real HTTP, for the sandbox and the tests."""

from __future__ import annotations

from pathlib import Path

import uvicorn

from switchboard.emulators.avito.app import create_app
from switchboard.emulators.avito.settings import AvitoEmulatorSettings

__all__ = ["AvitoEmulatorSettings", "create_app", "run"]


def run(host: str = "127.0.0.1", port: int = 8090, chatter_interval_s: float | None = None,
        state_file: Path | None = None) -> None:
    """Serve the emulator until interrupted (`switchboard emulate avito`)."""
    settings = AvitoEmulatorSettings(chatter_interval_s=chatter_interval_s, state_file=state_file)
    uvicorn.run(create_app(settings), host=host, port=port)
