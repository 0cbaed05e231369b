"""The questions the agent could not answer, on the answering stack: live FAQ-mode handoffs and
the model's handoff tool are grouped by normalised text (keyword handoffs, model failures and
previews are not counted), answering one adds an FAQ entry the agent then answers with,
dismissing hides it for good, a repeated audit entry counts once, and another tenant sees and
touches nothing."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from clients.rpc.gen.switchboard.agent.v1 import agent_service_pb2 as pb
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as conv_pb
from services.agent.audit.unanswered import faq_upload, question_key
from services.agent.audit.unanswered_repository import UnansweredRepository
from services.agent.knowledge.parsers import faq_from_csv
from services.kernel.errors import InvalidArgument, NotFound
from services.kernel.tenancy import tenant_scope
from tests.services.agent import answering_stack as fixtures
from tests.services.agent.answering_stack import Stack
from tests.services.agent.test_answering_pipeline import ask

stack, stack_db_url, stack_nats_url, emulator_reset = (
    fixtures.stack, fixtures.stack_db_url, fixtures.stack_nats_url, fixtures.emulator_reset)

CAT = "А у вас есть кот?"
CAT_ANSWER = "Котов не продаём, только мебель. Могу подсказать по дивану."


async def upsert(stack: Stack, tenant: uuid.UUID, values: dict[str, Any]) -> None:
    """What the audit writer does for a counted handoff, straight through the repository."""
    with tenant_scope(tenant):
        async with stack.db.unit_of_work(tenant) as session:
            await UnansweredRepository(session).upsert(values)


async def open_questions(stack: Stack, tenant: uuid.UUID,
                         state: int = pb.UNANSWERED_STATE_OPEN) -> list[pb.UnansweredQuestion]:
    return list((await stack.client.list_unanswered(tenant, state=state)).questions)


def test_the_grouping_key_ignores_case_yo_and_punctuation() -> None:
    assert question_key("Доставка в Казахстан — есть?!") == question_key("доставка  в КАЗАХСТАН есть")
    assert question_key("Ещё  чёрный есть?") == "еще черный есть"
    assert question_key("?!…") == ""


def test_an_answer_is_one_faq_row_the_parser_reads_back() -> None:
    upload = faq_upload("Доставка 1/2 цены; \"срочно\"?", "Да;\nсо скидкой")
    assert upload.name == "Ответ покупателю — Доставка 1 2 цены; \"срочно\"?.csv"
    [pair] = faq_from_csv(upload.content.decode())
    assert (pair.question, pair.answer) == ("Доставка 1/2 цены; \"срочно\"?", "Да;\nсо скидкой")


async def test_handoffs_for_want_of_an_answer_are_listed_once_per_question(
        stack: Stack, tenant_a: uuid.UUID, tenant_b: uuid.UUID) -> None:
    await stack.upload_faq(tenant_a)
    await stack.configure(tenant_a)
    await ask(stack, tenant_a, CAT)
    second = await ask(stack, tenant_a, "а у вас ЕСТЬ кот")
    await ask(stack, tenant_a, "Позовите менеджера")  # asks for a person: not a knowledge gap
    await stack.client.preview(tenant_a, "Какой породы кот?")  # the seller's test: not counted
    [row] = await open_questions(stack, tenant_a)
    assert (row.question, row.asked_count) == ("а у вас ЕСТЬ кот", 2)
    assert row.conversation_id == second.id and row.reason
    assert row.state == pb.UNANSWERED_STATE_OPEN and not row.answered_document_id
    assert row.first_asked_at.ToDatetime() <= row.last_asked_at.ToDatetime()
    if row.best_chunk_id:  # the closest entry, when anything came near
        assert row.best_question and 0 < row.best_score <= 1
    assert await open_questions(stack, tenant_b) == []
    with pytest.raises(NotFound):
        await stack.client.dismiss_unanswered(tenant_b, row.id)


async def test_an_answer_becomes_an_faq_entry_the_agent_answers_with(
        stack: Stack, tenant_a: uuid.UUID, tenant_b: uuid.UUID) -> None:
    await stack.upload_faq(tenant_a)
    await stack.configure(tenant_a)
    await ask(stack, tenant_a, CAT)
    [row] = await open_questions(stack, tenant_a)
    with pytest.raises(InvalidArgument, match="write the answer"):
        await stack.client.answer_unanswered(tenant_a, row.id, question="", answer="   ")
    with pytest.raises(NotFound):
        await stack.client.answer_unanswered(tenant_b, row.id, question="", answer=CAT_ANSWER)
    with pytest.raises(InvalidArgument, match="not a valid id"):
        await stack.client.answer_unanswered(tenant_a, "no-such-id", question="", answer="x")
    done = await stack.client.answer_unanswered(tenant_a, row.id, question="", answer=CAT_ANSWER)
    assert done.question.state == pb.UNANSWERED_STATE_ANSWERED and done.document_id
    assert done.question.answered_document_id == done.document_id
    assert done.question.resolved_at.seconds > 0
    assert await open_questions(stack, tenant_a) == []
    [answered] = await open_questions(stack, tenant_a, pb.UNANSWERED_STATE_ANSWERED)
    assert answered.id == row.id

    preview = await stack.client.preview(tenant_a, CAT)
    assert preview.outcome == pb.OUTCOME_REPLY and preview.reply == CAT_ANSWER
    assert preview.candidates[0].document_id == done.document_id
    assert preview.candidates[0].question == CAT and preview.reason_code == "answered"
    assert preview.HasField("confidence") and preview.confidence >= preview.threshold
    assert (await stack.client.preview(tenant_b, CAT)).outcome == pb.OUTCOME_HANDOFF


async def test_the_models_handoff_counts_and_its_failure_does_not(
        stack: Stack, emulator_reset: None, tenant_a: uuid.UUID) -> None:
    await stack.configure(tenant_a, llm=True)
    # An endpoint of its own (the breaker is per URL, model and key): this failure opens no
    # other test's circuit.
    await stack.client.update_settings(tenant_a, pb.UpdateSettingsRequest(
        update_fields=["api_key"], api_key="sk-unanswered"))
    await stack.rules({"match": {"contains": "скидк"}, "reply": {"tool_calls": [
        {"name": "handoff_to_manager", "arguments": {"reason": "покупатель торгуется"}}]}})
    await ask(stack, tenant_a, "Сделаете скидку 30%?")
    [row] = await open_questions(stack, tenant_a)
    assert (row.question, row.reason) == ("Сделаете скидку 30%?", "покупатель торгуется")
    (await stack.llm.post("/_emulator/faults", json={
        "endpoint": "chat", "status": 500, "count": 2})).raise_for_status()
    failed = await ask(stack, tenant_a, "Когда отправите?")
    assert failed.mode == conv_pb.CONVERSATION_MODE_MANAGER  # handed over, for the model
    assert [q.question for q in await open_questions(stack, tenant_a)] == [row.question]


async def test_a_dismissed_question_stays_hidden_when_asked_again(
        stack: Stack, tenant_a: uuid.UUID) -> None:
    await stack.upload_faq(tenant_a)
    await stack.configure(tenant_a)
    await ask(stack, tenant_a, "Вы продаёте слонов?")
    [row] = await open_questions(stack, tenant_a)
    dismissed = await stack.client.dismiss_unanswered(tenant_a, row.id)
    assert dismissed.state == pb.UNANSWERED_STATE_DISMISSED and not dismissed.answered_document_id
    await ask(stack, tenant_a, "вы продаете слонов")
    assert await open_questions(stack, tenant_a) == []
    [hidden] = await open_questions(stack, tenant_a, pb.UNANSWERED_STATE_DISMISSED)
    assert hidden.asked_count == 2


async def test_the_same_audit_entry_counts_once(stack: Stack, tenant_a: uuid.UUID) -> None:
    """A run repeated after a lost lease records its audit entry once; so does this list."""
    audit_id = uuid.uuid4()
    values = {"question_key": "есть кот", "question": "Есть кот?", "audit_id": audit_id,
              "first_asked_at": stack.clock.now(), "last_asked_at": stack.clock.now()}
    for _ in range(2):
        await upsert(stack, tenant_a, values)
    await upsert(stack, tenant_a, {**values, "audit_id": uuid.uuid4()})
    [row] = await open_questions(stack, tenant_a)
    assert row.asked_count == 2


async def test_the_list_pages_with_a_cursor_and_refuses_a_bad_state(
        stack: Stack, tenant_a: uuid.UUID) -> None:
    for n in range(3):
        await upsert(stack, tenant_a, {
            "question_key": f"вопрос {n}", "question": f"Вопрос {n}", "audit_id": uuid.uuid4(),
            "first_asked_at": stack.clock.now(), "last_asked_at": stack.clock.now()})
        stack.clock.advance(1)
    first = await stack.client.list_unanswered(tenant_a, page_size=2)
    assert [q.question for q in first.questions] == ["Вопрос 2", "Вопрос 1"]
    assert first.page_info.has_more
    rest = await stack.client.list_unanswered(tenant_a, page_size=2,
                                              cursor=first.page_info.next_cursor)
    assert [q.question for q in rest.questions] == ["Вопрос 0"] and not rest.page_info.has_more
    with pytest.raises(InvalidArgument):
        await stack.client.list_unanswered(tenant_a, state=9)
