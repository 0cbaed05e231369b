"""Webhook subscriptions and deliveries, including the delivery faults: duplicates, retries,
drops, and out-of-order arrival."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid

from tests.emulators.avito.helpers import (
    ITEMS,
    MESSAGE_ID,
    RFC3339_Z,
    Avito,
    Receiver,
    Seller,
    Start,
    eventually,
)


async def test_incoming_delivers_signed_v3_webhook(avito: Avito, receiver: Receiver) -> None:
    seller = await avito.seller(items=ITEMS)
    await avito.subscribe(seller, receiver.url)
    sent = await avito.incoming(seller, text="планируется поставка?")
    [(headers, raw)] = await receiver.wait(1)
    expected = hmac.new(seller.account["client_secret"].encode(), raw, hashlib.sha256).hexdigest()
    assert headers["x-avito-messenger-signature"] == expected
    assert headers["content-type"] == "application/json"
    envelope = json.loads(raw)
    assert envelope["id"] in sent["delivery_ids"] and uuid.UUID(envelope["id"]).version == 4
    assert envelope["version"] == "v3.0.0" and isinstance(envelope["timestamp"], int)
    assert envelope["payload"]["type"] == "message"
    value = envelope["payload"]["value"]
    assert MESSAGE_ID.match(value["id"]) and value["id"] == sent["message_id"]
    assert value["chat_id"] == sent["chat_id"] and value["chat_type"] == "u2i"
    assert value["user_id"] == seller.user_id and value["author_id"] == sent["author_id"]
    assert value["item_id"] == seller.item_ids[0]
    assert value["type"] == "text" and value["content"] == {"text": "планируется поставка?"}
    assert RFC3339_Z.match(value["published_at"]) and value["read"] is None
    [record] = await avito.settled_deliveries(1)
    assert record["state"] == "delivered" and record["status_code"] == 200
    assert record["attempts"] == 1 and record["url"] == receiver.url


async def test_a_quoting_message_carries_the_quote(avito: Avito, receiver: Receiver) -> None:
    """`quote` as the messages list has it (MessageQuote); a plain message has none."""
    seller = await avito.seller(items=ITEMS)
    await avito.subscribe(seller, receiver.url)
    first = await avito.incoming(seller, text="Есть синий?")
    quoting = await avito.incoming(seller, chat_id=first["chat_id"], text="Вот про это",
                                   quote_id=first["message_id"])
    by_id = {v["id"]: v for v in await receiver.values(2)}
    plain, value = by_id[first["message_id"]], by_id[quoting["message_id"]]
    assert "quote" not in plain
    assert value["quote"] == {"id": first["message_id"], "author_id": first["author_id"],
                              "created": plain["created"], "type": "text",
                              "content": {"text": "Есть синий?"}}
    listed = (await avito.http.get(seller.messages_path(first["chat_id"]),
                                   headers=seller.headers)).json()["messages"]
    assert listed[0]["quote"] == value["quote"]


async def test_webhook_subscriptions_per_account(avito: Avito) -> None:
    seller, other = await avito.seller(), await avito.seller()
    first, second = "https://hooks.example/a/s3cr3t", "https://hooks.example/b"
    for url in (first, first, second):
        await avito.subscribe(seller, url)

    async def listed(who: Seller) -> list[dict[str, str]]:
        response = await avito.http.post("/messenger/v1/subscriptions", headers=who.headers)
        return list(response.json()["subscriptions"])

    assert await listed(seller) == [{"url": first, "version": "3"}, {"url": second, "version": "3"}]
    assert await listed(other) == []
    gone = await avito.http.post("/messenger/v1/webhook/unsubscribe", json={"url": first},
                                 headers=seller.headers)
    assert gone.json() == {"ok": True}
    assert await listed(seller) == [{"url": second, "version": "3"}]
    bad = await avito.http.post("/messenger/v3/webhook", json={"url": "ftp://x"},
                                headers=seller.headers)
    assert bad.status_code == 400


async def test_duplicate_webhooks_share_the_delivery_id(avito: Avito, receiver: Receiver) -> None:
    seller = await avito.seller(items=ITEMS)
    await avito.subscribe(seller, receiver.url)
    await avito.fault(duplicate_webhooks=True)
    sent = await avito.incoming(seller)
    first, second = await receiver.bodies(2)
    assert first == second and first["id"] == sent["delivery_ids"][0]
    log = await avito.settled_deliveries(2)
    assert sorted(record["duplicate"] for record in log) == [False, True]


async def test_failed_deliveries_are_retried_and_logged(start: Start, receiver: Receiver) -> None:
    avito = await start(webhook_retries=2, webhook_backoff_s=0.01)
    seller = await avito.seller(items=ITEMS)
    await avito.subscribe(seller, receiver.url)
    await avito.subscribe(seller, "http://127.0.0.1:9/unreachable")
    receiver.statuses = [500, 503]
    await avito.incoming(seller)
    log = {record["url"]: record for record in await avito.settled_deliveries(2)}
    assert log[receiver.url]["state"] == "delivered" and log[receiver.url]["attempts"] == 3
    assert len(receiver.calls) == 3
    dead = log["http://127.0.0.1:9/unreachable"]
    assert dead["state"] == "failed" and dead["attempts"] == 3
    assert dead["status_code"] is None and dead["error"]


async def test_dropped_webhooks_are_logged_but_never_sent(avito: Avito,
                                                          receiver: Receiver) -> None:
    seller = await avito.seller(items=ITEMS)
    await avito.subscribe(seller, receiver.url)
    snapshot = await avito.fault(drop_webhooks=2)
    assert snapshot["drop_webhooks"] == 2
    written = [await avito.incoming(seller, text=f"сообщение {n}") for n in range(3)]
    [value] = await receiver.values(1)
    assert value["id"] == written[2]["message_id"]
    log = await avito.settled_deliveries(3)
    assert [(r["message_id"], r["state"]) for r in log] == [
        (written[0]["message_id"], "dropped"), (written[1]["message_id"], "dropped"),
        (written[2]["message_id"], "delivered")]
    assert all(r["attempts"] == 0 for r in log[:2])
    assert (await avito.control("/faults"))["drop_webhooks"] == 0
    # The messages themselves exist: reconciliation through the API finds them.
    history = (await avito.http.get(seller.messages_path(written[0]["chat_id"]),
                                    headers=seller.headers)).json()["messages"]
    assert written[0]["message_id"] in {m["id"] for m in history}


async def test_reordered_webhooks_arrive_in_reverse(avito: Avito, receiver: Receiver) -> None:
    seller = await avito.seller(items=ITEMS)
    await avito.subscribe(seller, receiver.url)
    await avito.fault(reorder_webhooks=True, reorder_window_ms=300)
    chat_id = (await avito.incoming(seller, text="первое"))["chat_id"]
    for text in ("второе", "третье"):
        await avito.incoming(seller, chat_id=chat_id, text=text)
    values = await receiver.values(3)
    assert [v["content"]["text"] for v in values] == ["третье", "второе", "первое"]
    await avito.http.delete("/_emulator/faults")
    await avito.incoming(seller, chat_id=chat_id, text="четвёртое")
    assert (await receiver.values(4))[3]["content"]["text"] == "четвёртое"


async def test_jitter_delays_deliveries(avito: Avito, receiver: Receiver) -> None:
    seller = await avito.seller(items=ITEMS)
    await avito.subscribe(seller, receiver.url)
    snapshot = await avito.fault(webhook_jitter_ms=50)
    assert snapshot["webhook_jitter_ms"] == 50
    chat_id = (await avito.incoming(seller))["chat_id"]
    for n in range(4):
        await avito.incoming(seller, chat_id=chat_id, text=f"{n}")
    assert len(await receiver.values(5)) == 5

    async def all_delivered() -> bool:
        log = (await avito.control("/deliveries"))["deliveries"]
        return all(r["state"] == "delivered" for r in log)

    assert await eventually(all_delivered)
