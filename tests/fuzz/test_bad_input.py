"""Bad input the fuzzers found (or the issue named), one plain test each: a clear 4xx
problem+json (REST) or a coded error (GraphQL), never a 5xx or INTERNAL_SERVER_ERROR, and
nothing stored."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from tests.fixtures.platform import RunningPlatform
from tests.fuzz.conftest import PROBLEM, World, stored

pytestmark = pytest.mark.slow

NUL = "a\x00b"
FORGED_CURSOR = "eyJ4IjoxfQ"  # base64 of {"x":1}: decodes, but is not one of our cursors
# Every key any list's cursor has, with values each list would take: only the signature is wrong.
WELL_FORMED_CURSOR = base64.urlsafe_b64encode(json.dumps({
    "t": "2999-01-01T00:00:00+00:00", "created_at": "2999-01-01T00:00:00+00:00", "p": 1,
    "id": "ffffffff-ffff-ffff-ffff-ffffffffffff"}).encode()).decode().rstrip("=")


def refused(resp: httpx.Response, status: int, *words: str) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith(PROBLEM), resp.headers["content-type"]
    body: dict[str, Any] = resp.json()
    for word in words:
        assert word in body["detail"], body
    return body


async def gql(world: World, query: str, **variables: Any) -> list[dict[str, Any]]:
    # json.dumps escapes what UTF-8 cannot carry (a lone surrogate becomes \\ud800), as a
    # client's JSON encoder may.
    resp = await world.tenant.http.post(
        "/graphql", content=json.dumps({"query": query, "variables": variables}),
        headers={"content-type": "application/json"})
    assert resp.status_code == 200, resp.text
    return resp.json().get("errors") or []  # type: ignore[no-any-return]


def codes(errors: list[dict[str, Any]]) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in errors]


# --- NUL characters: PostgreSQL cannot store them (was a 503, or a 500 in identity) ----------


async def test_nul_in_message_text_label_and_names_is_a_422_naming_the_field(
        platform: RunningPlatform, world: World) -> None:
    http, conversation = world.tenant.http, world.conversation_id
    before = await stored(platform, world.tenant.tenant_id)
    refused(await http.post(f"/v1/conversations/{conversation}/messages", json={"text": NUL}),
            422, "text", "NUL")
    refused(await http.patch(f"/v1/conversations/{conversation}", json={"labels": ["ok", NUL]}),
            422, "labels[1]", "NUL")
    refused(await http.post("/v1/api-keys", json={"name": NUL, "scopes": ["read"]}),
            422, "API key name", "NUL")
    account = (await platform.emulator.post("/_emulator/accounts", json={"name": "x"})).json()
    refused(await http.post("/v1/channels/avito", json={
        "name": NUL, "client_id": account["client_id"],
        "client_secret": account["client_secret"], "sandbox": True}), 422, "name", "NUL")
    assert await stored(platform, world.tenant.tenant_id) == before


async def test_nul_in_a_login_email_is_a_422(platform: RunningPlatform) -> None:
    async with httpx.AsyncClient(base_url=platform.gateway_url) as http:
        refused(await http.post("/v1/auth/login", json={"email": f"x{NUL}@example.com",
                                                         "password": "password-123"}),
                422, "email", "NUL")


async def test_nul_and_surrogates_in_graphql_variables_are_bad_user_input(
        platform: RunningPlatform, world: World) -> None:
    before = await stored(platform, world.tenant.tenant_id)
    send = "mutation($i: SendMessageInput!) { sendMessage(input: $i) { id } }"
    for text in (NUL, "a\ud800b"):
        errors = await gql(world, send, i={"conversationId": world.conversation_id, "text": text})
        assert codes(errors) == ["BAD_USER_INPUT"] and "$i.text" in errors[0]["message"], errors
    label = "mutation { updateConversation(input: {id: \"%s\", labels: [\"a\\u0000b\"]}) { id } }"
    errors = await gql(world, label % world.conversation_id)  # a literal: the service refuses it
    assert codes(errors) == ["BAD_USER_INPUT"] and "labels[0]" in errors[0]["message"], errors
    assert await stored(platform, world.tenant.tenant_id) == before


# --- sizes --------------------------------------------------------------------------------


async def test_a_megabyte_of_text_and_ten_thousand_labels_are_refused(
        platform: RunningPlatform, world: World) -> None:
    http, conversation = world.tenant.http, world.conversation_id
    before = await stored(platform, world.tenant.tenant_id)
    huge, labels = "x" * 1_000_000, [f"l{i}" for i in range(10_000)]
    refused(await http.post(f"/v1/conversations/{conversation}/messages", json={"text": huge}),
            422, "text")
    refused(await http.patch(f"/v1/conversations/{conversation}", json={"labels": labels}),
            422, "labels")
    errors = await gql(world, "mutation($i: SendMessageInput!) { sendMessage(input: $i) { id } }",
                       i={"conversationId": conversation, "text": huge})
    assert codes(errors) == ["BAD_USER_INPUT"], errors
    errors = await gql(world, "mutation($i: UpdateConversationInput!) "
                              "{ updateConversation(input: $i) { id } }",
                       i={"id": conversation, "labels": labels})
    assert codes(errors) == ["BAD_USER_INPUT"], errors
    errors = await gql(world, "query($t: String) { agentPreview(question: \"hi\", "
                              "listingTitle: $t) { outcome } }", t="x" * 1000)
    assert codes(errors) == ["BAD_USER_INPUT"] and "title" in errors[0]["message"], errors
    assert await stored(platform, world.tenant.tenant_id) == before


# --- bodies that are not JSON a server can read -------------------------------------------


@pytest.mark.parametrize("body", [b'{"query": "\xff\xfe"}', b"[" * 100_000 + b"]" * 100_000],
                         ids=["invalid-utf8", "deeply-nested"])
async def test_graphql_bodies_that_do_not_decode_are_a_400_problem(world: World,
                                                                   body: bytes) -> None:
    resp = await world.tenant.http.post("/graphql", content=body,
                                        headers={"content-type": "application/json"})
    refused(resp, 400, "JSON")


@pytest.mark.parametrize(("body", "content_type", "words"), [
    (b"[1, 2]", "application/json", "Batching"),
    (b"hello", "text/plain", "content type"),
], ids=["batch", "text-plain"])
async def test_graphql_requests_it_cannot_run_are_problem_json(
        world: World, body: bytes, content_type: str, words: str) -> None:
    resp = await world.tenant.http.post("/graphql", content=body,
                                        headers={"content-type": content_type})
    refused(resp, 400, words)


@pytest.mark.parametrize("body", [b'{"text": "\xff\xfe"}', b'{"text": ' + b"[" * 100_000],
                         ids=["invalid-utf8", "deeply-nested"])
async def test_rest_bodies_that_do_not_decode_are_a_4xx_problem(
        platform: RunningPlatform, world: World, body: bytes) -> None:
    before = await stored(platform, world.tenant.tenant_id)
    resp = await world.tenant.http.post(f"/v1/conversations/{world.conversation_id}/messages",
                                        content=body, headers={"content-type": "application/json"})
    assert 400 <= resp.status_code < 500 and resp.headers["content-type"].startswith(PROBLEM)
    assert await stored(platform, world.tenant.tenant_id) == before


# --- forged cursors (was a KeyError in the repositories: 503) ------------------------------


def cursor(values: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize("path", [
    "/v1/conversations?cursor={c}", "/v1/conversations?sort=price&cursor={c}",
    "/v1/conversations/{conversation}/messages?cursor={c}", "/v1/agent/audit?cursor={c}",
    "/v1/agent/knowledge/documents?cursor={c}", "/v1/channels?cursor={c}",
])
@pytest.mark.parametrize("forged", [
    FORGED_CURSOR,
    cursor({"t": 1, "id": 2, "p": "x", "created_at": 3}),  # the keys, of the wrong types
    cursor({"t": "0001-01-01T00:00:00+14:00", "created_at": "0001-01-01T00:00:00+14:00",
            "id": "00000000-0000-0000-0000-000000000000", "p": 2**64}),  # beyond the ranges
    WELL_FORMED_CURSOR,  # valid values, but unsigned: was read (issue #19: cursors are signed)
], ids=["forged", "wrong-types", "out-of-range", "unsigned"])
async def test_a_forged_cursor_is_a_422(world: World, path: str, forged: str) -> None:
    resp = await world.tenant.http.get(path.format(c=forged, conversation=world.conversation_id))
    refused(resp, 422, "cursor")


async def test_a_forged_cursor_in_graphql_is_bad_user_input(world: World) -> None:
    for query in ("{ conversations(after: \"%s\") { edges { node { id } } } }",
                  "{ knowledgeDocuments(after: \"%s\") { edges { node { id } } } }"):
        for forged in (FORGED_CURSOR, WELL_FORMED_CURSOR):
            assert codes(await gql(world, query % forged)) == ["BAD_USER_INPUT"]


# --- integers beyond what protobuf holds (was a ValueError building the request: 500) -------


@pytest.mark.parametrize(("body", "field"), [
    ({"max_wait_s": 2**40}, "max_wait_s"), ({"silence_window_s": -(2**31) - 1}, "silence_window_s"),
    ({"limits": {"max_reply_chars": 2**31}}, "max_reply_chars"),
    ({"handoff": {"low_confidence_limit": 2**32}}, "low_confidence_limit"),
])
async def test_agent_settings_beyond_int32_are_a_422_naming_the_field(
        world: World, body: dict[str, Any], field: str) -> None:
    refused(await world.tenant.http.put("/v1/agent/settings", json=body), 422, field)


async def test_a_preview_price_beyond_int64_is_a_422(world: World) -> None:
    resp = await world.tenant.http.post("/v1/agent/preview", json={
        "question": "hi", "listing": {"title": "x", "price_minor": 2**63}})
    refused(resp, 422, "price_minor")


async def test_graphql_ints_beyond_32_bits_and_missing_variables_are_bad_user_input(
        world: World) -> None:
    update = ("mutation($i: UpdateAgentSettingsInput!) { updateAgentSettings(input: $i) "
              "{ effective { maxWaitS } } }")
    errors = await gql(world, update, i={"maxWaitS": 2**40})
    assert codes(errors) == ["BAD_USER_INPUT"], errors
    errors = await gql(world, "query($n: Int!) { conversations(first: $n) { edges { node { id } } } }")
    assert codes(errors) == ["BAD_USER_INPUT"], errors
    assert codes(await gql(world, "{ nope }")) == ["GRAPHQL_VALIDATION_FAILED"]
    assert codes(await gql(world, "{ conversations(")) == ["GRAPHQL_PARSE_FAILED"]


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
async def test_usage_times_beyond_the_calendar_are_a_422(world: World, when: str) -> None:
    resp = await world.tenant.http.get("/v1/agent/usage", params={"from": when})
    refused(resp, 422, "from")


# --- webhooks: what no service can store, or a delivery id that is not one ------------------


def delivery(account: int, delivery_id: Any, text: str) -> bytes:
    return json.dumps({"id": delivery_id, "version": "v3.0.0", "timestamp": 1, "payload": {
        "type": "message", "value": {"id": f"m-{delivery_id!s:.8}", "chat_id": "u2i-x",
                                     "user_id": account, "author_id": 555, "created": 1,
                                     "type": "text", "content": {"text": text}}}}).encode()


@pytest.mark.parametrize(("delivery_id", "text", "words"), [
    ("nul-in-text", NUL, "payload.value.content.text"),
    ("a\r\nNats-Expected-Stream: SB_NOPE", "hi", "delivery id"),
    ({"an": "object"}, "hi", "delivery id"),
], ids=["nul-in-text", "crlf-in-id", "object-id"])
async def test_a_webhook_no_service_can_store_is_a_422(
        platform: RunningPlatform, world: World, delivery_id: Any, text: str, words: str) -> None:
    before = await stored(platform, world.tenant.tenant_id)
    async with httpx.AsyncClient(base_url=platform.gateway_url) as http:
        resp = await http.post(world.webhook_path, content=delivery(world.shop.user_id,
                                                                    delivery_id, text))
    refused(resp, 422, words)
    assert await stored(platform, world.tenant.tenant_id) == before


# --- an answer that echoes a huge input (was RESOURCE_EXHAUSTED on gRPC's 16 KB trailers: 503)


@pytest.mark.parametrize(("method", "path", "body", "field"), [
    ("POST", "/v1/agent/preview", {"question": "hi", "channel_id": "x" * 70_000}, "channel"),
    ("PUT", "/v1/agent/settings", {"business_hours": {"time_zone": "x" * 70_000}}, "time zone"),
    ("PATCH", "/v1/conversations/{conversation}", {"assignee_user_id": "x" * 70_000}, "assignee"),
    ("PUT", "/v1/agent/settings", {"reset": ["x" * 70_000]}, "unknown settings field"),
], ids=["preview-channel-id", "settings-time-zone", "assignee-id", "settings-reset"])
async def test_a_huge_bad_value_is_a_422_not_a_503(world: World, method: str, path: str,
                                                   body: dict[str, Any], field: str) -> None:
    resp = await world.tenant.http.request(
        method, path.format(conversation=world.conversation_id), json=body)
    detail = refused(resp, 422, field)["detail"]
    assert len(detail) < 2000


async def test_a_time_zone_that_names_a_folder_is_a_422(world: World) -> None:
    """"America" is a folder of the tz database: ZoneInfo raised IsADirectoryError (500)."""
    resp = await world.tenant.http.put("/v1/agent/settings",
                                       json={"business_hours": {"time_zone": "America"}})
    refused(resp, 422, "unknown time zone")


async def test_the_openapi_schema_documents_errors_as_they_are_sent(world: World) -> None:
    """Errors are problem+json (FastAPI documented its 422 as application/json), a body that
    does not parse is a 400, an authenticated route may answer 401 and 403."""
    schema = (await world.tenant.http.get("/openapi.json")).json()
    send = schema["paths"]["/v1/conversations/{conversation_id}/messages"]["post"]["responses"]
    assert {"400", "401", "403", "422"} <= set(send)
    for path in schema["paths"].values():
        for operation in path.values():
            for status, response in operation["responses"].items():
                if status >= "400":
                    assert list(response["content"]) == [PROBLEM], (status, operation["summary"])


@pytest.mark.parametrize("position", ["a\x00b", "-1", "9" * 40, "x" * 5000, "1e9", " "],
                         ids=["nul", "negative", "huge", "long", "float", "blank"])
async def test_a_live_stream_resumed_from_garbage_starts_or_refuses_cleanly(
        world: World, position: str) -> None:
    """SSE's `lastEventId` is not an input to store, but it must not make a 5xx either."""
    async with world.tenant.http.stream("GET", "/v1/events",
                                        params={"lastEventId": position}) as resp:
        if resp.status_code != 200:
            await resp.aread()
            assert 400 <= resp.status_code < 500
            refused(resp, resp.status_code)
            return
        first = await anext(resp.aiter_lines())
        assert first.startswith(":") or first.startswith("id:"), first
