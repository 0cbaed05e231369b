"""8. Telegram fan-out at the flood limits: a burst of 1,000 buyer messages (`--quick`: 200)
across 200 Avito chats (`--quick`: 40) of one tenant, by signed webhooks to the gateway, with
the tenant's bot and forum group on the Telegram emulator, its flood limits on.

Telegram's own group limit (20 sends a minute) would make this 1 h; the run uses a profile 60x
faster, the same on both sides: the emulator refuses past 20 sends per second in the group (its
bot-wide 30/s kept), and the runner paces to 20 per second per group, 60 per second per chat
(Telegram's 1/s per chat, scaled alike: looser than the group's, as there) and 30 per second
per bot. Without `--quick` a smaller burst at a 4 s window follows (`profile`). Every message
and every topic's card is a send; topics are not (Telegram does not count them). Figures from
the emulator's records: sends, topics, messages posted (lost = accepted webhooks not posted;
duplicates = a message posted twice), 429s it answered the runner, and the drain (first send in
the group to the last) against the least the limits allow for that many sends: floor((sends -
1) / 20) s.
"""

from __future__ import annotations

import itertools
import time
from collections import Counter
from typing import Any

import httpx

from clients.telegram_bot import Pacing, Window
from switchboard.bench.histogram import Histogram
from switchboard.bench.report import Figure
from switchboard.bench.scenarios.pipeline import spec
from switchboard.bench.stack import run_loadgen, wait_idle
from switchboard.bench.telegram import open_window, sends, set_limits, stamp_of, wait_for

TITLE = "burst of buyer messages into forum topics at the flood limits (60x profile)"
GROUP = 20  # sends per group window (Telegram's count; its window is 60 s)
BOT_PER_S = 30
PERIOD_S = 1.0  # the group's window in the measured profile (60x Telegram's)
# Without --quick, one more burst (200 messages, 40 chats) at a 4 s window (15x Telegram's):
# what the drain ratio does as the window grows towards Telegram's.
SLOW_PERIOD_S = 4.0
BURST_RATE = 500  # webhooks/s offered: the burst is in within seconds, the group drains a minute


def profile(period_s: float) -> tuple[Pacing, dict[str, Any]]:
    """The runner's pacing and the emulator's limits for a group window of `period_s`: equal
    on both sides; a chat's window scaled alike (Telegram's 1/s per chat is 3x its group's
    rate), the bot's 30/s as Telegram's (it does not bind for one group)."""
    pacing = Pacing(per_chat=Window(3 * GROUP, period_s), per_group=Window(GROUP, period_s),
                    per_bot=Window(BOT_PER_S, 1.0))
    return pacing, {"enabled": True, "group": {"count": GROUP, "period_s": period_s},
                    "bot": {"count": BOT_PER_S, "period_s": 1.0}}


def least_drain_s(n_sends: int, period_s: float = PERIOD_S) -> float:
    """The least time from the first to the last of n sends the group's window allows."""
    return (n_sends - 1) // GROUP * period_s if n_sends else 0.0


def tally(records: list[dict[str, Any]], since_ns: int) -> dict[str, Any]:
    """What the group got from one burst: sends, topics, messages by stamp, the drain."""
    posted = sends(records)
    stamps = Counter(s for r in posted if (s := stamp_of(r)) is not None and s >= since_ns)
    times = [r["recorded_at"] for r in posted]
    gaps = Histogram()
    for a, b in itertools.pairwise(times):
        gaps.record(b - a)
    return {"methods": dict(Counter(r["method"] for r in records)),
            "edited_messages": sum(1 for r in posted if r["edits"]),
            "gap_between_sends": gaps.summary_ms(),
            "sends": len(posted), "cards": sum(1 for r in posted if stamp_of(r) is None),
            "topics": sum(1 for r in records if r["method"] == "createForumTopic"),
            "messages": len(stamps), "duplicates": sum(n - 1 for n in stamps.values()),
            "outside_topics": sum(1 for r in posted if r["message_thread_id"] is None),
            "first_send": min(times, default=0.0), "last_send": max(times, default=0.0)}


