"""A JetStream cluster on loopback: N nats-server processes routed to each other, for the
fault suite's "one node dies" scenario (streams with 3 replicas survive the loss of one).

`with NatsCluster(path) as cluster: cluster.url` — node i keeps its data in `path/n<i>/`
and its ports for its whole life, so a killed node comes back as the same member. Every node
has the same users and permissions as the embedded server (`devstack/nats.py`).
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from switchboard.credentials import Credentials, write_private
from switchboard.devstack.errors import EmbeddedServerError
from switchboard.devstack.nats import nats_server_binary, server_config
from switchboard.devstack.ports import free_ports

CLUSTER_NAME = "switchboard"
_READY_TIMEOUT_S = 30.0
_STOP_TIMEOUT_S = 10.0
_no_proxy_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class ClusterNode:
    name: str
    data_dir: Path
    port: int
    cluster_port: int
    monitor_port: int
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    @property
    def is_running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def monitor(self, path: str) -> Any:
        """A monitoring endpoint's JSON (None while the node does not answer)."""
        try:
            with _no_proxy_opener.open(f"http://127.0.0.1:{self.monitor_port}{path}",
                                       timeout=1) as reply:
                return json.loads(reply.read())
        except (urllib.error.URLError, OSError, ValueError):
            return None


class NatsCluster:
    """`size` JetStream nodes with full-mesh routes on 127.0.0.1."""

    def __init__(self, data_dir: Path, size: int = 3, *,
                 credentials: Credentials | None = None) -> None:
        self.data_dir = Path(data_dir).absolute()
        ports = iter(free_ports(3 * size))  # client, route and monitoring port of each
        self.nodes = [ClusterNode(f"n{i}", self.data_dir / f"n{i}", next(ports), next(ports),
                                  next(ports)) for i in range(1, size + 1)]
        self.credentials = credentials or Credentials.load_or_create(
            self.data_dir / "credentials.json")

    @property
    def url(self) -> str:
        """The first node's URL: a client learns the others from it (cluster gossip) and
        reconnects to them when its node goes away."""
        return self.nodes[0].url

    @property
    def urls(self) -> list[str]:
        return [node.url for node in self.nodes]

    def start(self) -> str:
        for node in self.nodes:
            self._spawn(node)
        self.wait_healthy()
        return self.url

    def start_node(self, index: int) -> None:
        """Bring a killed node back (same name, ports and store) and wait until the cluster
        is whole again."""
        node = self.nodes[index]
        if not node.is_running:
            self._spawn(node)
        self.wait_healthy()

    def kill_node(self, index: int) -> None:
        """SIGKILL one node: no leadership hand-over, no flush."""
        node = self.nodes[index]
        if node.proc is not None and node.proc.poll() is None:
            node.proc.send_signal(signal.SIGKILL)
            node.proc.wait()
        node.proc = None

    def meta_leader(self) -> str | None:
        """The JetStream meta leader's server name, as a running node sees it."""
        for node in self.nodes:
            if node.is_running:
                jsz = node.monitor("/jsz")
                leader = ((jsz or {}).get("meta_cluster") or {}).get("leader")
                if leader:
                    return str(leader)
        return None

    def wait_healthy(self, timeout_s: float = _READY_TIMEOUT_S) -> None:
        """Every running node answers /healthz (JetStream current, a meta leader known)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for node in self.nodes:
                if node.proc is not None and node.proc.poll() is not None:
                    raise EmbeddedServerError(f"nats-server {node.name} exited with code "
                                              f"{node.proc.returncode}",
                                              log=node.data_dir / "nats.log")
            running = [n for n in self.nodes if n.is_running]
            if all((n.monitor("/healthz") or {}).get("status") == "ok" for n in running) \
                    and self.meta_leader():
                return
            time.sleep(0.1)
        raise EmbeddedServerError(f"the NATS cluster in {self.data_dir} is not healthy within "
                                  f"{timeout_s:.0f}s", log=self.nodes[0].data_dir / "nats.log")

    def stop(self) -> None:
        for node in self.nodes:
            proc, node.proc = node.proc, None
            if proc is None or proc.poll() is not None:
                continue
            proc.terminate()
            try:
                proc.wait(_STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def __enter__(self) -> NatsCluster:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None,
                 exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    def _config(self, node: ClusterNode) -> str:
        routes = ", ".join(f'"nats-route://127.0.0.1:{other.cluster_port}"'
                           for other in self.nodes if other is not node)
        return (f'server_name: "{node.name}"\n'
                f'listen: "127.0.0.1:{node.port}"\n'
                f'http: "127.0.0.1:{node.monitor_port}"\n'
                f'jetstream {{ store_dir: "{node.data_dir / "jetstream"}" }}\n'
                f'cluster {{ name: "{CLUSTER_NAME}", listen: "127.0.0.1:{node.cluster_port}", '
                f'routes: [{routes}] }}\n' + server_config(self.credentials))

    def _spawn(self, node: ClusterNode) -> None:
        node.data_dir.mkdir(parents=True, exist_ok=True)
        config = node.data_dir / "nats.conf"
        write_private(config, self._config(node))
        with (node.data_dir / "nats.log").open("ab") as log:
            node.proc = subprocess.Popen(
                [str(nats_server_binary()), "-c", str(config)], cwd=node.data_dir,
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
