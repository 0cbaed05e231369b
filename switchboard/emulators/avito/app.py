"""The emulator's ASGI app: Avito's API, the control plane, and background work in lifespan."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI

from switchboard.emulators.avito import (
    api,
    control,
    item_images,
    items,
    media_routes,
    messenger,
    oauth,
    persistence,
    stats,
)
from switchboard.emulators.avito.chatter import Chatter
from switchboard.emulators.avito.emulator import Emulator
from switchboard.emulators.avito.errors import install_error_handlers
from switchboard.emulators.avito.guard import install_rate_headers
from switchboard.emulators.avito.settings import AvitoEmulatorSettings


def create_app(settings: AvitoEmulatorSettings | None = None) -> FastAPI:
    emulator = Emulator(settings or AvitoEmulatorSettings())
    chatter = Chatter(emulator)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        path = emulator.settings.state_file
        state_file = persistence.StateFile(path) if path else None
        if state_file:
            state_file.restore(emulator)
        async with emulator.dispatcher:
            tasks: list[asyncio.Task[None]] = []
            await chatter.set(emulator.settings.chatter_interval_s)
            if state_file:
                tasks.append(asyncio.create_task(
                    state_file.autosave(emulator, persistence.SAVE_INTERVAL_S)))
            try:
                yield
            finally:
                await chatter.stop()
                for task in tasks:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
                if state_file:
                    state_file.save_if_dirty(emulator)

    app = FastAPI(title="Avito API emulator", lifespan=lifespan)
    app.state.emulator = emulator
    app.state.chatter = chatter
    install_error_handlers(app)
    install_rate_headers(app)
    app.include_router(oauth.router)
    app.include_router(api.router)
    app.include_router(items.router)
    app.include_router(stats.router)
    # Before messenger: `.../messages/image` must win over deleting `.../messages/{message_id}`.
    app.include_router(media_routes.router)
    app.include_router(messenger.router)
    for router in (control.router, oauth.control_router, items.control_router,
                   item_images.router):
        app.include_router(router)
    return app
