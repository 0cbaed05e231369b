"""What an upload takes: a path, bytes, or a (name, bytes) pair; read whole into memory (an
upload may be retried, and Switchboard's limits keep files small: 24 MB for media, 20 MB for a
knowledge document)."""

from __future__ import annotations

import mimetypes
import os
from pathlib import Path

from switchboard_sdk.errors import InvalidInput

FileLike = str | os.PathLike[str] | bytes | tuple[str, bytes]


def read_file(file: FileLike, filename: str | None = None,
              content_type: str | None = None) -> tuple[str, bytes, str]:
    """(name, content, MIME type) of a file to upload. The server checks a file's type from
    its content; the name's extension tells it the kind of a knowledge document."""
    if isinstance(file, bytes):
        name, content = filename or "upload", file
    elif isinstance(file, tuple):
        name, content = file
    else:
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}", field="file") from None
        name = filename or path.name
    mime = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    return name, content, mime
