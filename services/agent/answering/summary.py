"""The running summary of a long conversation: what fell out of the context window, condensed
by the model once and extended as more messages fall out (agent.conversation_summaries)."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC

from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as conv_pb
from services.agent.answering import tokens
from services.agent.answering.context import LANGUAGES
from services.agent.answering.llm import Endpoint, LlmClient, LlmFailure
from services.agent.repository import AgentUnit
from services.kernel.unit import Units

log = logging.getLogger(__name__)

TRANSCRIPT_TOKENS = 2000
SUMMARY_TOKENS = 300
PROMPT = ("Summarize this conversation between a buyer and a shop in {language}, in at most five "
          "sentences. Keep the facts: what the buyer wants, what was promised or agreed, what is "
          "still open. Plain text.")


@dataclass(frozen=True)
class Summary:
    text: str | None
    prompt_tokens: int = 0
    completion_tokens: int = 0


class Summaries:
    def __init__(self, units: Units[AgentUnit], llm: LlmClient) -> None:
        self.units, self.llm = units, llm

    async def current(self, tenant_id: uuid.UUID, conversation_id: uuid.UUID,
                      older: list[conv_pb.Message], endpoint: Endpoint, language: str) -> Summary:
        """The summary covering `older` (oldest first), extended by the model if it lags."""
        async with self.units(tenant_id) as unit:
            existing = await unit.summaries.get(conversation_id)
        covered = existing.covered_until if existing else None
        fresh = [m for m in older if covered is None or m.sent_at.ToDatetime(tzinfo=UTC) > covered]
        previous = existing.summary if existing else None
        if not fresh:
            return Summary(previous)
        transcript = "\n".join(
            f"{'Buyer' if m.sender == conv_pb.SENDER_KIND_CONTACT else 'Shop'}: {m.text.strip()}"
            for m in fresh if m.text.strip())
        user = (f"Summary so far: {previous}\n\n" if previous else "") + \
            "Messages:\n" + tokens.truncate(transcript, TRANSCRIPT_TOKENS)
        try:
            done = await self.llm.complete(tenant_id, endpoint, [
                {"role": "system", "content": PROMPT.format(
                    language=LANGUAGES.get(language, language))},
                {"role": "user", "content": user}], max_tokens=SUMMARY_TOKENS)
        except LlmFailure:
            log.warning("could not refresh a conversation summary; using the last one")
            return Summary(previous)
        text = (done.message.content or "").strip()
        if not text:
            return Summary(previous, done.prompt_tokens, done.completion_tokens)
        async with self.units(tenant_id) as unit:
            await unit.summaries.save(
                conversation_id, text, max(m.sent_at.ToDatetime(tzinfo=UTC) for m in fresh))
        return Summary(text, done.prompt_tokens, done.completion_tokens)
