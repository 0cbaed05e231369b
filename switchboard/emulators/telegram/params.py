"""A Bot API call's parameters, however they came: the query string, a JSON body, a form or a
multipart form (files by field name, `attach://<name>` pointing at one), as Telegram takes them.

Form and query values are strings: numbers, booleans and JSON objects are read from them the
way Telegram does, so `reply_markup` may be an object (JSON body) or its JSON text (form)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request

from switchboard.emulators.telegram.model import TelegramError, bad_request

# Telegram takes uploads up to 50 MB; a bigger request is refused before it is read.
MAX_REQUEST_BYTES = 52 * 1024 * 1024
ATTACH = "attach://"


@dataclass(frozen=True)
class Upload:
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class Params:
    values: dict[str, Any] = field(default_factory=dict)
    files: dict[str, Upload] = field(default_factory=dict)

    @classmethod
    async def read(cls, request: Request) -> Params:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_REQUEST_BYTES:
            raise TelegramError(413, "Request Entity Too Large")
        params = cls(dict(request.query_params))
        if request.method != "POST":
            return params
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind == "application/json":
            params.values.update(await _json_body(request))
        elif kind in ("application/x-www-form-urlencoded", "multipart/form-data"):
            async with request.form(max_files=50, max_fields=200) as form:
                for name, value in form.multi_items():
                    if isinstance(value, UploadFile):
                        params.files[name] = Upload(value.filename, value.content_type,
                                                    await value.read())
                    else:
                        params.values[name] = value
        return params

    def has(self, name: str) -> bool:
        return self.values.get(name) not in (None, "") or name in self.files

    def string(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is None:
            return None
        if isinstance(value, (dict, list)):
            raise bad_request(f'parameter "{name}" must be a string')
        return value if isinstance(value, str) else json.dumps(value)

    def integer(self, name: str) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise bad_request(f'parameter "{name}" must be an integer')
        try:
            return int(value)
        except ValueError:
            raise bad_request(f'parameter "{name}" must be an integer') from None

    def flag(self, name: str) -> bool:
        value = self.values.get(name)
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1", "yes", "on")
        return bool(value)

    def structure(self, name: str, what: str | None = None) -> Any:
        """A JSON object or array; in a form it comes as its JSON text."""
        value = self.values.get(name)
        if isinstance(value, str):
            if not value:
                return None
            try:
                value = json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {what or name} JSON object") from None
        return value

    def chat_id(self) -> int | str:
        """An integer id or an `@username`."""
        value = self.values.get("chat_id")
        if value is None or value == "":
            raise bad_request("chat_id is empty")
        if isinstance(value, str) and value.startswith("@"):
            return value
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None

    def input_file(self, name: str) -> Upload | str | None:
        """An upload (in the field itself or `attach://<field>`), else a file_id or a URL."""
        if name in self.files:
            return self.files[name]
        value = self.string(name)
        if value and value.startswith(ATTACH):
            upload = self.files.get(value[len(ATTACH):])
            if upload is None:
                raise bad_request(f"file for \"{name}\" not found in the request")
            return upload
        return value or None


async def _json_body(request: Request) -> dict[str, Any]:
    body = await request.body()
    if not body.strip():
        return {}
    try:
        value = json.loads(body)
    except ValueError:
        raise bad_request("can't parse JSON object") from None
    if not isinstance(value, dict):
        raise bad_request("JSON object expected")
    return value