async def burst(ctx: Any, tenant: Any, window: Any, prefix: str, messages: int,
                chats: int, period_s: float) -> dict[str, Any]:
    expected_sends = messages + chats
    started = time.time()
    load = spec(ctx, tenant, prefix, rate=BURST_RATE, count=messages,
                duration_s=messages / BURST_RATE + 1.0, warmup_s=0.0, connections=50)
    load.pop("sse")
    load["avito"]["chats"] = chats
    seen = len(window.records)
    with ctx.stack.fairness_lifted():  # one tenant's burst: the fair lanes are scenario 5's
        sent = await run_loadgen(load)
    accepted = int(sent["statuses"].get("200", 0))  # JSON keys
    complete = await wait_for(window, lambda rs: len(sends(rs[seen:])) >= expected_sends,
                              stall_s=15.0)
    got = tally(window.records[seen:], int(started * 1e9))
    drain = got["last_send"] - got["first_send"]
    return {**got, "accepted": accepted, "expected_sends": expected_sends, "complete": complete,
            "lost": accepted - got["messages"], "drain_s": drain,
            "least_drain_s": least_drain_s(got["sends"], period_s),
            "burst_to_last_s": got["last_send"] - started if got["sends"] else 0.0}


async def run(ctx: Any) -> list[Figure]:
    messages, chats = (200, 40) if ctx.quick else (1000, 200)
    runs = await bursts(ctx, PERIOD_S, messages, chats, ctx.repeats)
    details: dict[str, Any] = {"messages": messages, "chats": chats, "runs": runs}
    found = figures(runs, messages, chats)
    if not ctx.quick:
        (slow,) = await bursts(ctx, SLOW_PERIOD_S, 200, 40, 1)
        details["slow_profile"] = slow
        found.append(Figure(
            "8 telegram fan-out", f"drain at {GROUP} per {SLOW_PERIOD_S:g} s ({slow['sends']} "
            f"sends)", "s", [slow["drain_s"]], limit=slow["least_drain_s"],
            limit_name="least the limits allow",
            note=f"{slow['messages']}/{slow['accepted']} posted, {slow['flood_429s']} 429s"))
    ctx.details["telegram_fanout"] = details
    return found


async def bursts(ctx: Any, period_s: float, messages: int, chats: int,
                 repeats: int) -> list[dict[str, Any]]:
    """A tenant, bot and group of their own at the profile of `period_s`; its bursts."""
    stack = ctx.stack
    pacing, limits = profile(period_s)
    tenant = await stack.new_tenant("Telegram fan-out shop")
    await set_limits(stack, limits)
    window = await open_window(stack, tenant, pacing)
    runs: list[dict[str, Any]] = []
    async with httpx.AsyncClient(timeout=10) as http:
        for n in range(repeats):
            refusals_before = await window.flood_refusals(http)
            got = await burst(ctx, tenant, window, f"tf{n}", messages, chats, period_s)
            got["flood_429s"] = await window.flood_refusals(http) - refusals_before
            got["profile"] = {"runner": repr(pacing), "emulator": limits}
            runs.append(got)
            await wait_idle(stack.nats_url)
    return runs


def figures(runs: list[dict[str, Any]], messages: int, chats: int) -> list[Figure]:
    s = "8 telegram fan-out"
    last = runs[-1]
    return [
        Figure(s, f"messages posted in topics (of {messages} accepted)", "msgs",
               [r["messages"] for r in runs],
               note=f"{last['sends']} sends: {last['cards']} cards; {last['topics']} topics "
                    f"of {chats}; {last['outside_topics']} outside topics"),
        Figure(s, "lost (accepted, never posted)", "msgs", [r["lost"] for r in runs],
               target=("<=", 0.0)),
        Figure(s, "duplicates (a message posted twice)", "msgs",
               [r["duplicates"] for r in runs], target=("<=", 0.0)),
        Figure(s, "429s answered to the runner", "429s", [r["flood_429s"] for r in runs],
               target=("<=", 5.0)),
        Figure(s, f"drain, first to last send ({last['sends']} sends, {GROUP} per "
                  f"{PERIOD_S:g} s)", "s",
               [r["drain_s"] for r in runs], limit=last["least_drain_s"],
               limit_name="least the limits allow", target=("ratio<=", 1.10)),
        Figure(s, "burst start to last post", "s", [r["burst_to_last_s"] for r in runs]),
    ]
