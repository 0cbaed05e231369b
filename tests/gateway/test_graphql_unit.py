"""The GraphQL layer on its own: schema, limits, error policy, conversions, auth plumbing.

The services are replaced by recording fakes here so each rule is checked in isolation (and
fast); tests/gateway/test_graphql.py runs the same API against the real platform.
"""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common_pb
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as pb
from gateway.conversations.graphql.types import Conversation, Listing
from gateway.graphql.context import Context
from gateway.graphql.errors import CODES, code_of
from gateway.graphql.schema import build_schema
from services.kernel import errors as domain
from tests.gateway.graphql_fakes import (
    CHANNEL_1,
    CHANNEL_2,
    SCHEMA,
    codes,
    conversation,
    principal,
    run,
)


def test_sdl_has_the_public_contract() -> None:
    sdl = SCHEMA.as_str()
    for name in ("conversations(", "conversation(", "messages(", "channels(", "sendMessage(",
                 "updateConversation(", "markRead(", "conversationEvents(", "after: String = null",
                 "type ConversationConnection", "pageInfo: PageInfo!", "endCursor",
                 "hasNextPage", "priceMinor: Int", "priceRub: Float"):
        assert name in sdl, name


@pytest.mark.parametrize(("error", "code"), [
    (domain.NotFound("x"), "NOT_FOUND"), (domain.InvalidArgument("x"), "BAD_USER_INPUT"),
    (domain.PermissionDenied("x"), "FORBIDDEN"), (domain.Unauthenticated("x"), "UNAUTHENTICATED"),
    (domain.Conflict("x"), "CONFLICT"), (domain.FailedPrecondition("x"), "FAILED_PRECONDITION"),
    (domain.Unavailable("x"), "UNAVAILABLE"), (domain.DomainError("x"), "FAILED_PRECONDITION"),
    (domain.Internal("x"), "INTERNAL_SERVER_ERROR"),
])
def test_every_domain_error_has_a_code(error: domain.DomainError, code: str) -> None:
    assert code_of(error) == code
    assert set(CODES) >= set(domain.ERRORS_BY_CODE.values())


async def test_domain_error_keeps_its_message_and_crashes_are_masked(state: SimpleNamespace) -> None:
    state.conversations.fail = domain.Unavailable("the inbox is resting")
    result = await run(state, "{ conversations { edges { node { id } } } }")
    assert codes(result) == ["UNAVAILABLE"]
    assert result.errors[0].message == "the inbox is resting"

    state.conversations.fail = RuntimeError("password=hunter2 at db-7")
    result = await run(state, "{ conversations { edges { node { id } } } }")
    assert codes(result) == ["INTERNAL_SERVER_ERROR"]
    assert result.errors[0].message == "Unexpected error."
    assert result.errors[0].extensions["correlationId"]  # also in the log line of the crash


async def test_only_crashes_are_logged(state: SimpleNamespace,
                                       caplog: pytest.LogCaptureFixture) -> None:
    query = "{ conversations { edges { node { id } } } }"
    state.conversations.fail = domain.NotFound("no such thing")
    await run(state, query)
    await run(state, "{ conversations(first: 0) { edges { node { id } } } }")
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    state.conversations.fail = RuntimeError("boom")
    await run(state, query)
    (logged,) = [r for r in caplog.records if r.levelname == "ERROR"]
    assert logged.message == "GraphQL resolver failed" and logged.exc_info is not None


async def test_depth_limit_rejects_a_deep_query(state: SimpleNamespace) -> None:
    deepest = ("{ conversations { edges { node { channel { name } messages { edges { node "
               "{ attachments { kind } } } } } } } }")
    assert (await run(state, deepest)).errors is None  # the schema's deepest path fits the default
    calls = len(state.conversations.calls)
    shallow = build_schema(SimpleNamespace(graphql_max_depth=4,  # type: ignore[arg-type]
                                           graphql_introspection=True))
    result = await shallow.execute(deepest, context_value=Context(state, principal("read")))  # type: ignore[arg-type]
    assert result.errors and "exceeds maximum operation depth of 4" in result.errors[0].message
    assert len(state.conversations.calls) == calls  # refused before any service call


async def test_first_above_100_is_refused_before_any_call(state: SimpleNamespace) -> None:
    result = await run(state, "{ conversations(first: 1000) { edges { node { id } } } }")
    assert codes(result) == ["BAD_USER_INPUT"]
    assert "between 1 and 100" in result.errors[0].message
    assert state.conversations.calls == []


async def test_too_many_aliases_are_refused(state: SimpleNamespace) -> None:
    query = "{ " + " ".join(f"a{i}: channels {{ id }}" for i in range(20)) + " }"
    result = await run(state, query)
    assert result.errors and "aliases" in result.errors[0].message


