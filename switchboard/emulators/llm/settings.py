"""Settings of the LLM emulator: plain values from whoever builds the app, never from env."""

from __future__ import annotations

import time
from collections.abc import Callable

from pydantic import BaseModel, Field

from switchboard.emulators.llm.schemas import RuleSpec


class LlmEmulatorSettings(BaseModel):
    # Served by `/v1/models`; any other model name gets 404 `model_not_found`.
    models: list[str] = Field(default_factory=lambda: ["sandbox-chat", "sandbox-embed"], min_length=1)
    owned_by: str = "switchboard"
    # Accepted bearer keys; None accepts any non-empty key.
    api_keys: list[str] | None = None
    embedding_dim: int = Field(default=256, ge=8, le=4096)
    # The answer when no rule matches; same placeholders as rule replies (see rules.py).
    default_reply: str = "Sandbox model: {question}"
    # Rules installed at startup (the sandbox's script); the control API adds more.
    rules: list[RuleSpec] = Field(default_factory=list)
    # Oldest entries of the request log are dropped past this many.
    max_logged_requests: int = Field(default=1000, ge=1)
    # Streaming: characters of tool-call arguments per chunk (content streams word by word).
    stream_argument_chars: int = Field(default=8, ge=1)
    time_source: Callable[[], float] = time.time
