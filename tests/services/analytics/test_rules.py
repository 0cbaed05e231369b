"""The metric rules on hand-computed fixtures: business-hours durations, which reply is the
first response, what a late or repeated message changes, and the percentiles read back."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.analytics.metrics.business_hours import InvalidHours, business_seconds, parse
from services.analytics.metrics.histogram import bucket_of, percentile
from services.analytics.models import ConversationFact, MessageFact
from services.analytics.projection import rules
from services.analytics.projection.rules import COUNT

UTC_WEEK = parse("UTC", [])  # Monday-Friday 09:00-18:00
FRI = datetime(2026, 11, 27, tzinfo=UTC)  # a Friday
MON = FRI + timedelta(days=3)


@pytest.mark.parametrize(("start", "end", "expected"), [
    (MON.replace(hour=10), MON.replace(hour=10, minute=5), 300),          # inside
    (MON.replace(hour=7), MON.replace(hour=10), 3600),                    # before opening
    (MON.replace(hour=17, minute=30), MON.replace(hour=23), 1800),        # after closing
    (MON.replace(hour=17), (MON + timedelta(days=1)).replace(hour=10), 7200),  # a night
    (FRI.replace(hour=17, minute=30), MON.replace(hour=9, minute=30), 3600),   # a weekend
    (FRI.replace(hour=19), MON.replace(hour=8), 0),                       # all closed
    (MON.replace(hour=9), (MON + timedelta(days=7)).replace(hour=9), 5 * 9 * 3600),  # a week
])
def test_business_seconds_cut_at_each_days_hours(start: datetime, end: datetime,
                                                  expected: float) -> None:
    assert business_seconds(start, end, UTC_WEEK) == expected


def test_business_hours_follow_the_local_clock() -> None:
    moscow = parse("Europe/Moscow", [{"weekday": 1, "open": "09:00", "close": "24:00"}])
    # 09:00 in Moscow is 06:00 UTC; Monday closes at midnight local (21:00 UTC).
    assert business_seconds(MON.replace(hour=5), MON.replace(hour=7), moscow) == 3600
    assert business_seconds(MON.replace(hour=20), MON.replace(hour=23), moscow) == 3600


def test_bad_hours_say_what_to_fix() -> None:
    with pytest.raises(InvalidHours, match="twice"):
        parse("UTC", [{"weekday": 1, "open": "09:00", "close": "10:00"}] * 2)
    with pytest.raises(InvalidHours, match="unknown time zone"):
        parse("Europe/Atlantis", [])
    with pytest.raises(InvalidHours, match="unknown time zone"):  # a folder of the zone database
        parse("Europe", [])


def test_percentiles_read_back_within_a_bucket() -> None:
    samples = [60, 120, 300, 600, 3600]
    counts: dict[int, int] = {}
    for s in samples:
        counts[bucket_of(s)] = counts.get(bucket_of(s), 0) + 1
    assert percentile(counts, 0.5) == pytest.approx(300, rel=0.1)
    assert percentile(counts, 0.9) == pytest.approx(3600, rel=0.2)
    assert percentile({}, 0.5) is None
    assert bucket_of(0.2) == 0 and bucket_of(1e12) == 127


def _conv() -> ConversationFact:
    return ConversationFact(conversation_id=uuid.uuid4(), channel_id=uuid.uuid4(), listing_id="L1",
                            listing_title="", assignee="", started_at=FRI.replace(hour=17),
                            status=1, first_reply_id=None, awaiting_since=None, resolved_at=None,
                            ai_replied_at=None, handed_off_at=None, state_at=None)


def _msg(direction: str, sender: str, at: datetime) -> MessageFact:
    return MessageFact(message_id=uuid.uuid4(), direction=direction, sender=sender, at=at,
                       wait_from=None, reply_s=None, reply_business_s=None)


def test_a_reply_measures_from_the_first_unanswered_buyer_message() -> None:
    conv = _conv()
    asked = _msg("in", "buyer", FRI.replace(hour=17, minute=30))
    again = _msg("in", "buyer", MON.replace(hour=8))
    answer = _msg("out", "manager", MON.replace(hour=9, minute=30))
    later = _msg("out", "ai", MON.replace(hour=9, minute=40))  # nothing asked since: no wait
    rules.derive(conv, [later, answer, again, asked], UTC_WEEK)
    assert answer.reply_s == (answer.at - asked.at).total_seconds()
    assert answer.reply_business_s == 3600
    assert later.reply_s is None and conv.first_reply_id == answer.message_id
    assert conv.awaiting_since is None and conv.ai_replied_at == later.at


def test_contributions_and_a_late_message_move_only_what_it_changes() -> None:
    conv = _conv()
    answer = _msg("out", "manager", MON.replace(hour=10))
    rules.derive(conv, [answer], UTC_WEEK)  # the reply's event came first
    before = (rules.dims_of(conv), rules.contributions(conv, [answer]))
    assert (rules.hour_of(answer.at), "messages_out", COUNT) in before[1]
    assert not any(m == "first_response" for _, m, _ in before[1])
    asked = _msg("in", "buyer", MON.replace(hour=9))
    rules.derive(conv, [answer, asked], UTC_WEEK)
    after = (rules.dims_of(conv), rules.contributions(conv, [answer, asked]))
    moved = {(i.metric, i.bucket, i.delta) for i in rules.difference(before, after)}
    assert moved == {("messages_in", COUNT, 1), ("reply", bucket_of(3600), 1),
                     ("reply_business", bucket_of(3600), 1),
                     ("first_response", bucket_of(3600), 1),
                     ("first_response_business", bucket_of(3600), 1)}
    assert rules.difference(after, after) == []  # a redelivery changes nothing


def test_a_new_listing_moves_the_conversations_figures() -> None:
    conv = _conv()
    asked = _msg("in", "buyer", MON.replace(hour=9))
    before = (rules.dims_of(conv), rules.contributions(conv, [asked]))
    rules.apply_snapshot(conv, rules.Snapshot(conv.channel_id, "L2", "Диван", "u1", 4,
                                              conv.started_at, MON.replace(hour=11)))
    assert conv.resolved_at == MON.replace(hour=11)
    moved = rules.difference(before, (rules.dims_of(conv), rules.contributions(conv, [asked])))
    out = {(i.dims.listing_id, i.metric, i.delta) for i in moved}
    assert ("L1", "messages_in", -1) in out and ("L2", "messages_in", 1) in out
    assert ("L2", "resolved", 1) in out and ("L1", "conversations_started", -1) in out
    stale = rules.Snapshot(conv.channel_id, "L3", "", "", 1, conv.started_at, MON.replace(hour=10))
    rules.apply_snapshot(conv, stale)  # older than what was applied: nothing changes
    assert (conv.listing_id, conv.status) == ("L2", 4)
