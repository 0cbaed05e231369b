"""Tenants' Telegram bots in ChannelsService, over real gRPC against the Telegram emulator over
real HTTP: registering (getMe, then the webhook with a fresh secret, or polling), again and by
another tenant, Telegram's refusals and failures, the group, removing, and the tenant-less
lookups of the gateway and the bot runner with the callers each is for."""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest
from sqlalchemy import update

from clients.rpc.base import open_channel
from clients.rpc.channels import ChannelsClient
from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2 as pb
from services.channels.config import ChannelsSettings
from services.channels.models import TelegramBot
from services.kernel.crypto import SecretBox
from services.kernel.db import Database
from services.kernel.errors import (
    Conflict,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    Unavailable,
)
from services.kernel.runtime import ServiceRuntime
from services.kernel.wire import Caller
from switchboard.credentials import Credentials
from tests.emulators.telegram.helpers import Telegram, serving

ALLOWED = ["message", "edited_message", "callback_query", "my_chat_member", "chat_member"]


@pytest.fixture(scope="module")
async def telegram() -> AsyncIterator[Telegram]:
    async with serving(limits={"enabled": False}) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def channels_settings(channels_settings: ChannelsSettings, telegram: Telegram) -> ChannelsSettings:
    return channels_settings.model_copy(update={
        "telegram_api_base_url": telegram.url, "telegram_max_attempts": 3,
        "telegram_backoff_base_s": 0.05, "telegram_backoff_max_s": 0.2,
        "telegram_retry_after_max_s": 2.0})


@pytest.fixture(autouse=True)
async def no_faults(telegram: Telegram) -> AsyncIterator[None]:
    yield
    await telegram.ok("DELETE", "/faults")


@pytest.fixture(scope="module")
async def runner(runtime: ServiceRuntime,
                 credentials: Credentials) -> AsyncIterator[ChannelsClient]:
    """ChannelsService as the bot runner calls it."""
    channel = open_channel(runtime.grpc.address)
    yield ChannelsClient(channel, Caller("telegram_bot", credentials.grpc["telegram_bot"]))
    await channel.close()


def registration(bot: dict[str, Any], **fields: Any) -> pb.RegisterTelegramBotRequest:
    return pb.RegisterTelegramBotRequest(**{
        "token": bot["token"], "runner_api_key": f"sb_{uuid.uuid4().hex}",
        "runner_api_key_id": str(uuid.uuid4()), **fields})


async def webhook_of(telegram: Telegram, bot: dict[str, Any]) -> dict[str, Any] | None:
    return (await telegram.ok("GET", f"/bots/{bot['id']}"))["webhook"]  # type: ignore[no-any-return]


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


async def test_registering_checks_the_token_and_sets_the_webhook_with_a_secret(
        channels: ChannelsClient, telegram: Telegram, tenant_a: uuid.UUID,
        channels_settings: ChannelsSettings) -> None:
    bot = await telegram.bot(username="shop_one_bot", first_name="Магазин")
    done = await channels.register_telegram_bot(tenant_a, registration(bot))
    registered = done.bot
    assert (registered.telegram_id, registered.username, registered.first_name) == (
        bot["id"], "shop_one_bot", "Магазин")
    assert registered.delivery == pb.TELEGRAM_DELIVERY_WEBHOOK
    assert registered.status == pb.TELEGRAM_BOT_STATUS_ACTIVE and not done.replaced_runner_api_key_id
    url = f"{channels_settings.public_base_url}/webhooks/telegram/{registered.id}"
    assert registered.webhook_url == url and registered.group_chat_id == 0
    info = (await telegram.api(bot, "getWebhookInfo")).json()["result"]
    assert info["url"] == url and sorted(info["allowed_updates"]) == sorted(ALLOWED)
    hook = await webhook_of(telegram, bot)
    assert hook is not None and len(hook["secret_token"]) >= 32
    target = await channels.resolve_telegram_webhook(registered.id)
    assert (target.tenant_id, target.active) == (str(tenant_a), True)
    assert target.secret_sha256 == sha256(hook["secret_token"])  # the plaintext is not kept


