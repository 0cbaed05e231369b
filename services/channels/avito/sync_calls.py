"""Reads that reconciliation and listing enrichment need: the chat list and one item.

A mixin of AvitoClient: every call goes through the client's `_call` (token, pacing, retries,
typed errors), so these methods only know paths and shapes (research §3.1, §5.2).
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

# Avito's own bounds on the chat list (research §3.1): you cannot page past offset 1000.
MAX_CHATS_LIMIT = 100
MAX_CHATS_OFFSET = 1000


@dataclass(frozen=True)
class ChatsPage:
    chats: list[dict[str, Any]]
    has_more: bool


class SyncCalls(abc.ABC):
    @abc.abstractmethod
    async def _call(self, endpoint: str, method: str, path: str, **kwargs: Any) -> Any:
        """AvitoClient's authorized call: token, pacing, retries, typed errors."""

    async def list_chats(self, user_id: str | int, *, chat_types: Sequence[str] = ("u2i", "u2u"),
                         limit: int = MAX_CHATS_LIMIT, offset: int = 0) -> ChatsPage:
        """Most recently updated first. Without `chat_types` Avito lists item chats only, so
        the types are always sent. `meta.has_more` is what real responses carry; without it
        a full page means there may be more."""
        params = {"chat_types": ",".join(chat_types), "limit": limit, "offset": offset}
        data = await self._call("list_chats", "GET",
                                f"/messenger/v2/accounts/{_seg(user_id)}/chats", params=params)
        data = data if isinstance(data, dict) else {}
        chats = [c for c in data.get("chats") or [] if isinstance(c, dict)]
        meta = data.get("meta")
        has_more = meta.get("has_more") if isinstance(meta, dict) else None
        return ChatsPage(chats, bool(has_more) if has_more is not None else len(chats) >= limit)

    async def get_item(self, user_id: str | int, item_id: str | int) -> dict[str, Any]:
        """status (active, removed, old, blocked, rejected, not_found, another_user) and url;
        no title or price: those come from the chat's context."""
        path = f"/core/v1/accounts/{_seg(user_id)}/items/{_seg(item_id)}/"
        data = await self._call("get_item", "GET", path)
        return data if isinstance(data, dict) else {}


def _seg(value: str | int) -> str:
    return quote(str(value), safe="")
