"""`switchboard jobs` finds the dev stack's gateway token under --data-dir (as given to
`switchboard dev`), and says what to do when there is none."""

from __future__ import annotations

from pathlib import Path

import pytest

from switchboard import cli


def test_without_a_token_it_names_the_credentials_it_looked_for(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SWITCHBOARD_GRPC_TOKEN", raising=False)
    with pytest.raises(SystemExit) as refused:
        cli.main(["jobs", "--data-dir", str(tmp_path)])
    said = str(refused.value.code)
    assert str(tmp_path / "credentials.json") in said and "--data-dir" in said
