"""Avito v3 webhook deliveries -> UnifiedMessage: every content type, echoes, malformed ones."""

from __future__ import annotations

import copy
from typing import Any

import orjson
import pytest

from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from services.channels.avito.normalize import (
    AccountRef,
    MalformedWebhook,
    normalize_webhook,
    validate_envelope,
)

SELLER = 312345678
BUYER = 487654321
ACCOUNT = AccountRef(channel_id="6f1c2b7a-0000-4000-8000-000000000001", user_id=str(SELLER))


def delivery(msg_type: str = "text", content: dict[str, Any] | None = None, *,
             author_id: int = BUYER, **value: Any) -> dict[str, Any]:
    return {
        "id": "7f3e2a10-5c4b-4d8e-9a61-0b2c3d4e5f60", "version": "v3.0.0",
        "timestamp": 1706865998,
        "payload": {"type": "message", "value": {
            "id": "5e0c2b7a9d4f41e8b3c6a1f27d8e9b04", "chat_id": "u2i-Qw3rTy7uIoP~aSdFgH9jKl",
            "user_id": SELLER, "author_id": author_id, "created": 1706865998,
            "type": msg_type, "chat_type": "u2i",
            "content": {"text": "планируется поставка?"} if content is None else content,
            "item_id": 4012345678, "published_at": "2024-02-02T09:26:38Z", **value}},
    }


def normalize(doc: dict[str, Any]) -> common.UnifiedMessage:
    return normalize_webhook(ACCOUNT, orjson.dumps(doc))


def test_inbound_text() -> None:
    doc = delivery()
    m = normalize(doc)
    assert m.channel == common.CHANNEL_KIND_AVITO
    assert m.channel_id == ACCOUNT.channel_id
    assert m.direction == common.DIRECTION_INBOUND and not m.is_echo
    assert m.external_user_id == str(BUYER)
    assert m.external_chat_id == "u2i-Qw3rTy7uIoP~aSdFgH9jKl"
    assert m.external_message_id == "5e0c2b7a9d4f41e8b3c6a1f27d8e9b04"
    assert (m.content_type, m.text) == ("text", "планируется поставка?")
    assert m.sent_at.seconds == 1706865998
    assert m.listing.external_id == "4012345678"
    assert orjson.loads(m.raw) == doc["payload"]["value"]
    assert list(m.attachments) == []


def test_echo_of_the_sellers_own_send() -> None:
    m = normalize(delivery(author_id=SELLER))
    assert m.direction == common.DIRECTION_OUTBOUND and m.is_echo
    assert m.external_user_id == ""  # the buyer is not named in an echo


def test_image_takes_the_largest_size() -> None:
    sizes = {"140x105": "https://img/140.jpg", "1280x960": "https://img/1280.jpg",
             "640x480": "https://img/640.jpg", "32x32": "https://img/32.jpg"}
    m = normalize(delivery("image", {"image": {"sizes": sizes}}))
    assert m.content_type == "image" and m.text == ""
    assert [(a.kind, a.url) for a in m.attachments] == [("image", "https://img/1280.jpg")]


def test_voice_keeps_the_voice_id() -> None:
    m = normalize(delivery("voice", {"voice": {"voice_id": "v-123"}}))
    assert [(a.kind, a.external_id) for a in m.attachments] == [("voice", "v-123")]


def test_link() -> None:
    link = {"text": "смотрите", "url": "https://example.com/x",
            "preview": {"title": "Example", "description": "", "domain": "example.com"}}
    m = normalize(delivery("link", {"link": link}))
    assert m.text == "смотрите"
    assert [(a.kind, a.url, a.title) for a in m.attachments] == [
        ("link", "https://example.com/x", "Example")]


def test_item() -> None:
    item = {"title": "Mazda 3 2008", "item_url": "https://avito.ru/item/1",
            "image_url": "https://img/1.jpg", "price_string": "300 000 ₽"}
    m = normalize(delivery("item", {"item": item}))
    assert m.text == "Mazda 3 2008 — 300 000 ₽"
    assert [(a.kind, a.url, a.title) for a in m.attachments] == [
        ("item", "https://avito.ru/item/1", "Mazda 3 2008"),
        ("image", "https://img/1.jpg", "Mazda 3 2008")]


def test_location() -> None:
    location = {"kind": "house", "lat": 55.75, "lon": 37.62, "text": "Москва, Тверская 1",
                "title": "Тверская 1"}
    m = normalize(delivery("location", {"location": location}))
    assert m.text == "Москва, Тверская 1"
    assert [(a.kind, a.url) for a in m.attachments] == [("location", "geo:55.75,37.62")]


def test_system_message_keeps_its_text() -> None:
    m = normalize(delivery("system", {"flow_id": "seller_audience_discount", "text": "Скидка"}))
    assert (m.content_type, m.text) == ("system", "Скидка")


@pytest.mark.parametrize("msg_type,content", [
    ("deleted", {}),
    ("hologram", {"hologram": {"x": 1}}),  # unknown types are kept, not errors
])
def test_types_without_text(msg_type: str, content: dict[str, Any]) -> None:
    m = normalize(delivery(msg_type, content))
    assert (m.content_type, m.text, len(m.attachments)) == (msg_type, "", 0)
    assert m.external_message_id


def test_optional_fields_may_be_missing() -> None:
    doc = delivery()
    value = doc["payload"]["value"]
    for key in ("item_id", "published_at", "chat_type", "content"):
        value.pop(key)
    m = normalize(doc)
    assert m.text == "" and m.listing.external_id == ""


def test_ids_given_as_strings_are_accepted() -> None:
    m = normalize(delivery(author_id=BUYER, user_id=str(SELLER)))
    assert m.external_user_id == str(BUYER)


def _without(field: str) -> dict[str, Any]:
    doc = delivery()
    del doc["payload"]["value"][field]
    return doc


@pytest.mark.parametrize("body,problem", [
    (b"{not json", "not valid JSON"),
    (b"[1, 2]", "not a JSON object"),
    (orjson.dumps({"id": "x"}), "no payload"),
    (orjson.dumps({"payload": {"type": "read", "value": {}}}), "unsupported payload type"),
    (orjson.dumps({"payload": {"type": "message", "value": []}}), "not an object"),
    *[(orjson.dumps(_without(f)), f) for f in ("id", "chat_id", "user_id", "author_id",
                                                "created")],
    (orjson.dumps(delivery(author_id=True)), "author_id is not an integer"),  # type: ignore[arg-type]
    (orjson.dumps(delivery(created="yesterday")), "created is not an integer"),
    (orjson.dumps(delivery(chat_id=123)), "chat_id is not a string"),
])
def test_malformed_deliveries_are_refused(body: bytes, problem: str) -> None:
    with pytest.raises(MalformedWebhook, match=problem):
        normalize_webhook(ACCOUNT, body)


def test_a_delivery_for_another_account_is_refused() -> None:
    with pytest.raises(MalformedWebhook, match="is for Avito account 1"):
        normalize(delivery(user_id=1))


def test_validator_returns_the_value_and_does_not_mutate() -> None:
    doc = delivery()
    before = copy.deepcopy(doc)
    assert validate_envelope(doc)["id"] == "5e0c2b7a9d4f41e8b3c6a1f27d8e9b04"
    assert doc == before
    assert issubclass(MalformedWebhook, ValueError)
