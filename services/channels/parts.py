"""The parts one outbound message goes out as on Avito: its text split at 1000 characters,
then each image (uploaded with uploadImages, then sent). Avito knows nothing of our messages,
only of these parts, so the sender (reconciling an interrupted attempt) and the deleter both
find them again in the chat by content and order.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from clients.rpc.conversations import ConversationsClient
from services.channels.avito.client import AvitoClient
from services.channels.avito.errors import AvitoUnavailable
from services.channels.avito.text import split_text
from services.channels.models import ChannelAccount
from services.kernel.errors import DomainError, InvalidArgument, NotFound
from services.kernel.tenancy import require_tenant

# Avito's clock and ours may differ a little: look this far before the attempt began.
CLOCK_SKEW_S = 5.0


@dataclass(frozen=True)
class Part:
    kind: Literal["text", "image"]
    text: str = ""
    media_id: str = ""


@dataclass(frozen=True)
class StoredMedia:
    content: bytes
    mime_type: str
    filename: str


class MediaGone(Exception):
    """An attached file cannot be had any more: the message can never be sent as asked."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# media id -> the file (for the tenant bound to the current task).
MediaFetcher = Callable[[str], Awaitable[StoredMedia]]


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


def media_from(conversations: ConversationsClient) -> MediaFetcher:
    """Reads attached files from the conversations service (it owns them)."""
    async def fetch(media_id: str) -> StoredMedia:
        try:
            media = await conversations.get_media(require_tenant(), media_id)
        except (NotFound, InvalidArgument) as exc:
            raise MediaGone(f"the attached image {media_id} is not stored any more") from exc
        except DomainError as exc:
            raise AvitoUnavailable(f"could not read the attached image: {exc.message}") from exc
        return StoredMedia(media.content, media.mime_type, media.filename)
    return fetch


def media_ids(attachments: Sequence[Any]) -> tuple[str, ...]:
    """The images of a send command (conversations.v1.OutgoingAttachment), in order."""
    return tuple(a.media_id for a in attachments if a.kind == "image" and a.media_id)


def _matches(part: Part, message: dict[str, Any]) -> bool:
    content = message.get("content")
    content = content if isinstance(content, dict) else {}
    if part.kind == "text":
        return message.get("type", "text") == "text" and content.get("text") == part.text
    return message.get("type") == "image"


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) else 0.0

