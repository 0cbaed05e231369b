"""Messenger images and voice: uploadImages, sending an uploaded image, getVoiceFiles, and the
files behind the URLs they hand out (served by the emulator in place of Avito's CDN)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from switchboard.emulators.avito.emulator import EmulatorDep, PublicBase
from switchboard.emulators.avito.errors import CONTROL_PREFIX, api_error, validation_error
from switchboard.emulators.avito.guard import admit, authorized
from switchboard.emulators.avito.media import MAX_IMAGE_BYTES, VOICE_BODY, image_type
from switchboard.emulators.avito.messenger import ACCOUNT, CHAT, chat_of, split_list
from switchboard.emulators.avito.model import Account
from switchboard.emulators.avito.schemas import SendImageBody

router = APIRouter()
UPLOAD_FIELD = "uploadfile[]"
_MULTIPART_SLACK = 64 * 1024  # boundaries and part headers around the file


@router.post("/messenger/v1" + ACCOUNT + "/uploadImages")
async def upload_images(
    request: Request,
    account: Annotated[Account, Depends(authorized("upload_images"))],
    emulator: EmulatorDep,
    base: PublicBase,
) -> dict[str, Any]:
    """multipart/form-data, the file in `uploadfile[]`; answers `{image_id: {size: url}}`."""
    if int(request.headers.get("content-length") or 0) > MAX_IMAGE_BYTES + _MULTIPART_SLACK:
        raise _too_large()
    files = await _uploaded_files(request)
    checked: list[tuple[bytes, str]] = []
    for upload in files:
        data = await upload.read()
        if len(data) > MAX_IMAGE_BYTES:
            raise _too_large()
        content_type = image_type(data[:16], upload.content_type) if data else None
        if content_type is None:
            raise api_error(400, message="Unsupported image format: JPEG, PNG, GIF, BMP or "
                                         "HEIC expected")
        checked.append((data, content_type))
    stored = [emulator.media.store_image(account.user_id, data, content_type, base)
              for data, content_type in checked]
    return {image.id: image.sizes for image in stored}


async def _uploaded_files(request: Request) -> list[UploadFile]:
    try:
        form = await request.form(max_files=10)
    except HTTPException as exc:  # a malformed multipart body
        raise validation_error({UPLOAD_FIELD: str(exc.detail)}) from None
    files = [v for v in form.getlist(UPLOAD_FIELD) if isinstance(v, UploadFile)]
    if not files:
        raise validation_error({UPLOAD_FIELD: "a multipart file field is required"})
    return files


def _too_large() -> Exception:
    return api_error(400, message="Image is larger than 24 MB")


@router.post("/messenger/v1" + CHAT + "/messages/image")
async def send_image(
    chat_id: str,
    body: SendImageBody,
    account: Annotated[Account, Depends(authorized("send_image"))],
    emulator: EmulatorDep,
) -> dict[str, Any]:
    chat = chat_of(account, chat_id)
    image = emulator.media.owned_image(account.user_id, body.image_id)
    if image is None:
        raise validation_error({"image_id": "unknown image_id: upload it with uploadImages"})
    message = emulator.send_image(account, chat, image)
    return {"id": message.id, "author_id": message.author_id, "created": message.created,
            "direction": "out", "type": message.type, "content": message.content}


@router.get("/messenger/v1" + ACCOUNT + "/getVoiceFiles")
async def voice_files(
    request: Request,
    account: Annotated[Account, Depends(authorized("voice_files"))],
    emulator: EmulatorDep,
    base: PublicBase,
) -> dict[str, Any]:
    """URLs valid for an hour, only for voice messages in the account's own chats."""
    params = request.query_params
    voice_ids = split_list(params.getlist("voice_ids") + params.getlist("voice_ids[]"))
    if not voice_ids:
        raise validation_error({"voice_ids": "Field required"})
    now = emulator.clock.now()
    return {"voices_urls": {voice_id: emulator.media.voice_url(base, voice_id, now)
                            for voice_id in voice_ids if voice_id in account.voices}}


@router.get(CONTROL_PREFIX + "/voice/{voice_id}", tags=["emulator files"])
async def voice_download(voice_id: str, request: Request, emulator: EmulatorDep,
                         expires: int = 0, sig: str = "") -> Response:
    client = request.client.host if request.client else "unknown"
    await admit(request, "voice_download", key=f"files:{client}")
    if not emulator.media.voice_url_valid(voice_id, expires, sig, emulator.clock.now()):
        raise api_error(403)
    return Response(VOICE_BODY, media_type="audio/mp4")


@router.get(CONTROL_PREFIX + "/images/{image_id}/{size}", tags=["emulator files"])
async def image_download(image_id: str, size: str, emulator: EmulatorDep) -> Response:
    image = emulator.media.images.get(image_id)
    if image is None or size not in image.sizes:
        raise api_error(404)
    return Response(image.data, media_type=image.content_type)
