"""The answering pipeline on the real stack: FAQ mode, LLM mode through the emulator over HTTP
with the real openai client, every handoff path, the guardrails, preview, usage and audit."""

from __future__ import annotations

import uuid
from datetime import UTC, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from clients.rpc.gen.switchboard.agent.v1 import agent_service_pb2 as agent_pb
from clients.rpc.gen.switchboard.agent.v1 import events_pb2 as agent_events
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as conv_pb
from services.agent.answering import tokens
from services.kernel.errors import InvalidArgument
from tests.fixtures.events import Recorder, eventually, publish_inbound, unified
from tests.services.agent import answering_stack as fixtures
from tests.services.agent.answering_stack import Stack

stack, stack_db_url, stack_nats_url, emulator_reset = (
    fixtures.stack, fixtures.stack_db_url, fixtures.stack_nats_url, fixtures.emulator_reset)

KAZAN_ANSWER = "Да, в Казань отправляем через СДЭК и Авито Доставку"


async def ask(stack: Stack, tenant: uuid.UUID, text: str, *, chat: str | None = None,
              channel: uuid.UUID | None = None) -> conv_pb.Conversation:
    """A buyer question answered (or not) after the silence: the scheduler ticks once."""
    chat = chat or f"u2i-{uuid.uuid4().hex[:10]}"
    before = await stack.conversations.list_conversations(tenant)
    known = next((c for c in before.conversations if c.external_chat_id == chat), None)
    revision = 1
    if known is not None:
        row = await stack.pending(tenant, uuid.UUID(known.id))
        revision = row.revision + 1 if row else 1
    conv = await stack.buyer_writes(tenant, channel or uuid.uuid4(), chat, text, revision=revision)
    stack.clock.advance(20)  # the default silence window
    await stack.agent.scheduler.tick()
    return await stack.conversations.get_conversation(tenant, conv.id)


async def notes(stack: Stack, tenant: uuid.UUID, conv_id: str) -> list[str]:
    resp = await stack.conversations.list_messages(tenant, conv_id)
    return [m.text for m in resp.messages if m.content_type == "note"]


async def events_of(recorder: Recorder, suffix: str, count: int = 1) -> list[bytes]:
    async def arrived() -> list[bytes] | None:
        found = recorder.on(suffix)
        return found if len(found) >= count else None
    return await eventually(arrived)


class TestFaqMode:
    async def test_a_confident_faq_match_is_the_reply(self, stack: Stack, tenant_a: uuid.UUID) -> None:
        await stack.upload_faq(tenant_a)
        await stack.configure(tenant_a)
        async with Recorder(stack.bus, f"sb.agent.{tenant_a}.>") as events:
            conv = await ask(stack, tenant_a, "а доставка в Казань есть?")
            [reply] = await stack.messages(tenant_a, conv.id)
            assert reply.text.startswith(KAZAN_ANSWER)
            sent = agent_events.AutoReplySent.FromString((await events_of(events, "reply.sent"))[0])
        assert sent.message_id == reply.id
        [entry] = (await stack.client.list_audit(tenant_a, conversation_id=conv.id)).entries
        assert entry.outcome == agent_pb.OUTCOME_REPLY and entry.mode == "faq"
        assert entry.chunk_ids and entry.reply_message_id == reply.id and not entry.model
        assert len(entry.input_message_ids) == 1

    async def test_no_confident_answer_hands_over(self, stack: Stack, tenant_a: uuid.UUID) -> None:
        await stack.upload_faq(tenant_a)
        await stack.configure(tenant_a)
        async with Recorder(stack.bus, f"sb.agent.{tenant_a}.>") as events:
            conv = await ask(stack, tenant_a, "А у вас есть кот?")
            handoff = agent_events.HandoffRequested.FromString(
                (await events_of(events, "conversation.handoff_requested"))[0])
        assert conv.mode == conv_pb.CONVERSATION_MODE_MANAGER
        assert await stack.messages(tenant_a, conv.id) == []
        assert handoff.kind == agent_events.HANDOFF_KIND_NO_ANSWER
        assert handoff.conversation.mode == conv_pb.CONVERSATION_MODE_MANAGER
        assert any("нет уверенного ответа" in n for n in await notes(stack, tenant_a, conv.id))


