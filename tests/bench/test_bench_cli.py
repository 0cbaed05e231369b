"""`switchboard bench --quick knowledge agent` end to end: its own PostgreSQL and NATS, the
platform, two scenarios, latest.json with the expected keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.bench.quick import run_quick_bench


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_quick_bench_of_two_scenarios_writes_latest_json(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = run_quick_bench(tmp_path, "knowledge", "agent")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "| scenario | figure |" in done.stdout
    doc = json.loads((out / "latest.json").read_text())
    assert set(doc) == {"meta", "figures", "details"}
    assert doc["meta"]["mode"] == "quick" and doc["meta"]["scenarios"] == ["knowledge", "agent"]
    names = {f["name"] for f in doc["figures"]}
    assert any(n.startswith("hit@1") for n in names) and "search p99" in names
    for fig in doc["figures"]:
        assert {"scenario", "name", "unit", "value", "samples", "min", "max", "limit", "ratio",
                "target", "met"} <= set(fig)
    assert (out / "latest.md").read_text().count("| 6 knowledge |") == 4
    # Every buyer got the agent's answer (a reply or a handoff) after the wait, measured.
    agent = doc["details"]["agent"]
    assert sum(agent["outcomes"].values()) == agent["conversations"] == 20
    assert "none yet" not in agent["outcomes"] and agent["overhead"]["count"] == 20
