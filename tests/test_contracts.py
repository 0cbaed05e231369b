"""clients/rpc/gen is what `make proto` makes from proto/ today (CI fails when it is stale)."""

from __future__ import annotations

from pathlib import Path

from switchboard import protogen


def test_generated_code_is_fresh(tmp_path: Path) -> None:
    fresh = tmp_path / "gen"
    protogen.generate(fresh)
    stale = protogen.differences(fresh, protogen.GEN_DIR)
    assert stale == [], f"run `make proto` and commit: {stale}"
