"""9. Telegram added latency where no limit binds: buyers write at a steady 5 msg/s into 20 chats
whose topics are open already; the runner's pacing and the emulator's flood limits are both far
above that (1,000 a second per chat, group and bot; Telegram's own 20 a minute per group would
bind at once). Per message: the platform's live event (the message stored and pushed, as the
load generator's SSE subscriber receives it) to the emulator recording the post in its topic
(`recorded_at`, the same machine's clock). A message not posted by the end of the wait counts
at its age then (a lower bound), never dropped. Beside it the inbox's own send -> SSE p99.
"""

from __future__ import annotations

import time
from typing import Any

from clients.telegram_bot import Pacing, Window
from switchboard.bench.histogram import Histogram
from switchboard.bench.report import Figure
from switchboard.bench.scenarios.pipeline import spec
from switchboard.bench.stack import run_loadgen, wait_idle
from switchboard.bench.telegram import open_window, sends, set_limits, stamp_of, wait_for

TITLE = "added latency of a message reaching its topic when no limit binds"
CHATS = 20
RATE = 5
FAR = 1000  # sends per second: far above the offered rate everywhere
PACING = Pacing(per_chat=Window(FAR, 1.0), per_group=Window(FAR, 1.0), per_bot=Window(FAR, 1.0))
LIMITS = {"enabled": True, "group": {"count": FAR, "period_s": 1.0},
          "bot": {"count": FAR, "period_s": 1.0}}


async def run(ctx: Any) -> list[Figure]:
    stack = ctx.stack
    tenant = await stack.new_tenant("Telegram latency shop")
    await set_limits(stack, LIMITS)
    window = await open_window(stack, tenant, PACING)
    # The topics first (a topic, its card and the message per chat): steady state is messages
    # to conversations the group has already.
    warm = spec(ctx, tenant, "tl", rate=10, count=CHATS, duration_s=CHATS / 10 + 1.0,
                warmup_s=0.0, connections=4)
    warm.pop("sse")
    warm["avito"]["chats"] = CHATS
    await run_loadgen(warm)
    await wait_for(window, lambda rs: len(sends(rs)) >= 2 * CHATS, stall_s=15.0)
    n = 15 if ctx.quick else 60
    added_p50, added_p99, inbox_p99, topic_p99 = [], [], [], []
    details: dict[str, Any] = {"rate": RATE, "chats": CHATS, "messages_per_run": n, "runs": []}
    for _ in range(ctx.repeats):
        got = await measure(ctx, tenant, window, n)
        added, to_topic = got.pop("added"), got.pop("to_topic")
        added_p50.append(added.percentile(0.5) * 1e3)
        added_p99.append(added.percentile(0.99) * 1e3)
        topic_p99.append(to_topic.percentile(0.99) * 1e3)
        inbox_p99.append(got["inbox"]["p99_ms"])
        details["runs"].append({**got, "added": added.summary_ms(),
                                "send_to_topic": to_topic.summary_ms()})
        await wait_idle(stack.nats_url)
    ctx.details["telegram_latency"] = details
    last = details["runs"][-1]
    s = "9 telegram latency"
    note = f"{last['posted']}/{last['expected']} posted in time"
    return [
        Figure(s, f"inbox e2e p99 @{RATE} msg/s (send -> SSE)", "ms", inbox_p99),
        Figure(s, "added p50 (live event -> post in topic)", "ms", added_p50),
        Figure(s, "added p99 (live event -> post in topic)", "ms", added_p99,
               target=("<=", 150.0), note=note),
        Figure(s, "send -> post in topic p99", "ms", topic_p99),
    ]


async def measure(ctx: Any, tenant: Any, window: Any, n: int) -> dict[str, Any]:
    load = spec(ctx, tenant, "tl", rate=RATE, count=n, duration_s=n / RATE + 1.0, warmup_s=0.0,
                connections=4)
    load["avito"]["chats"] = CHATS
    load["sse"]["arrivals"] = True
    seen = len(window.records)
    r = await run_loadgen(load)
    arrivals = {int(stamp): ns for stamp, ns in r["e2e_arrivals"].items()}
    await wait_for(window, lambda rs: len(_posts(rs[seen:], arrivals)) >= len(arrivals),
                   stall_s=10.0)
    posts = _posts(window.records[seen:], arrivals)
    added, to_topic = Histogram(), Histogram()
    early = 0
    for stamp, arrived_ns in arrivals.items():
        at = posts.get(stamp, time.time())  # not posted yet: its age now (a lower bound)
        early += at * 1e9 < arrived_ns
        added.record(at - arrived_ns / 1e9)
        to_topic.record(at - stamp / 1e9)
    return {"added": added, "to_topic": to_topic, "inbox": r["e2e_summary"],
            "expected": r["e2e_expected"], "at_subscriber": len(arrivals), "posted": len(posts),
            "posted_before_the_subscriber_saw_it": early}


def _posts(records: list[dict[str, Any]], stamps: dict[int, int]) -> dict[int, float]:
    """The first post of each stamped message of this run: when the emulator recorded it."""
    first: dict[int, float] = {}
    for r in sends(records):
        stamp = stamp_of(r)
        if stamp is not None and stamp in stamps and stamp not in first:
            first[stamp] = r["recorded_at"]
    return first