class TestHandoffPaths:
    async def test_asking_for_a_person_hands_over_without_the_model(
            self, stack: Stack, emulator_reset: None, tenant_a: uuid.UUID) -> None:
        await stack.configure(tenant_a, llm=True)
        conv = await ask(stack, tenant_a, "Позовите, пожалуйста, живого оператора")
        assert conv.mode == conv_pb.CONVERSATION_MODE_MANAGER
        assert any("оператор" in n for n in await notes(stack, tenant_a, conv.id))
        assert await stack.chat_requests() == []

    async def test_the_models_tool_call_hands_over(self, stack: Stack, emulator_reset: None,
                                                   tenant_a: uuid.UUID) -> None:
        await stack.configure(tenant_a, llm=True)
        await stack.rules({"match": {"contains": "скидк"}, "reply": {"tool_calls": [
            {"name": "handoff_to_manager", "arguments": {"reason": "покупатель торгуется"}}]}})
        conv = await ask(stack, tenant_a, "Сделаете скидку 30%?")
        assert conv.mode == conv_pb.CONVERSATION_MODE_MANAGER
        assert any("покупатель торгуется" in n for n in await notes(stack, tenant_a, conv.id))
        [entry] = (await stack.client.list_audit(tenant_a, conversation_id=conv.id)).entries
        assert entry.outcome == agent_pb.OUTCOME_HANDOFF and entry.model == fixtures.MODEL

    async def test_repeated_low_confidence_hands_over(self, stack: Stack, emulator_reset: None,
                                                      tenant_a: uuid.UUID) -> None:
        await stack.configure(tenant_a, llm=True, **{"handoff.low_confidence_limit": 2})
        chat = f"u2i-{uuid.uuid4().hex[:10]}"  # an empty knowledge base: every answer is unsure
        first = await ask(stack, tenant_a, "Какой у вас гарантийный срок?", chat=chat)
        assert len(await stack.messages(tenant_a, first.id)) == 1
        second = await ask(stack, tenant_a, "А рассрочка бывает?", chat=chat,
                           channel=uuid.UUID(first.channel_id))
        assert second.mode == conv_pb.CONVERSATION_MODE_MANAGER
        assert len(await stack.messages(tenant_a, second.id)) == 1
        assert any("неуверенных" in n for n in await notes(stack, tenant_a, second.id))

    async def test_model_failures_hand_over_and_then_open_the_circuit(
            self, stack: Stack, emulator_reset: None, tenant_a: uuid.UUID) -> None:
        await stack.configure(tenant_a, llm=True)
        (await stack.llm.post("/_emulator/faults", json={
            "endpoint": "chat", "status": 500, "count": 50})).raise_for_status()
        for _ in range(2):  # two failures in a row (each: our retry after the first 500)
            conv = await ask(stack, tenant_a, "Когда отправите?")
            assert conv.mode == conv_pb.CONVERSATION_MODE_MANAGER
            assert any("ошибка модели" in n for n in await notes(stack, tenant_a, conv.id))
        assert len(await stack.chat_requests()) == 4
        conv = await ask(stack, tenant_a, "Ау?")
        assert any("приостановлены" in n for n in await notes(stack, tenant_a, conv.id))
        assert len(await stack.chat_requests()) == 4  # the open circuit did not call the model
        [entry] = (await stack.client.list_audit(tenant_a, conversation_id=conv.id)).entries
        assert entry.outcome == agent_pb.OUTCOME_HANDOFF

    async def test_the_health_follows_the_models_results(
            self, stack: Stack, emulator_reset: None, tenant_a: uuid.UUID) -> None:
        """Unknown before any call; failing after three failures (the breaker opened after
        two: the third is circuit-open), told by the error that says what is wrong; unknown
        once they are older than the window; ok after one success."""
        assert (await stack.client.get_health(tenant_a)).state == agent_pb.MODEL_STATE_UNKNOWN
        await stack.configure(tenant_a, llm=True)
        await stack.client.update_settings(tenant_a, agent_pb.UpdateSettingsRequest(
            update_fields=["model"], settings=agent_pb.AgentSettings(model="no-such-model")))
        started = stack.clock.now()
        for question in ("Когда отправите?", "Есть в наличии?", "Ау?"):
            await ask(stack, tenant_a, question)
        health = await stack.client.get_health(tenant_a)
        assert health.state == agent_pb.MODEL_STATE_FAILING and health.consecutive_failures == 3
        assert health.last_error.kind == "model_not_found"
        assert "does not know this model" in health.last_error.reason
        assert health.failing_since.ToDatetime(tzinfo=UTC) >= started
        assert health.handed_over_last_hour == 3 and not health.HasField("last_success")
        assert health.model == "no-such-model" and health.base_url_host == \
            stack.llm_url.removeprefix("http://") and health.failure_threshold == 3
        stack.clock.advance(3700)
        assert (await stack.client.get_health(tenant_a)).state == agent_pb.MODEL_STATE_UNKNOWN
        await stack.configure(tenant_a, llm=True)  # the right model: a new circuit
        await ask(stack, tenant_a, "Когда отправите?")
        health = await stack.client.get_health(tenant_a)
        assert health.state == agent_pb.MODEL_STATE_OK and health.consecutive_failures == 0
        assert health.HasField("last_success") and health.last_error.kind == "model_not_found"
        assert health.handed_over_last_hour == 0  # the failures are over an hour old


