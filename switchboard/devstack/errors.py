"""The one error the embedded servers raise, carrying the server log's tail for diagnosis."""

from __future__ import annotations

from collections import deque
from pathlib import Path


def log_tail(path: Path, lines: int = 20) -> str:
    """Last `lines` lines of a log file, or a note when there is none yet."""
    try:
        with path.open(encoding="utf-8", errors="replace") as fh:
            return "".join(deque(fh, maxlen=lines)).rstrip()
    except FileNotFoundError:
        return f"(no log at {path})"


class EmbeddedServerError(RuntimeError):
    """An embedded PostgreSQL or NATS server failed to start, answer or stop."""

    def __init__(self, message: str, log: Path | None = None) -> None:
        if log is not None:
            message = f"{message}\n--- last lines of {log} ---\n{log_tail(log)}"
        super().__init__(message)
