"""Avito Messenger v3 webhook deliveries -> the unified message (common.v1.UnifiedMessage).

Pure functions: no I/O, so they are cheap to test and safe to re-run on stored raw payloads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from google.protobuf.timestamp_pb2 import Timestamp

from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common

REQUIRED_FIELDS = ("id", "chat_id", "user_id", "author_id", "created")


class MalformedWebhook(ValueError):
    """The delivery can never be normalized: dead-letter it, do not retry."""


@dataclass(frozen=True)
class AccountRef:
    """The channel account the delivery arrived for."""

    channel_id: str
    user_id: str  # the Avito account id (channel_accounts.external_account_id)


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
    user_id, author_id = _integer(value, "user_id"), _integer(value, "author_id")
    if str(user_id) != account.user_id:
        raise MalformedWebhook(
            f"the delivery is for Avito account {user_id}, the channel is {account.user_id}")
    # Avito echoes the account's own sends (API or its app) with author_id == user_id; the
    # buyer is then not named in the delivery.
    echo = author_id == user_id
    message = common.UnifiedMessage(
        channel=common.CHANNEL_KIND_AVITO, channel_id=account.channel_id,
        external_user_id="" if echo else str(author_id),
        external_chat_id=value["chat_id"], external_message_id=value["id"],
        direction=common.DIRECTION_OUTBOUND if echo else common.DIRECTION_INBOUND,
        is_echo=echo, content_type=str(value.get("type") or ""),
        sent_at=Timestamp(seconds=_integer(value, "created")),
        raw=orjson.dumps(value))
    content = value.get("content")
    _fill_content(message, content if isinstance(content, dict) else {})
    item_id = value.get("item_id")
    if item_id not in (None, "", 0):
        message.listing.external_id = str(item_id)
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
    item = _dict(content.get("item"))
    title, url = _str(item.get("title")), _str(item.get("item_url"))
    message.text = title
    if title or url:
        message.attachments.add(kind="item", url=url, title=title)


def _location(message: common.UnifiedMessage, content: dict[str, Any]) -> None:
    location = _dict(content.get("location"))
    title, text = _str(location.get("title")), _str(location.get("text"))
    message.text = text or title
    lat, lon = location.get("lat"), location.get("lon")
    if isinstance(lat, int | float) and isinstance(lon, int | float):
        message.attachments.add(kind="location", url=f"geo:{lat},{lon}", title=title or text)


_FILLERS = {
    "text": _text, "system": _text, "image": _image, "voice": _voice, "link": _link,
    "item": _item, "location": _location,
    # call, deleted, file, video, appCall: Avito sends no usable content; raw keeps it all.
}


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
