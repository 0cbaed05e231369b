"""Relay-style connections over the services' keyset pages, and the bound on `first`."""

from __future__ import annotations

from typing import Generic, TypeVar

import strawberry

from clients.rpc.gen.switchboard.common.v1 import pagination_pb2
from gateway.graphql.errors import bad_input

MAX_PAGE = 100

N = TypeVar("N")


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None = strawberry.field(description="Pass as `after` for the next page")


@strawberry.type
class Edge(Generic[N]):
    cursor: str | None = strawberry.field(
        description="Set on the last edge only: the services page by an opaque keyset cursor")
    node: N


@strawberry.type
class Connection(Generic[N]):
    edges: list[Edge[N]]
    page_info: PageInfo


def connection(nodes: list[N], page: pagination_pb2.PageInfo) -> Connection[N]:
    end = page.next_cursor if page.has_more and page.next_cursor else None
    edges = [Edge(cursor=end if i == len(nodes) - 1 else None, node=node)
             for i, node in enumerate(nodes)]
    return Connection(edges=edges, page_info=PageInfo(has_next_page=end is not None,
                                                      end_cursor=end))


def page_size(first: int) -> int:
    """Refused before any RPC: a big page is the cheapest way to make us do a lot of work."""
    if not 1 <= first <= MAX_PAGE:
        raise bad_input(f"`first` must be between 1 and {MAX_PAGE}")
    return first
