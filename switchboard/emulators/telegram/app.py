"""The emulator's ASGI app: the Bot API, the control plane, and background work in lifespan
(webhook deliveries, the state file)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from switchboard.emulators.telegram import bot_api, control, persistence
from switchboard.emulators.telegram.emulator import Emulator
from switchboard.emulators.telegram.model import ControlError, TelegramError
from switchboard.emulators.telegram.settings import TelegramEmulatorSettings


def create_app(settings: TelegramEmulatorSettings | None = None) -> FastAPI:
    emulator = Emulator(settings or TelegramEmulatorSettings())

    async def reply_call(bot: Any, body: dict[str, Any]) -> None:
        await bot_api.reply_call(emulator, bot, body)

    emulator.webhooks.reply_call = reply_call

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        path = emulator.settings.state_file
        state_file = persistence.StateFile(path) if path else None
        if state_file:
            state_file.restore(emulator)
        async with emulator.files, emulator.webhooks:
            for bot in emulator.world.bots.values():
                emulator.webhooks.start(bot)  # restored webhooks deliver what is pending
            saver = asyncio.create_task(state_file.autosave(emulator)) if state_file else None
            try:
                yield
            finally:
                if saver is not None:
                    saver.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await saver
                if state_file:
                    state_file.save_if_dirty(emulator)

    app = FastAPI(title="Telegram Bot API emulator", lifespan=lifespan)
    app.state.emulator = emulator
    _install_error_handlers(app)
    app.include_router(bot_api.router)
    app.include_router(control.router)
    return app


def _install_error_handlers(app: FastAPI) -> None:
    async def control_error(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, ControlError)
        return JSONResponse({"detail": exc.message}, status_code=exc.status)

    async def not_found(request: Request, exc: Exception) -> Response:
        """Paths of the Bot API answer in its envelope, whatever went wrong."""
        assert isinstance(exc, StarletteHTTPException)
        if request.url.path.startswith(("/bot", "/file/bot")):
            error = TelegramError(exc.status_code, "Not Found" if exc.status_code == 404
                                  else str(exc.detail))
            return bot_api.error_response(error)
        return await http_exception_handler(request, exc)

    app.add_exception_handler(ControlError, control_error)
    app.add_exception_handler(StarletteHTTPException, not_found)
