"""The platform as separate processes, one `switchboard serve <component>` each, configured by
env as Kubernetes does: what the fault-injection suite kills, restarts and watches recover.

Each component keeps its ports across restarts (the others reach it by them), writes its JSON
log to `data_dir/<component>.log` (appended, so a restart's story stays in one file) and runs
in its own session, so a signal meant for the test never reaches it by accident.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from switchboard.components import BY_NAME, TABLE
from switchboard.credentials import Credentials
from switchboard.devstack.errors import EmbeddedServerError, log_tail
from switchboard.devstack.ports import free_ports

READY_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0
# Readiness probes go straight to loopback, never through an HTTP(S)_PROXY from the environment.
_no_proxy_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def gateway_ready(url: str) -> Callable[[], bool]:
    """The gateway's own readiness: database, NATS and the services it calls."""
    def probe() -> bool:
        try:
            with _no_proxy_opener.open(f"{url}/readyz", timeout=2) as reply:
                return bool(reply.status == 200)
        except (urllib.error.URLError, OSError):
            return False
    return probe


def grpc_serving(target: str) -> Callable[[], bool]:
    """A service is ready once its gRPC health says SERVING (it is set after the bus and the
    streams are in place and the consumers started)."""
    def probe() -> bool:
        with grpc.insecure_channel(target) as channel:
            try:
                reply = health_pb2_grpc.HealthStub(channel).Check(
                    health_pb2.HealthCheckRequest(), timeout=1)
            except grpc.RpcError:
                return False
        return bool(reply.status == health_pb2.HealthCheckResponse.SERVING)
    return probe


@dataclass
class ComponentProcess:
    """One component in its own process: start, wait until ready, kill -9, stop, restart."""

    name: str
    env: dict[str, str]
    log_path: Path
    ready: Callable[[], bool]
    _proc: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def is_running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> None:
        if self.is_running:
            return
        with self.log_path.open("ab") as log:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "switchboard", "serve", self.name], env=self.env,
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)

    def wait_ready(self, timeout_s: float = READY_TIMEOUT_S) -> float:
        """Block until the readiness probe passes; seconds waited. Raises if the process
        exits or stays unready (with its log's tail)."""
        started = time.monotonic()
        while time.monotonic() - started < timeout_s:
            if not self.is_running:
                code = self._proc.returncode if self._proc is not None else None
                raise EmbeddedServerError(f"{self.name} exited with code {code}", log=self.log_path)
            if self.ready():
                return time.monotonic() - started
            time.sleep(0.1)
        raise EmbeddedServerError(f"{self.name} not ready within {timeout_s:.0f}s", log=self.log_path)

    def kill(self) -> None:
        """SIGKILL: no drain, no goodbye — what an OOM kill or a lost node does."""
        if self._proc is None:
            return
        if self._proc.poll() is None:
            self._proc.send_signal(signal.SIGKILL)
        self._proc.wait()
        self._proc = None

    def stop(self, timeout_s: float = STOP_TIMEOUT_S) -> None:
        """SIGTERM (drain), then SIGKILL after `timeout_s`."""
        if self._proc is None:
            return
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._proc = None

    def log_tail(self, lines: int = 30) -> str:
        return log_tail(self.log_path, lines)


