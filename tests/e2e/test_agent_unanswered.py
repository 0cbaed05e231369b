"""Questions the agent could not answer, through the platform: two buyers ask the FAQ-mode agent
the same thing it has no entry for (in other words' case and punctuation), both are handed over,
and REST `GET /v1/agent/unanswered`, GraphQL `unansweredQuestions` and the SDK list it once,
asked twice. The seller answers it in one step; the preview then answers the question with the
new entry and says why; another tenant sees and touches none of it; bad input is a 422."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from switchboard_sdk import NotFound, Switchboard, UnansweredState

from tests.e2e.test_agent import enable_agent
from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, SandboxShop, Tenant

pytestmark = pytest.mark.slow

CAT = "А у вас есть кот?"
ANSWER = "Котов не продаём, только мебель. Подсказать по дивану?"
LIST = """query($state: UnansweredState!) { unansweredQuestions(state: $state, first: 10) {
  edges { node { id question askedCount state bestScore reason answeredDocumentId } }
  pageInfo { hasNextPage endCursor } } }"""
DISMISS = "mutation($id: ID!) { dismissUnansweredQuestion(id: $id) { id state } }"
PREVIEW = """query($q: String!) { agentPreview(question: $q) { outcome reply reasonCode confidence
  threshold candidates { chunkId documentId question score } } }"""


@pytest.fixture
async def seller(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Unanswered seller")


@pytest.fixture
async def shop(platform: RunningPlatform, seller: Tenant) -> SandboxShop:
    return await platform.connect_sandbox_shop(seller)


async def graphql(tenant: Tenant, query: str, **variables: Any) -> dict[str, Any]:
    body = (await tenant.http.post("/graphql", json={"query": query, "variables": variables})).json()
    assert "errors" not in body, body
    return body["data"]  # type: ignore[no-any-return]


async def test_a_question_handed_over_is_listed_answered_and_then_answered_by_the_agent(
        platform: RunningPlatform, seller: Tenant, shop: SandboxShop) -> None:
    other = await platform.new_tenant("Other seller")
    await enable_agent(seller, shop)
    await platform.buyer_writes(shop, CAT, chat_id=f"u2i-{uuid.uuid4().hex[:8]}")
    await platform.buyer_writes(shop, "а у вас есть КОТ", chat_id=f"u2i-{uuid.uuid4().hex[:8]}")

    async def asked_twice() -> dict[str, Any] | None:
        items = (await seller.http.get("/v1/agent/unanswered")).json()["items"]
        return items[0] if items and items[0]["asked_count"] == 2 else None
    row = await eventually(asked_twice, within=30)
    assert row["state"] == "open" and row["reason"] and row["conversation_id"]
    assert row["answered_document_id"] is None and row["question"].lower().startswith("а у вас")

    [node] = [e["node"] for e in (await graphql(seller, LIST, state="OPEN"))[
        "unansweredQuestions"]["edges"]]
    assert node["id"] == row["id"] and node["askedCount"] == 2 and node["state"] == "OPEN"
    assert (await other.http.get("/v1/agent/unanswered")).json()["items"] == []
    theirs = await other.http.post(f"/v1/agent/unanswered/{row['id']}/answer",
                                   json={"answer": ANSWER})
    assert theirs.status_code == 404, theirs.text

    for bad in ({"answer": ""}, {"answer": "x" * 4001}, {"answer": "ok", "extra": 1}):
        refused = await seller.http.post(f"/v1/agent/unanswered/{row['id']}/answer", json=bad)
        assert refused.status_code == 422, (bad, refused.text)
    assert (await seller.http.get("/v1/agent/unanswered", params={"state": "nope"})).status_code == 422
    assert (await seller.http.post("/v1/agent/unanswered/not-an-id/dismiss")).status_code == 422

    done = await seller.http.post(f"/v1/agent/unanswered/{row['id']}/answer",
                                  json={"answer": ANSWER, "question": CAT})
    assert done.status_code == 200, done.text
    added = done.json()
    assert added["question"]["state"] == "answered" and added["document_id"]
    assert (await seller.http.get("/v1/agent/unanswered")).json()["items"] == []
    answered = (await seller.http.get("/v1/agent/unanswered",
                                      params={"state": "answered"})).json()["items"]
    assert [a["answered_document_id"] for a in answered] == [added["document_id"]]

    preview = (await seller.http.post("/v1/agent/preview", json={"question": CAT})).json()
    assert preview["outcome"] == "reply" and preview["reply"] == ANSWER
    assert preview["reason_code"] == "answered" and preview["confidence"] >= preview["threshold"]
    assert preview["candidates"][0]["document_id"] == added["document_id"]
    assert preview["candidates"][0]["question"] == CAT
    shown = (await graphql(seller, PREVIEW, q=CAT))["agentPreview"]
    assert shown["reasonCode"] == "answered" and shown["candidates"][0]["question"] == CAT
    assert (await graphql(other, PREVIEW, q=CAT))["agentPreview"]["outcome"] == "handoff"


async def test_the_sdk_lists_and_dismisses(platform: RunningPlatform, seller: Tenant,
                                           shop: SandboxShop) -> None:
    await enable_agent(seller, shop)
    await platform.buyer_writes(shop, "Продаёте слонов?", chat_id=f"u2i-{uuid.uuid4().hex[:8]}")
    async with Switchboard(platform.gateway_url, api_key=seller.api_key) as sb:
        async def listed() -> str | None:
            page = await sb.unanswered_questions()
            return page.items[0].id if page.items else None
        question_id = await eventually(listed, within=30)
        [row] = [q async for q in sb.iter_unanswered_questions()]
        assert row.question == "Продаёте слонов?" and row.state == UnansweredState.OPEN
        hidden = await sb.dismiss_unanswered_question(question_id)
        assert hidden.state == UnansweredState.DISMISSED and hidden.resolved_at is not None
        assert (await sb.unanswered_questions()).items == []
        assert [q.id for q in (await sb.unanswered_questions(
            state=UnansweredState.DISMISSED)).items] == [question_id]
        with pytest.raises(NotFound):
            await sb.answer_unanswered_question(str(uuid.uuid4()), "ответ")
    other = await platform.new_tenant("SDK other seller")
    gql = await other.http.post("/graphql", json={"query": DISMISS, "variables": {"id": question_id}})
    assert gql.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND", gql.text
