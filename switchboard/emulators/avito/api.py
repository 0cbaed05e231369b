"""Avito routes outside the chats: OAuth token, own account, webhook subscriptions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from switchboard.emulators.avito import render
from switchboard.emulators.avito.emulator import EmulatorDep
from switchboard.emulators.avito.errors import oauth_error
from switchboard.emulators.avito.guard import admit, authorized
from switchboard.emulators.avito.schemas import WebhookUrl
from switchboard.emulators.avito.state import Account

router = APIRouter()


@router.post("/token")
@router.post("/token/", include_in_schema=False)
async def issue_token(request: Request, emulator: EmulatorDep) -> dict[str, Any]:
    """client_credentials only: form fields grant_type, client_id, client_secret."""
    form = await request.form()
    client_id = str(form.get("client_id") or "")
    await admit(request, "token", key=f"client:{client_id}")
    grant_type = form.get("grant_type")
    if grant_type != "client_credentials":
        raise oauth_error("unsupported_grant_type", f"grant_type {grant_type!r} is not supported")
    account = emulator.store.authenticate_client(client_id, str(form.get("client_secret") or ""))
    if account is None:
        raise oauth_error("invalid_client", "Client authentication failed")
    token = emulator.store.issue_token(account)
    return {"access_token": token.value, "expires_in": emulator.settings.token_ttl_s,
            "token_type": "Bearer"}


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