async def test_the_token_is_stored_encrypted_and_never_returned(
        channels: ChannelsClient, telegram: Telegram, tenant_a: uuid.UUID, stack_db: Database,
        channels_settings: ChannelsSettings) -> None:
    bot = await telegram.bot()
    request = registration(bot)
    registered = (await channels.register_telegram_bot(tenant_a, request)).bot
    assert bot["token"] not in str(registered) and request.runner_api_key not in str(registered)
    async with stack_db.unit_of_work(tenant_a) as session:
        row = await session.get(TelegramBot, uuid.UUID(registered.id))
        assert row is not None and bot["token"].encode() not in row.token_enc
        box = SecretBox(channels_settings.secret_key.get_secret_value())
        assert box.decrypt(row.token_enc) == bot["token"]
        assert box.decrypt(row.runner_api_key_enc) == request.runner_api_key


async def test_a_malformed_token_is_refused_without_asking_telegram(
        channels: ChannelsClient, telegram: Telegram, tenant_a: uuid.UUID) -> None:
    await telegram.fault(method="getMe", status=500, count=1)  # any call would take it
    for token in ("", "not-a-token", "123:short", "abc:" + "A" * 35, f"{'9' * 30}:{'A' * 35}"):
        with pytest.raises(InvalidArgument, match="not a Telegram bot token"):
            await channels.register_telegram_bot(tenant_a, registration({"token": token}))
    assert len((await telegram.ok("GET", "/faults"))["armed"]) == 1


async def test_a_token_telegram_does_not_know_is_invalid_argument_saying_what_to_do(
        channels: ChannelsClient, tenant_a: uuid.UUID) -> None:
    with pytest.raises(InvalidArgument) as refused:
        await channels.register_telegram_bot(tenant_a, registration(
            {"token": "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"}))
    assert refused.value.message == "Telegram refused this token: check it with @BotFather"
    assert not (await channels.list_telegram_bots(tenant_a)).bots


async def test_telegram_failing_briefly_is_retried_and_for_long_is_unavailable_with_nothing_saved(
        channels: ChannelsClient, telegram: Telegram, tenant_a: uuid.UUID) -> None:
    bot = await telegram.bot()
    await telegram.fault(method="getMe", bot_id=bot["id"], status=502, count=2)
    await telegram.fault(method="setWebhook", bot_id=bot["id"], status=429, retry_after=1)
    started = time.monotonic()
    assert (await channels.register_telegram_bot(tenant_a, registration(bot))).bot.id
    assert time.monotonic() - started >= 1.0  # the 429's retry_after was waited out
    other = await telegram.bot()
    # (gRPC's channel repeats an UNAVAILABLE call too: enough failures for every attempt)
    await telegram.fault(method="setWebhook", bot_id=other["id"], status=503, count=20)
    with pytest.raises(Unavailable):  # (its words stay in the service's log)
        await channels.register_telegram_bot(tenant_a, registration(other))
    await telegram.fault(method="getMe", bot_id=other["id"], status=429, retry_after=60,
                         count=20)
    started = time.monotonic()
    with pytest.raises(Unavailable):  # a retry_after beyond the cap is not slept through
        await channels.register_telegram_bot(tenant_a, registration(other))
    assert time.monotonic() - started < 10
    listed = (await channels.list_telegram_bots(tenant_a)).bots
    assert other["id"] not in [b.telegram_id for b in listed]


async def test_registering_again_updates_the_bot_with_a_new_secret_and_names_the_old_key(
        channels: ChannelsClient, telegram: Telegram, tenant_a: uuid.UUID) -> None:
    bot = await telegram.bot()
    first_request = registration(bot)
    first = (await channels.register_telegram_bot(tenant_a, first_request)).bot
    first_secret = (await webhook_of(telegram, bot))["secret_token"]  # type: ignore[index]
    again = await channels.register_telegram_bot(tenant_a, registration(bot))
    assert again.bot.id == first.id
    assert again.replaced_runner_api_key_id == first_request.runner_api_key_id
    second_secret = (await webhook_of(telegram, bot))["secret_token"]  # type: ignore[index]
    assert second_secret != first_secret
    target = await channels.resolve_telegram_webhook(first.id)
    assert target.secret_sha256 == sha256(second_secret)
    assert [b.id for b in (await channels.list_telegram_bots(tenant_a)).bots].count(first.id) == 1


