"""Run `switchboard bench --quick <scenarios>` in a child process with its own data folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_quick_bench(tmp_path: Path, *scenarios: str,
                    timeout_s: float = 300) -> subprocess.CompletedProcess[str]:
    """The finished process (stdout has the table); results in `tmp_path / "out"`."""
    return subprocess.run(
        [sys.executable, "-c", "from switchboard.cli import main; main()", "bench", "--quick",
         *scenarios, "--out", str(tmp_path / "out")],
        cwd=Path(__file__).parents[2], capture_output=True, text=True, timeout=timeout_s,
        env={**os.environ, "SWITCHBOARD_BENCH_DIR": str(tmp_path / "data")})
