"""Typed failures of the Avito API, and a tolerant reader of its many error body shapes."""

from __future__ import annotations

import re
from typing import Any

import orjson

_TAGS = re.compile(r"<[^>]+>")


class AvitoError(Exception):
    """Base of every Avito failure; `message` is safe to show (it never holds a secret)."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class AvitoAuthError(AvitoError):
    """Bad client credentials, or the token is refused even after a fresh one was fetched."""


class AvitoPaymentRequired(AvitoError):
    """402: the account's tariff does not include the Messenger API."""


class AvitoRejected(AvitoError):
    """Any other 4xx: the request itself is wrong (unknown chat, validation); do not retry."""


class AvitoUnavailable(AvitoError):
    """Retries exhausted on 429, 5xx, timeouts or connection errors; try again later."""

    def __init__(self, message: str, *, status: int | None = None,
                 retry_after_s: float | None = None) -> None:
        super().__init__(message, status=status)
        self.retry_after_s = retry_after_s


def error_message(body: bytes, fallback: str) -> str:
    """The human part of an Avito error body, whatever its shape (research §6.2)."""
    try:
        doc = orjson.loads(body) if body else None
    except orjson.JSONDecodeError:
        text = " ".join(_TAGS.sub(" ", body.decode(errors="replace")).split())
        return text[:200] or fallback
    return _from_json(doc) or fallback


def _from_json(doc: Any) -> str:
    if isinstance(doc, str):
        return doc
    if not isinstance(doc, dict):
        return ""
    error = doc.get("error")
    if isinstance(error, dict):  # {"error": {"code", "message", "fields"?}}
        return _with_fields(str(error.get("message") or error.get("code") or ""),
                            error.get("fields"))
    if isinstance(error, str):  # OAuth style {"error", "error_description"}
        return str(doc.get("error_description") or error)
    if doc.get("message"):  # flat {"code", "message"}
        return str(doc["message"])
    errors = doc.get("errors")
    if isinstance(errors, list) and errors:
        return "; ".join(str(e) for e in errors)
    result = doc.get("result")
    if isinstance(result, dict):  # {"result": {"message"}} or {"result": {"messages": [...]}}
        messages = result.get("messages")
        if isinstance(messages, list) and messages:
            return "; ".join(str(m) for m in messages)
        return str(result.get("message") or "")
    return ""


def _with_fields(message: str, fields: Any) -> str:
    if not isinstance(fields, dict) or not fields:
        return message
    details = ", ".join(f"{name}: {problem}" for name, problem in fields.items())
    return f"{message} ({details})"
