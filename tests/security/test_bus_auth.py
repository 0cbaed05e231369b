"""Issue #19, "The bus has no authentication" and "one shared gRPC service token": probes as
someone inside the network would make them. Anonymous NATS clients are refused; a component's
NATS user may publish and read exactly what clients/rpc/permissions.py gives it (the gateway
forges no conversation event and reads no subject, the agent forges no webhook, the bot runner
only reads its updates, nobody but the admin manages streams or takes another's consumer); a
gRPC caller is known by its own token, a service serves only the callers that need it, and
an RPC held to one caller (the bot runner's credentials) serves that caller alone.

The probes use raw clients (nats-py, grpc with plain metadata), not the platform's wrappers,
as an intruder would; each refusal is the server's own answer (an -ERR for a NATS subject, a
status for gRPC), and every absence is checked after it arrived."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import grpc
import nats
import pytest
from nats.aio.client import Client as NatsClient

from clients.rpc import topics
from clients.rpc.gen.switchboard.channels.v1 import events_pb2 as channel_events
from clients.rpc.gen.switchboard.conversations.v1 import events_pb2 as conversation_events
from services.kernel.bus import Bus
from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform

# What a service's path starts with, and one of its RPCs any tenant may call.
SERVICE_RPCS = {
    "conversations": "/switchboard.conversations.v1.ConversationsService/ListConversations",
    "channels": "/switchboard.channels.v1.ChannelsService/ListChannels",
    "agent": "/switchboard.agent.v1.AgentService/GetUsage",
    # Tenant-less, held to the bot runner's caller (permissions.OWN_RPCS).
    "telegram_credentials":
        "/switchboard.channels.v1.ChannelsService/ListTelegramBotCredentials",
}
SERVED_BY = {"telegram_credentials": "channels"}
REFUSED = {grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.PERMISSION_DENIED}


class Probe:
    """A NATS connection as `user` (anonymous without a login) that keeps what the server
    refused it."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.nc: NatsClient | None = None

    async def connect(self, url: str, login: dict[str, str], user: str = "") -> Probe:
        async def on_error(error: Exception) -> None:
            self.errors.append(str(error).lower())

        extra: dict[str, Any] = {"inbox_prefix": f"_INBOX.{user}"} if user and login else {}
        self.nc = await nats.connect(url, **login, **extra, error_cb=on_error,
                                     allow_reconnect=False, connect_timeout=3)
        return self

    async def refused(self, what: str, subject: str) -> None:
        """Wait for the server's "Permissions Violation for <what> to <subject>"."""
        expected = f'permissions violation for {what} to "{subject.lower()}"'

        async def said() -> bool:
            return any(expected in error for error in self.errors)
        await eventually(said, within=5)

    async def close(self) -> None:
        if self.nc is not None:
            await self.nc.close()


@pytest.fixture
async def probes(nats_url: str, credentials: Any) -> AsyncIterator[Any]:
    opened: list[Probe] = []

    async def as_user(user: str) -> Probe:
        probe = await Probe().connect(nats_url, credentials.nats_login(user), user)
        opened.append(probe)
        return probe

    yield as_user
    for probe in opened:
        await probe.close()


async def stored(bus: Bus, stream: str, subject: str) -> int:
    info = await bus.js.stream_info(stream, subjects_filter=subject)
    return (info.state.subjects or {}).get(subject, 0)


async def test_an_anonymous_client_is_refused(nats_url: str) -> None:
    with pytest.raises(nats.errors.Error, match="Authorization Violation"):
        nc = await nats.connect(nats_url, allow_reconnect=False, connect_timeout=3)
        await nc.close()


async def test_a_wrong_password_is_refused(nats_url: str) -> None:
    with pytest.raises(nats.errors.Error, match="Authorization Violation"):
        nc = await nats.connect(nats_url, user="gateway", password="guessed",
                                allow_reconnect=False, connect_timeout=3)
        await nc.close()


