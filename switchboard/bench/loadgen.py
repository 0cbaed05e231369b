"""The load generator, run in its own process: `python -m switchboard.bench.loadgen < spec.json`.

An asyncio HTTP/1.1 keep-alive client (raw streams: httpx alone tops out below what one uvicorn
worker serves, which would measure the client), N connections, closed loop (as fast as
answers come) or open loop (`rate` requests/s scheduled on a clock; latency counts from the
scheduled time, so a stalled server cannot hide queueing). Optionally a live SSE subscriber
(`GET /v1/events`, httpx) matches each sent message by the `t=<ns>` stamp in its text and records
send -> arrival (and, asked, each arrival's time by stamp). Prints one JSON object: rates, HTTP
latency and end-to-end histograms, statuses, the 429s lacking Retry-After or a RateLimit field.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import itertools
import json
import os
import re
import sys
import time
import uuid
from typing import Any
from urllib.parse import urlsplit

import httpx

from switchboard.bench.histogram import Histogram

_STAMP = re.compile(r"t=(\d+)")
# What a 429 must carry (docs/api.md, "Rate limits"): counted when one does not.
LIMIT_HEADERS = frozenset({b"retry-after", b"ratelimit-limit", b"ratelimit-remaining",
                           b"ratelimit-reset"})


class Conn:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.header_names: set[bytes] = set()  # the last response's, lower case

    async def request(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Length: {len(body)}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.writer.write(head.encode() + b"\r\n" + body)
        assert self.reader is not None
        status_line = await self.reader.readline()
        if not status_line:
            self.writer = None
            raise ConnectionError("closed")
        status = int(status_line.split()[1])
        length, chunked = 0, False
        self.header_names = set()
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            self.header_names.add(name)
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
        if chunked:
            while True:
                size = int((await self.reader.readline()).strip(), 16)
                await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        elif length:
            await self.reader.readexactly(length)
        return status


class Bodies:
    """Request (method, path, body, headers) factories by kind; each carries `t=<ns>`."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.kind = spec["kind"]
        self.spec = spec
        self.counter = itertools.count()

    def make(self, stamp_ns: int) -> tuple[str, str, bytes, dict[str, str]]:
        n = next(self.counter)
        s = self.spec
        if self.kind in ("avito", "bare"):
            a = s["avito"]
            chat = n % a.get("chats", 100)
            msg_id = uuid.uuid4().hex
            created = stamp_ns // 1_000_000_000
            value = {"id": msg_id, "chat_id": f"u2i-bench{a.get('prefix', '')}-{chat}",
                     "user_id": a["user_id"], "author_id": 900_000_000 + chat,
                     "created": created, "type": "text", "chat_type": "u2i",
                     "content": {"text": f"Здравствуйте, ещё продаёте? t={stamp_ns}"},
                     "item_id": None, "published_at": time.strftime(
                         "%Y-%m-%dT%H:%M:%SZ", time.gmtime(created)), "read": None}
            body = json.dumps({"id": uuid.uuid4().hex, "version": "v3.0.0", "timestamp": created,
                               "payload": {"type": "message", "value": value}},
                              ensure_ascii=False).encode()
            sig = hmac.new(a["secret"].encode(), body, hashlib.sha256).hexdigest()
            return "POST", a["path"], body, {"Content-Type": "application/json",
                                             "X-Avito-Messenger-Signature": sig}
        if self.kind == "get":
            paths, headers = s["paths"], s.get("headers", {})
            if isinstance(headers, list):  # several credentials, in turn
                headers = headers[n % len(headers)]
            return "GET", paths[n % len(paths)], b"", headers
        if self.kind == "reply":
            paths = s["paths"]
            body = json.dumps({"text": f"Да, в наличии. t={stamp_ns}"}).encode()
            return "POST", paths[n % len(paths)], body, {"Content-Type": "application/json",
                                                          **s.get("headers", {})}
        raise ValueError(f"unknown kind {self.kind}")


