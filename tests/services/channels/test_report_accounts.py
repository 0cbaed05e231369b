"""Reports name the tenant's accounts as channels has them (issue #13), over the real channels
and analytics runtimes: every active account has a section, chats or not, titled with its name
(escaped in HTML); a disconnected one only when its conversations are there; a renamed one
shows its new name once the short cache has passed; channels not answering leaves a report
titled by id that says so; analytics may list accounts (the gateway still may); Avito statistics
are asked for Avito accounts only (a Telegram customer channel has its section, no refresh)."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from clients.rpc.analytics import AnalyticsClient
from clients.rpc.base import open_channel
from clients.rpc.channels import ChannelsClient
from clients.rpc.gen.switchboard.analytics.v1 import report_pb2 as rpb
from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2 as channels_pb
from services.analytics.avito.wiring import AnalyticsRuntime
from services.analytics.models import ConversationFact
from services.analytics.reports.accounts import AccountDirectory
from services.analytics.reports.service import ACCOUNTS_UNAVAILABLE, ReportService
from services.analytics.repository import AnalyticsUnit
from services.channels.config import ChannelsSettings
from services.kernel.config import KernelSettings
from services.kernel.errors import PermissionDenied
from services.kernel.runtime import ServiceRuntime
from services.kernel.unit import Units
from switchboard.credentials import Credentials
from tests.emulators.telegram.helpers import Telegram, serving
from tests.fixtures.bus import as_component
from tests.services.channels.conftest import Avito, connect_avito


@pytest.fixture(scope="module")
async def telegram() -> AsyncIterator[Telegram]:
    async with serving(limits={"enabled": False}) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def channels_settings(channels_settings: ChannelsSettings, telegram: Telegram) -> ChannelsSettings:
    return channels_settings.model_copy(update={"telegram_api_base_url": telegram.url})


SPEC = rpb.ReportSpec(metrics=["messages_in"], time_zone="UTC", period=rpb.ReportPeriod(
    range=rpb.DateRange(from_date="2026-11-30", to_date="2026-11-30")))


async def _history(analytics: AnalyticsRuntime, tenant: uuid.UUID, channel_id: str) -> None:
    """A conversation of the account as the projection holds it: a buyer waiting since."""
    at = datetime(2026, 11, 30, 10, tzinfo=UTC)
    async with Units(analytics.db, AnalyticsUnit)(tenant) as unit:
        unit.session.add(ConversationFact(
            tenant_id=tenant, conversation_id=uuid.uuid4(), channel_id=uuid.UUID(channel_id),
            started_at=at, awaiting_since=at))


async def _reconnect(channels: ChannelsClient, tenant: uuid.UUID, account: dict[str, object],
                     name: str) -> channels_pb.Channel:
    return await channels.connect_avito_account(tenant, channels_pb.ConnectAvitoAccountRequest(
        name=name, client_id=str(account["client_id"]),
        client_secret=str(account["client_secret"])))


async def test_every_active_account_has_a_section_titled_with_its_name(
        analytics: AnalyticsRuntime, reports: AnalyticsClient, channels: ChannelsClient,
        avito: Avito, tenant_a: uuid.UUID, tenant_b: uuid.UUID) -> None:
    south, _ = await connect_avito(channels, avito, tenant_a, name="Склад <Юг> & Co")
    north, _ = await connect_avito(channels, avito, tenant_a, name="Север")
    gone, _ = await connect_avito(channels, avito, tenant_a, name="Закрытый")
    kept, _ = await connect_avito(channels, avito, tenant_a, name="Архив")
    for channel in (gone, kept):
        await channels.disconnect_channel(tenant_a, channel.id)
    await _history(analytics, tenant_a, kept.id)  # disconnected, with its history
    await connect_avito(channels, avito, tenant_b, name="Чужой")

    got = await reports.render_report(tenant_a, SPEC, [rpb.REPORT_FORMAT_HTML,
                                                       rpb.REPORT_FORMAT_JSON])
    sections = {s["channel_ids"][0]: s["title"] for s in json.loads(got.json)["sections"]}
    # No chats at all for the three active ones: they are there all the same.
    assert sections == {south.id: "Склад <Юг> & Co", north.id: "Север",
                        kept.id: "Архив (отключён)"}
    assert "<b>Склад &lt;Юг&gt; &amp; Co</b>" in got.html and "<b>Север</b>" in got.html
    assert "Чужой" not in got.html and not got.partial
    combined = await reports.render_report(tenant_a, rpb.ReportSpec(
        metrics=SPEC.metrics, time_zone="UTC", period=SPEC.period, combined=True),
        [rpb.REPORT_FORMAT_JSON])
    [together] = json.loads(combined.json)["sections"]
    assert together["title"] == "Все аккаунты"
    assert sorted(together["channel_ids"]) == sorted([south.id, north.id, kept.id])


async def test_a_renamed_account_shows_its_new_name(
        analytics: AnalyticsRuntime, reports: AnalyticsClient, runtime: ServiceRuntime,
        channels: ChannelsClient, settings: KernelSettings, credentials: Credentials,
        avito: Avito, tenant_a: uuid.UUID) -> None:
    channel, account = await connect_avito(channels, avito, tenant_a, name="Старое имя")
    now = [0.0]
    cached = AccountDirectory(
        ChannelsClient(open_channel(runtime.grpc.address),
                       as_component(settings, credentials, "analytics").caller("analytics")),
        ttl_s=30, clock=lambda: now[0])
    channel_id = uuid.UUID(channel.id)
    try:
        assert (await cached.accounts(tenant_a))[channel_id].name == "Старое имя"
        # Renamed on channels: disconnected and connected again under another name (same id).
        await channels.disconnect_channel(tenant_a, channel.id)
        assert (await _reconnect(channels, tenant_a, account, "Новое имя")).id == channel.id
        now[0] = 29.0  # within the cache's time: what it read
        assert (await cached.accounts(tenant_a))[channel_id].name == "Старое имя"
        now[0] = 30.0
        assert (await cached.accounts(tenant_a))[channel_id].name == "Новое имя"
    finally:
        await cached._client.channel.close()
    got = await reports.render_report(tenant_a, SPEC, [rpb.REPORT_FORMAT_HTML])
    assert "<b>Новое имя</b>" in got.html and "Старое имя" not in got.html


async def test_channels_not_answering_titles_by_id_and_says_so(
        analytics: AnalyticsRuntime, settings: KernelSettings, credentials: Credentials,
        tenant_a: uuid.UUID) -> None:
    channel_id = uuid.uuid4()
    await _history(analytics, tenant_a, str(channel_id))
    nobody = open_channel("127.0.0.1:1")  # nothing listens there
    try:
        service = ReportService(Units(analytics.db, AnalyticsUnit), None, AccountDirectory(
            ChannelsClient(nobody, as_component(settings, credentials, "analytics")
                           .caller("analytics"), deadline_s=2)))
        report = await service.build(tenant_a, SPEC, datetime.now(UTC))
    finally:
        await nobody.close()
    assert [s.title for s in report.sections] == [f"Аккаунт {str(channel_id)[:8]}"]
    assert report.partial and report.problems == [ACCOUNTS_UNAVAILABLE]


async def test_analytics_may_list_accounts_and_the_gateway_still_may(
        runtime: ServiceRuntime, channels: ChannelsClient, settings: KernelSettings,
        credentials: Credentials, avito: Avito, tenant_a: uuid.UUID) -> None:
    channel, _ = await connect_avito(channels, avito, tenant_a, name="Витрина")
    grpc_channel = open_channel(runtime.grpc.address)
    try:
        analytics = ChannelsClient(grpc_channel, as_component(
            settings, credentials, "analytics").caller("analytics"))
        listed = await analytics.list_channels(tenant_a)
        assert [(c.id, c.name) for c in listed.channels] == [(channel.id, "Витрина")]
        with pytest.raises(PermissionDenied):  # nothing else of ChannelsService
            await analytics.get_channel(tenant_a, channel.id)
    finally:
        await grpc_channel.close()
    # Shared, not held: the gateway (and the bot runner) list accounts as before.
    assert [c.id for c in (await channels.list_channels(tenant_a)).channels] == [channel.id]


async def test_avito_statistics_are_asked_for_avito_accounts_only(
        analytics: AnalyticsRuntime, reports: AnalyticsClient, channels: ChannelsClient,
        avito: Avito, telegram: Telegram, tenant_a: uuid.UUID) -> None:
    shop, _ = await connect_avito(channels, avito, tenant_a, name="Авито-магазин")
    bot = await telegram.bot()
    chat = await channels.connect_telegram_channel(tenant_a, channels_pb.ConnectTelegramChannelRequest(
        token=bot["token"], name="Телеграм-бот", public_base_url="http://127.0.0.1:9"))
    got = await reports.render_report(tenant_a, rpb.ReportSpec(
        metrics=["messages_in", "views"], time_zone="UTC", period=SPEC.period),
        [rpb.REPORT_FORMAT_JSON])
    sections = {s["channel_ids"][0]: s for s in json.loads(got.json)["sections"]}
    assert {c: s["title"] for c, s in sections.items()} == {
        shop.id: "Авито-магазин", chat.id: "Телеграм-бот"}
    assert sections[chat.id]["values"]["views"] is None  # none to have, and none asked for
    assert all(p.startswith("Авито-магазин: ") for p in got.problems)  # past days, if any
    async with Units(analytics.db, AnalyticsUnit)(tenant_a) as unit:
        asked = {s.channel_id for s in await unit.avito.states(
            [uuid.UUID(shop.id), uuid.UUID(chat.id)])}
    assert asked == {uuid.UUID(shop.id)}  # the Telegram channel never registered for refresh
