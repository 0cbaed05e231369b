"""Answering one due pending reply: load, check the guardrails, run the pipeline, act, record.

Model and conversations calls happen outside any transaction; the outcome (audit entry, event,
the pending row completed) is written in one unit of work at the end. Sends and notes carry the
claim's idempotency key, so a run repeated after a lost lease (or by another replica) sends
nothing twice and records one audit entry.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from dataclasses import replace
from datetime import timedelta

from clients.rpc import topics
from clients.rpc.conversations import ConversationsClient
from clients.rpc.gen.switchboard.agent.v1 import events_pb2 as agent_events
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as conv_pb
from services.agent import events
from services.agent.answering import guardrails, metrics
from services.agent.answering.clock import Clock
from services.agent.answering.handoff import Handoffs
from services.agent.answering.pipeline import Answer, Pipeline, Turn
from services.agent.answering.repository import Claim
from services.agent.audit.service import AuditWriter
from services.agent.quotas.service import AgentQuotas, messages_refusal
from services.agent.repository import AgentUnit
from services.agent.settings.rules import Settings
from services.agent.settings.service import SettingsStore
from services.kernel.errors import NotFound, QuotaExceeded
from services.kernel.unit import Units

NOTE = "note"
OLDER_PAGE = 50


class Responder:
    def __init__(self, units: Units[AgentUnit], store: SettingsStore, pipeline: Pipeline,
                 conversations: ConversationsClient, audit: AuditWriter, clock: Clock,
                 quotas: AgentQuotas) -> None:
        self.units, self.store, self.pipeline = units, store, pipeline
        self.quotas = quotas  # the plan's AI replies per month
        self.conversations, self.audit = conversations, audit
        self.handoffs = Handoffs(conversations)
        self.clock = clock

    async def respond(self, claim: Claim) -> str:
        """Handle the claim; returns the outcome (reply, handoff, skipped, held)."""
        tenant, conv_id = claim.tenant_id, str(claim.conversation_id)
        try:
            conversation = await self.conversations.get_conversation(tenant, conv_id)
        except NotFound:
            async with self.units(tenant) as unit:
                await unit.pending.drop(claim)
            return "skipped"
        now = self.clock.now()
        async with self.units(tenant) as unit:
            settings = await self.store.effective(unit, claim.channel_id)
            replies = await unit.audit.replies_since(
                claim.conversation_id, now - timedelta(hours=1))
            over_quota = await self.quotas.reply_refusal(unit) if settings.enabled else None
        page = await self.conversations.list_messages(tenant, conv_id,
                                                      page_size=settings.context_messages)
        timeline = _arrival_order(page.messages)
        started = time.perf_counter()
        verdict = guardrails.Verdict("skipped", "the agent is disabled") if not settings.enabled \
            else guardrails.check(settings, conversation, timeline, replies, now)
        if verdict is not None and verdict.outcome == "held":
            return await self._hold(claim, verdict)
        turn = Turn(tenant, settings, list(reversed(timeline)), _unanswered(timeline),
                    conversation.listing, claim.conversation_id)
        if verdict is not None:
            answer = Answer(verdict.outcome, reason=verdict.reason, kind=verdict.kind)
        elif over_quota is not None:  # the month's AI replies are used up: a manager answers
            answer = over_quota
        else:
            if settings.llm_configured:
                turn = replace(turn, older=await self._older(tenant, conv_id, page))
            answer = await self.pipeline.answer(turn)
        latency_ms = int((time.perf_counter() - started) * 1000)
        return await self._act(claim, conversation, settings, answer, latency_ms, turn.question)

    async def _act(self, claim: Claim, conversation: conv_pb.Conversation, settings: Settings,
                   answer: Answer, latency_ms: int, question: str) -> str:
        tenant, conv_id = claim.tenant_id, conversation.id
        reply_id = ""
        if answer.outcome == "reply":
            current = await self.conversations.get_conversation(tenant, conv_id)
            if current.mode != conv_pb.CONVERSATION_MODE_BOT:  # a human took over meanwhile
                answer = Answer("skipped", reason="a human took the conversation over",
                                mode=answer.mode, model=answer.model, hits=answer.hits,
                                prompt_tokens=answer.prompt_tokens,
                                completion_tokens=answer.completion_tokens)
            else:
                try:
                    sent = await self.conversations.send_message(
                        tenant, conv_id, answer.text, idempotency_key=claim.idempotency_key,
                        sender=conv_pb.SENDER_KIND_AGENT)
                    reply_id = sent.id
                except QuotaExceeded as exc:  # the month's messages are used up
                    answer = messages_refusal(exc)
        if answer.outcome == "handoff":
            conversation = await self.handoffs.hand_over(tenant, conv_id, answer.reason,
                                                         claim.idempotency_key)
            metrics.HANDOFFS.labels(_kind_label(answer.kind)).inc()
        async with self.units(tenant) as unit:
            if reply_id:  # before the audit entry: a repeated run finds it and counts nothing
                await self.quotas.count_reply(unit, claim.idempotency_key)
            entry = await self.audit.record(
                unit, answer, now=self.clock.now(), latency_ms=latency_ms,
                conversation_id=claim.conversation_id, channel_id=claim.channel_id,
                message_ids=claim.message_ids, reply_message_id=reply_id,
                key=claim.idempotency_key, question=question)
            if answer.outcome == "handoff":
                unit.emit(topics.HANDOFF_REQUESTED, events.handoff_requested(
                    conversation, answer.reason, answer.kind, str(entry.id)))
            elif reply_id:
                unit.emit(topics.AUTO_REPLY_SENT,
                          events.auto_reply_sent(conv_id, reply_id, str(entry.id)))
            await unit.pending.complete(
                claim, timedelta(seconds=settings.silence_window_s))
        metrics.OUTCOMES.labels(answer.outcome, answer.mode or "none").inc()
        metrics.REPLY_DELAY.observe((self.clock.now() - claim.first_unanswered_at).total_seconds())
        return answer.outcome

    async def _hold(self, claim: Claim, verdict: guardrails.Verdict) -> str:
        assert verdict.hold_until is not None
        async with self.units(claim.tenant_id) as unit:
            await unit.pending.hold(claim, verdict.hold_until)
        metrics.OUTCOMES.labels("held", "none").inc()
        return "held"

    async def _older(self, tenant: uuid.UUID, conv_id: str,
                     page: conv_pb.ListMessagesResponse) -> list[conv_pb.Message]:
        """Messages just before the context window, oldest first (for the running summary)."""
        if not page.page_info.next_cursor:
            return []
        older = await self.conversations.list_messages(
            tenant, conv_id, page_size=OLDER_PAGE, cursor=page.page_info.next_cursor)
        return list(reversed(_arrival_order(older.messages)))


def _arrival_order(messages: Iterable[conv_pb.Message]) -> list[conv_pb.Message]:
    """Newest first by when we stored them, notes left out. Channels stamp messages in whole
    seconds, so by `sent_at` a buyer's follow-up can sort before our reply of the same second."""
    kept = [m for m in messages if m.content_type != NOTE]
    return sorted(kept, key=lambda m: (m.created_at.seconds, m.created_at.nanos), reverse=True)


def _unanswered(timeline: list[conv_pb.Message]) -> int:
    """How many of the newest messages are the buyer's, since our last one."""
    count = 0
    for message in timeline:
        if message.sender != conv_pb.SENDER_KIND_CONTACT:
            break
        count += 1
    return max(count, 1)


def _kind_label(kind: int) -> str:
    return agent_events.HandoffKind.Name(kind).removeprefix("HANDOFF_KIND_").lower()