async def test_another_tenant_cannot_take_a_registered_bot(
        channels: ChannelsClient, telegram: Telegram, tenant_a: uuid.UUID,
        tenant_b: uuid.UUID) -> None:
    bot = await telegram.bot()
    mine = (await channels.register_telegram_bot(tenant_a, registration(bot))).bot
    hook = await webhook_of(telegram, bot)
    with pytest.raises(Conflict, match="registered by another account"):
        await channels.register_telegram_bot(tenant_b, registration(bot))
    assert await webhook_of(telegram, bot) == hook  # Telegram's side untouched
    with pytest.raises(NotFound):
        await channels.get_telegram_bot(tenant_b, mine.id)
    with pytest.raises(NotFound):
        await channels.remove_telegram_bot(tenant_b, mine.id)
    with pytest.raises(NotFound):
        await channels.set_telegram_bot_group(tenant_b, mine.id, -1001234567890, "Чужая")
    assert mine.id not in [b.id for b in (await channels.list_telegram_bots(tenant_b)).bots]
    assert (await channels.get_telegram_bot(tenant_a, mine.id)).group_chat_id == 0


async def test_polling_registration_deletes_the_webhook(
        channels: ChannelsClient, telegram: Telegram, tenant_a: uuid.UUID) -> None:
    bot = await telegram.bot()
    hooked = (await channels.register_telegram_bot(tenant_a, registration(bot))).bot
    assert await webhook_of(telegram, bot) is not None
    polled = (await channels.register_telegram_bot(tenant_a, registration(
        bot, delivery=pb.TELEGRAM_DELIVERY_POLLING))).bot
    assert (polled.id, polled.delivery, polled.webhook_url) == (
        hooked.id, pb.TELEGRAM_DELIVERY_POLLING, "")
    assert await webhook_of(telegram, bot) is None
    assert (await telegram.api(bot, "getUpdates", timeout=0)).json()["ok"] is True
    target = await channels.resolve_telegram_webhook(hooked.id)
    assert (target.active, target.secret_sha256) == (False, "")
    with pytest.raises(InvalidArgument, match="delivery must be webhook or polling"):
        await channels.register_telegram_bot(tenant_a, registration(bot, delivery=7))


async def test_bots_are_listed_page_by_page(channels: ChannelsClient, telegram: Telegram,
                                            tenant_a: uuid.UUID) -> None:
    made = [(await channels.register_telegram_bot(tenant_a, registration(
        await telegram.bot()))).bot.id for _ in range(3)]
    first = await channels.list_telegram_bots(tenant_a, page_size=2)
    assert first.page_info.has_more
    second = await channels.list_telegram_bots(tenant_a, page_size=2,
                                               cursor=first.page_info.next_cursor)
    seen = [b.id for b in [*first.bots, *second.bots]]
    assert seen[-3:] == made and not second.page_info.has_more
    with pytest.raises(InvalidArgument, match="malformed cursor"):
        await channels.list_telegram_bots(tenant_a, cursor="forged")


async def test_the_group_is_a_supergroup_and_can_be_unlinked(
        channels: ChannelsClient, telegram: Telegram, tenant_a: uuid.UUID) -> None:
    bot = (await channels.register_telegram_bot(tenant_a, registration(await telegram.bot()))).bot
    with pytest.raises(InvalidArgument, match="negative"):
        await channels.set_telegram_bot_group(tenant_a, bot.id, 1001234567890, "Магазин")
    with pytest.raises(InvalidArgument, match="title is required"):
        await channels.set_telegram_bot_group(tenant_a, bot.id, -1001234567890, " ")
    linked = await channels.set_telegram_bot_group(tenant_a, bot.id, -1001234567890, " Магазин ")
    assert (linked.group_chat_id, linked.group_title) == (-1001234567890, "Магазин")
    assert (await channels.get_telegram_bot(tenant_a, bot.id)).group_chat_id == -1001234567890
    cleared = await channels.set_telegram_bot_group(tenant_a, bot.id, 0, "")
    assert (cleared.group_chat_id, cleared.group_title) == (0, "")
    with pytest.raises(InvalidArgument, match="bot id is not a valid id"):
        await channels.set_telegram_bot_group(tenant_a, "nope", 0, "")