class Sse:
    """A live subscriber: records send -> arrival for stamped messages of `event`."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.hist = Histogram()
        self.arrivals: list[int] = []
        self.all_arrivals: list[int] = []  # every stamped message, warm-up included
        self.measure_after_ns = 0
        self.connected = asyncio.Event()
        self.all_in = asyncio.Event()
        self.expected: int | None = None
        self.received = 0
        # `arrivals: true`: each stamped message's arrival (ns), by its stamp (warm-up included).
        self.by_stamp: dict[int, int] | None = {} if spec.get("arrivals") else None

    async def run(self) -> None:
        want = self.spec.get("event", "message.received")
        status = self.spec.get("status")
        headers = {"Authorization": f"Bearer {self.spec['api_key']}"}
        async with httpx.AsyncClient(timeout=httpx.Timeout(5.0, read=None)) as http, \
                http.stream("GET", self.spec["url"], headers=headers) as resp:
            event = ""
            async for line in resp.aiter_lines():
                self.connected.set()
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: ") and event == want:
                    now = time.time_ns()
                    data = json.loads(line[6:])
                    msg = data.get("message") or {}
                    if status and msg.get("status") != status:
                        continue
                    m = _STAMP.search(msg.get("text", ""))
                    if not m:
                        continue
                    sent = int(m.group(1))
                    self.received += 1
                    if self.by_stamp is not None:
                        self.by_stamp[sent] = now
                    self.all_arrivals.append(now)
                    if sent >= self.measure_after_ns:
                        self.hist.record((now - sent) / 1e9)
                        self.arrivals.append(now)
                        if self.expected is not None and self.hist.count >= self.expected:
                            self.all_in.set()


async def run(spec: dict[str, Any]) -> dict[str, Any]:
    url = urlsplit(spec["base_url"])
    connections = int(spec.get("connections", 50))
    duration, warmup = float(spec["duration_s"]), float(spec.get("warmup_s", 1.0))
    rate = spec.get("rate")
    count = spec.get("count")  # open loop: at most this many requests, then stop
    bodies = Bodies(spec)
    hist, errors = Histogram(), 0
    limited_bare = 0  # 429s without Retry-After and the RateLimit fields
    statuses: dict[int, int] = {}
    sse = Sse(spec["sse"]) if spec.get("sse") else None
    sse_task = None
    if sse is not None:
        sse_task = asyncio.create_task(sse.run())
        await asyncio.wait_for(sse.connected.wait(), 15)
    start = time.monotonic()
    start_ns = time.time_ns()
    measure_from, stop_at = start + warmup, start + duration
    if sse is not None:
        sse.measure_after_ns = start_ns + int(warmup * 1e9)
    done_in_window = 0
    sent_measured = 0
    conns = [Conn(url.hostname or "127.0.0.1", url.port or 80) for _ in range(connections)]
    pool: asyncio.Queue[Conn] = asyncio.Queue()
    for c in conns:
        pool.put_nowait(c)

    async def one(scheduled: float, stamp_ns: int) -> None:
        nonlocal errors, done_in_window, sent_measured, limited_bare
        method, path, body, headers = bodies.make(stamp_ns)
        conn = await pool.get()
        try:
            status = await conn.request(method, path, body, headers)
            if status == 429 and LIMIT_HEADERS - conn.header_names:  # one missing
                limited_bare += 1
        except (OSError, ConnectionError, ValueError, asyncio.IncompleteReadError):
            conn.writer = None
            errors += 1
            return
        finally:
            pool.put_nowait(conn)
        end = time.monotonic()
        statuses[status] = statuses.get(status, 0) + 1
        if status >= 400:
            errors += 1
        if scheduled >= measure_from and end <= stop_at:
            hist.record(end - scheduled)
            done_in_window += 1
        if scheduled >= measure_from and scheduled < stop_at:
            sent_measured += 1

    if rate:
        interval = 1.0 / float(rate)
        tasks: set[asyncio.Task[None]] = set()
        i = 0
        while True:
            scheduled = start + i * interval
            if scheduled >= stop_at or (count is not None and i >= count):
                break
            delay = scheduled - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            t = asyncio.create_task(one(scheduled, start_ns + int((scheduled - start) * 1e9)))
            tasks.add(t)
            t.add_done_callback(tasks.discard)
            i += 1
        if tasks:
            await asyncio.wait(tasks, timeout=30)
    else:
        async def worker() -> None:
            while time.monotonic() < stop_at:
                now = time.monotonic()
                await one(now, time.time_ns())

        await asyncio.gather(*(worker() for _ in range(connections)))
    result: dict[str, Any] = {
        "sent": sum(statuses.values()), "errors": errors, "statuses": statuses,
        "rate": done_in_window / max(duration - warmup, 1e-9),
        "latency": hist.to_dict(), "latency_summary": hist.summary_ms(),
        "sent_measured": sent_measured, "limited_without_headers": limited_bare}
    if sse is not None and sse_task is not None:
        wait = float(spec["sse"].get("drain_s", 10))
        sse.expected = sent_measured
        if sse.hist.count >= sent_measured:
            sse.all_in.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(sse.all_in.wait(), wait)
        sse_task.cancel()
        # Not there by now: counted at their age so far (a lower bound), never dropped.
        missing = sent_measured - sse.hist.count
        for _ in range(max(missing, 0)):
            sse.hist.record(time.monotonic() - stop_at)
        arrivals = sorted(sse.arrivals)
        window_ns = (arrivals[-1] - sse.measure_after_ns) if arrivals else 0
        result.update(e2e=sse.hist.to_dict(), e2e_summary=sse.hist.summary_ms(),
                      e2e_received=len(arrivals), e2e_expected=sent_measured,
                      e2e_rate=(len(arrivals) / (window_ns / 1e9)) if window_ns > 0 else 0.0,
                      # Throughput at the subscriber while it had work: every arrival over the
                      # span from the first to the last (the maximum sustainable rate).
                      e2e_throughput=_throughput(sse.all_arrivals))
        if sse.by_stamp is not None:
            result["e2e_arrivals"] = {str(k): v for k, v in sse.by_stamp.items()}
    return result


def _throughput(arrivals: list[int]) -> float:
    if len(arrivals) < 2:
        return 0.0
    span = (max(arrivals) - min(arrivals)) / 1e9
    return (len(arrivals) - 1) / span if span > 0 else 0.0


def main() -> None:
    spec = json.loads(sys.stdin.read())
    if spec.get("cpu") is not None and hasattr(os, "sched_setaffinity"):
        with contextlib.suppress(OSError):
            os.sched_setaffinity(0, {int(spec["cpu"])})
    try:
        import uvloop
        uvloop.install()
    except ImportError:
        pass
    result = asyncio.run(run(spec))
    sys.stdout.write(json.dumps(result))


if __name__ == "__main__":
    main()
