"""`GET /v1/models` and `GET /v1/models/{model}`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from switchboard.emulators.llm.emulator import AuthorizedDep, Emulator

router = APIRouter(prefix="/v1", tags=["openai"])

# A fixed creation time, so listings are identical run to run.
CREATED = 1_700_000_000


def model_object(emulator: Emulator, model: str) -> dict[str, Any]:
    return {"id": model, "object": "model", "created": CREATED,
            "owned_by": emulator.settings.owned_by}


@router.get("/models")
async def list_models(emulator: AuthorizedDep) -> dict[str, Any]:
    await emulator.faults.trigger("models")
    return {"object": "list",
            "data": [model_object(emulator, model) for model in emulator.settings.models]}


@router.get("/models/{model:path}")
async def get_model(model: str, emulator: AuthorizedDep) -> dict[str, Any]:
    await emulator.faults.trigger("models")
    emulator.require_model(model)
    return model_object(emulator, model)
