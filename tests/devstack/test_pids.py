"""A killed server's zombie (dead, not yet reaped by its parent) is not running, and it does not
keep the next PostgreSQL start out (its postmaster.pid would otherwise look live: the CI once
failed a restart-after-kill-9 test on exactly that, under load)."""

from __future__ import annotations

import pwd
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from switchboard.devstack import postgres
from switchboard.devstack.pids import alive, wait_reaped

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


@pytest.fixture
def zombie() -> Iterator[subprocess.Popen[bytes]]:
    """A child killed and not reaped yet: a zombie until `wait()`."""
    child = subprocess.Popen(SLEEPER)
    child.send_signal(signal.SIGKILL)
    deadline = time.monotonic() + 5
    while Path(f"/proc/{child.pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z":
        assert time.monotonic() < deadline, "the killed child never became a zombie"
        time.sleep(0.01)
    yield child
    child.wait()


def test_a_zombie_is_not_alive_until_reaped(zombie: subprocess.Popen[bytes]) -> None:
    assert not alive(zombie.pid)
    assert not wait_reaped(zombie.pid, timeout_s=0.1)  # its parent (this test) has not reaped
    zombie.wait()
    assert wait_reaped(zombie.pid, timeout_s=1.0)


def test_a_running_process_is_alive() -> None:
    with subprocess.Popen(SLEEPER) as child:
        assert alive(child.pid)
        child.kill()


def test_a_zombie_postmasters_pid_file_is_dropped_before_a_start(
        tmp_path: Path, zombie: subprocess.Popen[bytes], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(postgres, "_REAP_WAIT_S", 0.1)
    pg = postgres.EmbeddedPostgres(tmp_path)
    pg.pgdata.mkdir(parents=True)
    pid_file = pg.pgdata / "postmaster.pid"
    pid_file.write_text(f"{zombie.pid}\n{pg.pgdata}\n")
    pg._let_a_killed_server_go()
    assert not pid_file.exists()


def test_a_live_postmasters_pid_file_is_left_alone(tmp_path: Path) -> None:
    with subprocess.Popen(SLEEPER) as child:
        pg = postgres.EmbeddedPostgres(tmp_path)
        pg.pgdata.mkdir(parents=True)
        (pg.pgdata / "postmaster.pid").write_text(f"{child.pid}\n")
        pg._let_a_killed_server_go()
        assert (pg.pgdata / "postmaster.pid").exists()
        child.kill()


def test_a_binary_whose_child_died_before_running_is_run_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []

    def run(argv: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        calls.append(argv)
        code = -signal.SIGABRT if len(calls) == 1 else 0  # the first child never exec'd
        return subprocess.CompletedProcess(argv, code, "", "")

    monkeypatch.setattr(postgres.subprocess, "run", run)
    pg = postgres.EmbeddedPostgres(tmp_path)
    monkeypatch.setattr(postgres.os, "geteuid", lambda: 1000)
    assert pg._run("pg_ctl", "status", timeout=5).returncode == 0
    assert len(calls) == 2


def test_a_binary_that_keeps_dying_by_a_signal_is_reported(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def run(argv: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(argv, -signal.SIGSEGV, "", "")

    monkeypatch.setattr(postgres.subprocess, "run", run)
    monkeypatch.setattr(postgres.os, "geteuid", lambda: 1000)
    pg = postgres.EmbeddedPostgres(tmp_path)
    assert pg._run("pg_ctl", "status", timeout=5).returncode == -signal.SIGSEGV


def test_the_system_user_is_taken_on_by_setpriv_so_subprocess_need_not_fork(
        monkeypatch: pytest.MonkeyPatch) -> None:
    account = pwd.struct_passwd(("postgres", "x", 990, 991, "", "/", "/bin/false"))
    monkeypatch.setattr(postgres, "_SETPRIV", "/usr/bin/setpriv")
    command, switch = postgres._as_account(["/pg/bin/initdb", "-D", "x"], account)
    assert command == ["/usr/bin/setpriv", "--reuid=990", "--regid=991", "--clear-groups", "--",
                       "/pg/bin/initdb", "-D", "x"]
    assert switch == {}  # no user=: subprocess may vfork
    monkeypatch.setattr(postgres, "_SETPRIV", None)  # no util-linux: subprocess switches
    assert postgres._as_account(["initdb"], account) == (
        ["initdb"], {"user": 990, "group": 991, "extra_groups": []})
    assert postgres._as_account(["initdb"], None) == (["initdb"], {})
