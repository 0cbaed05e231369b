"""The inbox's new rules without a database: snooze bounds, the list filter's bounds, the
search's normalizing and LIKE escaping, and that each list shape is built once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.conversations.inbox import search
from services.conversations.inbox.filters import ConversationChanges, ConversationFilter, Sort
from services.conversations.inbox.queries import page_query
from services.conversations.inbox.snooze import MAX_SNOOZE, snoozed_until, wake
from services.conversations.models import Conversation, Status
from services.kernel.errors import InvalidArgument

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def _status(status: Status, until: datetime | None = None) -> ConversationChanges:
    return ConversationChanges(fields=frozenset({"status"}), status=status, snoozed_until=until)


@pytest.mark.parametrize(("until", "message"), [
    (None, "required"), (NOW, "future"), (NOW - timedelta(seconds=1), "future"),
    (NOW + MAX_SNOOZE + timedelta(seconds=1), "90 days")])
def test_a_snooze_needs_a_time_ahead_within_90_days(until: datetime | None,
                                                    message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        snoozed_until(_status(Status.SNOOZED, until), NOW)


def test_a_snooze_keeps_its_time_and_other_statuses_clear_it() -> None:
    assert snoozed_until(_status(Status.SNOOZED, NOW + MAX_SNOOZE), NOW) == NOW + MAX_SNOOZE
    assert snoozed_until(_status(Status.OPEN), NOW) is None
    with pytest.raises(InvalidArgument, match="only for status snoozed"):
        snoozed_until(_status(Status.RESOLVED, NOW + timedelta(hours=1)), NOW)


def test_waking_opens_a_snoozed_conversation_only() -> None:
    snoozed = Conversation(status=Status.SNOOZED, snoozed_until=NOW)
    assert wake(snoozed) and (snoozed.status, snoozed.snoozed_until) == (Status.OPEN, None)
    resolved = Conversation(status=Status.RESOLVED, snoozed_until=None)
    assert not wake(resolved) and resolved.status == Status.RESOLVED


@pytest.mark.parametrize("kwargs", [
    {"assignee_user_id": uuid.uuid4(), "unassigned": True},
    {"labels": tuple(f"l{i}" for i in range(11))},
    {"query": "я" * 201}])
def test_filter_bounds(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidArgument):
        ConversationFilter(**kwargs)  # type: ignore[arg-type]


def test_search_text_and_like_pattern() -> None:
    assert search.normalized("  Иван \t Петров\n") == "Иван Петров"
    assert search.normalized("   ") == ""
    assert search.like_pattern("50%_a\\b") == "%50\\%\\_a\\\\b%"


def test_each_list_shape_is_built_once() -> None:
    flt = ConversationFilter(labels=("vip",), query="диван", unassigned=True)
    first, values = page_query(flt, Sort.RECENT, 10)
    again, _ = page_query(ConversationFilter(labels=("опт", "x"), query="стол",
                                             unassigned=True), Sort.RECENT, 10)
    assert first is again  # values differ, the statement is the same object
    assert values["labels"] == ["vip"] and values["q_like"] == "%диван%"
    pinned, _ = page_query(flt, Sort.RECENT, 10, pinned=True)
    assert pinned is not first and "pinned" in str(pinned.compile())