class TestLlmMode:
    async def test_grounded_answer_with_tools_within_the_token_budget(
            self, stack: Stack, emulator_reset: None, tenant_a: uuid.UUID) -> None:
        await stack.upload_faq(tenant_a)
        await stack.configure(tenant_a, llm=True, instructions="Всегда здоровайтесь.",
                              **{"limits.max_prompt_tokens": 900})
        await stack.rules(
            {"priority": 1, "match": {"has_tool_result": "search_knowledge"},
             "reply": {"content": "Ответ из базы: {tool_result:search_knowledge}"}},
            {"reply": {"tool_calls": [{"name": "search_knowledge",
                                       "arguments": {"query": "{last_user}"}}]}})
        conv = await ask(stack, tenant_a, "а доставка в Казань есть?")
        [reply] = await stack.messages(tenant_a, conv.id)
        assert KAZAN_ANSWER in reply.text
        requests = await stack.chat_requests()
        assert len(requests) == 2
        assert {t["function"]["name"] for t in requests[0]["tools"]} == {
            "search_knowledge", "get_listing", "handoff_to_manager"}
        system = "\n".join(m["content"] for m in requests[0]["messages"] if m["role"] == "system")
        assert "Всегда здоровайтесь." in system and "Казань" in system and "Item 101" in system
        # Grounded: the model answers from the retrieved entries or hands over (issue #15).
        assert "Answer only from the seller's knowledge base" in system
        assert "If the answer is not there" in system and "call handoff_to_manager" in system
        for request in requests:  # the budget holds for every call, tool results included
            assert tokens.prompt_tokens(request["messages"], request["tools"]) <= 900
        [entry] = (await stack.client.list_audit(tenant_a, conversation_id=conv.id)).entries
        assert entry.mode == "llm" and entry.chunk_ids and entry.prompt_tokens > 0
        assert entry.cost_estimate > 0  # the stack prices the emulator's model

    async def test_the_model_can_read_the_listing(self, stack: Stack, emulator_reset: None,
                                                  tenant_a: uuid.UUID) -> None:
        await stack.configure(tenant_a, llm=True)
        await stack.rules(
            {"priority": 1, "match": {"has_tool_result": "get_listing"},
             "reply": {"content": "По объявлению: {tool_result:get_listing}"}},
            {"reply": {"tool_calls": [{"name": "get_listing", "arguments": {}}]}})
        conv = await ask(stack, tenant_a, "Сколько стоит?")
        [reply] = await stack.messages(tenant_a, conv.id)
        assert '"title": "Item 101"' in reply.text and '"price_rub": 18500.0' in reply.text

    async def test_long_history_is_cut_to_the_budget(self, stack: Stack, emulator_reset: None,
                                                     tenant_a: uuid.UUID) -> None:
        await stack.configure(tenant_a, llm=True, **{"limits.max_prompt_tokens": 600,
                                                      "handoff.low_confidence_limit": 20})
        chat, channel = f"u2i-{uuid.uuid4().hex[:10]}", uuid.uuid4()
        long = "Расскажите подробнее про состояние, комплектацию и упаковку товара. " * 3
        for n in range(4):
            await ask(stack, tenant_a, f"{n}: {long}", chat=chat, channel=channel)
        requests = await stack.chat_requests()
        assert len(requests) == 4
        for request in requests:
            assert tokens.prompt_tokens(request["messages"], request["tools"]) <= 600
        last_user = [m["content"] for m in requests[-1]["messages"] if m["role"] == "user"]
        assert last_user[-1].startswith("3:")  # the newest question always stays

    async def test_a_long_conversation_gets_a_running_summary(
            self, stack: Stack, emulator_reset: None, tenant_a: uuid.UUID) -> None:
        await stack.configure(tenant_a, llm=True, **{"limits.context_messages": 2,
                                                      "handoff.low_confidence_limit": 20})
        await stack.rules({"match": {"system_contains": "Summarize this conversation"},
                           "reply": {"content": "Покупатель выбирает диван и спрашивал о цвете."}})
        chat, channel = f"u2i-{uuid.uuid4().hex[:10]}", uuid.uuid4()
        for question in ("Диван есть серый?", "А бежевый?", "Сколько ждать доставку?"):
            await ask(stack, tenant_a, question, chat=chat, channel=channel)
        requests = await stack.chat_requests()
        summaries = [r for r in requests if "Summarize" in r["messages"][0]["content"]]
        # Question 2 pushed question 1 out of the window; question 3 pushed out two more.
        assert len(summaries) == 2
        assert "Диван есть серый?" in summaries[0]["messages"][1]["content"]
        extended = summaries[1]["messages"][1]["content"]
        assert "Summary so far: Покупатель выбирает диван" in extended and "А бежевый?" in extended
        assert "Buyer: Диван есть серый?" not in extended  # already in the summary
        last = requests[-1]["messages"]
        assert any("выбирает диван" in m["content"] for m in last if m["role"] == "system")

    async def test_preview_runs_the_pipeline_and_sends_nothing(
            self, stack: Stack, emulator_reset: None, tenant_a: uuid.UUID) -> None:
        await stack.upload_faq(tenant_a)
        await stack.configure(tenant_a)
        preview = await stack.client.preview(tenant_a, "доставите до казани?")
        assert preview.outcome == agent_pb.OUTCOME_REPLY and KAZAN_ANSWER in preview.reply
        assert preview.mode == "faq" and preview.chunks and preview.audit_id
        assert (await stack.conversations.list_conversations(tenant_a)).conversations == []
        handoff = await stack.client.preview(tenant_a, "позовите менеджера")
        assert handoff.outcome == agent_pb.OUTCOME_HANDOFF and "менеджер" in handoff.reason
        usage = await stack.client.get_usage(tenant_a)
        assert usage.previews == 2 and usage.replies == 0 and usage.handoffs == 0
        audit = (await stack.client.list_audit(tenant_a)).entries
        assert len(audit) == 2 and all(e.preview for e in audit)


