"""The window when things go wrong: a 429 storm and 5xx from Telegram, a restart of the runner,
a gap too old to replay, two replicas on one bot, a broken bot beside a working one, bots
added at run time. Nothing is lost, nothing is posted twice, order holds."""

from __future__ import annotations

import asyncio
import dataclasses
import time
import uuid

import pytest

from clients.telegram_bot import Store
from tests.clients.telegram_bot.conftest import (
    Linked,
    link,
    listening,
    new_buyer,
    running,
    subscribed,
)
from tests.emulators.telegram.helpers import Telegram
from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant

pytestmark = pytest.mark.slow


async def test_a_429_storm_and_5xx_lose_nothing_and_keep_the_order(
        platform: RunningPlatform, shop: SandboxShop, linked: Linked, store: Store) -> None:
    async with running(store, [linked.config]):
        chat = (await new_buyer(platform, shop, "Сообщение 0", name="Зоя"))["chat_id"]
        thread = (await linked.topic("Зоя"))["message_thread_id"]
        await linked.texts(thread, 2)
        storm_ends = time.time() + 3
        await linked.telegram.fault(storm_s=3)
        await linked.telegram.fault(method="sendMessage", status=502, count=2)
        for n in range(1, 6):
            await platform.buyer_writes(shop, f"Сообщение {n}", chat_id=chat)
        texts = await linked.texts(thread, 7, within=40)
        assert [t.partition("\n")[2] for t in texts[1:]] == [f"Сообщение {n}" for n in range(6)]
        posts = await linked.posts(thread)
        assert all(p["date"] >= int(storm_ends) for p in posts[2:])  # sent once the storm ended
        assert (await linked.telegram.ok("GET", "/faults"))["armed"] == []  # both 502s were met


async def test_a_restart_resumes_after_the_last_event_and_posts_nothing_twice(
        platform: RunningPlatform, shop: SandboxShop, linked: Linked, store: Store) -> None:
    async with running(store, [linked.config]):
        start = await subscribed(store, linked.config)
        chat = (await new_buyer(platform, shop, "До перезапуска", name="Игорь"))["chat_id"]
        thread = (await linked.topic("Игорь"))["message_thread_id"]
        await linked.texts(thread, 2)
    # Stopped: the buyer writes on; and the position goes back to before the first message,
    # as after a crash before it was stored, so the restart replays that one too.
    for text in ("Пока бот стоял", "Ещё одно"):
        await platform.buyer_writes(shop, text, chat_id=chat)
    await store.save_cursor(uuid.UUID(linked.config.tenant_id), linked.config.bot_id, start)
    async with running(store, [linked.config]):
        await platform.buyer_writes(shop, "После перезапуска", chat_id=chat)
        texts = await linked.texts(thread, 5)
        assert [t.partition("\n")[2] for t in texts[1:]] == [
            "До перезапуска", "Пока бот стоял", "Ещё одно", "После перезапуска"]
        assert len(await linked.posts(thread)) == 5 and len(await linked.topics()) == 1


async def test_a_gap_too_old_to_replay_is_reconciled_from_the_lists(
        platform: RunningPlatform, seller: Tenant, shop: SandboxShop, linked: Linked,
        store: Store) -> None:
    tenant = uuid.UUID(linked.config.tenant_id)
    await store.save_cursor(tenant, linked.config.bot_id, "999999999999")  # never given: a reset
    chat = (await new_buyer(platform, shop, "Написал, пока окно было закрыто", name="Кира"))["chat_id"]

    async def stored() -> bool:  # the conversation is in the lists before the window opens
        items = (await seller.http.get("/v1/conversations")).json()["items"]
        return any(c["external_chat_id"] == chat for c in items)
    await eventually(stored, within=20)
    async with running(store, [linked.config]):
        thread = (await linked.topic("Кира"))["message_thread_id"]
        await platform.buyer_writes(shop, "А теперь вживую", chat_id=chat)
        texts = await linked.texts(thread, 3)
        assert [t.partition("\n")[2] for t in texts[1:]] == [
            "Написал, пока окно было закрыто", "А теперь вживую"]
        assert len(await linked.posts(thread)) == 3


