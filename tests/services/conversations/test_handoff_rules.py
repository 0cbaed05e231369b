"""The "needs a manager" rule on a conversation row (services/conversations/inbox/handoffs.py):
when the agent's handoff opens, what a redelivery or an older handoff does, and what clears it.
Pure functions: no database, no bus."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from clients.rpc.gen.switchboard.agent.v1 import events_pb2 as agent
from services.conversations.inbox import handoffs
from services.conversations.inbox.filters import ConversationChanges
from services.conversations.models import Conversation, Mode, Sender, Status

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def conversation(mode: Mode = Mode.MANAGER, status: Status = Status.OPEN) -> Conversation:
    return Conversation(id=uuid.uuid4(), mode=mode, status=status, handoff_requested_at=None,
                        handoff_reason="", handoff_kind="", handoff_event_id=None)


def request(event_id: str = "e1", at: datetime = T0, reason: str = "просит оператора",
            kind: str = "keywords") -> handoffs.HandoffRequest:
    return handoffs.HandoffRequest(event_id=event_id, requested_at=at, reason=reason, kind=kind)


def test_a_handoff_opens_with_its_reason_kind_and_time() -> None:
    c = conversation()
    assert handoffs.open_handoff(c, request(), human_replied_since=False)
    assert (c.handoff_requested_at, c.handoff_reason, c.handoff_kind) == (
        T0, "просит оператора", "keywords")
    assert handoffs.is_open(c)


def test_a_redelivery_changes_nothing_even_after_a_person_cleared_it() -> None:
    c = conversation()
    handoffs.open_handoff(c, request(), human_replied_since=False)
    assert not handoffs.open_handoff(c, request(), human_replied_since=False)
    assert handoffs.clear(c)
    assert not handoffs.open_handoff(c, request(), human_replied_since=False)
    assert not handoffs.is_open(c)


def test_a_later_handoff_replaces_the_open_one_and_an_older_one_does_not() -> None:
    c = conversation()
    handoffs.open_handoff(c, request("e1", T0), human_replied_since=False)
    later = request("e2", T0 + timedelta(minutes=5), reason="модель не ответила", kind="llm_failure")
    assert handoffs.open_handoff(c, later, human_replied_since=False)
    assert (c.handoff_reason, c.handoff_kind) == ("модель не ответила", "llm_failure")
    assert not handoffs.open_handoff(c, request("e0", T0 - timedelta(minutes=1)),
                                     human_replied_since=False)
    assert c.handoff_kind == "llm_failure"


def test_a_handoff_a_person_already_answered_stays_closed() -> None:
    for c, replied in [(conversation(), True), (conversation(mode=Mode.BOT), False),
                       (conversation(status=Status.RESOLVED), False)]:
        assert not handoffs.open_handoff(c, request(), human_replied_since=replied)
        assert not handoffs.is_open(c)
        assert c.handoff_event_id == "e1"  # its redelivery is known too


def test_a_human_reply_clears_it_and_the_agents_own_does_not() -> None:
    for sender, cleared in [(Sender.AGENT, False), (Sender.USER, True),
                            (Sender.CHANNEL_APP, True)]:
        c = conversation()
        handoffs.open_handoff(c, request(), human_replied_since=False)
        assert handoffs.clears_on_reply(c, sender, T0 + timedelta(seconds=1)) is cleared
        assert handoffs.is_open(c) is not cleared
    c = conversation()
    handoffs.open_handoff(c, request(), human_replied_since=False)
    assert not handoffs.clears_on_reply(c, Sender.USER, T0 - timedelta(seconds=1))  # older


def test_assigning_resolving_or_ai_mode_clear_it_other_updates_do_not() -> None:
    def changes(**values: object) -> ConversationChanges:
        return ConversationChanges(fields=frozenset(values), **values)  # type: ignore[arg-type]
    assert handoffs.clears_on_update(changes(assignee_user_id=uuid.uuid4()))
    assert handoffs.clears_on_update(changes(status=Status.RESOLVED))
    assert handoffs.clears_on_update(changes(mode=Mode.BOT))
    assert not handoffs.clears_on_update(changes(assignee_user_id=None))  # unassigned
    assert not handoffs.clears_on_update(changes(mode=Mode.MANAGER))
    assert not handoffs.clears_on_update(changes(status=Status.PENDING, pinned=True,
                                                 labels=["vip"]))


def test_kinds_read_as_clients_see_them() -> None:
    assert handoffs.kind_name(agent.HANDOFF_KIND_KEYWORDS) == "keywords"
    assert handoffs.kind_name(agent.HANDOFF_KIND_LOW_CONFIDENCE) == "low_confidence"
    assert handoffs.kind_name(999) == "unspecified"
    future = datetime.now(UTC) + timedelta(hours=1)
    assert handoffs.requested_at(future) <= datetime.now(UTC)
    assert handoffs.requested_at(T0) == T0
