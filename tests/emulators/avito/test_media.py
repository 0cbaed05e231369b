"""Images (upload, send, download) and voice messages (getVoiceFiles, expiring URLs)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.emulators.avito.helpers import ITEMS, Avito, Receiver, Seller, png

HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


async def upload(avito: Avito, seller: Seller, data: bytes, content_type: str = "image/png",
                 name: str = "photo.png") -> httpx.Response:
    return await avito.http.post(seller.v1("/uploadImages"), headers=seller.headers,
                                 files={"uploadfile[]": (name, data, content_type)})


async def uploaded(avito: Avito, seller: Seller, data: bytes,
                   **kwargs: Any) -> tuple[str, dict[str, str]]:
    response = await upload(avito, seller, data, **kwargs)
    assert response.status_code == 200, response.text
    [(image_id, sizes)] = response.json().items()
    return image_id, sizes


async def test_upload_accepts_images_by_magic_bytes_or_content_type(avito: Avito) -> None:
    seller = await avito.seller()
    image_id, sizes = await uploaded(avito, seller, png())
    whole, _, tail = image_id.partition(".")
    assert whole.isdigit() and len(tail) == 18
    assert {"32x32", "140x105", "1280x960"} <= set(sizes)
    served = await avito.http.get(sizes["1280x960"])
    assert served.status_code == 200 and served.content == png()
    assert served.headers["content-type"] == "image/png"
    for data, declared in ((JPEG, "application/octet-stream"), (HEIC, "application/octet-stream"),
                           (b"GIF89a" + b"\x00" * 16, "text/plain"),
                           (b"opaque bytes", "image/jpeg")):
        await uploaded(avito, seller, data, content_type=declared)


async def test_upload_rejects_other_files_missing_field_and_oversize(avito: Avito) -> None:
    seller = await avito.seller()
    for data, declared in ((b"%PDF-1.7 ...", "application/pdf"), (b"", "image/png"),
                           (b"RIFF....WEBPVP8 ", "image/webp")):
        response = await upload(avito, seller, data, content_type=declared)
        assert response.status_code == 400, declared
        assert response.json()["error"]["code"] == 400
    wrong_field = await avito.http.post(seller.v1("/uploadImages"), headers=seller.headers,
                                        files={"file": ("a.png", png(), "image/png")})
    assert wrong_field.status_code == 400
    assert "uploadfile[]" in wrong_field.json()["error"]["fields"]
    huge = png() + b"\x00" * (24 * 1024 * 1024)
    too_big = await upload(avito, seller, huge)
    assert too_big.status_code == 400
    assert too_big.json()["error"]["message"] == "Image is larger than 24 MB"
    at_limit = png() + b"\x00" * (24 * 1024 * 1024 - len(png()))
    assert (await upload(avito, seller, at_limit)).status_code == 200


async def test_send_uploaded_image_and_echo(avito: Avito, receiver: Receiver) -> None:
    seller = await avito.seller(items=ITEMS)
    await avito.subscribe(seller, receiver.url)
    chat_id = (await avito.incoming(seller))["chat_id"]
    image_id, sizes = await uploaded(avito, seller, png())
    response = await avito.http.post(seller.v1(f"/chats/{chat_id}/messages/image"),
                                     json={"image_id": image_id}, headers=seller.headers)
    assert response.status_code == 200, response.text
    message = response.json()
    assert set(message) == {"id", "author_id", "created", "direction", "type", "content"}
    assert message["type"] == "image" and message["direction"] == "out"
    assert message["author_id"] == seller.user_id
    assert message["content"] == {"image": {"sizes": sizes}}
    echo = (await receiver.values(2))[1]
    assert echo["id"] == message["id"] and echo["type"] == "image"
    assert echo["content"] == message["content"] and echo["author_id"] == seller.user_id
    history = (await avito.http.get(seller.messages_path(chat_id),
                                    headers=seller.headers)).json()["messages"]
    assert history[0]["id"] == message["id"] and history[0]["type"] == "image"


async def test_send_image_needs_an_image_of_ones_own(avito: Avito) -> None:
    seller, other = await avito.seller(items=ITEMS), await avito.seller()
    chat_id = (await avito.incoming(seller))["chat_id"]
    theirs, _ = await uploaded(avito, other, png())
    path = seller.v1(f"/chats/{chat_id}/messages/image")
    for image_id in ("12345.unknownimageid123", theirs):
        response = await avito.http.post(path, json={"image_id": image_id},
                                         headers=seller.headers)
        assert response.status_code == 400
        assert "image_id" in response.json()["error"]["fields"]
    missing = await avito.http.post(path, json={}, headers=seller.headers)
    assert missing.status_code == 400


async def voice_chat(avito: Avito, seller: Seller) -> tuple[str, str]:
    written = await avito.incoming(seller, type="voice")
    voice_id = written["content"]["voice"]["voice_id"]
    await avito.incoming(seller, type="voice", voice_id="voice-two", chat_id=written["chat_id"])
    return written["chat_id"], voice_id


async def test_voice_files_resolve_to_expiring_urls(avito: Avito) -> None:
    seller = await avito.seller(items=ITEMS)
    _, voice_id = await voice_chat(avito, seller)
    path = seller.v1("/getVoiceFiles")
    repeated: Any = [("voice_ids", voice_id), ("voice_ids", "voice-two")]
    for params in (repeated, {"voice_ids": f"{voice_id},voice-two"}):
        response = await avito.http.get(path, params=params, headers=seller.headers)
        assert response.status_code == 200, response.text
        assert set(response.json()["voices_urls"]) == {voice_id, "voice-two"}
    url = (await avito.http.get(path, params={"voice_ids": voice_id},
                                headers=seller.headers)).json()["voices_urls"][voice_id]
    query = parse_qs(urlsplit(url).query)
    assert set(query) == {"expires", "sig"}
    audio = await avito.http.get(url)
    assert audio.status_code == 200 and audio.headers["content-type"] == "audio/mp4"
    assert audio.content[4:8] == b"ftyp"
    forged = await avito.http.get(url.replace(query["sig"][0], "0" * 32))
    assert forged.status_code == 403
    await avito.advance(3601)
    assert (await avito.http.get(url)).status_code == 403


async def test_voice_files_only_for_the_accounts_own_voices(avito: Avito) -> None:
    seller, other = await avito.seller(items=ITEMS), await avito.seller(items=ITEMS)
    _, voice_id = await voice_chat(avito, seller)
    response = await avito.http.get(other.v1("/getVoiceFiles"), params={"voice_ids": voice_id},
                                    headers=other.headers)
    assert response.json() == {"voices_urls": {}}
    missing = await avito.http.get(seller.v1("/getVoiceFiles"), headers=seller.headers)
    assert missing.status_code == 400 and "voice_ids" in missing.json()["error"]["fields"]