async def test_the_gateway_forges_no_conversation_event(probes: Any, bus: Bus) -> None:
    gateway, tenant = await probes("gateway"), uuid.uuid4()
    forged = conversation_events.MessageReceived().SerializeToString()
    subject = topics.MESSAGE_RECEIVED.subject(tenant)
    await gateway.nc.publish(subject, forged, headers={"Nats-Msg-Id": f"forged-{uuid.uuid4()}"})
    await gateway.refused("publish", subject)
    assert await stored(bus, topics.CONVERSATIONS.name, subject) == 0
    # ... while what it is there for goes through.
    own = topics.AVITO_WEBHOOK_RECEIVED.subject(tenant)
    ack = await gateway.nc.jetstream().publish(
        own, channel_events.WebhookReceived().SerializeToString(),
        headers={"Nats-Msg-Id": f"own-{uuid.uuid4()}"})
    assert ack.stream == topics.WEBHOOKS.name and await stored(bus, ack.stream, own) == 1


@pytest.mark.parametrize("subject", [">", "sb.>", "sb.conversations.>", "_INBOX.>",
                                     "_INBOX.channels.>"])
async def test_the_gateway_reads_no_subject(probes: Any, subject: str) -> None:
    gateway = await probes("gateway")
    await gateway.nc.subscribe(subject)
    await gateway.refused("subscription", subject)


async def test_the_agent_forges_no_webhook(probes: Any, bus: Bus) -> None:
    agent, tenant = await probes("agent"), uuid.uuid4()
    for topic in (topics.AVITO_WEBHOOK_RECEIVED, topics.AVITO_WEBHOOK_OVERFLOW):
        subject = topic.subject(tenant)
        await agent.nc.publish(subject, channel_events.WebhookReceived(
            body=b'{"payload": {"type": "message"}}').SerializeToString())
        await agent.refused("publish", subject)
        assert await stored(bus, topics.WEBHOOKS.name, subject) == 0


@pytest.mark.parametrize("user", ["gateway", "conversations", "channels", "agent", "telegram_bot"])
async def test_no_component_manages_streams(probes: Any, bus: Bus, user: str) -> None:
    probe = await probes(user)
    for api in (f"$JS.API.STREAM.DELETE.{topics.CONVERSATIONS.name}",
                f"$JS.API.STREAM.PURGE.{topics.WEBHOOKS.name}",
                f"$JS.API.STREAM.UPDATE.{topics.CHANNELS.name}",
                "$JS.API.STREAM.CREATE.EVIL"):
        await probe.nc.publish(api, b"{}")
        await probe.refused("publish", api)
    assert (await bus.js.stream_info(topics.CONVERSATIONS.name)).config.name


async def test_the_bot_runner_reads_its_updates_and_forges_nothing(probes: Any, bus: Bus) -> None:
    """telegram_bot: its own durable of Telegram updates, nothing else of the bus."""
    runner, tenant = await probes("telegram_bot"), uuid.uuid4()
    for topic in (topics.TELEGRAM_UPDATE_RECEIVED, topics.AVITO_WEBHOOK_RECEIVED,
                  topics.MESSAGE_RECEIVED):
        subject = topic.subject(tenant)
        await runner.nc.publish(subject, b"forged")
        await runner.refused("publish", subject)
        assert await stored(bus, topic.stream.name, subject) == 0
    webhooks = topics.CHANNELS_WEBHOOKS
    api = f"$JS.API.CONSUMER.MSG.NEXT.{webhooks.topic.stream.name}.{webhooks.name}"
    await runner.nc.publish(api, b"{}")
    await runner.refused("publish", api)
    own = topics.TELEGRAM_BOT_UPDATES
    info = await runner.nc.request(
        f"$JS.API.CONSUMER.INFO.{own.topic.stream.name}.{own.name}", b"", timeout=5)
    assert b"consumer not found" in info.data or own.name.encode() in info.data  # answered


