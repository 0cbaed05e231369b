"""GraphQL's queries and mutations with hypothesis-made variables — NUL characters, unpaired
surrogates, a megabyte of text, ten thousand labels, integers past 32 and 64 bits, malformed ids
and cursors, the wrong JSON type, deep nesting: every error carries a code and none is
INTERNAL_SERVER_ERROR (nor a 5xx)."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fixtures.platform import RunningPlatform
from tests.fuzz.conftest import FUZZ, NOWHERE, World, problem_failure, report

pytestmark = pytest.mark.slow

FORGED_CURSOR = "eyJ4IjoxfQ"
# No code, a crash, or a service the request broke (REST's 5xx); nothing here is really down.
SERVER_ERRORS = ("None", "INTERNAL_SERVER_ERROR", "UNAVAILABLE")
MEGABYTE = "x" * 1_000_000


def nasty(world: World) -> dict[str, st.SearchStrategy[Any]]:
    ids = st.sampled_from([world.conversation_id, world.message_id, world.channel_id,
                           world.document_id, "", "not-an-id", "a\x00b", FORGED_CURSOR,
                           "00000000-0000-0000-0000-000000000000"])
    text = st.one_of(st.sampled_from(["", "a\x00b", "a\ud800b", MEGABYTE, "привет", " " * 5]),
                     st.text(max_size=30))
    ints = st.one_of(st.integers(), st.sampled_from([2**31, -(2**31) - 1, 2**63, 10**30, 0, -1]))
    scalars = st.one_of(st.none(), st.booleans(), ints, st.floats(), text, ids)
    anything = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                            | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                            max_leaves=10)
    deep = st.integers(min_value=1, max_value=400).map(_nested)
    labels = st.one_of(st.lists(text, max_size=5),
                       st.just([f"label-{i}" for i in range(10_000)]))
    # Mostly of the declared type, else few requests get past GraphQL's own checks.
    def mostly(typed: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return st.integers(0, 4).flatmap(lambda n: anything if n == 0 else typed)
    return {"id": mostly(ids), "text": mostly(text), "int": mostly(ints),
            "cursor": mostly(st.sampled_from([FORGED_CURSOR, "", "!!", "a\x00"]) | text),
            "labels": mostly(labels), "any": anything | deep, "float": mostly(st.floats())}


def _nested(depth: int) -> Any:
    value: Any = "bottom"
    for _ in range(depth):
        value = {"a": value}
    return value


# The fields fuzzed, in the order `operations` lists their documents.
FIELDS = ["conversations", "conversation", "messages", "channels", "channelDiagnostics",
          "agentSettings", "agentPreview", "knowledgeDocuments", "searchKnowledge",
          "sendMessage", "updateConversation", "markRead", "syncChannel", "deleteMessage",
          "blockContact", "updateAgentSettings", "deleteKnowledgeDocument",
          # Linking Telegram users (issue #12).
          "createTelegramLinkCode", "linkTelegramUser", "telegramLink", "unlinkTelegramUser"]


def operations(world: World) -> list[tuple[str, st.SearchStrategy[dict[str, Any]]]]:
    v = nasty(world)

    def variables(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
        return st.fixed_dictionaries({}, optional=fields)
    send_input = st.fixed_dictionaries(
        {"conversationId": v["id"], "text": v["text"]},
        optional={"idempotencyKey": v["text"], "attachments": v["any"]}) | v["any"]
    update_input = st.fixed_dictionaries({"id": v["id"]}, optional={
        "status": st.sampled_from(["OPEN", "RESOLVED", "NOPE"]) | v["any"],
        "mode": st.sampled_from(["BOT", "MANAGER", "x"]) | v["any"],
        "assigneeUserId": v["id"], "pinned": v["any"], "labels": v["labels"]}) | v["any"]
    settings_input = st.fixed_dictionaries({}, optional={
        "channelId": v["id"], "enabled": v["any"], "instructions": v["text"],
        "model": v["text"], "baseUrl": v["text"], "apiKey": v["text"],
        "temperature": v["float"], "replyLanguage": v["text"], "outsideHours": v["text"],
        "businessHours": v["any"], "handoff": st.fixed_dictionaries({}, optional={
            "keywords": v["labels"], "lowConfidenceLimit": v["int"]}) | v["any"],
        "limits": st.fixed_dictionaries({}, optional={
            "maxReplyChars": v["int"], "contextMessages": v["int"]}) | v["any"],
        "faqMatchThreshold": v["float"], "silenceWindowS": v["int"], "maxWaitS": v["int"],
        "reset": v["labels"]}) | v["any"]
    return [
        ("query($f: ConversationFilterInput, $s: ConversationSort!, $n: Int!, $a: String) "
         "{ conversations(filter: $f, sort: $s, first: $n, after: $a) { edges { node { id } } } }",
         variables(f=v["any"], s=st.sampled_from(["RECENT", "PRICE_ASC", "x"]) | v["any"],
                   n=v["int"], a=v["cursor"])),
        ("query($id: ID!) { conversation(id: $id) { id } }", variables(id=v["id"])),
        ("query($id: ID!, $n: Int!, $a: String) { messages(conversationId: $id, first: $n, "
         "after: $a) { edges { node { id } } } }",
         variables(id=v["id"], n=v["int"], a=v["cursor"])),
        ("query($n: Int!, $a: String) { channels(first: $n, after: $a) { id } }",
         variables(n=v["int"], a=v["cursor"])),
        ("query($id: ID!) { channelDiagnostics(id: $id) { ok } }", variables(id=v["id"])),
        ("query($id: ID) { agentSettings(channelId: $id) { effective { model } } }",
         variables(id=v["id"])),
        ("query($q: String!, $id: ID, $t: String) { agentPreview(question: $q, channelId: $id, "
         "listingTitle: $t) { outcome } }", variables(q=v["text"], id=v["id"], t=v["text"])),
        ("query($n: Int!, $a: String) { knowledgeDocuments(first: $n, after: $a) "
         "{ edges { node { id } } } }", variables(n=v["int"], a=v["cursor"])),
        ("query($q: String!, $n: Int!) { searchKnowledge(query: $q, limit: $n) { chunkId } }",
         variables(q=v["text"], n=v["int"])),
        ("mutation($i: SendMessageInput!) { sendMessage(input: $i) { id } }",
         variables(i=send_input)),
        ("mutation($i: UpdateConversationInput!) { updateConversation(input: $i) { id } }",
         variables(i=update_input)),
        ("mutation($id: ID!) { markRead(conversationId: $id) { id } }", variables(id=v["id"])),
        ("mutation($id: ID!) { syncChannel(id: $id) }", variables(id=v["id"])),
        ("mutation($c: ID!, $m: ID!) { deleteMessage(conversationId: $c, messageId: $m) { id } }",
         variables(c=v["id"], m=v["id"])),
        ("mutation($c: ID!, $r: BlockReason!) { blockContact(conversationId: $c, reason: $r) "
         "{ id } }", variables(c=v["id"], r=st.sampled_from(["SPAM", "NOPE"]) | v["any"])),
        ("mutation($i: UpdateAgentSettingsInput!) { updateAgentSettings(input: $i) "
         "{ effective { model } } }", variables(i=settings_input)),
        ("mutation($id: ID!) { deleteKnowledgeDocument(id: $id) }", variables(id=v["id"])),
        ("mutation($id: ID) { createTelegramLinkCode(userId: $id) { code } }",
         variables(id=v["id"])),
        ("mutation($i: LinkTelegramUserInput!) { linkTelegramUser(input: $i) { user { id } } }",
         variables(i=st.fixed_dictionaries({"code": v["text"], "telegramUserId": v["int"] | v["id"]},
                                           optional={"telegramUsername": v["text"]}) | v["any"])),
        ("query($t: ID!) { telegramLink(telegramUserId: $t) { user { id } } }",
         variables(t=v["int"] | v["id"])),
        ("mutation($t: ID!) { unlinkTelegramUser(telegramUserId: $t) }",
         variables(t=v["int"] | v["id"])),
    ]


def tame(variables: dict[str, Any]) -> dict[str, Any]:
    """An LLM endpoint is a closed loopback port, never an address a fuzzer made up."""
    settings_input = variables.get("i")
    if isinstance(settings_input, dict) and "baseUrl" in settings_input:
        settings_input["baseUrl"] = NOWHERE
    return variables


def outcome(resp: httpx.Response) -> tuple[str, list[str]]:
    """What came back (a status, or the errors' codes), and what is wrong with it."""
    if resp.status_code != 200:
        problem = problem_failure(resp)
        return str(resp.status_code), [problem] if problem else []
    errors = resp.json().get("errors") or []
    codes = [str(e.get("extensions", {}).get("code")) for e in errors]
    return ",".join(sorted(set(codes))) or "data", [
        f"{code}: {e.get('message')}" for code, e in zip(codes, errors, strict=True)
        if code in SERVER_ERRORS or not e.get("message")]


@pytest.mark.parametrize("field", FIELDS)
async def test_graphql_variables_never_crash(platform: RunningPlatform, world: World,
                                             field: str) -> None:
    document, variables = operations(world)[FIELDS.index(field)]
    assert f"{{ {field}(" in document
    found: list[str] = []
    seen: Counter[str] = Counter()

    @settings(FUZZ, max_examples=40)
    @given(variables)
    def fuzz(values: dict[str, Any]) -> None:
        # json.dumps: NaN as NaN and a lone surrogate as \ud800, as lax encoders send them.
        body = json.dumps({"query": document, "variables": tame(values)})
        resp = http.post("/graphql", content=body, headers={"content-type": "application/json"})
        shown, failures = outcome(resp)
        seen[shown] += 1
        found.extend(f"{failure} for {body[:200]}" for failure in failures)

    with httpx.Client(base_url=platform.gateway_url, timeout=60,
                      headers={"Authorization": f"Bearer {world.tenant.api_key}"}) as http:
        await asyncio.to_thread(fuzz)
    report("GraphQL, queries and mutations", seen, len(found))
    assert found == [], "\n".join(found)
