"""Uploaded images and voice files: format checks, storage, and the short-lived signed voice
URLs Avito hands out (§3.5, §3.9). Pure logic; the routes are in media_routes."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from switchboard.emulators.avito.ids import IdFactory
from switchboard.emulators.avito.model import IMAGE_SIZES

MAX_IMAGE_BYTES = 24 * 1024 * 1024
VOICE_URL_TTL_S = 3600
_MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
)
# ISO-BMFF brands of HEIC/HEIF stills, at bytes 8..12 after the `ftyp` box type.
_HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs",
                b"mif1", b"msf1"}
SUPPORTED_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/bmp",
                             "image/x-ms-bmp", "image/heic", "image/heif"})
# Opus in an .mp4 container is what Avito serves; an `ftyp` box is enough for a sniffer.
VOICE_BODY = (b"\x00\x00\x00\x18ftypM4A \x00\x00\x00\x00M4A isom"
              b"\x00\x00\x00\x08mdat")


def sniff(head: bytes) -> str | None:
    """The image type the leading bytes announce, if it is one Avito accepts."""
    for magic, content_type in _MAGIC:
        if head.startswith(magic):
            return content_type
    if head[4:8] == b"ftyp" and head[8:12] in _HEIC_BRANDS:
        return "image/heic"
    return None


def image_type(head: bytes, declared: str | None) -> str | None:
    """Magic bytes first; a declared image type of an accepted format otherwise."""
    declared = (declared or "").split(";")[0].strip().lower()
    return sniff(head) or (declared if declared in SUPPORTED_TYPES else None)


@dataclass
class StoredImage:
    id: str
    owner_id: int
    content_type: str
    data: bytes
    sizes: dict[str, str]


class Media:
    def __init__(self, ids: IdFactory, voice_secret: str) -> None:
        self.images: dict[str, StoredImage] = {}
        # Signs voice URLs; persisted so URLs handed out survive a restart for their hour.
        self.voice_secret = voice_secret
        self._ids = ids

    def store_image(self, owner_id: int, data: bytes, content_type: str,
                    base_url: str) -> StoredImage:
        image_id = self._ids.image()
        sizes = {size: f"{base_url}/_emulator/images/{image_id}/{size}" for size in IMAGE_SIZES}
        image = StoredImage(image_id, owner_id, content_type, data, sizes)
        self.images[image_id] = image
        return image

    def owned_image(self, owner_id: int, image_id: str) -> StoredImage | None:
        """Accounts can send only images they uploaded themselves."""
        image = self.images.get(image_id)
        return image if image and image.owner_id == owner_id else None

    def voice_url(self, base_url: str, voice_id: str, now: float) -> str:
        expires = int(now) + VOICE_URL_TTL_S
        return (f"{base_url}/_emulator/voice/{voice_id}"
                f"?expires={expires}&sig={self._sign(voice_id, expires)}")

    def voice_url_valid(self, voice_id: str, expires: int, sig: str, now: float) -> bool:
        return now < expires and hmac.compare_digest(sig, self._sign(voice_id, expires))

    def _sign(self, voice_id: str, expires: int) -> str:
        message = f"{voice_id}:{expires}".encode()
        return hmac.new(self.voice_secret.encode(), message, hashlib.sha256).hexdigest()[:32]
