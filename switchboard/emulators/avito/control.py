"""The `/_emulator` control plane (no auth): accounts, buyers writing, logs, faults, clock.
Listings are edited through items.py's control routes, OAuth apps through oauth.py's."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, HTTPException, Request

from switchboard.emulators.avito import render
from switchboard.emulators.avito.emulator import Blacklisted, Emulator, EmulatorDep, PublicBase
from switchboard.emulators.avito.errors import CONTROL_PREFIX
from switchboard.emulators.avito.model import Account, Conflict, NotFound
from switchboard.emulators.avito.schemas import (
    AccountPatch,
    AccountSpec,
    ChatterSpec,
    ClockAdvance,
    FaultSpec,
    IncomingSpec,
)

router = APIRouter(prefix=CONTROL_PREFIX, tags=["emulator control"])


def _account(emulator: Emulator, user_id: int) -> Account:
    account = emulator.store.accounts.get(user_id)
    if account is None:
        raise HTTPException(404, f"no account {user_id}")
    return account


@router.post("/accounts")
async def create_account(spec: AccountSpec, emulator: EmulatorDep) -> dict[str, Any]:
    try:
        account = emulator.store.create_account(spec)
    except Conflict as exc:
        raise HTTPException(409, str(exc)) from None
    return render.control_account(account)


@router.get("/accounts")
async def list_accounts(emulator: EmulatorDep) -> dict[str, Any]:
    return {"accounts": [render.control_account(a) for a in emulator.store.accounts.values()]}


@router.patch("/accounts/{user_id}")
async def update_account(user_id: int, patch: AccountPatch,
                         emulator: EmulatorDep) -> dict[str, Any]:
    """E.g. `{"messenger_access": false}`: the tariff lapses and the Messenger API says 402;
    `{"client_secret": "..."}`: a new secret, the old one refused at /token."""
    account = _account(emulator, user_id)
    emulator.store.update_account(account, patch)
    return render.control_account(account)


@router.post("/accounts/{user_id}/incoming")
async def incoming(user_id: int, spec: IncomingSpec, emulator: EmulatorDep,
                   base: PublicBase) -> dict[str, Any]:
    """A buyer writes; the webhook goes out in the background. 409: the buyer is blocked."""
    account = _account(emulator, user_id)
    try:
        result = emulator.receive(account, spec, base)
    except Blacklisted as exc:
        raise HTTPException(409, str(exc)) from None
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from None
    return {"chat_id": result.chat.id, "message_id": result.message.id,
            "author_id": result.message.author_id, "type": result.message.type,
            "content": result.message.content, "delivery_ids": result.delivery_ids}


@router.get("/accounts/{user_id}/sent")
async def sent(user_id: int, emulator: EmulatorDep) -> dict[str, Any]:
    return {"sent": [asdict(record) for record in _account(emulator, user_id).sent]}


@router.get("/accounts/{user_id}/blacklist")
async def blacklist(user_id: int, emulator: EmulatorDep) -> dict[str, Any]:
    entries = _account(emulator, user_id).blacklist.values()
    return {"blacklist": [asdict(entry) for entry in entries]}


@router.get("/accounts/{user_id}/chats/{chat_id}")
async def chat(user_id: int, chat_id: str, emulator: EmulatorDep,
               base: PublicBase) -> dict[str, Any]:
    account = _account(emulator, user_id)
    found = account.chats.get(chat_id)
    if found is None:
        raise HTTPException(404, f"no chat {chat_id}")
    return render.control_chat(found, account, base)


@router.get("/deliveries")
async def deliveries(emulator: EmulatorDep) -> dict[str, Any]:
    return {"deliveries": [asdict(record) for record in emulator.dispatcher.log]}


@router.get("/faults")
async def faults(emulator: EmulatorDep) -> dict[str, Any]:
    return emulator.faults.snapshot()


@router.post("/faults")
async def add_fault(spec: FaultSpec, emulator: EmulatorDep) -> dict[str, Any]:
    emulator.faults.add(spec)
    expired = emulator.store.tokens.expire_all() if spec.expire_tokens else 0
    return {**emulator.faults.snapshot(), "expired_tokens": expired}


@router.delete("/faults")
async def clear_faults(emulator: EmulatorDep) -> dict[str, Any]:
    emulator.faults.clear()
    return emulator.faults.snapshot()


@router.post("/clock")
async def advance_clock(body: ClockAdvance, emulator: EmulatorDep) -> dict[str, Any]:
    emulator.clock.advance(body.advance_seconds)
    return {"now": emulator.clock.now()}


@router.put("/chatter")
async def set_chatter(spec: ChatterSpec, request: Request) -> dict[str, Any]:
    """Sandbox buyers write every `interval_s` on average from now on; null stops them."""
    await request.app.state.chatter.set(spec.interval_s)
    return {"interval_s": spec.interval_s}
