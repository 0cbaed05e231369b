"""Human progress lines for long CLI work (logs stay structured JSON, in the log file)."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator


class Progress:
    def __init__(self, total: int, stream=sys.stdout) -> None:  # type: ignore[no-untyped-def]
        self.total, self.step, self.stream = total, 0, stream

    @contextlib.contextmanager
    def task(self, title: str) -> Iterator[None]:
        """`[3/7] Applying migrations ... done (0.4 s)`; on failure says what failed."""
        self.step += 1
        self.stream.write(f"[{self.step}/{self.total}] {title} ... ")
        self.stream.flush()
        started = time.monotonic()
        try:
            yield
        except BaseException:
            self.stream.write("FAILED\n")
            self.stream.flush()
            raise
        self.stream.write(f"done ({time.monotonic() - started:.1f} s)\n")
        self.stream.flush()

    def say(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()
