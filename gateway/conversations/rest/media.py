"""REST: files to attach to replies (images up to 24 MB), stored by the conversations service."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from starlette.datastructures import UploadFile

from gateway.auth import AUTH_PROBLEMS, Writer, problem_responses
from gateway.conversations.schemas import MediaOut
from gateway.errors import ProblemError
from gateway.state import GatewayState, State
from gateway.uploads import multipart_body, multipart_files, upload_body_limit

router = APIRouter(prefix="/media", tags=["media"])

# Avito's limit for images (research §3.5); the service checks it too.
MAX_UPLOAD_BYTES = 24 * 1024 * 1024
MAX_BODY_BYTES = upload_body_limit(1, MAX_UPLOAD_BYTES)  # the edge's bound (gateway/app.py)


@router.post("", status_code=201, response_model=MediaOut,
             responses={**AUTH_PROBLEMS, **problem_responses(413, 422)},
             openapi_extra=multipart_body("file", "JPEG, PNG, GIF, BMP or HEIC"))
async def upload_media(request: Request, principal: Writer, state: State) -> MediaOut:
    """Upload an image, then send it with `POST /v1/conversations/{id}/messages`
    `{"attachments": [{"kind": "image", "media_id": ...}]}`. The type is checked from the
    file's content, not its name."""
    async with multipart_files(request, "file", max_files=1) as files:
        if not files:
            raise ProblemError(422, "send the image as a multipart file in the `file` field")
        return await _store(files[0], principal.tenant_id, state)


async def _store(file: UploadFile, tenant_id: uuid.UUID, state: GatewayState) -> MediaOut:
    if file.size is not None and file.size > MAX_UPLOAD_BYTES:
        raise ProblemError(422, f"the file is {file.size} bytes; at most {MAX_UPLOAD_BYTES} "
                                "(24 MB) can be sent")
    content = await file.read(MAX_UPLOAD_BYTES + 1)  # never more than one byte too many
    if len(content) > MAX_UPLOAD_BYTES:
        raise ProblemError(422, f"the file is larger than {MAX_UPLOAD_BYTES} bytes (24 MB)")
    stored = await state.conversations.upload_media(
        tenant_id, content, filename=file.filename or "",
        mime_type=file.content_type or "")
    return MediaOut(media_id=stored.media_id, size=stored.size)