async def test_no_component_takes_another_ones_consumer(probes: Any) -> None:
    gateway, agent = await probes("gateway"), await probes("agent")
    sender = topics.CHANNELS_SENDER
    stream = sender.topic.stream.name
    # The gateway reads SB_CONVERSATIONS through consumers of its own, never channels-sender.
    for api in (f"$JS.API.CONSUMER.MSG.NEXT.{stream}.{sender.name}",
                f"$JS.API.CONSUMER.CREATE.{stream}.{sender.name}.{sender.topic.pattern}",
                f"$JS.API.CONSUMER.DELETE.{stream}.{sender.name}"):
        await gateway.nc.publish(api, b"{}")
        await gateway.refused("publish", api)
    webhooks = topics.CHANNELS_WEBHOOKS
    for api in (f"$JS.API.CONSUMER.MSG.NEXT.{webhooks.topic.stream.name}.{webhooks.name}",
                f"$JS.ACK.{webhooks.topic.stream.name}.{webhooks.name}.1.1.1.1.1"):
        await agent.nc.publish(api, b"{}")
        await agent.refused("publish", api)


# ---- gRPC: each caller its own token, each service its own callers ------------------------


def _call(platform: RunningPlatform, service: str, caller: str, token: str) -> grpc.StatusCode:
    """One RPC of `service`, as `caller` with `token`, on a tenant of nobody's."""
    address = platform.platform.runtimes[SERVED_BY.get(service, service)].grpc.address
    with grpc.insecure_channel(address) as channel:
        rpc = channel.unary_unary(SERVICE_RPCS[service], request_serializer=lambda raw: raw,
                                  response_deserializer=lambda raw: raw)
        try:
            rpc(b"", timeout=10, metadata=[("x-switchboard-caller", caller),
                                           ("x-switchboard-service-token", token),
                                           ("x-switchboard-tenant", str(uuid.uuid4()))])
        except grpc.RpcError as exc:
            return exc.code()  # type: ignore[no-any-return]
    return grpc.StatusCode.OK


async def _status(platform: RunningPlatform, service: str, caller: str, token: str) -> grpc.StatusCode:
    return await asyncio.to_thread(_call, platform, service, caller, token)


async def test_each_caller_reaches_the_services_it_needs(platform: RunningPlatform,
                                                         credentials: Any) -> None:
    for service, callers in (("conversations", ("gateway", "channels", "agent")),
                             ("channels", ("gateway",)), ("agent", ("gateway",)),
                             ("telegram_credentials", ("telegram_bot",))):
        for caller in callers:
            status = await _status(platform, service, caller, credentials.grpc[caller])
            assert status not in REFUSED, (caller, service, status)


@pytest.mark.parametrize(("caller", "service"), [
    ("channels", "agent"), ("agent", "channels"), ("channels", "channels"),
    # The bot runner reads bot credentials and nothing else; nobody else reads those.
    ("telegram_bot", "channels"), ("telegram_bot", "conversations"), ("telegram_bot", "agent"),
    ("gateway", "telegram_credentials")])
async def test_a_caller_a_service_does_not_serve_is_refused(
        platform: RunningPlatform, credentials: Any, caller: str, service: str) -> None:
    status = await _status(platform, service, caller, credentials.grpc[caller])
    assert status == grpc.StatusCode.PERMISSION_DENIED


async def test_a_token_speaks_for_its_own_caller_only(platform: RunningPlatform,
                                                     credentials: Any) -> None:
    """The agent's token, leaked, does not pass for the gateway's (which reads every service)."""
    for service in SERVICE_RPCS:
        assert await _status(platform, service, "gateway", credentials.grpc["agent"]) \
            == grpc.StatusCode.UNAUTHENTICATED


@pytest.mark.parametrize(("caller", "token"), [("gateway", "wrong"), ("gateway", ""),
                                               ("", "wrong"), ("nobody", "wrong")])
async def test_a_wrong_or_unknown_caller_is_refused(platform: RunningPlatform, caller: str,
                                                    token: str) -> None:
    for service in SERVICE_RPCS:
        assert await _status(platform, service, caller, token) == grpc.StatusCode.UNAUTHENTICATED
