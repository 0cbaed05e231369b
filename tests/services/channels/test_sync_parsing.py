"""Pure parts of sync: Avito price strings, chat objects (names, listing), and the normalizer
core that the webhook path and the messages v3 list share."""

from __future__ import annotations

import pytest

from services.channels.avito.chats import buyer_name, chat_context, parse_price
from services.channels.avito.normalize import AccountRef, normalize_message


@pytest.mark.parametrize(("price", "kopecks"), [
    ("18 500 ₽", 1_850_000), ("300 000 ₽", 30_000_000), ("18\u00a0500\u00a0₽", 1_850_000),
    ("1 200,50 ₽", 120_050), ("500 ₽ за сутки", 50_000), ("0 ₽", 0),
    ("Договорная", None), ("", None), (None, None)])
def test_price_strings_in_kopecks(price: str | None, kopecks: int | None) -> None:
    assert parse_price(price) == kopecks


CHAT = {
    "id": "u2i-Qw3rTy7uIoP~aSdFgH9jKl", "created": 1706865900, "updated": 1706865998,
    "context": {"type": "item", "value": {
        "id": 4012345678, "title": "Mazda 3 2008", "price_string": "300 000 ₽",
        "url": "https://avito.ru/mazda_3_2008_4012345678",
        "images": {"count": 4, "main": {"140x105": "https://img/140.jpg",
                                        "640x480": "https://img/640.jpg"}}}},
    "users": [{"id": 312345678, "name": "Автосалон"}, {"id": 487654321, "name": "Иван"}],
    "last_message": {"id": "5e0c", "author_id": 487654321, "created": 1706865998},
}


def test_chat_context_names_and_listing() -> None:
    context = chat_context(CHAT)
    assert context.chat_id == CHAT["id"] and context.item_id == "4012345678"
    assert context.names["487654321"] == "Иван"
    assert context.listing is not None
    assert (context.listing.title, context.listing.price_minor, context.listing.has_price) == \
        ("Mazda 3 2008", 30_000_000, True)
    assert context.listing.image_url == "https://img/640.jpg"  # the biggest picture
    u2u = chat_context({"id": "u2u-x", "users": CHAT["users"]})
    assert u2u.listing is None and u2u.item_id == ""


SELLER, BUYER = "312345678", "487654321"


@pytest.mark.parametrize(("users", "buyer", "name"), [
    (CHAT["users"], BUYER, "Иван"),  # by the buyer's id
    (list(reversed(CHAT["users"])), BUYER, "Иван"),
    (CHAT["users"], "999", "Иван"),  # the buyer's id hashed: the one user beside the seller
    (CHAT["users"], SELLER, "Иван"),  # never the seller's own name
    ([{"id": 312345678, "name": "Автосалон"}], BUYER, ""),  # the seller alone
    ([{"id": 1, "name": "А"}, {"id": 2, "name": "Б"}], "3", ""),  # cannot tell who is who
    ([{"id": 487654321}], BUYER, ""), ([], BUYER, ""), ("garbage", BUYER, ""),
    ([{"id": 487654321, "name": "Я" * 300}, CHAT["users"][0]], BUYER, "Я" * 255)])
def test_buyer_name_from_the_chat_users(users: object, buyer: str, name: str) -> None:
    assert buyer_name({**CHAT, "users": users}, buyer, SELLER) == name


def test_messages_v3_share_the_webhook_normalizer() -> None:
    account = AccountRef("3b0e1c1e-0000-4000-8000-000000000001", "312345678")
    value = {"id": "5e0c", "author_id": 487654321, "created": 1706865998, "direction": "in",
             "type": "text", "content": {"text": "планируется поставка?"}, "is_read": True,
             "quote": {"id": "0b7e", "author_id": 312345678, "created": 1706865000}}
    message = normalize_message(account, value, chat_context(CHAT))
    assert (message.text, message.author_name, message.external_user_id) == \
        ("планируется поставка?", "Иван", "487654321")
    assert message.read and message.quoted_external_message_id == "0b7e"
    assert message.listing.title == "Mazda 3 2008" and message.external_chat_id == CHAT["id"]
    echo = normalize_message(account, {**value, "author_id": 312345678}, chat_context(CHAT))
    assert echo.is_echo and echo.author_name == "" and echo.external_user_id == ""
