"""The `/_emulator` control plane (no auth): rules, faults, the request log, reset."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException

from switchboard.emulators.llm.emulator import EmulatorDep
from switchboard.emulators.llm.errors import CONTROL_PREFIX
from switchboard.emulators.llm.schemas import Endpoint, FaultSpec, RuleSpec

router = APIRouter(prefix=CONTROL_PREFIX, tags=["emulator control"])


@router.get("/rules")
async def rules(emulator: EmulatorDep) -> dict[str, Any]:
    return {"rules": emulator.rules.snapshot()}


@router.post("/rules")
async def add_rules(body: list[RuleSpec] | RuleSpec, emulator: EmulatorDep) -> dict[str, Any]:
    """One rule or a list; answers with the ids given to the new rules and all rules."""
    added = emulator.rules.add(body if isinstance(body, list) else [body])
    return {"added": [rule.id for rule in added], "rules": emulator.rules.snapshot()}


@router.delete("/rules")
async def clear_rules(emulator: EmulatorDep) -> dict[str, Any]:
    emulator.rules.clear()
    return {"rules": []}


@router.delete("/rules/{rule_id}")
async def delete_rule(rule_id: int, emulator: EmulatorDep) -> dict[str, Any]:
    if not emulator.rules.remove(rule_id):
        raise HTTPException(404, f"no rule {rule_id}")
    return {"rules": emulator.rules.snapshot()}


@router.get("/faults")
async def faults(emulator: EmulatorDep) -> dict[str, Any]:
    return emulator.faults.snapshot()


@router.post("/faults")
async def add_fault(spec: FaultSpec, emulator: EmulatorDep) -> dict[str, Any]:
    emulator.faults.add(spec)
    return emulator.faults.snapshot()


@router.delete("/faults")
async def clear_faults(emulator: EmulatorDep) -> dict[str, Any]:
    emulator.faults.clear()
    return emulator.faults.snapshot()


@router.get("/requests")
async def requests(emulator: EmulatorDep, endpoint: Endpoint | None = None) -> dict[str, Any]:
    entries = [e for e in emulator.requests.entries if endpoint in (None, e["endpoint"])]
    return {"requests": entries}


@router.delete("/requests")
async def clear_requests(emulator: EmulatorDep) -> dict[str, Any]:
    emulator.requests.clear()
    return {"requests": []}


@router.post("/reset")
async def reset(emulator: EmulatorDep) -> dict[str, Any]:
    """Back to the startup state: the settings' rules only, no faults, an empty log."""
    emulator.reset()
    return {"rules": emulator.rules.snapshot()}
