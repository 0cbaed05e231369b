"""REST shapes every domain shares."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field

from clients.rpc.gen.switchboard.common.v1 import pagination_pb2

# Integers that go into protobuf fields of these widths: a larger one is the caller's 422 naming
# the field, not protobuf's ValueError (a 500) when the request is built.
Int32 = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]
Int64 = Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]


def _in_utc_calendar(value: datetime) -> datetime:
    try:
        value.utctimetuple()  # what protobuf's Timestamp.FromDatetime does
    except OverflowError:
        raise ValueError("is outside the years 1 to 9999 in UTC") from None
    return value


# A time that goes into a protobuf Timestamp (years 1 to 9999 once moved to UTC).
Timestamp = Annotated[datetime, AfterValidator(_in_utc_calendar)]


class PageOut(BaseModel):
    next_cursor: str | None
    has_more: bool

    @classmethod
    def from_proto(cls, page: pagination_pb2.PageInfo) -> PageOut:
        return cls(next_cursor=page.next_cursor or None, has_more=page.has_more)
