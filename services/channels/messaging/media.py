"""Files attached to replies: the conversations service owns them, the sender reads each one
(over gRPC, for the tenant bound to the task) just before it uploads it to Avito."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from clients.rpc.conversations import ConversationsClient
from services.channels.avito.errors import AvitoUnavailable
from services.kernel.errors import DomainError, InvalidArgument, NotFound
from services.kernel.tenancy import require_tenant


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
