"""Protobuf values as GraphQL values. Protobuf has no null: empty strings, empty ids and unset
timestamps become null here, so clients can tell "none" from a value."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry
from google.protobuf.message import Message as ProtoMessage


def timestamp(message: ProtoMessage, field: str) -> datetime | None:
    return getattr(message, field).ToDatetime(tzinfo=UTC) if message.HasField(field) else None


def optional(value: str) -> str | None:
    return value or None


def optional_id(value: str) -> strawberry.ID | None:
    return strawberry.ID(value) if value else None
