"""DataLoaders: every `Conversation.channel` (or `conversation(id)`) asked for while resolving
one operation becomes a single BatchGet RPC instead of one call per item, and every
`Conversation.messages` first page a single BatchListMessages."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol, TypeVar

from strawberry.dataloader import DataLoader

from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2 as channels_pb
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as conv_pb
from gateway.state import GatewayState

# The services refuse more ids than a page holds.
MAX_BATCH = 100


class _HasId(Protocol):
    id: str


T = TypeVar("T", bound=_HasId)
# (conversation id, first, after): a page of a conversation's messages.
MessagesKey = tuple[str, int, str]


def by_id(fetch: Callable[[list[str]], Awaitable[Sequence[T]]]
          ) -> Callable[[list[str]], Awaitable[list[T | None]]]:
    """Adapt a BatchGet (found items only, any order) to DataLoader's one-result-per-key."""
    async def load(ids: list[str]) -> list[T | None]:
        found = {item.id: item for item in await fetch(ids)}
        return [found.get(id_) for id_ in ids]
    return load


class Loaders:
    def __init__(self, state: GatewayState, tenant_id: uuid.UUID, *, cache: bool = True) -> None:
        async def channels(ids: list[str]) -> list[channels_pb.Channel]:
            return await state.channels.batch_get_channels(tenant_id, ids)

        async def conversations(ids: list[str]) -> list[conv_pb.Conversation]:
            return await state.conversations.batch_get_conversations(tenant_id, ids)

        self.channels: DataLoader[str, channels_pb.Channel | None] = DataLoader(
            by_id(channels), max_batch_size=MAX_BATCH, cache=cache)
        self.conversations: DataLoader[str, conv_pb.Conversation | None] = DataLoader(
            by_id(conversations), max_batch_size=MAX_BATCH, cache=cache)
        self.messages: DataLoader[MessagesKey, conv_pb.ListMessagesResponse] = DataLoader(
            messages_pages(state, tenant_id), max_batch_size=MAX_BATCH, cache=cache)


MessagesPage = conv_pb.ListMessagesResponse | BaseException


def messages_pages(state: GatewayState, tenant_id: uuid.UUID
                   ) -> Callable[[list[MessagesKey]], Awaitable[list[MessagesPage]]]:
    """First pages (`after` empty): one BatchListMessages per distinct `first`, usually one per
    operation. A page past a cursor is rare (a client paging one conversation): ListMessages,
    whose error (a bad cursor) fails that field only."""
    async def load(keys: list[MessagesKey]) -> list[MessagesPage]:
        firsts: dict[int, list[str]] = {}
        for conversation_id, first, after in keys:
            if not after:
                firsts.setdefault(first, []).append(conversation_id)
        found: dict[MessagesKey, MessagesPage] = {}
        for first, ids in firsts.items():
            for entry in await state.conversations.batch_list_messages(
                    tenant_id, ids, page_size=first):
                found[(entry.conversation_id, first, "")] = conv_pb.ListMessagesResponse(
                    messages=entry.messages, page_info=entry.page_info)
        later = [key for key in keys if key[2]]
        pages = await asyncio.gather(*(state.conversations.list_messages(
            tenant_id, conversation_id, page_size=first, cursor=after)
            for conversation_id, first, after in later), return_exceptions=True)
        found.update(zip(later, pages, strict=True))
        empty = conv_pb.ListMessagesResponse()
        return [found.get(key, empty) for key in keys]
    return load
