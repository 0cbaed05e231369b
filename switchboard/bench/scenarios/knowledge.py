"""6. Knowledge retrieval: `switchboard.bench.knowledge.evaluate` on the labelled Russian FAQ set
(full-text mode): hit@1, hit@3 and search latency, on a fresh tenant."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from switchboard.bench.knowledge import evaluate
from switchboard.bench.report import Figure

TITLE = "knowledge retrieval quality and latency (FAQ set)"
FIXTURES = Path(__file__).parents[3] / "tests" / "fixtures" / "agent"


async def run(ctx: Any) -> list[Figure]:
    results = []
    for _ in range(ctx.repeats):
        tenant = await ctx.stack.new_tenant("Knowledge shop", with_channel=False)
        results.append(await evaluate(ctx.stack.db, tenant.tenant_id, FIXTURES / "faq_ru.csv",
                                      FIXTURES / "paraphrases_ru.csv",
                                      unanswerable_path=FIXTURES / "unanswerable_ru.csv"))
    ctx.details["knowledge"] = results[-1]
    return [
        Figure("6 knowledge", f"hit@1 ({results[-1]['questions']} paraphrases, full-text)", "",
               [r["hit@1"] for r in results]),
        Figure("6 knowledge", "hit@3", "", [r["hit@3"] for r in results]),
        Figure("6 knowledge", "search p50", "ms", [r["latency_p50_ms"] for r in results]),
        Figure("6 knowledge", "search p99", "ms", [r["latency_p99_ms"] for r in results]),
    ]
