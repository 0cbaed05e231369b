"""services/kernel/timestamps.py agrees with protobuf's own (slow) conversions."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone

import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from services.kernel.timestamps import now_timestamp, timestamp, to_datetime


@pytest.mark.parametrize("value", [
    datetime(2026, 11, 22, 1, 2, 3, 456789, tzinfo=UTC),
    datetime(2026, 11, 22, 4, 2, 3, 1, tzinfo=timezone(timedelta(hours=3))),  # Moscow
    datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),  # before the epoch
    datetime(2026, 1, 1, 12, 0),  # naive: taken as UTC
])
def test_timestamp_matches_from_datetime(value: datetime) -> None:
    expected = Timestamp()
    expected.FromDatetime(value)
    assert timestamp(value) == expected


def test_none_stays_none() -> None:
    assert timestamp(None) is None
    assert to_datetime(Timestamp()) is None  # unset: protobuf's epoch


@pytest.mark.parametrize("value", [
    datetime(2026, 11, 22, 1, 2, 3, 456789, tzinfo=UTC),
    datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
])
def test_to_datetime_matches_to_datetime(value: datetime) -> None:
    ts = timestamp(value)
    assert ts is not None
    assert to_datetime(ts) == ts.ToDatetime(tzinfo=UTC) == value


def test_now_is_now() -> None:
    before = time.time_ns()
    now = now_timestamp()
    after = time.time_ns()
    assert before <= now.ToNanoseconds() <= after