async def test_nested_channel_is_one_batch_call(state: SimpleNamespace) -> None:
    result = await run(state, """{ conversations(first: 3) {
        edges { cursor node { id channel { id name kind status } } }
        pageInfo { hasNextPage endCursor } } }""")
    assert result.errors is None
    assert len(state.channels.batches) == 1
    assert sorted(state.channels.batches[0]) == sorted({CHANNEL_1, CHANNEL_2})
    data = result.data["conversations"]
    assert [e["node"]["channel"]["id"] for e in data["edges"]] == [CHANNEL_1, CHANNEL_2, CHANNEL_1]
    assert data["pageInfo"] == {"hasNextPage": True, "endCursor": "c2"}
    assert [e["cursor"] for e in data["edges"]] == [None, None, "c2"]


async def test_conversation_by_id_null_when_missing_and_bad_id_refused(state: SimpleNamespace) -> None:
    known = next(iter(state.conversations.items))
    query = "query($id: ID!) { conversation(id: $id) { id status mode } }"
    found = await run(state, query, id=known)
    assert found.data["conversation"] == {"id": known, "status": "OPEN", "mode": "BOT"}
    assert (await run(state, query, id=str(uuid.uuid4()))).data["conversation"] is None
    assert codes(await run(state, query, id="not-a-uuid")) == ["BAD_USER_INPUT"]


async def test_scopes(state: SimpleNamespace) -> None:
    send = ("mutation($id: ID!) { sendMessage(input: {conversationId: $id, text: \"hi\"}) "
            "{ id text } }")
    assert codes(await run(state, send, principal("read"), id=str(uuid.uuid4()))) == ["FORBIDDEN"]
    assert [c for c, _ in state.conversations.calls] == []
    sent = await run(state, send, principal("write"), id=str(uuid.uuid4()))
    assert sent.data["sendMessage"]["text"] == "hi"
    nobody = await SCHEMA.execute("{ channels { id } }",
                                  context_value=Context(state, None))  # type: ignore[arg-type]
    assert codes(nobody) == ["UNAUTHENTICATED"]
    no_scope = await run(state, "{ channels { id } }", principal())
    assert codes(no_scope) == ["FORBIDDEN"]


async def test_update_sends_only_the_fields_given(state: SimpleNamespace) -> None:
    known = next(iter(state.conversations.items))
    query = ("mutation($input: UpdateConversationInput!) "
             "{ updateConversation(input: $input) { id } }")
    result = await run(state, query, input={"id": known, "status": "RESOLVED",
                                            "assigneeUserId": None, "labels": ["vip"]})
    assert result.errors is None
    request = state.conversations.calls[-1][1]
    assert list(request.update_fields) == ["status", "assignee_user_id", "labels"]
    assert request.status == pb.CONVERSATION_STATUS_RESOLVED and request.assignee_user_id == ""
    assert list(request.labels) == ["vip"]
    assert codes(await run(state, query, input={"id": known, "status": None})) == ["BAD_USER_INPUT"]
    assert codes(await run(state, query, input={"id": known})) == ["BAD_USER_INPUT"]


def test_conversation_proto_with_unset_timestamps_and_no_price() -> None:
    proto = conversation(str(uuid.uuid4()), CHANNEL_1,
                         listing=common_pb.Listing(external_id="42", title="Sofa"))
    converted = Conversation.from_proto(proto)
    assert converted.created_at is None and converted.waiting_since is None
    assert converted.assignee_user_id is None and converted.last_message_preview is None
    assert converted.listing is not None and converted.listing.price_minor is None
    assert converted.listing.price_rub is None and converted.listing.title == "Sofa"
    assert Conversation.from_proto(conversation(str(uuid.uuid4()), CHANNEL_1)).listing is None


def test_timestamps_are_utc_and_prices_survive_int32() -> None:
    ts = Timestamp(seconds=1_700_000_000)
    converted = Conversation.from_proto(conversation(str(uuid.uuid4()), CHANNEL_1, created_at=ts))
    assert converted.created_at is not None and converted.created_at.utcoffset().total_seconds() == 0
    assert converted.created_at.timestamp() == 1_700_000_000
    flat = Listing.from_proto(common_pb.Listing(price_minor=3_500_000_000, has_price=True))
    assert flat is not None and flat.price_minor is None and flat.price_rub == 35_000_000.0
    sofa = Listing.from_proto(common_pb.Listing(price_minor=1_250_050, has_price=True))
    assert sofa is not None and sofa.price_minor == 1_250_050 and sofa.price_rub == 12_500.5


async def test_agent_preview_needs_write(state: SimpleNamespace) -> None:
    query = '{ agentPreview(question: "Есть доставка?") { outcome } }'
    assert codes(await run(state, query, who=principal("read"))) == ["FORBIDDEN"]
