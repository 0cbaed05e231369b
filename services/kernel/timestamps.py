"""protobuf Timestamps to and from datetimes, and of the clock, cheaply: every event and every
list row carries several, and the library's FromDatetime/ToDatetime/GetCurrentTime are pure
Python (~5x slower)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from google.protobuf.timestamp_pb2 import Timestamp

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def timestamp(value: datetime | None) -> Timestamp | None:
    """The Timestamp of `value` (a naive datetime is taken as UTC, as FromDatetime does)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    seconds, micros = divmod((value - _EPOCH) // _MICROSECOND, 1_000_000)
    return Timestamp(seconds=seconds, nanos=micros * 1000)


def to_datetime(ts: Timestamp) -> datetime | None:
    """An aware UTC datetime (to the microsecond), or None for an unset Timestamp (protobuf
    leaves those at the epoch)."""
    if not (ts.seconds or ts.nanos):
        return None
    return _EPOCH + timedelta(seconds=ts.seconds, microseconds=ts.nanos // 1000)


def now_timestamp() -> Timestamp:
    seconds, nanos = divmod(time.time_ns(), 1_000_000_000)
    return Timestamp(seconds=seconds, nanos=nanos)
