"""Avito routes outside the chats: own account, webhook subscriptions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from switchboard.emulators.avito import render
from switchboard.emulators.avito.emulator import EmulatorDep
from switchboard.emulators.avito.guard import authorized
from switchboard.emulators.avito.model import Account
from switchboard.emulators.avito.schemas import WebhookUrl

router = APIRouter()


@router.get("/core/v1/accounts/self")
async def account_self(
    account: Annotated[Account, Depends(authorized("self"))],
) -> dict[str, Any]:
    return render.account_self(account)


@router.post("/messenger/v3/webhook")
async def subscribe(
    body: WebhookUrl, account: Annotated[Account, Depends(authorized("webhook"))],
    emulator: EmulatorDep,
) -> dict[str, Any]:
    emulator.store.subscribe(account, body.url)
    return {"ok": True}


@router.post("/messenger/v1/webhook/unsubscribe")
async def unsubscribe(
    body: WebhookUrl, account: Annotated[Account, Depends(authorized("unsubscribe"))],
    emulator: EmulatorDep,
) -> dict[str, Any]:
    emulator.store.unsubscribe(account, body.url)
    return {"ok": True}


@router.post("/messenger/v1/subscriptions")
async def subscriptions(
    account: Annotated[Account, Depends(authorized("subscriptions"))],
) -> dict[str, Any]:
    return {"subscriptions": [{"url": url, "version": "3"} for url in account.subscriptions]}
