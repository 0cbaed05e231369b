"""Multipart uploads, read only after the route has authenticated the caller.

FastAPI reads `File(...)` parameters before it resolves dependencies: an anonymous client's
200 MB upload was taken in full before its 401. Upload routes declare no body parameter
(`openapi_extra=multipart_body(...)` documents it instead), authenticate through their
dependencies, then call `multipart_files`: Starlette's parser spools each file to a temporary
file (beyond 1 MB in memory) while `gateway/body_limit.py` bounds the whole body as it arrives.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from fastapi import Request
from starlette.datastructures import UploadFile

# Room for the multipart boundaries and part headers around the files themselves.
MULTIPART_SLACK = 1024 * 1024


def upload_body_limit(files: int, file_bytes: int) -> int:
    """The largest body of an upload of `files` files of `file_bytes` each."""
    return files * file_bytes + MULTIPART_SLACK


def multipart_body(field: str, description: str, *, many: bool = False) -> dict[str, Any]:
    """`openapi_extra` of an upload route: its multipart body, with the files in `field`."""
    binary = {"type": "string", "format": "binary"}
    schema = {"type": "array", "items": binary} if many else binary
    return {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": [field],
        "properties": {field: {**schema, "description": description}}}}}}}


@contextlib.asynccontextmanager
async def multipart_files(request: Request, field: str,
                          max_files: int) -> AsyncIterator[list[UploadFile]]:
    """The files of the body's `field` (none if the body is not multipart), closed after use.
    A body that does not parse, or with more than `max_files` files, is a 400 problem."""
    form = await request.form(max_files=max_files, max_fields=100)
    try:
        yield [f for f in form.getlist(field) if isinstance(f, UploadFile)]
    finally:
        await form.close()
