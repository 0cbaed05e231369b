"""Everything one emulator instance holds: rules, faults, the request log; and auth."""

from __future__ import annotations

import random
import string
from collections import deque
from typing import Annotated, Any

from fastapi import Depends, Request

from switchboard.emulators.llm.errors import invalid_api_key, model_not_found
from switchboard.emulators.llm.faults import Faults
from switchboard.emulators.llm.rules import RuleBook
from switchboard.emulators.llm.settings import LlmEmulatorSettings

ALPHABET = string.ascii_letters + string.digits


class RequestLog:
    """What clients sent to `/v1/chat/completions` and `/v1/embeddings`, oldest first."""

    def __init__(self, limit: int) -> None:
        self.entries: deque[dict[str, Any]] = deque(maxlen=limit)
        self._seq = 0

    def record(self, endpoint: str, at: float, body: dict[str, Any]) -> dict[str, Any]:
        """A new entry; the route fills in `status` (and `reply` for chat) as it answers."""
        self._seq += 1
        entry = {"seq": self._seq, "endpoint": endpoint, "at": at, "status": None, **body}
        self.entries.append(entry)
        return entry

    def clear(self) -> None:
        self.entries.clear()


class Emulator:
    def __init__(self, settings: LlmEmulatorSettings) -> None:
        self.settings = settings
        self.rules = RuleBook(settings.default_reply)
        self.rules.add(settings.rules)
        self.faults = Faults()
        self.requests = RequestLog(settings.max_logged_requests)
        self._rng = random.Random()

    def now(self) -> int:
        return int(self.settings.time_source())

    def new_id(self, prefix: str, length: int) -> str:
        return prefix + "".join(self._rng.choices(ALPHABET, k=length))

    def require_model(self, model: str) -> None:
        if model not in self.settings.models:
            raise model_not_found(model)

    def authorize(self, authorization: str | None) -> None:
        scheme, _, key = (authorization or "").partition(" ")
        key = key.strip() if scheme.lower() == "bearer" else ""
        allowed = self.settings.api_keys
        if not key or (allowed is not None and key not in allowed):
            raise invalid_api_key(key)

    def reset(self) -> None:
        self.rules.clear()
        self.rules.add(self.settings.rules)
        self.faults.clear()
        self.requests.clear()


def emulator_of(request: Request) -> Emulator:
    emulator: Emulator = request.app.state.emulator
    return emulator


def authorized(request: Request) -> Emulator:
    """The emulator, once the request's bearer key is accepted (checked before the body)."""
    emulator = emulator_of(request)
    emulator.authorize(request.headers.get("authorization"))
    return emulator


EmulatorDep = Annotated[Emulator, Depends(emulator_of)]
AuthorizedDep = Annotated[Emulator, Depends(authorized)]
