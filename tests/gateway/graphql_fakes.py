"""Recording fakes of the services behind the GraphQL layer, and helpers to run the schema on
them: shared by tests/gateway/test_graphql_unit.py and test_graphql_transport.py."""

from __future__ import annotations

import asyncio
import uuid
from types import SimpleNamespace
from typing import Any

from pydantic import SecretStr

from clients.rpc.gen.switchboard.channels.v1 import channels_service_pb2 as channels_pb
from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common_pb
from clients.rpc.gen.switchboard.common.v1 import pagination_pb2
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from gateway.graphql.context import Context
from gateway.graphql.schema import build_schema
from gateway.identity.principal import Principal

TENANT_A = uuid.uuid4()
CHANNEL_1, CHANNEL_2 = str(uuid.uuid4()), str(uuid.uuid4())
READ_KEY, WRITE_KEY = "sb_readkey", "sb_writekey"
SETTINGS = SimpleNamespace(graphql_max_depth=8, live_auth_check_s=0.05, graphql_ide=True,
                           graphql_introspection=True, secret_key=SecretStr("fake-secret"),
                           public_base_url="https://inbox.example")
SCHEMA = build_schema(SETTINGS)  # type: ignore[arg-type]


def principal(*scopes: str, tenant: uuid.UUID = TENANT_A) -> Principal:
    return Principal.for_api_key(tenant, uuid.uuid4(), list(scopes))


def conversation(id_: str, channel_id: str, **fields: Any) -> pb.Conversation:
    return pb.Conversation(id=id_, channel_id=channel_id, channel=common_pb.CHANNEL_KIND_AVITO,
                           external_chat_id=f"chat-{id_[:4]}", contact=pb.Contact(id=id_),
                           status=pb.CONVERSATION_STATUS_OPEN, mode=pb.CONVERSATION_MODE_BOT,
                           **fields)


def message(id_: str, conversation_id: str, text: str = "hi") -> pb.Message:
    return pb.Message(id=id_, conversation_id=conversation_id, direction=common_pb.DIRECTION_INBOUND,
                      sender=pb.SENDER_KIND_CONTACT, content_type="text", text=text,
                      status=pb.MESSAGE_STATUS_RECEIVED)


class FakeConversations:
    def __init__(self, items: list[pb.Conversation]) -> None:
        self.items = {c.id: c for c in items}
        self.calls: list[tuple[str, Any]] = []
        self.fail: Exception | None = None

    def _record(self, name: str, arg: Any) -> None:
        self.calls.append((name, arg))
        if self.fail is not None:
            raise self.fail

    async def list_conversations(self, tenant_id: uuid.UUID, **kw: Any) -> pb.ListConversationsResponse:
        self._record("list", kw)
        return pb.ListConversationsResponse(
            conversations=list(self.items.values()),
            page_info=pagination_pb2.PageInfo(next_cursor="c2", has_more=True))

    async def batch_get_conversations(self, tenant_id: uuid.UUID,
                                      ids: list[str]) -> list[pb.Conversation]:
        self._record("batch", ids)
        return [self.items[i] for i in ids if i in self.items]

    async def list_messages(self, tenant_id: uuid.UUID, conversation_id: str,
                            **kw: Any) -> pb.ListMessagesResponse:
        self._record("messages", (conversation_id, kw))
        return pb.ListMessagesResponse(messages=[message(str(uuid.uuid4()), conversation_id)],
                                       page_info=pagination_pb2.PageInfo())

    async def batch_list_messages(self, tenant_id: uuid.UUID, conversation_ids: list[str],
                                  **kw: Any) -> list[pb.ConversationMessages]:
        self._record("batch_messages", (list(conversation_ids), kw))
        return [pb.ConversationMessages(conversation_id=c, messages=[message(str(uuid.uuid4()), c)],
                                        page_info=pagination_pb2.PageInfo())
                for c in dict.fromkeys(conversation_ids)]

    async def send_message(self, tenant_id: uuid.UUID, conversation_id: str, text: str,
                           **kw: Any) -> pb.Message:
        self._record("send", (conversation_id, text, kw))
        return message(str(uuid.uuid4()), conversation_id, text)

    async def update_conversation(self, tenant_id: uuid.UUID,
                                  request: pb.UpdateConversationRequest) -> pb.Conversation:
        self._record("update", request)
        return self.items[request.id]


class FakeChannels:
    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    async def batch_get_channels(self, tenant_id: uuid.UUID, ids: list[str]) -> list[channels_pb.Channel]:
        self.batches.append(list(ids))
        return [channels_pb.Channel(id=i, kind=common_pb.CHANNEL_KIND_AVITO, name=f"Avito {i[:4]}",
                                    status=channels_pb.CHANNEL_STATUS_ACTIVE) for i in ids]


class FakeIdentity:
    def __init__(self) -> None:
        self.keys = {READ_KEY: principal("read"), WRITE_KEY: principal("write")}

    async def authenticate_api_key(self, raw: str) -> Principal | None:
        return self.keys.get(raw)

    async def authenticate_session(self, token: str) -> Principal | None:
        return principal("write") if token == "live-session" else None


def fake_state() -> SimpleNamespace:
    items = [conversation(str(uuid.uuid4()), ch) for ch in (CHANNEL_1, CHANNEL_2, CHANNEL_1)]
    return SimpleNamespace(conversations=FakeConversations(items), channels=FakeChannels(),
                           identity=FakeIdentity(), bus=None, settings=SETTINGS,
                           closing=asyncio.Event(), limiter=None)  # no database: no limits


async def run(state: SimpleNamespace, query: str, who: Principal | None = None,
              **variables: Any) -> Any:
    who = who if who is not None else principal("write")
    return await SCHEMA.execute(query, variable_values=variables,
                                context_value=Context(state, who))  # type: ignore[arg-type]


def codes(result: Any) -> list[str]:
    return [e.extensions.get("code") for e in result.errors or []]
