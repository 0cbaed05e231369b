"""Managing Avito accounts over real gRPC against the emulator: the authorization-code flow
and refresh-token rotation (also under concurrency, across two "replicas"), webhook on/off
reconciled with Avito's subscription list, diagnostics, disconnecting and reconnecting."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import func, select, update

from clients.rpc.channels import ChannelsClient
from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2 as pb
from clients.rpc.gen.switchboard.channels.v1 import events_pb2 as ev
from services.channels.accounts.oauth import AvitoAuthorization
from services.channels.accounts.tokens import persisted_rotation, token_persister
from services.channels.avito.client import AvitoClient
from services.channels.avito.pool import AvitoClients
from services.channels.config import ChannelsSettings
from services.channels.models import ChannelAccount, OAuthState, OutboxEvent, SyncState
from services.channels.repository import ChannelsUnit
from services.kernel.crypto import SecretBox
from services.kernel.db import Database
from services.kernel.errors import FailedPrecondition, InvalidArgument, NotFound
from services.kernel.outbox import Outbox
from services.kernel.unit import Units
from tests.services.channels.conftest import Avito, WebhookSink, connect_avito


@pytest.fixture(scope="module")
async def partner_app(avito: Avito, webhook_sink: WebhookSink) -> dict[str, Any]:
    return await avito._ok("POST", "/_emulator/apps", json={
        "redirect_uri": f"{webhook_sink.url}/v1/channels/avito/oauth/callback"})


@pytest.fixture(scope="module")
def channels_settings(channels_settings: ChannelsSettings, avito: Avito,
                      partner_app: dict[str, Any]) -> ChannelsSettings:
    """The conftest's settings plus the platform's partner app, registered on the emulator."""
    return channels_settings.model_copy(update={
        "avito_oauth_client_id": partner_app["client_id"],
        "avito_oauth_client_secret": SecretStr(partner_app["client_secret"]),
        "avito_oauth_url": f"{avito.url}/oauth"})


@pytest.fixture(scope="module")
def box(channels_settings: ChannelsSettings) -> SecretBox:
    return SecretBox(channels_settings.secret_key.get_secret_value())


async def consent(avito: Avito, authorization_url: str, user_id: int) -> dict[str, str]:
    """The seller allows access on the emulator's consent page: where Avito redirects to."""
    resp = await avito.http.get(f"{authorization_url}&user_id={user_id}", follow_redirects=False)
    assert resp.status_code == 302, resp.text
    return {k: v[0] for k, v in parse_qs(urlsplit(resp.headers["location"]).query).items()}


async def authorize(channels: ChannelsClient, avito: Avito, tenant_id: uuid.UUID,
                    account: dict[str, Any] | None = None,
                    name: str = "Через приложение") -> tuple[pb.Channel, dict[str, Any]]:
    account = account or await avito.account(items=[{"title": "Шкаф", "price": 9000}])
    started = await channels.start_avito_authorization(
        tenant_id, pb.StartAvitoAuthorizationRequest(name=name))
    back = await consent(avito, started.authorization_url, account["user_id"])
    done = await channels.complete_avito_authorization(back["state"], back["code"])
    assert done.tenant_id == str(tenant_id)
    return done.channel, account


async def stored(db: Database, tenant_id: uuid.UUID, channel_id: str) -> ChannelAccount:
    async with db.unit_of_work(tenant_id) as session:
        row = await session.scalar(select(ChannelAccount).where(
            ChannelAccount.id == uuid.UUID(channel_id)))
    assert row is not None
    return row


async def subscriptions(avito: Avito, user_id: int) -> list[str]:
    accounts = (await avito.http.get("/_emulator/accounts")).json()["accounts"]
    return next(a for a in accounts if a["user_id"] == user_id)["subscriptions"]


async def refresh_token_works(avito: Avito, app: dict[str, Any], refresh_token: str) -> bool:
    resp = await avito.http.post("/token", data={
        "grant_type": "refresh_token", "client_id": app["client_id"],
        "client_secret": app["client_secret"], "refresh_token": refresh_token})
    return resp.status_code == 200