class TestGuardrails:
    async def test_hourly_reply_cap_hands_over(self, stack: Stack, emulator_reset: None,
                                               tenant_a: uuid.UUID) -> None:
        await stack.configure(tenant_a, llm=True,
                              **{"limits.replies_per_conversation_per_hour": 1})
        chat, channel = f"u2i-{uuid.uuid4().hex[:10]}", uuid.uuid4()
        await ask(stack, tenant_a, "Добрый день, товар ещё есть?", chat=chat, channel=channel)
        conv = await ask(stack, tenant_a, "А цвет какой?", chat=chat, channel=channel)
        assert conv.mode == conv_pb.CONVERSATION_MODE_MANAGER
        assert any("лимит автоответов" in n for n in await notes(stack, tenant_a, conv.id))
        usage = await stack.client.get_usage(tenant_a)
        assert usage.replies == 1 and usage.handoffs == 1
        assert usage.by_model[0].model == fixtures.MODEL and usage.prompt_tokens > 0

    async def test_resolved_conversations_get_no_reply(self, stack: Stack, emulator_reset: None,
                                                       tenant_a: uuid.UUID) -> None:
        await stack.configure(tenant_a, llm=True)
        conv = await stack.buyer_writes(tenant_a, uuid.uuid4(), f"u2i-{uuid.uuid4().hex[:8]}",
                                        "Спасибо, всё получил", revision=1)
        await stack.conversations.update_conversation(tenant_a, conv_pb.UpdateConversationRequest(
            id=conv.id, update_fields=["status"], status=conv_pb.CONVERSATION_STATUS_RESOLVED))
        stack.clock.advance(20)
        assert await stack.agent.scheduler.tick() >= 1
        assert await stack.messages(tenant_a, conv.id) == []
        [entry] = (await stack.client.list_audit(tenant_a, conversation_id=conv.id)).entries
        assert entry.outcome == agent_pb.OUTCOME_SKIPPED and "resolved" in entry.reason

    async def test_outside_business_hours_the_reply_waits_for_the_opening(
            self, stack: Stack, emulator_reset: None, tenant_a: uuid.UUID) -> None:
        tomorrow = (stack.clock.now().astimezone(ZoneInfo("Europe/Moscow")) + timedelta(days=1))
        await stack.configure(tenant_a, llm=True, business_hours=agent_pb.BusinessHours(
            time_zone="Europe/Moscow",
            days=[agent_pb.DayHours(weekday=tomorrow.isoweekday(), open="09:00", close="18:00")]))
        conv = await stack.buyer_writes(tenant_a, uuid.uuid4(), f"u2i-{uuid.uuid4().hex[:8]}",
                                        "Вы работаете?", revision=1)
        stack.clock.advance(20)
        assert await stack.agent.scheduler.tick() >= 1
        row = await stack.pending(tenant_a, uuid.UUID(conv.id))
        opening = tomorrow.replace(hour=9, minute=0, second=0, microsecond=0)
        assert row is not None and row.state == "held" and row.due_at == opening
        assert await stack.messages(tenant_a, conv.id) == []
        stack.clock.value = opening.astimezone(UTC)
        assert await stack.agent.scheduler.tick() >= 1
        assert len(await stack.messages(tenant_a, conv.id)) == 1

    async def test_outside_business_hours_with_the_handoff_policy(
            self, stack: Stack, emulator_reset: None, tenant_a: uuid.UUID) -> None:
        tomorrow = (stack.clock.now().astimezone(ZoneInfo("Europe/Moscow")) + timedelta(days=1))
        await stack.configure(tenant_a, llm=True, outside_hours=agent_pb.OUTSIDE_HOURS_HANDOFF,
                              business_hours=agent_pb.BusinessHours(time_zone="Europe/Moscow", days=[
                                  agent_pb.DayHours(weekday=tomorrow.isoweekday(), open="09:00",
                                                    close="18:00")]))
        conv = await ask(stack, tenant_a, "Вы работаете?")
        assert conv.mode == conv_pb.CONVERSATION_MODE_MANAGER
        assert any("нерабочее" in n for n in await notes(stack, tenant_a, conv.id))

    async def test_echoes_and_system_messages_are_not_questions(
            self, stack: Stack, emulator_reset: None, tenant_a: uuid.UUID) -> None:
        await stack.configure(tenant_a, llm=True)
        channel, chat = uuid.uuid4(), f"u2i-{uuid.uuid4().hex[:8]}"
        system = unified(channel, chat, f"sys-{uuid.uuid4().hex[:6]}", "Покупатель оплатил заказ")
        system.content_type = "system"
        await publish_inbound(stack.bus, tenant_a, system)
        conv = await stack.conversation_of(tenant_a, chat)
        conv = await stack.buyer_writes(tenant_a, channel, chat, "Когда отправка?", revision=1)
        # The seller answers in the Avito app: an echo we did not send.
        await publish_inbound(stack.bus, tenant_a, unified(
            channel, chat, f"echo-{uuid.uuid4().hex[:6]}", "Отправим завтра", echo=True))

        async def taken_over() -> bool:
            current = await stack.conversations.get_conversation(tenant_a, conv.id)
            return current.mode == conv_pb.CONVERSATION_MODE_MANAGER and \
                await stack.pending(tenant_a, uuid.UUID(conv.id)) is None
        await eventually(taken_over)
        stack.clock.advance(60)
        assert await stack.agent.scheduler.tick() == 0


