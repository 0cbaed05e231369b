"""What the "AI is failing" alert says for each kind of failure (no platform needed)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from switchboard_sdk import AgentHealth, AgentModelError, AgentModelState

from clients.telegram_bot.console import phrases as say

SINCE = datetime(2026, 12, 3, 14, 5, tzinfo=UTC)


def failing(kind: str, handed: int = 7) -> AgentHealth:
    return AgentHealth(state=AgentModelState.FAILING, failing_since=SINCE,
                       last_error=AgentModelError(kind=kind, reason="x"),
                       handed_over_last_hour=handed)


@pytest.mark.parametrize(("kind", "what", "fix"), [
    ("auth", "401/403 — ключ API отклонён", "ключ API"),
    ("model_not_found", "404 — модель не найдена", "название модели"),
    ("rate_limited", "429", "Пополните баланс"),
    ("unavailable", "провайдер не отвечает", "статус провайдера"),
    ("circuit_open", "ошибка модели", "ключ и модель"),  # no other error known: generic
])
def test_the_alert_says_what_failed_and_the_fix(kind: str, what: str, fix: str) -> None:
    text = say.model_failing(failing(kind))
    assert text.startswith("🚨 ИИ-модель не отвечает с 03.12 14:05 UTC: ")
    assert what in text and fix in text and text.endswith("или выключите ИИ: /ai")
    assert "7 диалогов переданы менеджерам" in text


@pytest.mark.parametrize(("handed", "said"), [
    (1, "1 диалог передан"), (3, "3 диалога переданы"), (5, "5 диалогов переданы"),
    (11, "11 диалогов переданы"), (21, "21 диалог передан"), (22, "22 диалога переданы")])
def test_the_count_of_conversations_agrees_in_russian(handed: int, said: str) -> None:
    assert f"; {said} менеджерам" in say.model_failing(failing("auth", handed))


def test_no_handoffs_in_the_hour_are_not_mentioned_and_recovery_is_short() -> None:
    assert "диалог" not in say.model_failing(failing("auth", 0))
    recovered = say.model_recovered(AgentHealth(state=AgentModelState.OK, last_success=SINCE))
    assert recovered == "✅ ИИ-модель снова отвечает (с 03.12 14:05 UTC): агент отвечает покупателям."
