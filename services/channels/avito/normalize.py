"""Avito messages -> the unified message (common.v1.UnifiedMessage): v3 webhook deliveries
and the messages v3 list (sync) share one core, `normalize_message`.

Pure functions: no I/O, so they are cheap to test and safe to re-run on stored raw payloads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
from google.protobuf.timestamp_pb2 import Timestamp

from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from services.kernel.validation import json_text_problem

REQUIRED_FIELDS = ("id", "chat_id", "user_id", "author_id", "created")
# What a protobuf Timestamp holds: 0001-01-01 to 9999-12-31 (UTC), in Unix seconds.
_FIRST_SECOND, _LAST_SECOND = -62_135_596_800, 253_402_300_799
SYSTEM_AUTHOR_ID = 0


class MalformedWebhook(ValueError):
    """The delivery can never be normalized: dead-letter it, do not retry."""


@dataclass(frozen=True)
class AccountRef:
    """The channel account the delivery arrived for."""

    channel_id: str
    user_id: str  # the Avito account id (channel_accounts.external_account_id)


@dataclass(frozen=True)
class ChatContext:
    """What a message object does not carry itself: its chat, and (from the chat object of
    messenger v2, when we have it) the participants' names and the listing."""

    chat_id: str
    item_id: str = ""
    names: Mapping[str, str] = field(default_factory=dict)  # Avito user id -> name
    listing: common.Listing | None = None


def validate_envelope(doc: Any) -> dict[str, Any]:
    """Check the v3 envelope and return `payload.value`. Cheap enough for the gateway to
    mirror before publishing; raises MalformedWebhook with what is wrong."""
    if not isinstance(doc, dict):
        raise MalformedWebhook("the delivery is not a JSON object")
    payload = doc.get("payload")
    if not isinstance(payload, dict):
        raise MalformedWebhook("the delivery has no payload object")
    if payload.get("type") != "message":
        raise MalformedWebhook(f"unsupported payload type {payload.get('type')!r}")
    value = payload.get("value")
    if not isinstance(value, dict):
        raise MalformedWebhook("payload.value is not an object")
    missing = [name for name in REQUIRED_FIELDS if value.get(name) in (None, "")]
    if missing:
        raise MalformedWebhook(f"payload.value lacks {', '.join(missing)}")
    for name in ("id", "chat_id"):
        if not isinstance(value[name], str):
            raise MalformedWebhook(f"payload.value.{name} is not a string")
    for name in ("user_id", "author_id", "created"):
        _integer(value, name)
    return value


def normalize_webhook(account: AccountRef, body: bytes) -> common.UnifiedMessage:
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise MalformedWebhook(f"the delivery is not valid JSON: {exc}") from None
    value = validate_envelope(doc)
    user_id = _integer(value, "user_id")
    if str(user_id) != account.user_id:
        raise MalformedWebhook(
            f"the delivery is for Avito account {user_id}, the channel is {account.user_id}")
    item_id = value.get("item_id")
    return normalize_message(account, value, ChatContext(
        chat_id=value["chat_id"], item_id="" if item_id in (None, "", 0) else str(item_id)))


def normalize_message(account: AccountRef, value: dict[str, Any],
                      chat: ChatContext) -> common.UnifiedMessage:
    """The core both paths share: a message object (a webhook's `payload.value` or an
    element of the messages v3 list) plus what its chat says about buyer and listing."""
    author_id = _integer(value, "author_id")
    if not isinstance(value.get("id"), str) or not value["id"]:
        raise MalformedWebhook("the message has no string id")
    if (problem := json_text_problem(value, "payload.value")) is not None:
        raise MalformedWebhook(problem)  # stored as is (raw), and PostgreSQL holds no NUL
    # Avito echoes the account's own sends (API or its app) with author_id == user_id; the
    # buyer is then not named in the delivery.
    echo = str(author_id) == account.user_id
    # Avito's chatbots (system messages) write as user 0: not a buyer to name the chat after.
    buyer = "" if echo or author_id == SYSTEM_AUTHOR_ID else str(author_id)
    message = common.UnifiedMessage(
        channel=common.CHANNEL_KIND_AVITO, channel_id=account.channel_id,
        external_user_id=buyer,
        external_chat_id=chat.chat_id, external_message_id=value["id"],
        direction=common.DIRECTION_OUTBOUND if echo else common.DIRECTION_INBOUND,
        is_echo=echo, content_type=str(value.get("type") or ""),
        sent_at=_created(value),
        author_name="" if echo else chat.names.get(str(author_id), ""),
        # messages v3 only: read by the account (webhooks carry the buyer's read time).
        read=value.get("is_read") is True,
        raw=orjson.dumps(value))
    content = value.get("content")
    _fill_content(message, content if isinstance(content, dict) else {})
    if chat.listing is not None:
        message.listing.CopyFrom(chat.listing)
    elif chat.item_id:
        message.listing.external_id = chat.item_id
    message.quoted_external_message_id = _str(_dict(value.get("quote")).get("id"))
    return message


