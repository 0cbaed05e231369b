"""Repository base: all SQL lives in repositories; they flush, never commit."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

import orjson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kernel.errors import InvalidArgument, NotFound

M = TypeVar("M")

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


class RepositoryBase(Generic[M]):
    model: type[M]

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

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


def encode_cursor(values: dict[str, Any]) -> str:
    """Opaque keyset cursor: the sort key of the last row on the page."""
    return base64.urlsafe_b64encode(orjson.dumps(values, default=str)).decode().rstrip("=")


def decode_cursor(cursor: str, **fields: Callable[[Any], Any]) -> dict[str, Any]:
    """The values `encode_cursor` put in a cursor, each named field converted by its parser
    (`t=cursor_time, id=cursor_id`): only those are returned. A cursor that is not one of ours
    (forged, truncated, from another list or sort) is InvalidArgument, never a KeyError or a
    value the database refuses."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = orjson.loads(base64.urlsafe_b64decode(padded))
    except (ValueError, orjson.JSONDecodeError) as exc:
        raise InvalidArgument("malformed cursor") from exc
    if not isinstance(value, dict):
        raise InvalidArgument("malformed cursor")
    if not fields:
        return value
    try:
        return {name: parse(value[name]) for name, parse in fields.items()}
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
        raise InvalidArgument("malformed cursor") from exc


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