@dataclass
class ProcessPlatform:
    """Every component of the table as its own `switchboard serve` process.

    `env` holds the settings all share (`SWITCHBOARD_DATABASE_URL`, `_NATS_URL`, `_SECRET_KEY`,
    and whatever else the caller wants, e.g. `_STREAM_REPLICAS`); each component's own NATS
    user, password and gRPC token (from `credentials`, as the chart maps them from its Secret),
    the service targets, each service's `GRPC_LISTEN`, the gateway's port and public URL are
    filled in here.

    `copies` runs that many replicas of a service (by name): the first is `components[name]`,
    the others `name-2`, `name-3`...; the callers' target lists every replica's address
    (`ipv4:a,b`), which the gRPC clients' round_robin spreads calls over, as a headless
    Service's DNS name does in Kubernetes. Every service process serves /metrics on a port of
    its own (`metrics_url`).
    """

    data_dir: Path
    env: Mapping[str, str]
    credentials: Credentials
    copies: Mapping[str, int] = field(default_factory=dict)
    components: dict[str, ComponentProcess] = field(default_factory=dict)
    metrics_ports: dict[str, int] = field(default_factory=dict)
    http_port: int = 0

    def __post_init__(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        # Every component but the gateway listens for gRPC: a service's API and health, a
        # worker's (the bot runner's) health alone.
        keys = {c.name: replica_keys(c.name, self.copies.get(c.name, 1))
                for c in TABLE if c.name != "gateway"}
        count = sum(len(k) for k in keys.values())
        *ports, http_port = free_ports(2 * count + 1)
        self.http_port = self.http_port or http_port
        flat = [key for group in keys.values() for key in group]
        listen = {key: f"127.0.0.1:{port}" for key, port in zip(flat, ports[:count], strict=True)}
        self.metrics_ports = dict(zip(flat, ports[count:], strict=True))
        targets = {c.target: replicas_target([listen[k] for k in keys[c.name]])
                   for c in TABLE if c.target}
        shared = {**os.environ, **self.env, "SWITCHBOARD_HTTP_PORT": str(self.http_port),
                  "SWITCHBOARD_PUBLIC_BASE_URL": self.gateway_url,
                  "NO_PROXY": "*", "no_proxy": "*",
                  **{f"SWITCHBOARD_{name.upper()}": target for name, target in targets.items()}}
        for component in TABLE:
            env = {**shared, **_env(self.credentials.settings_for(component.identity))}
            if component.name == "gateway":
                self.components[component.name] = ComponentProcess(
                    component.name, env, self.data_dir / "gateway.log",
                    gateway_ready(self.gateway_url))
                continue
            for key in keys[component.name]:
                own = {**env, "SWITCHBOARD_GRPC_LISTEN": listen[key],
                       "SWITCHBOARD_METRICS_PORT": str(self.metrics_ports[key])}
                self.components[key] = ComponentProcess(
                    component.name, own, self.data_dir / f"{key}.log", grpc_serving(listen[key]))

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def __getitem__(self, key: str) -> ComponentProcess:
        return self.components[key]

    def replicas(self, name: str) -> list[str]:
        """The keys of a component's processes (`name`, `name-2`...)."""
        return [key for key, process in self.components.items() if process.name == name]

    def metrics_url(self, key: str) -> str:
        return f"http://127.0.0.1:{self.metrics_ports[key]}/metrics"

    def create_streams(self, attempts: int = 3) -> None:
        """`switchboard streams`, as the chart's hook runs it before the components start
        (on a cluster that has just elected its leaders, a first try may time out)."""
        env = {**self.components["gateway"].env, **_env(self.credentials.admin_settings())}
        for attempt in range(1, attempts + 1):
            done = subprocess.run([sys.executable, "-m", "switchboard", "streams"], env=env,
                                  stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                  timeout=120, check=False)
            if done.returncode == 0:
                return
            if attempt == attempts:
                raise EmbeddedServerError(f"switchboard streams failed: {done.stderr.strip()}")
            time.sleep(1)

    def start(self) -> None:
        """Create the streams, start every component at once, then wait until each is ready
        (in the table's order: each after those it calls)."""
        self.create_streams()
        for process in self.components.values():
            process.start()
        for name in BY_NAME:
            for key in self.replicas(name):
                self.components[key].wait_ready()

    def restart(self, name: str) -> float:
        """Start a (killed) component again; seconds until it is ready."""
        process = self.components[name]
        process.start()
        return process.wait_ready()

    def ensure_running(self) -> None:
        """Start whatever is not running (a scenario that failed half-way)."""
        for name, process in self.components.items():
            if not process.is_running:
                self.restart(name)

    def stop(self) -> None:
        """SIGTERM everything in the reverse of the table's order: the gateway's clients (the
        bot runner), the gateway (a rolling drain), then the services."""
        for component in reversed(TABLE):
            for key in self.replicas(component.name):
                self.components[key].stop()


def replica_keys(name: str, copies: int) -> list[str]:
    return [name if n == 1 else f"{name}-{n}" for n in range(1, copies + 1)]


def replicas_target(addresses: list[str]) -> str:
    """A gRPC target naming every replica (`ipv4:` takes a list; one address stays plain)."""
    return addresses[0] if len(addresses) == 1 else "ipv4:" + ",".join(addresses)


def _env(settings: Mapping[str, str]) -> dict[str, str]:
    return {f"SWITCHBOARD_{name.upper()}": value for name, value in settings.items()}
