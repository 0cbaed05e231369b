"""Webhooks: updates POSTed in order with the secret header, a failing answer retried (the
update kept and shown in getWebhookInfo), an answer with a method call made, getUpdates
refused while a webhook is set."""

from __future__ import annotations

from typing import Any

from tests.emulators.telegram.helpers import Receiver, Telegram, eventually, ok, refused
from tests.emulators.telegram.test_polling import texts


async def _hooked(telegram: Telegram, receiver: Receiver,
                  **options: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    bot, user = await telegram.private_pair()
    result = await telegram.aiogram(bot).set_webhook(receiver.url, secret_token="s3cret-Token_1",
                                                     **options)
    assert result is True
    return bot, user


async def test_updates_arrive_in_order_with_the_secret(telegram: Telegram,
                                                       receiver: Receiver) -> None:
    bot, user = await _hooked(telegram, receiver)
    for text in ("раз", "два", "три"):
        await telegram.write(bot_id=bot["id"], from_user_id=user["id"], text=text)
    updates = await receiver.updates(3)
    assert texts(updates) == ["раз", "два", "три"]
    assert [u["update_id"] for u in updates] == list(range(updates[0]["update_id"],
                                                           updates[0]["update_id"] + 3))
    assert {headers["x-telegram-bot-api-secret-token"] for headers, _ in receiver.calls} == {
        "s3cret-Token_1"}
    info = await telegram.aiogram(bot).get_webhook_info()
    assert (info.url, info.pending_update_count, info.last_error_date) == (receiver.url, 0, None)


async def test_a_failing_answer_is_retried_and_nothing_overtakes_it(
        telegram: Telegram, receiver: Receiver) -> None:
    bot, user = await _hooked(telegram, receiver)
    receiver.statuses = [500, 503]
    await telegram.write(bot_id=bot["id"], from_user_id=user["id"], text="первое")
    await telegram.write(bot_id=bot["id"], from_user_id=user["id"], text="второе")
    updates = await receiver.updates(4)
    assert texts(updates) == ["первое", "первое", "первое", "второе"]
    info = await telegram.aiogram(bot).get_webhook_info()
    assert info.last_error_message == "Wrong response from the webhook: 503 Service Unavailable"
    assert info.last_error_date is not None and info.pending_update_count == 0
    deliveries = (await telegram.ok("GET", f"/bots/{bot['id']}/deliveries"))["deliveries"]
    assert [d["status_code"] for d in deliveries] == [500, 503, 200, 200]


async def test_pending_updates_wait_while_the_receiver_is_unreachable(
        telegram: Telegram, receiver: Receiver) -> None:
    bot, user = await _hooked(telegram, receiver)
    await telegram.fault(webhook_failures=2)
    await telegram.write(bot_id=bot["id"], from_user_id=user["id"], text="дойдёт")
    assert texts(await receiver.updates(1)) == ["дойдёт"]
    deliveries = (await telegram.ok("GET", f"/bots/{bot['id']}/deliveries"))["deliveries"]
    assert [d["error"] for d in deliveries] == ["Connection refused", "Connection refused", None]


async def test_a_webhook_answer_may_call_a_method(telegram: Telegram, receiver: Receiver) -> None:
    bot, user = await _hooked(telegram, receiver)
    receiver.replies = [{"method": "sendMessage", "chat_id": user["id"], "text": "Принято"}]
    await telegram.write(bot_id=bot["id"], from_user_id=user["id"], text="/start")

    async def replied() -> list[dict[str, Any]]:
        return await telegram.sent(bot)

    [record] = await eventually(replied)
    assert record["message"]["text"] == "Принято"


async def test_get_updates_is_409_while_a_webhook_is_set(telegram: Telegram,
                                                          receiver: Receiver) -> None:
    bot, user = await _hooked(telegram, receiver, drop_pending_updates=True)
    refused(await telegram.api(bot, "getUpdates"), 409,
            "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook "
            "to delete the webhook first")
    deleted = (await telegram.api(bot, "deleteWebhook")).json()
    assert deleted == {"ok": True, "result": True, "description": "Webhook was deleted"}
    await telegram.write(bot_id=bot["id"], from_user_id=user["id"], text="опрос")
    assert texts(ok(await telegram.api(bot, "getUpdates"))) == ["опрос"]


async def test_bad_webhooks_are_refused(telegram: Telegram) -> None:
    bot = await telegram.bot()
    refused(await telegram.api(bot, "setWebhook", url="ftp://x.example/hook"), 400,
            "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
    refused(await telegram.api(bot, "setWebhook", url="https://x.example/hook",
                               secret_token="no spaces"), 400,
            "Bad Request: secret token contains unallowed characters")