def _fill_content(message: common.UnifiedMessage, content: dict[str, Any]) -> None:
    """Text where the content type has one, attachments where they carry something."""
    filler = _FILLERS.get(message.content_type)
    if filler is not None:
        filler(message, content)


def _text(message: common.UnifiedMessage, content: dict[str, Any]) -> None:
    message.text = _str(content.get("text"))


def _image(message: common.UnifiedMessage, content: dict[str, Any]) -> None:
    sizes = _dict(_dict(content.get("image")).get("sizes"))
    urls = [(_area(size), url) for size, url in sizes.items() if isinstance(url, str) and url]
    if urls:
        message.attachments.add(kind="image", url=max(urls)[1])


def _voice(message: common.UnifiedMessage, content: dict[str, Any]) -> None:
    voice_id = _str(_dict(content.get("voice")).get("voice_id"))
    if voice_id:  # resolved to a short-lived URL on demand (getVoiceFiles)
        message.attachments.add(kind="voice", external_id=voice_id)


def _link(message: common.UnifiedMessage, content: dict[str, Any]) -> None:
    link = _dict(content.get("link"))
    url = _str(link.get("url"))
    message.text = _str(link.get("text")) or url
    if url:
        preview = _dict(link.get("preview"))
        message.attachments.add(kind="link", url=url, title=_str(preview.get("title")))


def _item(message: common.UnifiedMessage, content: dict[str, Any]) -> None:
    """A listing shared in the chat: its card as an attachment, its picture as an image."""
    item = _dict(content.get("item"))
    title, url = _str(item.get("title")), _str(item.get("item_url"))
    price, image = _str(item.get("price_string")), _str(item.get("image_url"))
    message.text = f"{title} — {price}" if title and price else title or price
    if title or url:
        message.attachments.add(kind="item", url=url, title=title)
    if image:
        message.attachments.add(kind="image", url=image, title=title)


def _location(message: common.UnifiedMessage, content: dict[str, Any]) -> None:
    location = _dict(content.get("location"))
    title, text = _str(location.get("title")), _str(location.get("text"))
    message.text = text or title
    lat, lon = location.get("lat"), location.get("lon")
    if isinstance(lat, int | float) and isinstance(lon, int | float):
        message.attachments.add(kind="location", url=f"geo:{lat},{lon}", title=title or text)


def _call(message: common.UnifiedMessage, content: dict[str, Any]) -> None:
    status = _str(_dict(content.get("call")).get("status"))  # e.g. "missed"
    message.attachments.add(kind="call", title=status)


def _system(message: common.UnifiedMessage, content: dict[str, Any]) -> None:
    """An Avito chatbot's message; flow_id names the bot (seller_audience_discount, ...)."""
    message.text = _str(content.get("text"))
    flow_id = _str(content.get("flow_id"))
    if flow_id:
        message.attachments.add(kind="system", external_id=flow_id)


def _unsupported(message: common.UnifiedMessage, content: dict[str, Any]) -> None:
    """file, video, appCall: Avito sends `{}` ("not supported"); say what arrived, no text."""
    message.attachments.add(kind=message.content_type)


_FILLERS = {
    "text": _text, "system": _system, "image": _image, "voice": _voice, "link": _link,
    "item": _item, "location": _location, "call": _call,
    "file": _unsupported, "video": _unsupported, "appCall": _unsupported,
    # deleted (and types Avito may add): no content; raw keeps whatever came.
}


def _created(value: dict[str, Any]) -> Timestamp:
    seconds = _integer(value, "created")
    if not _FIRST_SECOND <= seconds <= _LAST_SECOND:
        raise MalformedWebhook(f"payload.value.created {seconds} is not a time (years 1 to 9999)")
    return Timestamp(seconds=seconds)


def _integer(value: dict[str, Any], name: str) -> int:
    raw = value.get(name)
    if isinstance(raw, bool):
        raise MalformedWebhook(f"payload.value.{name} is not an integer")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str) and raw.isdigit():
        return int(raw)
    raise MalformedWebhook(f"payload.value.{name} is not an integer")


def _area(size: str) -> int:
    width, _, height = size.partition("x")
    return int(width) * int(height) if width.isdigit() and height.isdigit() else 0


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""
