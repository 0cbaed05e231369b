"""`switchboard bench --quick analytics_report` end to end, smoke-sized: the projections of a
57,600-message tenant and a small one seeded set-based, then reports and metrics through
analytics' gRPC. Correctness only (every figure what the seed holds, the small tenant's sections
its own); the timings are the bench's to report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from switchboard.bench.scenarios.analytics_report import seeds
from tests.bench.quick import run_quick_bench


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_quick_analytics_report_reads_what_was_seeded(tmp_path: Path) -> None:
    done = run_quick_bench(tmp_path, "analytics_report", timeout_s=300)
    assert done.returncode == 0, done.stdout + done.stderr
    doc = json.loads((tmp_path / "out" / "latest.json").read_text())
    details = doc["details"]["analytics_report"]
    big, small = seeds(quick=True)
    assert details["messages"] == big.messages == 57_600
    (run,) = details["runs"]
    # 30 whole Moscow days = 720 seeded hours, per account.
    per_account = 720 * big.listings * big.messages_in
    sections = json.loads(run["json"])["sections"]
    assert len(sections) == big.accounts
    assert all(s["values"]["messages_in"] == per_account for s in sections)
    assert all(s["values"]["conversations_started"] == 720 * big.listings for s in sections)
    assert all(s["values"]["first_response_time"]["samples"] == 720 * big.listings
               for s in sections)
    assert run["listings"] == big.accounts * big.listings
    assert run["listing_messages_in"] == big.accounts * per_account
    theirs = json.loads(run["small_json"])["sections"]
    assert [s["values"]["messages_in"] for s in theirs] == [720 * small.messages_in] * 4
    assert run["png_bytes"] > 1000 and run["big_renders"] > 0
    assert run["loaded"]["count"] == run["alone"]["count"] == 10
    assert sum(1 for f in doc["figures"] if f["scenario"] == "10 analytics") == 6
