"""Files attached to replies: stored here (images only for now), fetched by channels to upload.

The type is decided by the file's first bytes, never by the name or the declared type: Avito
accepts JPEG, PNG, GIF, BMP and HEIC up to 24 MB (research §3.5), so nothing else is stored.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from services.conversations.models import Media
from services.conversations.repository import ConversationsUnit
from services.kernel.errors import InvalidArgument, NotFound
from services.kernel.repository import parse_uuid
from services.kernel.tenancy import require_tenant

MAX_MEDIA_BYTES = 24 * 1024 * 1024
MAX_ATTACHMENTS = 10
ALLOWED = "JPEG, PNG, GIF, BMP or HEIC"
# ISO-BMFF brands of HEIF/HEIC stills and sequences (bytes 8..12, after "ftyp").
_HEIC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs",
                          b"mif1", b"msf1"})


@dataclass(frozen=True)
class OutgoingAttachment:
    kind: str
    media_id: str


def sniff_image(content: bytes) -> str | None:
    """The MIME type of an image Avito accepts, from its magic bytes; None otherwise."""
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if content.startswith(b"BM") and len(content) >= 26:
        return "image/bmp"
    if content[4:8] == b"ftyp" and content[8:12] in _HEIC_BRANDS:
        return "image/heic"
    return None


class MediaStore:
    async def upload(self, unit: ConversationsUnit, content: bytes, filename: str) -> Media:
        if not content:
            raise InvalidArgument("the file is empty")
        if len(content) > MAX_MEDIA_BYTES:
            raise InvalidArgument(f"the file is {len(content)} bytes; at most {MAX_MEDIA_BYTES} "
                                  "(24 MB) can be sent")
        mime_type = sniff_image(content)
        if mime_type is None:
            raise InvalidArgument(f"the file is not an image Avito accepts: send {ALLOWED}")
        media = Media(id=uuid.uuid4(), tenant_id=require_tenant(), content=content,
                      mime_type=mime_type, filename=filename.strip()[:255], size=len(content),
                      sha256=hashlib.sha256(content).hexdigest())
        unit.media.add(media)
        await unit.flush()
        return media

    async def get(self, unit: ConversationsUnit, media_id: str) -> Media:
        found = await unit.media.get(parse_uuid(media_id, "media id"))
        if found is None:
            raise NotFound(f"media {media_id} not found")
        return found

    async def attachment_rows(self, unit: ConversationsUnit,
                              attachments: Sequence[OutgoingAttachment]) -> list[dict[str, str]]:
        """Check a reply's attachments and describe them for the message row. The media id
        is kept as the attachment's external_id (the channel learns its own ids later)."""
        if len(attachments) > MAX_ATTACHMENTS:
            raise InvalidArgument(f"at most {MAX_ATTACHMENTS} attachments per message")
        if any(a.kind != "image" for a in attachments):
            raise InvalidArgument("only attachments of kind 'image' can be sent")
        ids = [parse_uuid(a.media_id, "media_id") for a in attachments]
        found = await unit.media.describe(ids)
        missing = [str(i) for i in ids if i not in found]
        if missing:
            raise InvalidArgument(f"unknown media_id {', '.join(missing)}: upload it first")
        return [{"kind": "image", "external_id": str(i), "mime_type": found[i][0],
                 **({"title": found[i][1]} if found[i][1] else {})} for i in ids]
