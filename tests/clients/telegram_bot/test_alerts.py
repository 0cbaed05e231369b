"""The alerts in the bot's group, on the real platform and the session's Telegram emulator
(polling, paced): an AI handoff mentions the linked, active managers in its topic; one nobody
picked up within `handoff_alert_after_s` is alerted once in the General topic with a link to
the topic, one picked up in time never; an Avito account losing its Messenger API access is
alerted when it happens and when it is restored, never again while unchanged; so is the AI
model failing (here: a model the LLM emulator does not know) and answering again, and an
outgoing webhook endpoint paused by its breaker and delivering again."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from switchboard_sdk import Switchboard, WebhookDeliveryStatus

from clients.telegram_bot import Store
from clients.telegram_bot.console.alerts import topic_link
from tests.clients.telegram_bot.conftest import FAST, new_buyer
from tests.clients.telegram_bot.inbound import PACED, Seat, seat
from tests.e2e.test_agent import enable_agent
from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant

pytestmark = pytest.mark.slow

ALERTS = dataclasses.replace(PACED, alert_check_s=0.2, channel_check_s=1.0)
OVERDUE_AFTER_S = 6.0


def _text(message: dict[str, Any]) -> str:
    return str(message.get("text") or "")


async def _general(found: Seat, starts: str) -> list[dict[str, Any]]:
    """The bot's posts in the General topic (no thread) whose text starts with `starts`."""
    return [m for m in await found.group_posts() if m.get("message_thread_id") is None
            and m["from"]["id"] == found.bot["id"] and _text(m).startswith(starts)]


async def _posted(found: Seat, starts: str, *words: str, within: float = 40) -> dict[str, Any]:
    """Waits for the bot's General post starting with `starts` and having every word."""
    async def there() -> dict[str, Any] | None:
        hits = [m for m in await _general(found, starts) if all(w in _text(m) for w in words)]
        return hits[0] if hits else None
    message: dict[str, Any] = await eventually(there, within=within, interval=0.2)
    return message


async def _in_topic(found: Seat, thread_id: int, starts: str, within: float = 40) -> dict[str, Any]:
    async def there() -> dict[str, Any] | None:
        hits = [m for m in await found.group_posts(thread_id) if _text(m).startswith(starts)]
        return hits[0] if hits else None
    message: dict[str, Any] = await eventually(there, within=within, interval=0.2)
    return message


def _mentioned(found: Seat, message: dict[str, Any]) -> set[int]:
    """The Telegram ids of the people mentioned: text mentions, and @usernames of the seat's."""
    ids: set[int] = set()
    for entity in message.get("entities") or []:
        url = str(entity.get("url") or "")
        if entity["type"] == "text_mention":
            ids.add(int(entity["user"]["id"]))
        elif url.startswith("tg://user?id="):
            ids.add(int(url.removeprefix("tg://user?id=")))
    return ids | {p.id for p in (found.owner, found.agent, found.stranger)
                  if p.tg.get("username") and f"@{p.tg['username']}" in _text(message)}


async def _topic(found: Seat, name: str) -> int:
    async def named() -> int | None:
        topics = (await found.telegram.ok("GET", f"/chats/{found.chat_id}/topics"))["topics"]
        hits = [t for t in topics if name in t["name"]]
        return int(hits[0]["message_thread_id"]) if hits else None
    thread: int = await eventually(named, within=40, interval=0.2)
    return thread


async def _handed_off(found: Seat, platform: RunningPlatform, shop: SandboxShop,
                      buyer: str) -> int:
    """A new buyer asks for a person; the agent hands off; the managers' mention in the topic
    (its deadline is stored with it). The topic's thread."""
    await new_buyer(platform, shop, "Позовите оператора, пожалуйста", name=buyer)
    thread = await _topic(found, buyer)
    called = await _in_topic(found, thread, "🙋")
    assert _mentioned(found, called) == {found.owner.id, found.agent.id}, called
    return thread


async def test_a_handoff_mentions_the_managers_and_an_overdue_one_is_alerted_once(
        platform: RunningPlatform, seller: Tenant, sb: Switchboard, store: Store) -> None:
    found = await seat(platform, seller, sb)
    shop = await platform.connect_sandbox_shop(seller, "Alerts shop")
    await enable_agent(seller, shop)
    config = dataclasses.replace(found.config, handoff_alert_after_s=OVERDUE_AFTER_S)
    async with found.running(store, config, ALERTS):
        await found.link(found.owner)
        await found.link(found.agent)
        late = await _handed_off(found, platform, shop, "Аркадий")
        # Picked up in time: a manager answers before its deadline (which is after Аркадий's).
        in_time = await _handed_off(found, platform, shop, "Борис")
        await sb.send_message(await _conversation_id(sb, "Борис"), "Здравствуйте, я менеджер")

        alert = await _posted(found, "⏰", "Аркадий")
        assert "6 с" in _text(alert)
        [link] = [e for e in alert.get("entities") or [] if e["type"] == "text_link"]
        assert link["url"] == topic_link(found.chat_id, late)
        # The positive signal that the runner went past the later deadlines: a third handoff,
        # due after both, alerted too. Then nothing more about the first two.
        await _handed_off(found, platform, shop, "Вера")
        await _posted(found, "⏰", "Вера")
        overdue = [_text(m) for m in await _general(found, "⏰")]
        assert sum("Аркадий" in t for t in overdue) == 1, overdue
        assert not any("Борис" in t for t in overdue), overdue
        assert len(overdue) == 2, overdue
        assert in_time != late