async def test_authorization_code_flow_connects_the_consenting_account(
        channels: ChannelsClient, avito: Avito, webhook_sink: WebhookSink, stack_db: Database,
        box: SecretBox, partner_app: dict[str, Any], tenant_a: uuid.UUID, listen) -> None:  # type: ignore[no-untyped-def]
    connected = await listen(f"sb.channels.{tenant_a}.channel.connected")
    started = await channels.start_avito_authorization(
        tenant_a, pb.StartAvitoAuthorizationRequest(name="Через приложение"))
    url = urlsplit(started.authorization_url)
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{avito.url}/oauth"
    assert query == {"response_type": "code", "pro_users_flow": "true",
                     "client_id": partner_app["client_id"], "state": started.state,
                     "scope": "messenger:read,messenger:write,items:info,user:read,stats:read,"
                              "user_balance:read"}
    assert ",messenger:write," in started.authorization_url  # commas as Avito shows them
    assert started.expires_at.seconds > 0

    account = await avito.account(items=[{"title": "Шкаф", "price": 9000}])
    back = await consent(avito, started.authorization_url, account["user_id"])
    assert back["state"] == started.state
    done = await channels.complete_avito_authorization(back["state"], back["code"])
    channel = done.channel
    assert (done.tenant_id, channel.name) == (str(tenant_a), "Через приложение")
    assert channel.auth_kind == pb.AUTH_KIND_AUTHORIZATION_CODE
    assert channel.external_account_id == str(account["user_id"])
    assert channel.status == pb.CHANNEL_STATUS_ACTIVE
    assert channel.webhook_enabled and channel.webhook_subscribed
    assert channel.webhook_url.startswith(f"{webhook_sink.url}/webhooks/avito/{channel.id}/")
    assert await subscriptions(avito, account["user_id"]) == [channel.webhook_url]
    [msg] = await connected.wait(1)
    assert ev.ChannelConnected.FromString(msg.data).channel_id == channel.id

    row = await stored(stack_db, tenant_a, channel.id)
    assert row.client_id == partner_app["client_id"]
    assert row.refresh_token_enc is not None and row.access_token_enc is not None
    async with stack_db.unit_of_work(tenant_a) as session:
        state = await session.scalar(select(OAuthState))
    assert state is not None and state.used_at is not None
    assert state.state_sha256 == hashlib.sha256(started.state.encode()).hexdigest()  # hash only

    for reused in ((back["state"], back["code"]), (back["state"], "other-code")):
        with pytest.raises(InvalidArgument, match="already used or has expired"):
            await channels.complete_avito_authorization(*reused)
    fresh = await channels.start_avito_authorization(
        tenant_a, pb.StartAvitoAuthorizationRequest(name="Ещё раз"))
    with pytest.raises(InvalidArgument, match="refused the authorization code"):
        await channels.complete_avito_authorization(fresh.state, back["code"])  # spent code
    with pytest.raises(InvalidArgument, match="unknown authorization state"):
        await channels.complete_avito_authorization("made-up", back["code"])


async def test_an_expired_state_is_refused(channels: ChannelsClient, avito: Avito,
                                           stack_db: Database, tenant_a: uuid.UUID) -> None:
    started = await channels.start_avito_authorization(
        tenant_a, pb.StartAvitoAuthorizationRequest(name="Поздно"))
    account = await avito.account()
    back = await consent(avito, started.authorization_url, account["user_id"])
    async with stack_db.unit_of_work(tenant_a) as session:
        await session.execute(update(OAuthState).values(expires_at=OAuthState.created_at))
    with pytest.raises(InvalidArgument, match="expired"):
        await channels.complete_avito_authorization(back["state"], back["code"])
    assert list((await channels.list_channels(tenant_a)).channels) == []


async def test_without_a_partner_app_the_flow_says_how_to_set_one_up(
        channels_settings: ChannelsSettings, box: SecretBox) -> None:
    bare = channels_settings.model_copy(update={"avito_oauth_client_id": ""})
    async with httpx.AsyncClient() as http:
        flow = AvitoAuthorization(bare, box, AvitoClients(http, bare, box))
        with pytest.raises(FailedPrecondition, match="SWITCHBOARD_AVITO_OAUTH_CLIENT_ID"):
            await flow.start(None, "Shop", "", "")  # type: ignore[arg-type]  # refused first


async def park_sync(db: Database, tenant_id: uuid.UUID, channel_id: str) -> None:
    """Keep the sync scheduler (a third replica here) away from the account in this test."""
    async with db.unit_of_work(tenant_id) as session:
        await session.execute(update(SyncState).where(
            SyncState.channel_id == uuid.UUID(channel_id)).values(
            next_due_at=func.now() + timedelta(hours=1)))


@pytest.fixture
async def replicas(stack_db: Database, box: SecretBox,
                   channels_settings: ChannelsSettings) -> AsyncIterator[list[AvitoClients]]:
    """Two client pools on the same database: two replicas of the channels service."""
    units = Units(stack_db, ChannelsUnit, Outbox(OutboxEvent))
    async with httpx.AsyncClient(timeout=10) as http:
        yield [AvitoClients(http, channels_settings, box, token_persister(units, box),
                            persisted_rotation(units, box)) for _ in range(2)]