async def test_a_buyer_who_wrote_between_the_link_and_the_first_window_gets_a_topic(
        platform: RunningPlatform, seller: Tenant, shop: SandboxShop, linked: Linked,
        store: Store) -> None:
    # The group is linked (no position stored yet); the buyer writes before the runner
    # learns of the group, so the first subscription begins after the message.
    chat = (await new_buyer(platform, shop, "Написал сразу после привязки", name="Нина"))["chat_id"]

    async def stored() -> bool:
        items = (await seller.http.get("/v1/conversations")).json()["items"]
        return any(c["external_chat_id"] == chat for c in items)
    await eventually(stored, within=20)
    async with running(store, [linked.config]):
        await subscribed(store, linked.config)  # stored once the first start is done
        thread = (await linked.topic("Нина"))["message_thread_id"]
        await platform.buyer_writes(shop, "И ещё вживую", chat_id=chat)
        texts = await linked.texts(thread, 3)
        assert [t.partition("\n")[2] for t in texts[1:]] == [
            "Написал сразу после привязки", "И ещё вживую"]
    # A restart is no first start: it resumes, and posts nothing twice.
    async with running(store, [linked.config]):
        await platform.buyer_writes(shop, "После перезапуска", chat_id=chat)
        texts = await linked.texts(thread, 4)
        assert texts[3].endswith("После перезапуска") and len(await linked.posts(thread)) == 4
        assert len(await linked.topics()) == 1


async def test_two_replicas_and_two_messages_at_once_make_one_topic_and_post_each_once(
        platform: RunningPlatform, shop: SandboxShop, linked: Linked, store: Store) -> None:
    async with running(store, [linked.config]) as one, running(store, [linked.config]) as two:
        # Both say who writes: either may reach Avito first and make the chat (with its buyer).
        buyer = {"chat_id": f"u2i-{uuid.uuid4().hex[:22]}", "author_name": "Лев",
                 "author_id": 500_000_000 + uuid.uuid4().int % 10**8,
                 "item_id": shop.account["items"][0]["id"]}
        chat = buyer["chat_id"]
        await asyncio.gather(platform.buyer_writes(shop, "Первое", **buyer),
                             platform.buyer_writes(shop, "Второе", **buyer))
        thread = (await linked.topic("Лев"))["message_thread_id"]
        texts = await linked.texts(thread, 3)
        await platform.buyer_writes(shop, "Третье", chat_id=chat)  # both replicas are past the two
        texts = await linked.texts(thread, 4)
        assert texts[0].startswith("📋") and sorted(t.partition("\n")[2] for t in texts[1:3]) == [
            "Второе", "Первое"]
        assert texts[3].endswith("Третье") and len(await linked.posts(thread)) == 4
        assert len(await linked.topics()) == 1

        async def both_handled_all() -> bool:  # each replica took every event: they raced
            return all(r.status(linked.config.bot_id).handled >= 3  # type: ignore[union-attr]
                       for r in (one, two))
        await eventually(both_handled_all, within=20)
        assert len(await linked.posts(thread)) == 4 and len(await linked.topics()) == 1


async def test_a_broken_bot_never_stops_another_and_bots_come_and_go_at_run_time(
        platform: RunningPlatform, telegram: Telegram, seller: Tenant, shop: SandboxShop,
        linked: Linked, store: Store) -> None:
    broken = dataclasses.replace((await link(platform, telegram, seller)).config,
                                 token="123456789:AAbrokenTokenThatTelegramDoesNotKnow00")
    later = await link(platform, telegram, seller)
    async with running(store, [broken, linked.config]) as runner:
        await new_buyer(platform, shop, "Вопрос", name="Мария")
        thread = (await linked.topic("Мария"))["message_thread_id"]
        assert (await linked.texts(thread, 2))[1].endswith("Вопрос")

        async def failing() -> bool:
            status = runner.status(broken.bot_id)
            return status is not None and status.restarts >= 1 and "Unauthorized" in str(
                status.last_error)
        await eventually(failing, within=20)

        await runner.update_bots([linked.config, later.config])
        assert runner.status(broken.bot_id) is None and set(runner.bot_ids) == {
            linked.config.bot_id, later.config.bot_id}
        await listening(runner, later.config)
        await new_buyer(platform, shop, "Второй вопрос", name="Назар")
        for window in (linked, later):
            second = (await window.topic("Назар"))["message_thread_id"]
            assert (await window.texts(second, 2))[1].endswith("Второй вопрос")
