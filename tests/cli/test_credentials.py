"""`switchboard credentials` (a production set of every component's secrets, the nats-server
authorization block) and how a process composing several components takes each one's own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from clients.rpc import permissions
from services.kernel.wire import token_digest
from switchboard.credentials import Credentials
from switchboard.devstack.nats import nats_server_binary
from switchboard.platform import component_env


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "switchboard", "credentials", *args],
                          capture_output=True, text=True, timeout=60, check=False)


def test_credentials_makes_a_private_complete_set_and_keeps_an_existing_one(tmp_path: Path) -> None:
    done = _run("--out", str(tmp_path / "a"))
    assert done.returncode == 0, done.stderr
    env, conf = tmp_path / "a" / "credentials.env", tmp_path / "a" / "nats-auth.conf"
    for path in (env, conf):
        assert path.stat().st_mode & 0o777 == 0o600
    made = Credentials.from_secret_env(env.read_text())
    assert set(made.nats) == set(permissions.USERS)
    assert set(made.grpc) == set(permissions.GRPC_CALLERS)
    assert f"grpc-callers={made.grpc_callers}" in env.read_text().splitlines()
    assert made.grpc_callers.split(",")[0] == f"agent:{token_digest(made.grpc['agent'])}"
    check = subprocess.run([str(nats_server_binary()), "-c", str(conf), "-t"],
                           capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stderr
    # Rotation keeps what exists: a line removed is the only secret made anew.
    kept = [line for line in env.read_text().splitlines() if not line.startswith("grpc-token-agent=")]
    (tmp_path / "old.env").write_text("\n".join(kept))
    assert _run("--from", str(tmp_path / "old.env"), "--out", str(tmp_path / "b")).returncode == 0
    again = Credentials.from_secret_env((tmp_path / "b" / "credentials.env").read_text())
    assert again.nats == made.nats and again.grpc["gateway"] == made.grpc["gateway"]
    assert again.grpc["agent"] != made.grpc["agent"]


def test_a_composed_process_takes_each_components_own_settings() -> None:
    environ = {"SWITCHBOARD_GATEWAY__NATS_PASSWORD": "g", "SWITCHBOARD_GATEWAY__GRPC_TOKEN": "t",
               "SWITCHBOARD_AGENT__NATS_PASSWORD": "a", "SWITCHBOARD_NATS_PASSWORD": "shared"}
    assert component_env("gateway", environ) == {"nats_password": "g", "grpc_token": "t"}
    assert component_env("agent", environ) == {"nats_password": "a"}
    assert component_env("channels", environ) == {}
