"""Pure: a Telegram customer channel's update (Bot API JSON) -> `common.v1.UnifiedMessage`.

Only a buyer's new message in a private chat with the bot is a message: edits (Telegram sends
them as `edited_message`, and the Avito path has none either), group and channel posts, other
bots and a bare `/start` (Telegram's button, not something the buyer wrote) are not — `None`.
A `/start <payload>` (a deep link: where the buyer came from) is kept as its text.

Files are never fetched here: an attachment carries Telegram's `file_id` and the gateway path
that resolves it on the server side (`file_path`), since Telegram's own file URLs hold the
bot's token.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common

_MAX_ID = 2**63 - 1
_MAX_TEXT = 16_384
UNSUPPORTED = "[a Telegram message of a kind the inbox does not show: open the chat in Telegram]"


class MalformedUpdate(ValueError):
    """The body is not a Telegram Update (or a message in it lacks what every message has)."""


@dataclass(frozen=True)
class ChannelRef:
    channel_id: str


def file_path(channel_id: str, file_id: str) -> str:
    """The gateway's path serving a channel's file (GET, with the API key)."""
    return f"/v1/channels/{channel_id}/files/{file_id}"


def normalize_update(channel: ChannelRef, body: bytes) -> common.UnifiedMessage | None:
    try:
        update = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise MalformedUpdate("not JSON") from exc
    if not isinstance(update, dict) or not _is_id(update.get("update_id"), minimum=0):
        raise MalformedUpdate("no integer update_id")
    message = update.get("message")
    if message is None:
        return None  # edited_message and any other kind: not a new message
    if not isinstance(message, dict):
        raise MalformedUpdate("message is not an object")
    chat, sender = message.get("chat"), message.get("from")
    if not isinstance(chat, dict):
        raise MalformedUpdate("message.chat is not an object")
    if chat.get("type") != "private":
        return None
    if not isinstance(sender, dict) or sender.get("is_bot") is True:
        return None
    for field, value in (("message_id", message.get("message_id")), ("chat.id", chat.get("id")),
                         ("from.id", sender.get("id")), ("date", message.get("date"))):
        if not _is_id(value):
            raise MalformedUpdate(f"{field} is not a positive integer")
    return _unified(channel, message, sender, body)


def _unified(channel: ChannelRef, message: dict[str, Any], sender: dict[str, Any],
             body: bytes) -> common.UnifiedMessage | None:
    text = _text(message.get("text")) or _text(message.get("caption"))
    if text.strip() == "/start" and "text" in message:
        return None
    content_type, attachments = _content(channel, message)
    if not text and not attachments:
        text = _special(message)
    unified = common.UnifiedMessage(
        channel=common.CHANNEL_KIND_TELEGRAM, channel_id=channel.channel_id,
        external_user_id=str(sender["id"]), external_chat_id=str(message["chat"]["id"]),
        external_message_id=str(message["message_id"]), direction=common.DIRECTION_INBOUND,
        content_type=content_type, text=text, author_name=author_name(sender),
        attachments=attachments, raw=body)
    unified.sent_at.FromSeconds(int(message["date"]))
    reply = message.get("reply_to_message")
    if isinstance(reply, dict) and _is_id(reply.get("message_id")):
        unified.quoted_external_message_id = str(reply["message_id"])
    return unified


def _content(channel: ChannelRef, message: dict[str, Any]
             ) -> tuple[str, list[common.Attachment]]:
    """The message's kind and its files (the largest size of a photo)."""
    photo = message.get("photo")
    if isinstance(photo, list) and photo and all(isinstance(p, dict) for p in photo):
        biggest = max(photo, key=lambda p: _number(p.get("width")) * _number(p.get("height")))
        return "image", _attachment(channel, "image", biggest, "image/jpeg")
    for key, kind, content_type in (("voice", "voice", "voice"), ("audio", "file", "file"),
                                    ("video", "video", "video"), ("document", "file", "file")):
        item = message.get(key)
        if isinstance(item, dict):
            return content_type, _attachment(channel, kind, item, "application/octet-stream")
    if isinstance(message.get("location"), dict):
        return "location", []
    return "text", []


def _attachment(channel: ChannelRef, kind: str, item: dict[str, Any],
                default_mime: str) -> list[common.Attachment]:
    file_id = item.get("file_id")
    if not isinstance(file_id, str) or not file_id or len(file_id) > 256:
        raise MalformedUpdate(f"a {kind} without a file_id")
    return [common.Attachment(
        kind=kind, url=file_path(channel.channel_id, file_id), external_id=file_id,
        title=_text(item.get("file_name"))[:255],
        mime_type=_text(item.get("mime_type"))[:100] or default_mime)]


def _special(message: dict[str, Any]) -> str:
    """What a message with neither text nor a file says: a location, a sticker's emoji."""
    location = message.get("location")
    if isinstance(location, dict):
        return f"{location.get('latitude')}, {location.get('longitude')}"
    sticker = message.get("sticker")
    if isinstance(sticker, dict) and isinstance(sticker.get("emoji"), str):
        return sticker["emoji"]
    return UNSUPPORTED


def author_name(sender: dict[str, Any]) -> str:
    """"First Last (@username)", as much of it as the buyer has."""
    name = " ".join(part for part in (_text(sender.get("first_name")),
                                      _text(sender.get("last_name"))) if part.strip())
    username = _text(sender.get("username"))
    if username:
        name = f"{name} (@{username})" if name else f"@{username}"
    return name[:255]


def _text(value: Any) -> str:
    return value.replace("\x00", "")[:_MAX_TEXT] if isinstance(value, str) else ""


def _is_id(value: Any, minimum: int = 1) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and minimum <= value <= _MAX_ID


def _number(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