async def test_removing_deletes_the_webhook_then_the_bot_and_names_the_runner_key(
        channels: ChannelsClient, telegram: Telegram, tenant_a: uuid.UUID) -> None:
    bot = await telegram.bot()
    request = registration(bot)
    registered = (await channels.register_telegram_bot(tenant_a, request)).bot
    await telegram.fault(method="deleteWebhook", bot_id=bot["id"], status=500, count=20)
    with pytest.raises(Unavailable):  # Telegram down: nothing changes
        await channels.remove_telegram_bot(tenant_a, registered.id)
    assert await webhook_of(telegram, bot) is not None
    assert (await channels.get_telegram_bot(tenant_a, registered.id)).id == registered.id
    await telegram.ok("DELETE", "/faults")
    assert await channels.remove_telegram_bot(tenant_a, registered.id) == request.runner_api_key_id
    assert await webhook_of(telegram, bot) is None
    with pytest.raises(NotFound):
        await channels.get_telegram_bot(tenant_a, registered.id)
    with pytest.raises(NotFound):
        await channels.resolve_telegram_webhook(registered.id)


async def test_a_bot_whose_token_was_revoked_is_removed_all_the_same(
        channels: ChannelsClient, telegram: Telegram, tenant_a: uuid.UUID, stack_db: Database,
        channels_settings: ChannelsSettings) -> None:
    registered = (await channels.register_telegram_bot(
        tenant_a, registration(await telegram.bot()))).bot
    revoked = SecretBox(channels_settings.secret_key.get_secret_value()).encrypt(
        "987654321:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw")  # @BotFather issued a new one
    async with stack_db.unit_of_work(tenant_a) as session:
        await session.execute(update(TelegramBot).where(TelegramBot.id == uuid.UUID(registered.id))
                              .values(token_enc=revoked))
    assert await channels.remove_telegram_bot(tenant_a, registered.id)
    with pytest.raises(NotFound):
        await channels.get_telegram_bot(tenant_a, registered.id)


async def test_resolving_an_unknown_or_garbled_bot_is_not_found(
        channels: ChannelsClient) -> None:
    for bot_id in (str(uuid.uuid4()), "not-a-uuid", ""):
        with pytest.raises(NotFound):
            await channels.resolve_telegram_webhook(bot_id)


async def test_the_runner_reads_every_tenants_bots_with_their_secrets(
        channels: ChannelsClient, runner: ChannelsClient, telegram: Telegram,
        tenant_a: uuid.UUID, tenant_b: uuid.UUID) -> None:
    requests = [registration(await telegram.bot()) for _ in range(2)]
    a = (await channels.register_telegram_bot(tenant_a, requests[0])).bot
    await channels.set_telegram_bot_group(tenant_a, a.id, -1009876543210, "Менеджеры")
    b = (await channels.register_telegram_bot(tenant_b, requests[1])).bot
    seen: dict[str, pb.TelegramBotCredentials] = {}
    after = ""
    while True:
        page = await runner.list_telegram_bot_credentials(after, limit=2)
        assert len(page.bots) <= 2
        seen |= {c.bot_id: c for c in page.bots}
        if not page.next_after:
            break
        after = page.next_after
    assert (seen[a.id].tenant_id, seen[a.id].token, seen[a.id].runner_api_key,
            seen[a.id].group_chat_id, seen[a.id].delivery) == (
        str(tenant_a), requests[0].token, requests[0].runner_api_key, -1009876543210,
        pb.TELEGRAM_DELIVERY_WEBHOOK)
    assert (seen[b.id].tenant_id, seen[b.id].token, seen[b.id].group_chat_id) == (
        str(tenant_b), requests[1].token, 0)
    with pytest.raises(InvalidArgument, match="limit"):
        await runner.list_telegram_bot_credentials(limit=501)


