"""The emulator's ASGI app: OpenAI's `/v1` API and the `/_emulator` control plane."""

from __future__ import annotations

from fastapi import FastAPI

from switchboard.emulators.llm import chat, control, embeddings, models
from switchboard.emulators.llm.emulator import Emulator
from switchboard.emulators.llm.errors import install_error_handlers
from switchboard.emulators.llm.settings import LlmEmulatorSettings


def create_app(settings: LlmEmulatorSettings | None = None) -> FastAPI:
    app = FastAPI(title="OpenAI-compatible LLM emulator")
    app.state.emulator = Emulator(settings or LlmEmulatorSettings())
    install_error_handlers(app)
    app.include_router(models.router)
    app.include_router(chat.router)
    app.include_router(embeddings.router)
    app.include_router(control.router)
    return app
