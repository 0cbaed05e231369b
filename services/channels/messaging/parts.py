"""The parts one outbound message goes out as on Avito: its text split at 1000 characters,
then each image (uploaded with uploadImages, then sent). Avito knows nothing of our messages,
only of these parts, so the sender (reconciling an interrupted attempt) and the deleter both
find them again in the chat by content and order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from services.channels.avito.client import AvitoClient
from services.channels.avito.text import split_text
from services.channels.messaging.media import MediaFetcher
from services.channels.models import ChannelAccount

# Avito's clock and ours may differ a little: look this far before the attempt began.
CLOCK_SKEW_S = 5.0


@dataclass(frozen=True)
class Part:
    kind: Literal["text", "image"]
    text: str = ""
    media_id: str = ""


def build_parts(text: str, media_ids: Sequence[str]) -> list[Part]:
    return [*(Part("text", text=t) for t in split_text(text)),
            *(Part("image", media_id=m) for m in media_ids)]


async def send_part(client: AvitoClient, account: ChannelAccount, chat_id: str, part: Part,
                    fetch: MediaFetcher) -> str:
    """Send one part; returns its Avito message id."""
    user_id = account.external_account_id
    if part.kind == "text":
        result = await client.send_text(user_id, chat_id, part.text)
    else:
        media = await fetch(part.media_id)
        uploaded = await client.upload_image(user_id, media.content, media.filename,
                                             media.mime_type)
        result = await client.send_image(user_id, chat_id, uploaded.image_id)
    return str(result.get("id") or "")


async def find_sent(client: AvitoClient, account: ChannelAccount, chat_id: str,
                    parts: Sequence[Part], since: float) -> list[str]:
    """Avito ids of the leading parts already in the chat: the account's own messages
    created since `since` (unix seconds) matching the parts in order — texts by their text,
    images by their type (Avito's copy has its own URLs, nothing else to compare)."""
    newest_first = await client.list_messages(account.external_account_id, chat_id, limit=100)
    ours = [m for m in reversed(newest_first)
            if str(m.get("author_id")) == account.external_account_id
            and _number(m.get("created")) >= since - CLOCK_SKEW_S]
    found: list[str] = []
    position = 0
    for part in parts:
        while position < len(ours) and not _matches(part, ours[position]):
            position += 1
        if position == len(ours):
            break
        found.append(str(ours[position].get("id") or ""))
        position += 1
    return found


def _matches(part: Part, message: dict[str, Any]) -> bool:
    content = message.get("content")
    content = content if isinstance(content, dict) else {}
    if part.kind == "text":
        return message.get("type", "text") == "text" and content.get("text") == part.text
    return message.get("type") == "image"


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) else 0.0

