"""Loopback port helpers shared by the embedded servers."""

from __future__ import annotations

import contextlib
import socket
from pathlib import Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def free_ports(count: int) -> list[int]:
    """`count` distinct free ports (held open together while picked, so none repeats)."""
    with contextlib.ExitStack() as held:
        socks = [held.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
                 for _ in range(count)]
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in socks]


def port_is_free(port: int) -> bool:
    """Whether a server could bind 127.0.0.1:`port` now.

    SO_REUSEADDR mirrors what the servers do, so sockets in TIME_WAIT after a restart
    do not count as taken.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def remembered_port(path: Path, requested: int | None) -> int:
    """The port to use: `requested`, else the one saved in `path`, else a fresh free one.

    The choice is written back to `path` so that the next start serves the same URL.
    """
    port = requested
    if port is None and path.exists():
        text = path.read_text().strip()
        if text.isdigit():
            port = int(text)
    if port is None:
        port = free_port()
    if not 0 < port < 65536:
        raise ValueError(f"invalid TCP port {port} (from {path})")
    path.write_text(f"{port}\n")
    return port
