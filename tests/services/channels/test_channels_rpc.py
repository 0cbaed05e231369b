"""ChannelsService over real gRPC: connecting Avito accounts, reading them, tenant isolation,
and tenant-less webhook resolution."""

from __future__ import annotations

import hashlib
import uuid

import pytest
from sqlalchemy import select

from clients.rpc.base import open_channel
from clients.rpc.channels import ChannelsClient
from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2 as pb
from clients.rpc.gen.switchboard.channels.v1 import events_pb2 as ev
from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from services.channels.models import ChannelAccount
from services.kernel.db import Database
from services.kernel.errors import (
    Conflict,
    InvalidArgument,
    NotFound,
    Unauthenticated,
)
from services.kernel.runtime import ServiceRuntime
from services.kernel.wire import Caller
from tests.services.channels.conftest import Avito, WebhookSink, connect_avito

WRONG = Caller("gateway", "wrong-token")


async def test_connect_checks_the_credentials_first(
        channels: ChannelsClient, avito: Avito, tenant_a: uuid.UUID) -> None:
    account = await avito.account()
    with pytest.raises(InvalidArgument, match="Avito rejected the client_id/client_secret"):
        await channels.connect_avito_account(tenant_a, pb.ConnectAvitoAccountRequest(
            name="Shop", client_id=account["client_id"], client_secret="not-the-secret",
            subscribe_webhook=True))
    with pytest.raises(InvalidArgument, match="name is required"):
        await channels.connect_avito_account(tenant_a, pb.ConnectAvitoAccountRequest(
            name=" ", client_id=account["client_id"], client_secret=account["client_secret"]))
    assert list((await channels.list_channels(tenant_a)).channels) == []
    subscriptions = (await avito.http.get("/_emulator/accounts")).json()["accounts"]
    assert next(a for a in subscriptions if a["user_id"] == account["user_id"])[
        "subscriptions"] == []


async def test_connect_saves_encrypted_and_announces(
        channels: ChannelsClient, avito: Avito, webhook_sink: WebhookSink, stack_db: Database,
        tenant_a: uuid.UUID, listen) -> None:  # type: ignore[no-untyped-def]
    connected = await listen(f"sb.channels.{tenant_a}.channel.connected")
    channel, account = await connect_avito(channels, avito, tenant_a, subscribe_webhook=True,
                                           signing_secret="hmac-key")
    assert channel.kind == common.CHANNEL_KIND_AVITO
    assert channel.status == pb.CHANNEL_STATUS_ACTIVE
    assert channel.external_account_id == str(account["user_id"])
    assert channel.external_account_name == account["name"]
    prefix = f"{webhook_sink.url}/webhooks/avito/{channel.id}/"
    assert channel.webhook_url.startswith(prefix)
    token = channel.webhook_url.removeprefix(prefix)
    assert len(token) >= 40 and channel.webhook_subscribed
    emulated = (await avito.http.get("/_emulator/accounts")).json()["accounts"]
    assert next(a for a in emulated if a["user_id"] == account["user_id"])[
        "subscriptions"] == [channel.webhook_url]

    async with stack_db.unit_of_work(tenant_a) as session:
        row = await session.scalar(select(ChannelAccount))
    assert row is not None
    assert row.webhook_token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    for secret in (account["client_secret"].encode(), token.encode(), b"hmac-key"):
        assert secret not in row.client_secret_enc + row.webhook_token_enc + (
            row.signing_secret_enc or b"")
    assert row.access_token_enc is not None  # the checked token is kept for the first send

    [msg] = await connected.wait(1)
    event = ev.ChannelConnected.FromString(msg.data)
    assert (event.channel_id, event.external_account_id) == (channel.id, channel.external_account_id)

    with pytest.raises(Conflict, match="already connected"):
        await channels.connect_avito_account(tenant_a, pb.ConnectAvitoAccountRequest(
            name="Again", client_id=account["client_id"], client_secret=account["client_secret"]))


async def test_list_get_batch_and_isolation(
        channels: ChannelsClient, avito: Avito, tenant_a: uuid.UUID,
        tenant_b: uuid.UUID) -> None:
    created = [(await connect_avito(channels, avito, tenant_a, name=f"Shop {i}"))[0]
               for i in range(3)]
    ids = [c.id for c in created]

    first = await channels.list_channels(tenant_a, page_size=2)
    assert [c.id for c in first.channels] == ids[:2] and first.page_info.has_more
    second = await channels.list_channels(tenant_a, page_size=2,
                                          cursor=first.page_info.next_cursor)
    assert [c.id for c in second.channels] == ids[2:] and not second.page_info.has_more
    assert all(c.webhook_url.endswith(f"/webhooks/avito/{c.id}/****")
               for c in [*first.channels, *second.channels])

    got = await channels.get_channel(tenant_a, ids[1])
    assert (got.name, got.webhook_url) == ("Shop 1", created[1].webhook_url.rsplit("/", 1)[0]
                                           + "/****")
    assert got.created_at.seconds > 0
    batch = await channels.batch_get_channels(tenant_a, [ids[2], str(uuid.uuid4()), ids[0]])
    assert [c.id for c in batch] == [ids[2], ids[0]]
    with pytest.raises(InvalidArgument):
        await channels.batch_get_channels(tenant_a, ["not-a-uuid"])
    with pytest.raises(InvalidArgument, match="cursor"):
        await channels.list_channels(tenant_a, cursor="garbage")

    # Tenant B sees none of it.
    with pytest.raises(NotFound):
        await channels.get_channel(tenant_b, ids[0])
    assert list((await channels.list_channels(tenant_b)).channels) == []
    assert await channels.batch_get_channels(tenant_b, ids) == []


async def test_resolve_webhook_is_tenantless_but_authenticated(
        channels: ChannelsClient, avito: Avito, runtime: ServiceRuntime,
        tenant_a: uuid.UUID) -> None:
    channel, _ = await connect_avito(channels, avito, tenant_a, signing_secret="s3cr3t")
    token = channel.webhook_url.rsplit("/", 1)[1]
    resolved = await channels.resolve_webhook(channel.id)
    assert resolved.tenant_id == str(tenant_a)
    assert resolved.kind == common.CHANNEL_KIND_AVITO
    assert resolved.status == pb.CHANNEL_STATUS_ACTIVE
    assert resolved.webhook_token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    assert resolved.signing_secret == "s3cr3t"

    plain, _ = await connect_avito(channels, avito, tenant_a)
    assert (await channels.resolve_webhook(plain.id)).signing_secret == ""
    for unknown in (str(uuid.uuid4()), "garbage"):
        with pytest.raises(NotFound):
            await channels.resolve_webhook(unknown)

    grpc_channel = open_channel(runtime.grpc.address)
    try:
        with pytest.raises(Unauthenticated):
            await ChannelsClient(grpc_channel, WRONG).resolve_webhook(channel.id)
        with pytest.raises(Unauthenticated):  # a tenant header does not replace the credential
            await ChannelsClient(grpc_channel, WRONG).get_channel(tenant_a, channel.id)
    finally:
        await grpc_channel.close()