async def test_a_bot_no_key_decrypts_is_left_out_of_the_runners_list_not_the_others(
        runner: ChannelsClient, channels: ChannelsClient, telegram: Telegram,
        tenant_a: uuid.UUID, tenant_b: uuid.UUID, stack_db: Database) -> None:
    # Tenant A's bot was saved under a key since dropped from SWITCHBOARD_SECRET_KEY.
    lost = (await channels.register_telegram_bot(tenant_a, registration(await telegram.bot()))).bot
    lost_key = SecretBox(SecretBox.generate_key()).encrypt("987654321:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw")
    async with stack_db.unit_of_work(tenant_a) as session:
        await session.execute(update(TelegramBot).where(TelegramBot.id == uuid.UUID(lost.id))
                              .values(token_enc=lost_key))
    request = registration(await telegram.bot())
    kept = (await channels.register_telegram_bot(tenant_b, request)).bot
    seen: dict[str, pb.TelegramBotCredentials] = {}
    after = ""
    while True:  # one a page: the page of the bot left out still leads on to the next
        page = await runner.list_telegram_bot_credentials(after, limit=1)
        seen |= {c.bot_id: c for c in page.bots}
        if not page.next_after:
            break
        after = page.next_after
    assert lost.id not in seen
    assert (seen[kept.id].tenant_id, seen[kept.id].token) == (str(tenant_b), request.token)


async def test_each_tenantless_lookup_is_for_its_caller_only(
        channels: ChannelsClient, runner: ChannelsClient, tenant_a: uuid.UUID) -> None:
    with pytest.raises(PermissionDenied, match="ListTelegramBotCredentials is not for caller 'gateway'"):
        await channels.list_telegram_bot_credentials()
    with pytest.raises(PermissionDenied, match="caller 'telegram_bot' may not call"):
        await runner.resolve_telegram_webhook(str(uuid.uuid4()))
    with pytest.raises(PermissionDenied, match="caller 'telegram_bot' may not call"):
        await runner.list_telegram_bots(tenant_a)
    with pytest.raises(PermissionDenied):
        await runner.list_channels(tenant_a)


async def test_registration_needs_the_runner_key(channels: ChannelsClient, telegram: Telegram,
                                                 tenant_a: uuid.UUID) -> None:
    bot = await telegram.bot()
    with pytest.raises(InvalidArgument, match="runner_api_key is required"):
        await channels.register_telegram_bot(tenant_a, registration(bot, runner_api_key=" "))
    with pytest.raises(InvalidArgument, match="runner_api_key_id is not a valid id"):
        await channels.register_telegram_bot(tenant_a, registration(bot, runner_api_key_id="x"))
    with pytest.raises(InvalidArgument, match="public_base_url must be an http"):
        await channels.register_telegram_bot(tenant_a, registration(bot, public_base_url="ftp://x"))


async def test_registering_gives_up_before_the_callers_deadline_with_nothing_saved(
        channels: ChannelsClient, telegram: Telegram, tenant_a: uuid.UUID) -> None:
    """A gateway that timed out revokes the runner key it minted: the service must not save
    the bot with it after that (it stops a second before the caller's deadline)."""
    bot = await telegram.bot()
    await telegram.fault(method="getMe", bot_id=bot["id"], latency_ms=6000, count=5)
    started = time.monotonic()
    with pytest.raises(grpc.aio.AioRpcError) as failed:
        await channels._stub.RegisterTelegramBot(registration(bot), timeout=3,
                                                 metadata=channels._metadata(tenant_a))
    assert failed.value.code() == grpc.StatusCode.UNAVAILABLE
    assert "too slowly" in (failed.value.details() or "")
    assert time.monotonic() - started < 3
    assert bot["id"] not in [b.telegram_id for b in (await channels.list_telegram_bots(tenant_a)).bots]