class TestSettings:
    async def test_levels_isolation_and_a_write_only_key(
            self, stack: Stack, tenant_a: uuid.UUID, tenant_b: uuid.UUID) -> None:
        channel = str(uuid.uuid4())
        await stack.client.update_settings(tenant_a, agent_pb.UpdateSettingsRequest(
            update_fields=["enabled", "model", "api_key", "limits.max_reply_chars"],
            settings=agent_pb.AgentSettings(enabled=True, model="gpt-4o-mini",
                                            limits=agent_pb.Limits(max_reply_chars=800)),
            api_key="sk-secret-123"))
        view = await stack.client.update_settings(tenant_a, agent_pb.UpdateSettingsRequest(
            channel_id=channel, update_fields=["limits.max_reply_chars", "silence_window_s"],
            settings=agent_pb.AgentSettings(silence_window_s=5,
                                            limits=agent_pb.Limits(max_reply_chars=400))))
        assert view.effective.limits.max_reply_chars == 400 and view.effective.silence_window_s == 5
        assert view.tenant.limits.max_reply_chars == 800 and view.effective.model == "gpt-4o-mini"
        assert view.effective.api_key_set and view.tenant.api_key_set
        assert sorted(view.overridden_fields) == ["limits.max_reply_chars", "silence_window_s"]
        assert "sk-secret" not in str(view)
        reset = await stack.client.update_settings(tenant_a, agent_pb.UpdateSettingsRequest(
            channel_id=channel, reset_fields=["silence_window_s"]))
        assert reset.effective.silence_window_s == 20
        other = await stack.client.get_settings(tenant_b, channel)
        assert not other.effective.enabled and not other.effective.api_key_set
        assert other.effective.limits.max_reply_chars == 1000
        async with stack.db.unit_of_work(tenant_a) as session:
            stored = await session.scalar(text(
                "SELECT api_key_enc FROM agent.settings WHERE channel_id IS NULL"))
        assert stored and b"sk-secret" not in stored

    async def test_bad_values_are_refused_with_a_reason(self, stack: Stack, tenant_a: uuid.UUID) -> None:
        bad: list[dict[str, Any]] = [
            {"update_fields": ["temperature"], "settings": agent_pb.AgentSettings(temperature=5)},
            {"update_fields": ["silence_window_s", "max_wait_s"],
             "settings": agent_pb.AgentSettings(silence_window_s=60, max_wait_s=10)},
            {"update_fields": ["nonsense"]},
            {"update_fields": []}]
        for request in bad:
            with pytest.raises(InvalidArgument):
                await stack.client.update_settings(tenant_a, agent_pb.UpdateSettingsRequest(**request))

