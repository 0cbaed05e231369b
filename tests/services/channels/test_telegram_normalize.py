"""Pure: a Telegram customer channel's updates -> unified messages (services/channels/telegram/
normalize.py), and a reply's text cut into Telegram's parts (telegram/sending.py)."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from services.channels.telegram.normalize import (
    UNSUPPORTED,
    ChannelRef,
    MalformedUpdate,
    normalize_update,
)
from services.channels.telegram.sending import MAX_TEXT_UTF16, split_message

CHANNEL = ChannelRef("7d0c7c1e-8a4e-4d0a-9a53-1f0e7f6c2b11")
BUYER = {"id": 5550001, "is_bot": False, "first_name": "Анна", "last_name": "Котова",
         "username": "anna_k"}


def update(kind: str = "message", chat_type: str = "private", **message: Any) -> bytes:
    body = {"message_id": 42, "date": 1_764_000_000, "from": BUYER,
            "chat": {"id": BUYER["id"], "type": chat_type, "first_name": "Анна"}, **message}
    return orjson.dumps({"update_id": 9001, kind: body})


def normalized(body: bytes) -> common.UnifiedMessage:
    message = normalize_update(CHANNEL, body)
    assert message is not None
    return message


def test_a_private_text_is_a_buyers_message_in_their_chat() -> None:
    m = normalized(update(text="Здравствуйте, велосипед ещё продаётся?"))
    assert m.channel == common.CHANNEL_KIND_TELEGRAM and m.channel_id == CHANNEL.channel_id
    assert (m.external_chat_id, m.external_user_id, m.external_message_id) == \
        ("5550001", "5550001", "42")
    assert m.direction == common.DIRECTION_INBOUND and not m.is_echo
    assert (m.content_type, m.text) == ("text", "Здравствуйте, велосипед ещё продаётся?")
    assert m.author_name == "Анна Котова (@anna_k)"
    assert m.sent_at.seconds == 1_764_000_000
    assert orjson.loads(m.raw)["update_id"] == 9001


def test_the_name_is_what_the_buyer_has() -> None:
    only_first = {"id": 7, "is_bot": False, "first_name": "Олег"}
    assert normalized(update(text="a", **{"from": only_first})).author_name == "Олег"
    nameless = {"id": 7, "is_bot": False, "first_name": "", "username": "oleg"}
    assert normalized(update(text="a", **{"from": nameless})).author_name == "@oleg"


def test_a_photo_keeps_its_largest_size_and_caption_and_no_token_anywhere() -> None:
    sizes = [{"file_id": "small", "file_unique_id": "s", "width": 90, "height": 60},
             {"file_id": "AgACAgIAAxkBAAIBig", "file_unique_id": "b", "width": 1280,
              "height": 853}]
    m = normalized(update(photo=sizes, caption="Вот такой?"))
    assert (m.content_type, m.text) == ("image", "Вот такой?")
    [image] = m.attachments
    assert (image.kind, image.external_id, image.mime_type) == \
        ("image", "AgACAgIAAxkBAAIBig", "image/jpeg")
    assert image.url == f"/v1/channels/{CHANNEL.channel_id}/files/AgACAgIAAxkBAAIBig"


@pytest.mark.parametrize(("key", "kind", "content_type"), [
    ("voice", "voice", "voice"), ("document", "file", "file"), ("video", "video", "video")])
def test_voice_documents_and_videos_are_attachments(key: str, kind: str,
                                                    content_type: str) -> None:
    item = {"file_id": "F1", "file_unique_id": "u", "mime_type": "audio/ogg",
            "file_name": "договор.pdf"}
    m = normalized(update(**{key: item}))
    assert m.content_type == content_type
    assert [(a.kind, a.external_id) for a in m.attachments] == [(kind, "F1")]


def test_a_reply_names_the_message_it_quotes() -> None:
    m = normalized(update(text="да", reply_to_message={"message_id": 40, "date": 1,
                                                       "chat": {"id": 1, "type": "private"}}))
    assert m.quoted_external_message_id == "40"


def test_what_has_no_text_says_what_it_is() -> None:
    located = normalized(update(location={"latitude": 55.75, "longitude": 37.62}))
    assert (located.content_type, located.text) == ("location", "55.75, 37.62")
    assert normalized(update(sticker={"file_id": "S", "emoji": "👍"})).text == "👍"
    assert normalized(update(contact={"phone_number": "+7900"})).text == UNSUPPORTED


@pytest.mark.parametrize("body", [
    update(kind="edited_message", text="исправил"),
    update(chat_type="group", text="всем привет"),
    update(chat_type="supergroup", text="в группе"),
    update(chat_type="channel", text="пост"),
    update(text="/start"),
    update(text="бот пишет", **{"from": {"id": 9, "is_bot": True, "first_name": "B"}}),
    orjson.dumps({"update_id": 1, "callback_query": {"id": "1"}}),
], ids=["edit", "group", "supergroup", "channel", "bare-start", "a-bot", "callback"])
def test_what_is_not_a_buyers_new_message_is_none(body: bytes) -> None:
    assert normalize_update(CHANNEL, body) is None


def test_a_start_with_a_payload_keeps_where_the_buyer_came_from() -> None:
    assert normalized(update(text="/start avito_ad_123")).text == "/start avito_ad_123"


@pytest.mark.parametrize("body", [
    b"not json", b"[]", orjson.dumps({"message": {}}),
    update(text="x", message_id="42"), update(text="x", date=None),
    update(photo=[{"width": 1, "height": 1}]), update(text="x", chat="private"),
], ids=["json", "array", "no-update-id", "string-id", "no-date", "photo-without-file",
        "chat-not-object"])
def test_a_body_that_is_no_update_is_malformed(body: bytes) -> None:
    with pytest.raises(MalformedUpdate):
        normalize_update(CHANNEL, body)


def test_a_nul_never_reaches_the_store() -> None:
    assert normalized(update(text="a\x00b")).text == "ab"


def test_long_replies_are_cut_within_telegrams_limit_at_word_ends() -> None:
    words = ("слово " * 2000).strip()
    parts = split_message(words)
    assert len(parts) == 3 and " ".join(parts) == words
    assert all(len(p) <= MAX_TEXT_UTF16 and not p.endswith(" ") for p in parts)
    assert split_message("коротко") == ["коротко"] and split_message("   ") == []


def test_characters_counted_twice_by_telegram_still_fit() -> None:
    emoji = "😀" * 3000  # 6000 UTF-16 code units
    parts = split_message(emoji)
    assert "".join(parts) == emoji
    assert all(len(p.encode("utf-16-le")) // 2 <= MAX_TEXT_UTF16 for p in parts)
