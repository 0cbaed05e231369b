"""Files: uploads, file_ids (usable only by the bots that sent or received the file, as
Telegram's are bot-specific), files fetched by URL, image sizes, download paths."""

from __future__ import annotations

import asyncio
import mimetypes
import struct
import zlib
from types import TracebackType

import httpx

from services.kernel import backoff
from switchboard.emulators.telegram.ids import IdFactory
from switchboard.emulators.telegram.model import Bot, File, bad_request
from switchboard.emulators.telegram.params import Upload
from switchboard.emulators.telegram.settings import TelegramEmulatorSettings
from switchboard.emulators.telegram.world import World

PHOTO_MAX = 10 * 1024 * 1024
UPLOAD_MAX = 50 * 1024 * 1024
URL_MAX = 20 * 1024 * 1024
DOWNLOAD_MAX = 20 * 1024 * 1024  # getFile refuses bigger files
_FOLDERS = {"photo": ("photos", ".jpg"), "voice": ("voice", ".oga"), "document": ("documents", "")}
_KIND_NAMES = {"photo": "Photo", "voice": "Voice", "document": "Document"}
_AUDIO_MAGIC = ((b"OggS", "audio/ogg"), (b"ID3", "audio/mpeg"), (b"\xff\xfb", "audio/mpeg"),
                (b"ftyp", "audio/mp4"))


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF or JPEG; None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        (length,) = struct.unpack(">H", data[i + 2:i + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5:i + 9])
            return int(width), int(height)
        i += 2 + length
    return None


def _mime_type(kind: str, data: bytes, file_name: str | None, declared: str | None) -> str:
    """What Telegram tells from the bytes (voice) or the name; a client's generic
    application/octet-stream says nothing."""
    if declared == "application/octet-stream":
        declared = None
    if kind == "voice":
        for magic, sniffed in _AUDIO_MAGIC:
            if data.startswith(magic) or (magic == b"ftyp" and data[4:8] == magic):
                return sniffed
        return declared or "audio/ogg"
    guessed = mimetypes.guess_type(file_name or "")[0]
    return guessed or declared or "application/octet-stream"


def sample_png() -> bytes:
    """A real 2x2 PNG, for users who send a photo without saying which."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body)))

    pixels = zlib.compress(b"".join(b"\x00" + b"\x20\x80\xe0" * 2 for _ in range(2)))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))


SAMPLE_VOICE = b"OggS\x00\x02" + bytes(22) + b"\x01\x13OpusHead\x01\x01\x38\x01\x80\xbb\x00\x00"


class Files:
    def __init__(self, world: World, ids: IdFactory, settings: TelegramEmulatorSettings) -> None:
        self._world = world
        self._ids = ids
        self._settings = settings
        self._client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> Files:
        self._client = httpx.AsyncClient(timeout=self._settings.url_fetch_timeout_s,
                                         follow_redirects=True)
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def store(self, kind: str, data: bytes, file_name: str | None, mime_type: str | None,
              holder: int, duration: int = 0) -> File:
        """A new file the `holder` (a bot or a user) sent; 400 when Telegram would refuse it."""
        limit = PHOTO_MAX if kind == "photo" else UPLOAD_MAX
        if len(data) > limit:
            raise bad_request("file is too big")
        if not data:
            raise bad_request("file must be non-empty")
        width = height = 0
        if kind == "photo":
            size = image_size(data)
            if size is None:
                raise bad_request("IMAGE_PROCESS_FAILED")
            width, height = size
            if width + height > 10_000 or max(width, height) > 20 * max(1, min(width, height)):
                raise bad_request("PHOTO_INVALID_DIMENSIONS")
            mime_type = None
        else:
            mime_type = _mime_type(kind, data, file_name, mime_type)
        folder, extension = _FOLDERS[kind]
        if kind == "document":
            extension = "." + file_name.rsplit(".", 1)[1] if file_name and "." in file_name else ""
        number = len(self._world.files)
        holders = [holder] if holder in self._world.bots else []
        file = File(self._ids.file_id(kind), self._ids.file_unique_id(), kind, data, mime_type,
                    f"{folder}/file_{number}{extension}", file_name, width, height, duration,
                    holders)
        return self._world.add_file(file)

    def share(self, file: File, bot: Bot) -> None:
        """The bot received the file: its file_id is now the bot's to use too."""
        if bot.id not in file.bots:
            file.bots.append(bot.id)
            self._world.dirty = True

    def known(self, bot: Bot, file_id: str) -> File:
        file = self._world.files.get(file_id)
        if file is None or bot.id not in file.bots:
            raise bad_request("wrong file identifier/HTTP URL specified")
        return file

    async def resolve(self, bot: Bot, kind: str, given: Upload | str | None,
                      duration: int = 0) -> File:
        """The file a send names: an upload, an earlier file_id of this bot, or a URL."""
        if given is None:
            raise bad_request(f"there is no {kind} in the request")
        if isinstance(given, Upload):
            return self.store(kind, given.data, given.filename, given.content_type, bot.id,
                              duration)
        if given.startswith(("http://", "https://")):
            data, mime = await self.fetch(given)
            name = given.rsplit("/", 1)[-1].split("?")[0] or None
            return self.store(kind, data, name, mime, bot.id, duration)
        file = self.known(bot, given)
        if file.kind != kind and not (kind == "document" and file.kind == "voice"):
            raise bad_request(f"can't use file of type {_KIND_NAMES[file.kind]} as "
                              f"{_KIND_NAMES[kind]}")
        return file

    async def fetch(self, url: str) -> tuple[bytes, str | None]:
        """What Telegram downloads for a file given by URL: a timeout, a few attempts."""
        assert self._client is not None, "files used outside the app's lifespan"
        attempts = self._settings.url_fetch_attempts
        for attempt in range(1, attempts + 1):
            try:
                response = await self._client.get(url)
            except httpx.HTTPError:
                response = None
            if response is not None and response.is_success and len(response.content) <= URL_MAX:
                return response.content, response.headers.get("content-type")
            if response is not None and response.status_code < 500:
                break  # a 4xx or an oversized body will not change on a retry
            if attempt < attempts:
                await asyncio.sleep(backoff.full_jitter(attempt, 0.2, 2.0))
        raise bad_request("failed to get HTTP URL content")

    def by_path(self, bot: Bot, path: str) -> File | None:
        return next((f for f in self._world.files.values()
                     if f.path == path and bot.id in f.bots), None)
