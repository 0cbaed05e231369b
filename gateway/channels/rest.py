"""REST: channel accounts — connect Avito (with the seller's credentials, or through Avito's
consent page), list, get, sync, webhook on/off and signing secret, diagnostics, disconnect."""

from __future__ import annotations

import html
from datetime import UTC
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from gateway.auth import AUTH_PROBLEMS, Admin, Reader, Writer, problem_responses
from gateway.channels import management
from gateway.channels.diagnostics import channel_diagnostics as channel_diagnostics_of
from gateway.channels.management import (
    ConnectAvito,
    ConnectTelegram,
    StartAuthorization,
    WebhookSettings,
)
from gateway.channels.schemas import (
    AuthorizationOut,
    ChannelDiagnosticsOut,
    ChannelList,
    ChannelOut,
    SyncScheduled,
)
from gateway.errors import ProblemError
from gateway.schemas import PageOut
from gateway.state import State
from services.kernel.errors import InvalidArgument

router = APIRouter(prefix="/channels", tags=["channels"])

START_AGAIN = "start again with POST /v1/channels/avito/authorize"


@router.post("/avito", status_code=201, response_model=ChannelOut,
             responses={409: {"description": "This Avito account is already connected"},
                        422: {"description": "Avito rejected the credentials"}})
async def connect_avito(body: ConnectAvito, principal: Admin, state: State) -> ChannelOut:
    """Validate the credentials with Avito, store them encrypted and subscribe the webhook.

    The response's `webhook_url` is shown in full only here."""
    return ChannelOut.from_proto(await management.connect_avito(state, principal.tenant_id, body))


@router.post("/telegram", status_code=201, response_model=ChannelOut,
             responses={**AUTH_PROBLEMS, **problem_responses(409, 422, 503)})
async def connect_telegram(body: ConnectTelegram, principal: Admin, state: State) -> ChannelOut:
    """Connect a Telegram bot as a customer channel (kind `telegram`): buyers' private messages
    to it become conversations, replies go back through it. The token is checked with getMe and
    stored encrypted; the webhook is set with a secret. 409 when another account (or this one)
    uses the bot already, as a channel or a console bot: a bot has one webhook."""
    return ChannelOut.from_proto(await management.connect_telegram(state, principal.tenant_id,
                                                                   body))


@router.get("/{channel_id}/files/{file_id}", response_class=Response,
            responses={200: {"content": {"application/octet-stream": {}},
                             "description": "The file's bytes"},
                       **AUTH_PROBLEMS, **problem_responses(404, 409, 503)})
async def channel_file(channel_id: str, file_id: str, principal: Reader,
                       state: State) -> Response:
    """A file a buyer sent to a Telegram channel (an attachment's `url` points here): read from
    Telegram by the server, whose file links would reveal the bot's token."""
    found = await state.channels.get_telegram_file(principal.tenant_id, channel_id, file_id)
    # Shown inline only when it cannot run script in our origin (no HTML, no SVG).
    inline = found.mime_type.startswith(("image/", "audio/", "video/")) \
        and "svg" not in found.mime_type
    mime = found.mime_type if inline else "application/octet-stream"
    disposition = f"{'inline' if inline else 'attachment'}; " \
                  f"filename*=UTF-8''{quote(found.file_name)}"
    return Response(found.content, media_type=mime, headers={
        "Content-Disposition": disposition, "Cache-Control": "private, max-age=3600",
        "X-Content-Type-Options": "nosniff"})


@router.get("", response_model=ChannelList)
async def list_channels(principal: Reader, state: State,
                        limit: Annotated[int, Query(ge=1, le=100)] = 50,
                        cursor: str = "") -> ChannelList:
    resp = await state.channels.list_channels(principal.tenant_id, page_size=limit, cursor=cursor)
    return ChannelList(items=[ChannelOut.from_proto(c) for c in resp.channels],
                       page=PageOut.from_proto(resp.page_info))


@router.get("/{channel_id}", response_model=ChannelOut, responses={404: {"description": "Not found"}})
async def get_channel(channel_id: str, principal: Reader, state: State) -> ChannelOut:
    return ChannelOut.from_proto(await state.channels.get_channel(principal.tenant_id, channel_id))


@router.post("/{channel_id}/sync", status_code=202, response_model=SyncScheduled,
             responses={404: {"description": "Not found"},
                        409: {"description": "The channel is disconnected"}})
