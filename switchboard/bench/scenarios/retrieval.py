"""11. Retrieval as buyers meet it (issue #15): the agent's FAQ-mode decision (default settings,
no model) over the labelled set of six shops (`switchboard/bench/retrieval/`), tuning and
held-out parts apart, and `match_faq` latency on a 1,000-entry knowledge base. Alone:
`switchboard bench retrieval [--quick]`."""

from __future__ import annotations

from typing import Any

from services.agent.knowledge.domain import Upload
from switchboard.bench.histogram import Histogram
from switchboard.bench.knowledge import ingest_upload
from switchboard.bench.report import Figure
from switchboard.bench.retrieval.evalset import load_shops
from switchboard.bench.retrieval.harness import (
    FaqAgent,
    by_part,
    latencies,
    misses,
    run_shops,
    threshold_table,
)
from switchboard.bench.retrieval.synthetic import SIZE, thousand_entries

TITLE = "retrieval: answer or hand off on six shops' buyer questions; latency at 1,000 entries"
# The targets, on the held-out part.
TARGETS = {"hit@1": 0.92, "answer_precision": 0.95, "answer_recall": 0.80,
           "handoff_correctness": 0.95}
LATENCY_TARGET_MS = 20.0


async def run(ctx: Any) -> list[Figure]:
    stack, shops = ctx.stack, load_shops()
    agent = FaqAgent(stack.db)

    async def new_tenant(name: str) -> Any:
        return (await stack.new_tenant(name, with_channel=False)).tenant_id

    outcomes = await run_shops(agent, shops, new_tenant)  # deterministic up to ties: one pass
    parts = by_part(outcomes)
    big = await new_tenant("Retrieval eval: 1,000 entries")
    await ingest_upload(stack.db, big, Upload("thousand.csv", "text/csv",
                                              thousand_entries(shops)), None)
    questions = [q.text for shop in shops for q in shop.questions]
    p50s, p99s = [], []
    for _ in range(ctx.repeats):
        hist = Histogram()
        for seconds in await latencies(agent, big, questions):
            hist.record(seconds)
        p50s.append(hist.summary_ms()["p50_ms"])
        p99s.append(hist.summary_ms()["p99_ms"])
    ctx.details["retrieval"] = {"parts": parts, "thresholds_tuning": threshold_table(outcomes),
                                "misses_tuning": misses(outcomes),
                                "latency_questions": len(questions)}
    figures = []
    for part in ("tuning", "holdout"):
        s = parts[part]
        label = f"{part} ({s['answerable']} answerable, {s['handoff']} to hand off)"
        for key in ("hit@1", "hit@3", "answer_precision", "answer_recall", "handoff_correctness"):
            target = (">=", TARGETS[key]) if part == "holdout" and key in TARGETS else None
            figures.append(Figure("11 retrieval", f"{part} {key}", "", [float(s[key])],
                                  target=target, note=label if key == "hit@1" else ""))
    figures += [
        Figure("11 retrieval", f"match_faq p50 ({SIZE} entries)", "ms", p50s),
        Figure("11 retrieval", f"match_faq p99 ({SIZE} entries)", "ms", p99s,
               target=("<=", LATENCY_TARGET_MS)),
    ]
    return figures