def count_refreshes(client: AvitoClient, calls: list[str]) -> None:
    spend = client.refresh_tokens

    async def counted(refresh_token: str) -> Any:
        calls.append(refresh_token)
        return await spend(refresh_token)
    client.refresh_tokens = counted  # type: ignore[method-assign]


async def test_concurrent_calls_with_an_expired_token_share_one_rotation(
        channels: ChannelsClient, avito: Avito, stack_db: Database, box: SecretBox,
        partner_app: dict[str, Any], replicas: list[AvitoClients], tenant_a: uuid.UUID) -> None:
    channel, account = await authorize(channels, avito, tenant_a)
    await park_sync(stack_db, tenant_a, channel.id)
    before = await stored(stack_db, tenant_a, channel.id)
    assert before.refresh_token_enc is not None
    first_refresh = box.decrypt(before.refresh_token_enc)
    clients = [pool.for_account(before) for pool in replicas]
    spent: list[str] = []
    for client in clients:
        count_refreshes(client, spent)

    await avito._ok("POST", "/_emulator/faults", json={"expire_tokens": True})
    results = await asyncio.gather(*(client.accounts_self() for client in clients for _ in range(3)))
    assert {r["id"] for r in results} == {account["user_id"]}
    assert spent == [first_refresh]  # one rotation for six callers on two replicas

    after = await stored(stack_db, tenant_a, channel.id)
    assert after.refresh_token_enc is not None
    rotated = box.decrypt(after.refresh_token_enc)
    assert rotated != first_refresh
    assert not await refresh_token_works(avito, partner_app, first_refresh)  # single-use
    # The rotated token is the live one: the account keeps working after the next expiry.
    await avito._ok("POST", "/_emulator/faults", json={"expire_tokens": True})
    assert (await clients[1].accounts_self())["id"] == account["user_id"]
    assert len(spent) == 2 and spent[1] == rotated


async def test_webhook_switches_reconcile_with_avitos_list(
        channels: ChannelsClient, avito: Avito, stack_db: Database, box: SecretBox,
        tenant_a: uuid.UUID) -> None:
    channel, account = await connect_avito(channels, avito, tenant_a, subscribe_webhook=True)
    user_id = account["user_id"]
    assert channel.webhook_enabled and not channel.signing_secret_set

    off = await channels.set_webhook(tenant_a, channel.id, enabled=False)
    assert (off.webhook_enabled, off.webhook_subscribed) == (False, False)
    assert await subscriptions(avito, user_id) == []

    # Someone registered an old URL of this channel and it is missing ours: both get fixed.
    token = await avito_token(avito, account)
    stale = channel.webhook_url.rsplit("/", 1)[0] + "/old-token"
    await avito.http.post("/messenger/v3/webhook", json={"url": stale},
                          headers={"Authorization": f"Bearer {token}"})
    on = await channels.set_webhook(tenant_a, channel.id, enabled=True, signing_secret="hmac")
    assert (on.webhook_enabled, on.webhook_subscribed, on.signing_secret_set) == (True, True, True)
    assert await subscriptions(avito, user_id) == [channel.webhook_url]
    row = await stored(stack_db, tenant_a, channel.id)
    assert row.signing_secret_enc is not None and box.decrypt(row.signing_secret_enc) == "hmac"
    assert (await channels.resolve_webhook(channel.id)).signing_secret == "hmac"

    cleared = await channels.set_webhook(tenant_a, channel.id, signing_secret="")
    assert not cleared.signing_secret_set and cleared.webhook_subscribed
    with pytest.raises(InvalidArgument, match="update_fields"):
        await channels.set_webhook(tenant_a, channel.id)
    with pytest.raises(NotFound):
        await channels.set_webhook(tenant_a, str(uuid.uuid4()), enabled=True)


async def avito_token(avito: Avito, account: dict[str, Any]) -> str:
    resp = await avito.http.post("/token", data={
        "grant_type": "client_credentials", "client_id": account["client_id"],
        "client_secret": account["client_secret"]})
    return str(resp.raise_for_status().json()["access_token"])


def checks_of(resp: pb.GetChannelDiagnosticsResponse) -> dict[str, pb.DiagnosticCheck]:
    return {c.name: c for c in resp.checks}