async def sync_channel(channel_id: str, principal: Writer, state: State) -> SyncScheduled:
    """Reconcile now: fetch the chats updated since the last sync and import their messages."""
    resp = await state.channels.sync_channel(principal.tenant_id, channel_id)
    return SyncScheduled(scheduled_for=resp.scheduled_for.ToDatetime(tzinfo=UTC))


@router.post("/avito/authorize", response_model=AuthorizationOut,
             responses={**AUTH_PROBLEMS, **problem_responses(409, 422)})
async def authorize_avito(body: StartAuthorization, principal: Admin,
                          state: State) -> AuthorizationOut:
    """Start connecting an Avito account through the platform's partner app (no client_secret
    needed). 409 when no partner app is configured on this installation."""
    resp = await management.start_avito_authorization(state, principal.tenant_id, body)
    return AuthorizationOut(authorization_url=resp.authorization_url, state=resp.state,
                            expires_at=resp.expires_at.ToDatetime(tzinfo=UTC))


@router.get("/avito/oauth/callback", response_model=ChannelOut,
            responses={200: {"content": {"text/html": {}}}, **problem_responses(400, 503)})
async def avito_oauth_callback(
        request: Request, state: State, code: str = "",
        oauth_state: Annotated[str, Query(alias="state")] = "", error: str = "",
        error_description: str = "") -> Response:
    """Where Avito redirects the seller's browser after consent. No authentication: the
    single-use `state` is the credential. JSON by default, a short page for browsers."""
    if error:
        reason = f"{error}: {error_description}" if error_description else error
        raise ProblemError(400, f"Avito did not grant access ({reason}). The seller has to allow "
                                f"access on Avito's page: {START_AGAIN}")
    if not code or not oauth_state:
        raise ProblemError(400, f"the callback needs `code` and `state` from Avito: {START_AGAIN}")
    try:
        resp = await state.channels.complete_avito_authorization(oauth_state, code)
    except InvalidArgument as exc:
        raise ProblemError(400, exc.message) from None
    channel = ChannelOut.from_proto(resp.channel)
    # A public page: the webhook token stays out of it (the webhook is already registered).
    channel.webhook_url = channel.webhook_url.rsplit("/", 1)[0] + "/****"
    if "text/html" in request.headers.get("accept", ""):
        return HTMLResponse(_connected_page(channel))
    return JSONResponse(channel.model_dump(mode="json"))


def _connected_page(channel: ChannelOut) -> str:
    name = html.escape(channel.external_account_name or channel.name)
    return ("<!doctype html><html lang=\"en\"><meta charset=\"utf-8\">"
            f"<title>Avito account connected</title><body><p>Avito account {name} connected, "
            "you can close this tab.</p></body></html>")


@router.put("/{channel_id}/webhook", response_model=ChannelOut,
            responses={**AUTH_PROBLEMS, **problem_responses(404, 409, 422, 503)})
async def set_webhook(channel_id: str, body: WebhookSettings, principal: Admin,
                      state: State) -> ChannelOut:
    """Switch webhook deliveries on or off and set the signing secret; Avito's subscription
    list is reconciled with the result. A new secret applies on this gateway at once and on
    other replicas within `SWITCHBOARD_AUTH_CACHE_TTL_S` (30 s by default)."""
    return ChannelOut.from_proto(
        await management.set_webhook(state, principal.tenant_id, channel_id, body))


@router.get("/{channel_id}/diagnostics", response_model=ChannelDiagnosticsOut,
            responses={**AUTH_PROBLEMS, **problem_responses(404)})
async def channel_diagnostics(channel_id: str, principal: Reader,
                              state: State) -> ChannelDiagnosticsOut:
    """What is wrong with the channel and how to fix it: public URL, credentials, Messenger
    access (tariff), webhook subscription, last webhook, last sync, and the AI agent."""
    resp = await channel_diagnostics_of(state, principal.tenant_id, channel_id)
    return ChannelDiagnosticsOut.from_proto(resp)


@router.delete("/{channel_id}", response_model=ChannelOut,
               responses={**AUTH_PROBLEMS, **problem_responses(404)})
async def disconnect_channel(channel_id: str, principal: Admin, state: State) -> ChannelOut:
    """Unsubscribe the webhook (best effort), stop sync and sending; conversations and their
    history stay. Connecting the same Avito account again re-activates this channel."""
    return ChannelOut.from_proto(
        await management.disconnect(state, principal.tenant_id, channel_id))
