"""clients/rpc/gen is what `make proto` makes from proto/ today, and schema.graphql what `make
schema` writes from the gateway (CI fails when either is stale)."""

from __future__ import annotations

from pathlib import Path

from switchboard import graphql_schema, protogen


def test_generated_code_is_fresh(tmp_path: Path) -> None:
    fresh = tmp_path / "gen"
    protogen.generate(fresh)
    stale = protogen.differences(fresh, protogen.GEN_DIR)
    assert stale == [], f"run `make proto` and commit: {stale}"


def test_graphql_schema_file_is_fresh() -> None:
    """schema.graphql is what `make schema` writes from the gateway's schema today."""
    assert graphql_schema.SCHEMA_FILE.read_text(encoding="utf-8") == graphql_schema.sdl(), (
        "run `make schema` and commit schema.graphql")
