"""The bench's table writer: median of repeats, ratio to the limit, target checks, files."""

from __future__ import annotations

import json
from pathlib import Path

from switchboard.bench.report import Figure, markdown_table, write_results


def test_value_is_the_median_and_ratio_is_against_the_limit() -> None:
    f = Figure("1 ingress", "gateway req/s", "req/s", [900, 1200, 1000], limit=2000,
               limit_name="bare", target=("ratio>=", 0.6))
    assert f.value == 1000 and f.ratio == 0.5 and f.met is False
    assert Figure("x", "p99", "ms", [10, 30, 20], target=("<=", 25)).met is True
    assert Figure("x", "p99", "ms", [], target=("<=", 25)).met is None
    assert Figure("x", "info", "ms", [1]).met is None


def test_table_shows_spread_limit_ratio_target_and_verdict() -> None:
    table = markdown_table([
        Figure("1 ingress", "gateway req/s", "req/s", [900, 1200, 1000], limit=2000,
               limit_name="bare", target=("ratio>=", 0.6)),
        Figure("4 inbox", "list p99", "ms", [12.5], target=("<=", 20), note="scaled down")])
    lines = table.strip().splitlines()
    assert lines[0].startswith("| scenario | figure | value (median) | min / max | limit")
    assert "| 1,000 req/s | 900 / 1,200 (n=3) | 2,000 req/s (bare) | 0.50 | ratio>= 0.6 | **no** |" \
        in lines[2]
    assert "list p99 (scaled down)" in lines[3] and lines[3].endswith("| <= 20 | yes |")


def test_write_results_writes_json_and_markdown(tmp_path: Path) -> None:
    figs = [Figure("2 pipeline", "e2e p99 @500 msg/s", "ms", [80.0], target=("<=", 100))]
    table = write_results(tmp_path, figs, {"mode": "quick", "started_at": "now"}, {"x": 1})
    doc = json.loads((tmp_path / "latest.json").read_text())
    assert doc["meta"]["mode"] == "quick" and doc["details"] == {"x": 1}
    [fig] = doc["figures"]
    assert fig["value"] == 80.0 and fig["met"] is True and fig["target"] == "<= 100"
    assert table in (tmp_path / "latest.md").read_text()
