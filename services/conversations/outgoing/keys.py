"""Idempotency keys of outgoing messages and notes: bounded by what the messages table stores,
checked before any write so an overlong key is the caller's error, never a database one."""

from __future__ import annotations

from services.kernel.errors import InvalidArgument

MAX_IDEMPOTENCY_KEY = 128  # conversations.messages.idempotency_key is varchar(128)


def check_idempotency_key(key: str) -> str:
    if len(key) > MAX_IDEMPOTENCY_KEY:
        raise InvalidArgument(f"idempotency_key is at most {MAX_IDEMPOTENCY_KEY} characters")
    return key
