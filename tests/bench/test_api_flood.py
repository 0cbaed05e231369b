"""`switchboard bench --quick api_flood` end to end, smoke-sized: the API's rate limits at their
production defaults on the bench's gateway while tenant A floods and tenant B reads. Correctness
only (B never refused, A never let past its bucket, every 429 with its headers); B's p99 ratio
is the bench's to report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gateway.limits.lease import Limit
from switchboard.bench.scenarios.api_flood import _outcome
from tests.bench.quick import run_quick_bench


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_quick_api_flood_refuses_a_and_never_b(tmp_path: Path) -> None:
    done = run_quick_bench(tmp_path, "api_flood", timeout_s=300)
    assert done.returncode == 0, done.stdout + done.stderr
    doc = json.loads((tmp_path / "out" / "latest.json").read_text())
    details = doc["details"]["api_flood"]
    assert details["limits"]["tenant"] == {"rate_per_s": 100.0, "burst": 300.0}
    (run,) = details["runs"]
    for side in ("b_alone", "b_beside_rest", "b_beside_graphql"):
        assert run[side]["statuses"] == {"200": run[side]["statuses"]["200"]}, run[side]
        assert run[side]["count"] >= 40  # 20/s over a 4 s window, less what came late
    for surface in ("a_rest", "a_graphql"):
        a = run[surface]
        assert a["other"] == 0 and a["without_headers"] == 0, a
        # The bucket's bound over the flood's duration; 2 % for the answers in flight at its end.
        assert a["ok"] <= a["allowed_at_most"] * 1.02, a
    # 2 documents a second are allowed; 4 connections send far more.
    assert run["a_graphql"]["refused"] > 0
    assert sum(1 for f in doc["figures"] if f["scenario"] == "12 api flood") == 12


def test_the_outcome_compares_what_a_got_with_what_the_bucket_allowed() -> None:
    got = _outcome({"statuses": {"200": 400, "429": 1590}, "sent": 2000,
                    "limited_without_headers": 0}, 2.0, Limit(100.0, 300.0), 1)
    assert got["allowed_at_most"] == 520 and got["other"] == 10  # + a batch of 20 (0.2 s)
    assert got["accepted_beyond_burst_per_s"] == 50.0  # (400 - 300) / 2 s
    assert got["refused_per_excess"] == 1590 / 1480
    graphql = _outcome({"statuses": {"200": 70, "429": 30}, "sent": 100,
                        "limited_without_headers": 2}, 4.0, Limit(1000.0, 30_000.0), 500)
    assert graphql["allowed_at_most"] == 68.4 and graphql["without_headers"] == 2
    assert graphql["accepted_beyond_burst_per_s"] == 1250.0  # over the bound: reported, ratio 1.25
