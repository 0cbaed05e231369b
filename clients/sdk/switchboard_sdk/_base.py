"""What every group of methods shares: the transport, and reading connections into pages."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

from switchboard_sdk._codec import camel_keys, decode
from switchboard_sdk._http import Transport
from switchboard_sdk.errors import ProtocolError
from switchboard_sdk.models import Page

T = TypeVar("T")
MAX_PAGE = 100  # the API's bound on `first`


class Api:
    _transport: Transport

    async def _data(self, document: str, field: str, *, safe: bool = True, **variables: Any) -> Any:
        """The root field `field` of a GraphQL operation's data (variables by Python name)."""
        data = await self._transport.graphql(document, camel_keys(variables), safe=safe)
        if field not in data:
            raise ProtocolError(f"the answer has no {field}")
        return data[field]


def page_of(cls: type[T], connection: Any) -> Page[T]:
    """A Relay connection (`edges { node }`, `pageInfo`) as a Page."""
    if not isinstance(connection, dict):
        raise ProtocolError("expected a connection")
    info = connection.get("pageInfo") or {}
    cursor = info.get("endCursor") if info.get("hasNextPage") else None
    return Page([decode(cls, edge["node"]) for edge in connection.get("edges") or []], cursor)


async def every(fetch: Callable[[str | None], Awaitable[Page[T]]]) -> AsyncIterator[T]:
    """Every item of every page, fetching the next page only when it is reached."""
    cursor: str | None = None
    while True:
        page = await fetch(cursor)
        for item in page.items:
            yield item
        if page.end_cursor is None:
            return
        cursor = page.end_cursor
