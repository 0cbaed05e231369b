"""Photos, voices and documents: multipart uploads through aiogram, an earlier file_id, a URL;
files downloaded by file_id; a file_id of another bot refused."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile
from fastapi import FastAPI, Response

from switchboard.http_server import BackgroundServer
from tests.emulators.telegram.helpers import Telegram, ok, refused

VOICE = b"OggS\x00\x02" + bytes(40)


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


async def test_uploads_come_back_by_file_id(telegram: Telegram) -> None:
    bot, user = await telegram.private_pair()
    client = telegram.aiogram(bot)
    image = png(40, 30)
    photo = await client.send_photo(user["id"], BufferedInputFile(image, "card.png"),
                                    caption="<b>Диван</b>", parse_mode="HTML")
    assert photo.photo is not None and (photo.photo[-1].width, photo.photo[-1].height) == (40, 30)
    assert photo.caption == "Диван" and photo.caption_entities is not None
    voice = await client.send_voice(user["id"], BufferedInputFile(VOICE, "note.ogg"), duration=3)
    assert voice.voice is not None and (voice.voice.duration, voice.voice.mime_type) == (3, "audio/ogg")
    document = await client.send_document(user["id"], BufferedInputFile(b"%PDF-1.4 ...", "price.pdf"))
    assert document.document is not None
    assert (document.document.file_name, document.document.mime_type) == ("price.pdf", "application/pdf")
    for file_id, content in [(photo.photo[-1].file_id, image), (voice.voice.file_id, VOICE),
                             (document.document.file_id, b"%PDF-1.4 ...")]:
        buffer = io.BytesIO()
        await client.download(file_id, destination=buffer)
        assert buffer.getvalue() == content
    again = await client.send_photo(user["id"], photo.photo[-1].file_id)
    assert again.photo is not None and again.photo[-1].file_unique_id == photo.photo[-1].file_unique_id


async def test_a_user_photo_is_the_bots_to_download(telegram: Telegram) -> None:
    bot, user = await telegram.private_pair()
    written = await telegram.write(bot_id=bot["id"], from_user_id=user["id"], photo={},
                                   caption="Вот так")
    file_id = written["message"]["photo"][-1]["file_id"]
    client = telegram.aiogram(bot)
    file = await client.get_file(file_id)
    assert file.file_path is not None and file.file_path.startswith("photos/")
    buffer = io.BytesIO()
    await client.download_file(file.file_path, destination=buffer)
    assert buffer.getvalue().startswith(b"\x89PNG")
    spoken = await telegram.write(bot_id=bot["id"], from_user_id=user["id"], voice={"duration": 4})
    voice = spoken["updates"][0]["update"]["message"]["voice"]
    assert (voice["duration"], voice["mime_type"]) == (4, "audio/ogg")
    assert (await client.get_file(voice["file_id"])).file_path.startswith("voice/")  # type: ignore[union-attr]
    # A file_id is the bot's own: another bot cannot use it.
    other = await telegram.bot()
    refused(await telegram.api(other, "getFile", file_id=file_id), 400,
            "Bad Request: wrong file identifier/HTTP URL specified")


async def test_a_photo_by_url_is_fetched(telegram: Telegram) -> None:
    bot, user = await telegram.private_pair()
    site = FastAPI()

    @site.get("/item.png")
    async def item() -> Response:
        return Response(png(8, 8), media_type="image/png")

    async with BackgroundServer(site) as server:
        sent = ok(await telegram.api(bot, "sendPhoto", chat_id=user["id"],
                                     photo=f"{server.url}/item.png"))
        refused(await telegram.api(bot, "sendPhoto", chat_id=user["id"],
                                   photo=f"{server.url}/missing.png"), 400,
                "Bad Request: failed to get HTTP URL content")
    assert sent["photo"][-1]["width"] == 8


async def test_bad_files_are_refused(telegram: Telegram) -> None:
    bot, user = await telegram.private_pair()
    client = telegram.aiogram(bot)
    with pytest.raises(TelegramBadRequest, match="IMAGE_PROCESS_FAILED"):
        await client.send_photo(user["id"], BufferedInputFile(b"not an image", "x.png"))
    refused(await telegram.api(bot, "sendPhoto", chat_id=user["id"]), 400,
            "Bad Request: there is no photo in the request")
    refused(await telegram.api(bot, "sendVoice", chat_id=user["id"], voice="AwACnope"), 400,
            "Bad Request: wrong file identifier/HTTP URL specified")
    refused(await telegram.api(bot, "sendPhoto", chat_id=user["id"], photo="x",
                               caption="я" * 1025), 400, "Bad Request: message caption is too long")
