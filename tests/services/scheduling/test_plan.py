"""The missed-run rule, pure: what the claim records for a due schedule at a given moment."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from services.scheduling.firing.scheduler import plan
from services.scheduling.models import MissedRunPolicy, RunStatus
from services.scheduling.repository import DueSchedule

SLOT = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)  # Monday 09:00 in Moscow


def due(policy: MissedRunPolicy = MissedRunPolicy.FIRE_ONCE_LATE,
        zone: str = "Europe/Moscow") -> DueSchedule:
    return DueSchedule(uuid.uuid4(), uuid.uuid4(), {"kind": "weekly", "weekdays": [1, 3]},
                       "09:00", zone, policy, SLOT)


def test_on_time_within_the_grace() -> None:
    firing = plan(due(), SLOT + timedelta(seconds=40), grace_s=300)
    assert (firing.status, firing.late, firing.slot) == (RunStatus.PENDING, False, SLOT)
    assert firing.next_run_at == datetime(2026, 12, 9, 6, 0, tzinfo=UTC)  # Wednesday


def test_after_downtime_one_late_run_or_one_skip_then_the_first_slot_after_now() -> None:
    now = SLOT + timedelta(days=9, hours=1)  # Wednesday the 16th, 10:00 in Moscow
    late = plan(due(), now, grace_s=300)
    assert (late.status, late.late, late.slot) == (RunStatus.PENDING, True, SLOT)
    assert late.next_run_at == datetime(2026, 12, 21, 6, 0, tzinfo=UTC)  # next Monday
    skipped = plan(due(MissedRunPolicy.SKIP), now, grace_s=300)
    assert (skipped.status, skipped.late) == (RunStatus.SKIPPED, True) and "SKIP" in skipped.error
    assert skipped.next_run_at == late.next_run_at


def test_a_rule_that_no_longer_computes_fails_its_run_and_parks_the_schedule() -> None:
    firing = plan(due(zone="Mars/Olympus"), SLOT, grace_s=300)
    assert (firing.status, firing.next_run_at) == (RunStatus.FAILED, None)
    assert "cannot be computed" in firing.error and "IANA" in firing.error
