"""REST: managing channel accounts — connecting through Avito's consent page (authorization-code
flow), webhook on/off and signing secret, diagnostics, disconnecting."""

from __future__ import annotations

import html
from datetime import UTC, datetime
from typing import Annotated, Self

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, model_validator

from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2 as pb
from gateway.auth import AUTH_PROBLEMS, Admin, Reader, problem_responses
from gateway.diagnostics import channel_diagnostics as channel_diagnostics_of
from gateway.errors import ProblemError
from gateway.rest.channels import sandbox_api_url
from gateway.rest.schemas import ChannelDiagnosticsOut, ChannelOut
from gateway.state import GatewayState, get_state
from services.kernel.errors import InvalidArgument

router = APIRouter(prefix="/channels", tags=["channels"])
State = Annotated[GatewayState, Depends(get_state)]

START_AGAIN = "start again with POST /v1/channels/avito/authorize"


class StartAuthorization(BaseModel):
    name: str = Field(min_length=1, max_length=255, description="Your name for this shop")
    sandbox: bool = Field(default=False, description="Consent on the Avito emulator (sandbox)")


class AuthorizationOut(BaseModel):
    authorization_url: str = Field(description=(
        "Send the seller here: they log in to Avito and allow access, then Avito redirects "
        "their browser to /v1/channels/avito/oauth/callback, which connects the account"))
    state: str = Field(description="Single-use; it comes back in the callback")
    expires_at: datetime


@router.post("/avito/authorize", response_model=AuthorizationOut,
             responses={**AUTH_PROBLEMS, **problem_responses(409, 422)})
async def authorize_avito(body: StartAuthorization, principal: Admin,
                          state: State) -> AuthorizationOut:
    """Start connecting an Avito account through the platform's partner app (no client_secret
    needed). 409 when no partner app is configured on this installation."""
    resp = await state.channels.start_avito_authorization(
        principal.tenant_id, pb.StartAvitoAuthorizationRequest(
            name=body.name, api_base_url=sandbox_api_url(state, body.sandbox),
            public_base_url=state.settings.public_base_url))
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


class WebhookSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool | None = Field(default=None, description=(
        "Subscribe (true) or unsubscribe (false) the channel's webhook URL on Avito"))
    signing_secret: str | None = Field(default=None, max_length=255, description=(
        "HMAC key for X-Avito-Messenger-Signature; an empty string clears it"))

    @model_validator(mode="after")
    def _something_to_change(self) -> Self:
        if self.enabled is None and self.signing_secret is None:
            raise ValueError("give `enabled`, `signing_secret` or both")
        return self


@router.put("/{channel_id}/webhook", response_model=ChannelOut,
            responses={**AUTH_PROBLEMS, **problem_responses(404, 409, 422, 503)})
async def set_webhook(channel_id: str, body: WebhookSettings, request: Request,
                      principal: Admin, state: State) -> ChannelOut:
    """Switch webhook deliveries on or off and set the signing secret; Avito's subscription
    list is reconciled with the result. A new secret applies on this gateway at once and on
    other replicas within `SWITCHBOARD_AUTH_CACHE_TTL_S` (30 s by default)."""
    try:
        channel = await state.channels.set_webhook(principal.tenant_id, channel_id,
                                                   enabled=body.enabled,
                                                   signing_secret=body.signing_secret)
    finally:  # even when Avito failed after the setting was saved
        request.app.state.webhook_resolver.forget(channel_id)
    return ChannelOut.from_proto(channel)


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
async def disconnect_channel(channel_id: str, request: Request, principal: Admin,
                             state: State) -> ChannelOut:
    """Unsubscribe the webhook (best effort), stop sync and sending; conversations and their
    history stay. Connecting the same Avito account again re-activates this channel."""
    try:
        channel = await state.channels.disconnect_channel(principal.tenant_id, channel_id)
    finally:
        request.app.state.webhook_resolver.forget(channel_id)
    return ChannelOut.from_proto(channel)
