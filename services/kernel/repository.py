"""Repository base: all SQL lives in repositories; they flush, never commit.

Keyset cursors are opaque and tamper-evident: `Cursors` signs the sort key of a page's last row
with a key derived from SWITCHBOARD_SECRET_KEY, and refuses anything it did not sign (forged,
edited, truncated) as "malformed cursor" before a value of it is read. A service wires it once
(`Units(..., cursors=Cursors.from_secret(settings.secret_key))`); its repositories reach it as
`self.cursors`, its services as `unit.cursors`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

import orjson
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kernel.crypto import derived_keys
from services.kernel.errors import InvalidArgument, NotFound

M = TypeVar("M")

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


class RepositoryBase(Generic[M]):
    model: type[M]

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @property
    def cursors(self) -> Cursors:
        return cursors_of(self.session)

    async def get(self, id_: uuid.UUID) -> M | None:
        return await self.session.get(self.model, id_)

    async def get_or_raise(self, id_: uuid.UUID, what: str | None = None) -> M:
        row = await self.get(id_)
        if row is None:
            raise NotFound(f"{what or self.model.__name__} {id_} not found")
        return row

    async def get_many(self, ids: Sequence[uuid.UUID]) -> list[M]:
        if not ids:
            return []
        pk = self.model.id  # type: ignore[attr-defined]
        return list((await self.session.scalars(select(self.model).where(pk.in_(ids)))).all())

    def add(self, row: M) -> M:
        self.session.add(row)
        return row


def page_size(requested: int) -> int:
    if requested < 0 or requested > MAX_PAGE_SIZE:
        raise InvalidArgument(f"page size must be between 1 and {MAX_PAGE_SIZE}")
    return requested or DEFAULT_PAGE_SIZE


class Cursors:
    """Signs and checks keyset cursors: `encode({"t": ..., "id": ...})` is the payload and an
    HMAC-SHA256 tag (`<payload>.<tag>`, base64url); `decode(cursor, t=cursor_time,
    id=cursor_id)` returns the named values, each through its parser, of a cursor it signed —
    anything else is InvalidArgument "malformed cursor", never a KeyError or a value the
    database refuses. The newest secret key signs; every configured one verifies (rotation)."""

    PURPOSE = "switchboard/keyset-cursor/v1"
    MAX_LENGTH = 2048  # ours are ~150 characters; a longer one is refused before any work

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise ValueError("at least one key signs cursors")
        self._keys = list(keys)

    @classmethod
    def from_secret(cls, secret: SecretStr | str) -> Cursors:
        """From SWITCHBOARD_SECRET_KEY (every service's `settings.secret_key`)."""
        keys = secret.get_secret_value() if isinstance(secret, SecretStr) else secret
        return cls(derived_keys(keys, cls.PURPOSE))

    def encode(self, values: dict[str, Any]) -> str:
        payload = _b64(orjson.dumps(values, default=str))
        return f"{payload}.{self._tag(self._keys[0], payload).decode()}"

    def decode(self, cursor: str, **fields: Callable[[Any], Any]) -> dict[str, Any]:
        value = orjson.loads(base64.urlsafe_b64decode(_padded(self._verified(cursor))))
        if not isinstance(value, dict):
            raise InvalidArgument("malformed cursor")
        if not fields:
            return value
        try:
            return {name: parse(value[name]) for name, parse in fields.items()}
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
            raise InvalidArgument("malformed cursor") from exc

    def _verified(self, cursor: str) -> str:
        """The payload of a cursor one of the keys signed, exactly as signed."""
        payload, _, tag = cursor.rpartition(".")
        if not payload or len(cursor) > self.MAX_LENGTH:
            raise InvalidArgument("malformed cursor")
        given = tag.encode("utf-8", "replace")
        if not any(hmac.compare_digest(given, self._tag(key, payload)) for key in self._keys):
            raise InvalidArgument("malformed cursor")
        return payload

    @staticmethod
    def _tag(key: bytes, payload: str) -> bytes:
        return _b64(hmac.new(key, payload.encode("utf-8", "replace"), hashlib.sha256).digest()).encode()


_CURSORS = "switchboard.cursors"  # the session's info key, set by Units


def bind_cursors(session: AsyncSession, cursors: Cursors) -> None:
    """Give the repositories of this unit of work the service's cursor keys (Units does)."""
    session.info[_CURSORS] = cursors


def cursors_of(session: AsyncSession) -> Cursors:
    cursors = session.info.get(_CURSORS)
    if cursors is None:
        raise RuntimeError("this unit of work has no cursor keys: build its Units with "
                           "cursors=Cursors.from_secret(settings.secret_key)")
    return cursors  # type: ignore[no-any-return]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _padded(text: str) -> str:
    return text + "=" * (-len(text) % 4)


def cursor_time(value: Any) -> datetime:
    """A cursor's timestamp: ISO 8601 with an offset, within what PostgreSQL can compare."""
    if not isinstance(value, str):
        raise TypeError("a cursor's time is a string")
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError("a cursor's time has an offset")
    return parsed.astimezone(UTC)  # OverflowError at the ends of the calendar


def cursor_id(value: Any) -> uuid.UUID:
    if not isinstance(value, str):
        raise TypeError("a cursor's id is a string")
    return uuid.UUID(value)


def parse_uuid(value: str, what: str = "id") -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except (TypeError, ValueError) as exc:
        text = str(value)
        shown = text if len(text) <= 40 else f"{text[:40]}…"  # it may be megabytes long
        raise InvalidArgument(f"{what} is not a valid id: {shown!r}") from exc
