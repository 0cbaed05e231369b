"""Reports to Telegram through the tenant's registered bot: the scheduling runtime calls the
session platform's channels (TelegramDeliveryService), which posts through the Telegram
emulator — a chart with the report as its caption, in a group's topic; a chat the bot is not
in fails the run with what to do; scheduling is held to that one RPC of channels."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from clients.rpc.base import open_channel
from clients.rpc.channels import ChannelsClient
from clients.rpc.gen.switchboard.scheduling.v1 import scheduling_service_pb2 as pb
from clients.rpc.scheduling import SchedulingClient
from clients.rpc.telegram_delivery import TelegramDeliveryClient
from services.channels.bots.delivery import MESSAGE_MAX, split_html
from services.kernel.config import KernelSettings
from services.kernel.errors import FailedPrecondition, PermissionDenied
from services.scheduling.runtime import SchedulingRuntime
from switchboard.credentials import Credentials
from tests.fixtures.bus import as_component
from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, Tenant
from tests.gateway.telegram_bots import new_bot
from tests.services.scheduling.conftest import RuntimeFactory


@pytest.fixture(scope="module")
async def telegram_runtime(start_runtime: RuntimeFactory,
                           platform: RunningPlatform) -> SchedulingRuntime:
    channels = platform.platform.runtimes["channels"]
    return await start_runtime(channels_target=channels.grpc.address)


@pytest.fixture(scope="module")
async def scheduling(telegram_runtime: SchedulingRuntime,
                     settings: KernelSettings) -> SchedulingClient:
    return SchedulingClient(open_channel(telegram_runtime.grpc.address),
                            settings.caller("gateway"))


async def emulator(platform: RunningPlatform, path: str, **body: Any) -> dict[str, Any]:
    resp = await platform.telegram.post(f"/_emulator{path}", json=body)
    assert resp.status_code == 200, resp.text
    return resp.json()  # type: ignore[no-any-return]


async def bot_in_group(platform: RunningPlatform, seller: Tenant) -> tuple[dict[str, Any], int]:
    bot = await new_bot(platform, username=f"reports_{uuid.uuid4().hex[:6]}_bot")
    resp = await seller.http.post("/v1/telegram/bots", json={"token": bot["token"]})
    assert resp.status_code == 201, resp.text
    owner = await emulator(platform, "/users", first_name="Мария")
    group = await emulator(platform, "/chats", type="supergroup", title="Отчёты", is_forum=True,
                           members=[{"user_id": owner["id"], "status": "creator"},
                                    {"user_id": bot["id"], "status": "administrator"}])
    return bot, int(group["id"])


def to_chat(chat_id: int, thread: int | None = None) -> pb.Schedule:
    return pb.Schedule(
        name="В Telegram", local_time="09:00", time_zone="Europe/Moscow",
        recurrence=pb.Recurrence(daily=pb.Daily()),
        destination=pb.Destination(telegram=pb.TelegramDestination(
            chat_id=chat_id, message_thread_id=thread)), enabled=True)


async def finished(client: SchedulingClient, tenant: uuid.UUID, schedule_id: str,
                   run_id: str) -> pb.Run | None:
    runs = (await client.runs(tenant, schedule_id)).runs
    return next((r for r in runs if r.id == run_id and r.status != pb.RUN_STATUS_PENDING), None)


async def test_a_report_goes_to_the_group_topic_through_the_tenants_bot(
        platform: RunningPlatform, scheduling: SchedulingClient) -> None:
    seller = await platform.new_tenant("Отчёты в Telegram")
    bot, group = await bot_in_group(platform, seller)
    topic = await emulator(platform, f"/chats/{group}/topics", name="Отчёты")
    thread = int(topic.get("message_thread_id") or topic["topic"]["message_thread_id"])
    schedule = await scheduling.create(seller.tenant_id, to_chat(group, thread))
    run = await scheduling.run_now(seller.tenant_id, schedule.id)
    done = await eventually(lambda: finished(scheduling, seller.tenant_id, schedule.id, run.id),
                            within=20)
    assert done.status == pb.RUN_STATUS_DELIVERED, done.error
    sent = (await platform.telegram.get(f"/_emulator/bots/{bot['id']}/sent",
                                        params={"chat_id": group})).json()["sent"]
    [photo] = [m for m in sent if m["method"] == "sendPhoto"]  # the caption fits: one message
    assert len(sent) == 1 and photo["message_thread_id"] == thread
    message = photo["message"]
    assert message["caption"] == "Отчёт\nmessages_in: 1" and message["photo"]
    assert message["caption_entities"] == [{"offset": 0, "length": 5, "type": "bold"}]


async def test_telegrams_429_and_5xx_are_retried_and_the_report_posted_once(
        platform: RunningPlatform, scheduling: SchedulingClient) -> None:
    seller = await platform.new_tenant("Флуд-контроль")
    bot, group = await bot_in_group(platform, seller)
    schedule = await scheduling.create(seller.tenant_id, to_chat(group))
    for status in (429, 502):
        await emulator(platform, "/faults", method="sendPhoto", bot_id=bot["id"], status=status,
                       retry_after=1, count=1)
        run = await scheduling.run_now(seller.tenant_id, schedule.id)
        done = await eventually(
            lambda r=run: finished(scheduling, seller.tenant_id, schedule.id, r.id), within=20)
        assert done.status == pb.RUN_STATUS_DELIVERED, done.error
        # 429: channels waits retry_after and sends again; 502: channels answers UNAVAILABLE
        # (the send is not repeated there) and the call is retried (gRPC's retry policy, then
        # the run's own bounded retries).
        assert 1 <= done.attempt <= 2
    sent = (await platform.telegram.get(f"/_emulator/bots/{bot['id']}/sent",
                                        params={"chat_id": group})).json()["sent"]
    assert len(sent) == 2  # one report per run: the refused sends posted nothing


async def test_a_chat_the_bot_is_not_in_fails_the_run_with_what_to_do(
        platform: RunningPlatform, scheduling: SchedulingClient) -> None:
    seller = await platform.new_tenant("Чужой чат")
    await bot_in_group(platform, seller)
    stranger = await emulator(platform, "/users", first_name="Пётр")
    elsewhere = await emulator(platform, "/chats", type="group", title="Без бота",
                               members=[{"user_id": stranger["id"], "status": "creator"}])
    schedule = await scheduling.create(seller.tenant_id, to_chat(int(elsewhere["id"])))
    run = await scheduling.run_now(seller.tenant_id, schedule.id)
    done = await eventually(lambda: finished(scheduling, seller.tenant_id, schedule.id, run.id),
                            within=20)
    assert done.status == pb.RUN_STATUS_FAILED and done.attempt == 1
    assert "add the bot to that chat" in done.error


async def test_no_bot_is_refused_and_scheduling_may_call_nothing_else_of_channels(
        platform: RunningPlatform, settings: KernelSettings, credentials: Credentials) -> None:
    address = platform.platform.runtimes["channels"].grpc.address
    caller = as_component(settings, credentials, "scheduling").caller("scheduling")
    delivery = TelegramDeliveryClient(open_channel(address), caller)
    with pytest.raises(FailedPrecondition, match="no Telegram bot is registered"):
        await delivery.send_message(uuid.uuid4(), -100123, None, "<b>x</b>")
    channels = ChannelsClient(open_channel(address), caller)
    with pytest.raises(PermissionDenied):
        await channels.list_channels(uuid.uuid4())
    gateway = TelegramDeliveryClient(open_channel(address), settings.caller("gateway"))
    with pytest.raises(PermissionDenied):  # held to scheduling, refused to anyone else
        await gateway.send_message(uuid.uuid4(), -100123, None, "<b>x</b>")
    for client in (delivery, channels, gateway):
        await client.channel.close()


def test_a_long_report_is_split_at_line_ends_within_telegrams_limit() -> None:
    lines = [f"<b>Объявление {i}</b>: просмотров {i * 7}" + "." * 60 for i in range(120)]
    parts = split_html("\n".join(lines))
    assert len(parts) > 1 and all(len(p) <= MESSAGE_MAX for p in parts)
    assert "\n".join(parts) == "\n".join(lines)  # nothing lost, no line cut
    assert split_html("a\n\n") == ["a"] and split_html("x" * 5000) == ["x" * 5000]