async def test_diagnostics_report_what_is_wrong_and_how_to_fix_it(
        channels: ChannelsClient, avito: Avito, stack_db: Database, box: SecretBox,
        tenant_a: uuid.UUID) -> None:
    channel, account = await connect_avito(channels, avito, tenant_a, subscribe_webhook=True)
    good = checks_of(await channels.get_channel_diagnostics(tenant_a, channel.id))
    assert list(good) == ["public_url", "credentials", "messenger_access",
                          "webhook_subscription", "token_health", "last_webhook", "sync"]
    assert all(c.ok and not c.fix for c in good.values()), good
    assert "sandbox" in good["public_url"].message

    # Avito lost the subscription.
    token = await avito_token(avito, account)
    await avito.http.post("/messenger/v1/webhook/unsubscribe", json={"url": channel.webhook_url},
                          headers={"Authorization": f"Bearer {token}"})
    missing = checks_of(await channels.get_channel_diagnostics(tenant_a, channel.id))
    assert not missing["webhook_subscription"].ok
    assert f"PUT /v1/channels/{channel.id}/webhook" in missing["webhook_subscription"].fix

    # The tariff lapsed: the Messenger API answers 402.
    await avito._ok("PATCH", f"/_emulator/accounts/{account['user_id']}",
                    json={"messenger_access": False})
    unpaid = checks_of(await channels.get_channel_diagnostics(tenant_a, channel.id))
    assert unpaid["credentials"].ok and not unpaid["messenger_access"].ok
    assert "Максимальный" in unpaid["messenger_access"].fix
    await avito._ok("PATCH", f"/_emulator/accounts/{account['user_id']}",
                    json={"messenger_access": True})

    # A wrong secret is stored: the credentials are rejected, the rest is not checked.
    async with stack_db.unit_of_work(tenant_a) as session:
        await session.execute(update(ChannelAccount).where(
            ChannelAccount.id == uuid.UUID(channel.id)).values(
            client_secret_enc=box.encrypt("wrong"), access_token_enc=None))
    rejected = checks_of(await channels.get_channel_diagnostics(tenant_a, channel.id))
    assert not rejected["credentials"].ok
    assert rejected["credentials"].fix.startswith("reconnect the account")
    assert not rejected["messenger_access"].ok and "not checked" in \
        rejected["messenger_access"].message


async def test_disconnect_unsubscribes_and_a_reconnect_reactivates(
        channels: ChannelsClient, avito: Avito, stack_db: Database, tenant_a: uuid.UUID,
        tenant_b: uuid.UUID, listen) -> None:  # type: ignore[no-untyped-def]
    disconnected = await listen(f"sb.channels.{tenant_a}.channel.disconnected")
    channel, account = await connect_avito(channels, avito, tenant_a, subscribe_webhook=True)
    for call in (channels.disconnect_channel(tenant_b, channel.id),
                 channels.get_channel_diagnostics(tenant_b, channel.id),
                 channels.set_webhook(tenant_b, channel.id, enabled=False)):
        with pytest.raises(NotFound):
            await call

    gone = await channels.disconnect_channel(tenant_a, channel.id)
    assert gone.status == pb.CHANNEL_STATUS_DISCONNECTED and not gone.webhook_subscribed
    assert await subscriptions(avito, account["user_id"]) == []
    [msg] = await disconnected.wait(1)
    assert ev.ChannelDisconnected.FromString(msg.data).channel_id == channel.id
    row = await stored(stack_db, tenant_a, channel.id)
    assert row.disconnected_at is not None and row.access_token_enc is None
    assert (await channels.disconnect_channel(tenant_a, channel.id)).status == \
        pb.CHANNEL_STATUS_DISCONNECTED  # again: nothing changes
    assert (await channels.resolve_webhook(channel.id)).status == pb.CHANNEL_STATUS_DISCONNECTED
    with pytest.raises(FailedPrecondition, match="disconnected"):
        await channels.set_webhook(tenant_a, channel.id, enabled=True)
    diagnosis = await channels.get_channel_diagnostics(tenant_a, channel.id)
    assert [(c.name, c.ok) for c in diagnosis.checks] == [("status", False)]

    again = await channels.connect_avito_account(tenant_a, pb.ConnectAvitoAccountRequest(
        name="Снова", client_id=account["client_id"], client_secret=account["client_secret"],
        subscribe_webhook=True))
    assert again.id == channel.id and again.status == pb.CHANNEL_STATUS_ACTIVE
    assert again.webhook_url != channel.webhook_url  # a new token
    assert await subscriptions(avito, account["user_id"]) == [again.webhook_url]
    assert (await stored(stack_db, tenant_a, channel.id)).disconnected_at is None

    # The same account through the partner app, after another disconnect: the same row too.
    await channels.disconnect_channel(tenant_a, channel.id)
    authorized, _ = await authorize(channels, avito, tenant_a, account)
    assert authorized.id == channel.id
    assert authorized.auth_kind == pb.AUTH_KIND_AUTHORIZATION_CODE
    assert [c.id for c in (await channels.list_channels(tenant_a)).channels] == [channel.id]