async def test_an_account_losing_messenger_access_is_alerted_then_cleared_once(
        platform: RunningPlatform, seller: Tenant, sb: Switchboard, store: Store) -> None:
    found = await seat(platform, seller, sb)
    first = await platform.connect_sandbox_shop(seller, "Первый магазин")
    second = await platform.connect_sandbox_shop(seller, "Второй магазин")
    await _synced(sb, first, second)  # its first sync done: sync cannot fail on the way
    async with found.running(store, settings=ALERTS):
        await _access(platform, first, False)
        problem = await _posted(found, "🚨", "Первый магазин")
        assert "messenger_access" in _text(problem) and "Максимальный" in _text(problem)
        # The second account's alert: a later round, the first one's problems unchanged.
        await _access(platform, second, False)
        await _posted(found, "🚨", "Второй магазин", "messenger_access")
        await _access(platform, first, True)
        await _posted(found, "✅ Аккаунт «Первый магазин»")
        await _access(platform, second, True)
        await _posted(found, "✅ Аккаунт «Второй магазин»")

        problems = [_text(m) for m in await _general(found, "🚨")]
        for name in ("Первый магазин", "Второй магазин"):
            told = [t for t in problems if name in t and "messenger_access" in t]
            assert len(told) == 1, problems
        cleared = [_text(m) for m in await _general(found, "✅ Аккаунт «Первый магазин»")]
        assert len(cleared) == 1, cleared


async def test_a_failing_model_is_alerted_once_with_the_fix_then_its_recovery_once(
        platform: RunningPlatform, seller: Tenant, sb: Switchboard, store: Store) -> None:
    found = await seat(platform, seller, sb)
    shop = await platform.connect_sandbox_shop(seller, "Магазин с ИИ")
    await enable_agent(seller, shop, base_url=f"{platform.llm_url}/v1", model="no-such-model",
                       api_key="sk-alert-secret")
    # Unpaced: the three handoffs' topics would hold the alert behind 20 posts a minute.
    async with found.running(store, settings=dataclasses.replace(ALERTS, pacing=FAST.pacing)):
        for n in range(3):
            await platform.buyer_writes(shop, f"Здравствуйте, вопрос {n}")
        failing = _text(await _posted(found, "🚨 ИИ-модель не отвечает с "))
        assert "404 — модель не найдена" in failing and "3 диалога переданы" in failing, failing
        assert "название модели" in failing and "/ai" in failing
        assert "sk-alert" not in failing
        fixed = await seller.http.put("/v1/agent/settings", json={"model": "sandbox-chat"})
        assert fixed.status_code == 200, fixed.text
        await platform.buyer_writes(shop, "А доставка в Казань есть?")
        await _posted(found, "✅ ИИ-модель снова отвечает")
        # Many rounds ran meanwhile (one a second): each change was told once.
        assert len(await _general(found, "🚨 ИИ-модель")) == 1
        assert len(await _general(found, "✅ ИИ-модель")) == 1


async def test_a_paused_webhook_endpoint_is_alerted_once_then_its_recovery_once(
        platform: RunningPlatform, seller: Tenant, sb: Switchboard, store: Store) -> None:
    found = await seat(platform, seller, sb)
    shop = await platform.connect_sandbox_shop(seller, "Магазин с CRM")
    path = f"crm-{seller.tenant_id}"
    platform.receiver.statuses[f"/{path}"] = 503
    created = await sb.create_webhook_endpoint(platform.receiver.url_for(path),
                                               ["message.received"], description="CRM")
    async with found.running(store, settings=dataclasses.replace(ALERTS, pacing=FAST.pacing)):
        for n in range(3):  # three buyers: three heads fail at once, and the breaker opens
            await new_buyer(platform, shop, f"Вопрос {n}", name=f"Покупатель {n}")
        paused = _text(await _posted(found, "🚨 Вебхук «CRM» приостановлен"))
        assert "answered 503" in paused and "не теряются" in paused, paused
        platform.receiver.statuses.pop(f"/{path}")
        await _posted(found, "✅ Вебхук «CRM» снова принимает события")

        async def delivered() -> bool:  # the backlog went out once the probe succeeded
            log = (await sb.webhook_deliveries(endpoint_id=created.endpoint.id)).items
            return len(log) == 3 and all(
                d.status == WebhookDeliveryStatus.DELIVERED for d in log)
        await eventually(delivered, within=20)
        # Rounds ran meanwhile (one a second): each change was told once.
        assert len(await _general(found, "🚨 Вебхук")) == 1
        assert len(await _general(found, "✅ Вебхук")) == 1


async def _access(platform: RunningPlatform, shop: SandboxShop, messenger: bool) -> None:
    resp = await platform.emulator.patch(f"/_emulator/accounts/{shop.user_id}",
                                         json={"messenger_access": messenger})
    resp.raise_for_status()


async def _synced(sb: Switchboard, *shops: SandboxShop) -> None:
    wanted = {str(shop.channel["id"]) for shop in shops}

    async def done() -> bool:
        return all(c.last_sync_at is not None for c in await sb.channels() if c.id in wanted)
    await eventually(done, within=40, interval=0.2)


async def _conversation_id(sb: Switchboard, buyer: str) -> str:
    async for conversation in sb.iter_conversations():
        if conversation.contact and conversation.contact.name == buyer:
            return conversation.id
    raise AssertionError(f"no conversation with {buyer}")
