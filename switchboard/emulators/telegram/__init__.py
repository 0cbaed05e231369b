"""A faithful in-memory fake of the Telegram Bot API over real HTTP, for the sandbox and the
tests: aiogram runs against it unchanged (`TelegramAPIServer.from_base(url)`)."""

from __future__ import annotations

from pathlib import Path

import uvicorn

from switchboard.emulators.telegram.app import create_app
from switchboard.emulators.telegram.settings import Limit, Limits, TelegramEmulatorSettings

__all__ = ["Limit", "Limits", "TelegramEmulatorSettings", "create_app", "run"]


def run(host: str = "127.0.0.1", port: int = 8092, state_file: Path | None = None) -> None:
    """Serve the emulator until interrupted (`switchboard emulate telegram`)."""
    settings = TelegramEmulatorSettings(state_file=state_file)
    # Long polls in flight end with the server instead of holding Ctrl-C for their timeout.
    uvicorn.run(create_app(settings), host=host, port=port, timeout_graceful_shutdown=3)
