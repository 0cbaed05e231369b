"""REST shapes every domain shares."""

from __future__ import annotations

from pydantic import BaseModel

from clients.rpc.gen.switchboard.common.v1 import pagination_pb2


class PageOut(BaseModel):
    next_cursor: str | None
    has_more: bool

    @classmethod
    def from_proto(cls, page: pagination_pb2.PageInfo) -> PageOut:
        return cls(next_cursor=page.next_cursor or None, has_more=page.has_more)
