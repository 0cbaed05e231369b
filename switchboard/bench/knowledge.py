"""Retrieval quality of the knowledge base on a labelled question set.

`evaluate` ingests a FAQ (CSV «вопрос;ответ») into a fresh tenant through the same path as an
upload, then asks every paraphrase and reports hit@1 and hit@3 (the FAQ question the paraphrase
is labelled with is first / among the first three hits), search latency p50/p99, and, for a
set of questions the FAQ does not answer, how often the best match would pass a threshold.
"""

from __future__ import annotations

import asyncio
import csv
import time
import uuid
from pathlib import Path
from typing import Any

from services.agent.knowledge.domain import Upload
from services.agent.knowledge.retrieval import Embedder, match_faq, search
from services.agent.knowledge.service import KnowledgeService
from services.agent.repository import AgentUnit
from services.kernel.db import Database
from services.kernel.tenancy import tenant_scope

THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7)


async def evaluate(db: Database, tenant: uuid.UUID, faq_path: Path | str,
                   paraphrases_path: Path | str, embedder: Embedder | None = None,
                   unanswerable_path: Path | str | None = None) -> dict[str, Any]:
    """hit@1, hit@3, latency and the threshold table; `tenant` must have no knowledge yet."""
    await ingest(db, tenant, Path(faq_path), embedder)
    rows = _rows(Path(paraphrases_path))
    first, top3, latencies, scored = 0, 0, [], []
    for row in rows:
        started = time.perf_counter()
        async with db.unit_of_work(tenant) as session:
            hits = await search(session, row["query"], limit=3, embedder=embedder)
        latencies.append(time.perf_counter() - started)
        questions = [h.question for h in hits]
        correct = questions[:1] == [row["expected"]]
        first += correct
        top3 += row["expected"] in questions
        scored.append((hits[0].score if hits else 0.0, correct))
    result: dict[str, Any] = {
        "questions": len(rows), "hit@1": first / len(rows), "hit@3": top3 / len(rows),
        "latency_p50_ms": _percentile(latencies, 0.5) * 1000,
        "latency_p99_ms": _percentile(latencies, 0.99) * 1000,
        "mode": "hybrid" if embedder is not None else "full-text",
    }
    negatives = await _unanswerable_scores(db, tenant, unanswerable_path, embedder)
    result["thresholds"] = {str(t): _at_threshold(t, scored, negatives) for t in THRESHOLDS}
    return result


async def ingest(db: Database, tenant: uuid.UUID, faq_path: Path,
                 embedder: Embedder | None) -> None:
    upload = Upload(faq_path.name, "text/csv", await asyncio.to_thread(faq_path.read_bytes))
    await ingest_upload(db, tenant, upload, embedder)


async def ingest_upload(db: Database, tenant: uuid.UUID, upload: Upload,
                        embedder: Embedder | None) -> None:
    """Store `upload` in `tenant`'s knowledge base through the upload path (parse, chunk,
    embed, store); raises ValueError when it is rejected."""
    async def embedder_for(_: uuid.UUID) -> Embedder | None:
        return embedder

    service = KnowledgeService(embedder_for)
    prepared = await service.prepare_uploads(tenant, [upload])
    with tenant_scope(tenant):  # as the gRPC interceptor binds it for an upload
        async with db.unit_of_work(tenant) as session:
            [outcome] = await service.store_uploads(AgentUnit(session), prepared)
    if outcome.document is None:
        raise ValueError(f"{upload.name} could not be ingested: {outcome.error}")


async def _unanswerable_scores(db: Database, tenant: uuid.UUID, path: Path | str | None,
                               embedder: Embedder | None) -> list[float]:
    scores = []
    for row in _rows(Path(path)) if path else []:
        async with db.unit_of_work(tenant) as session:
            hit = await match_faq(session, row["query"], embedder=embedder)
        scores.append(hit.score if hit else 0.0)
    return scores


def _at_threshold(threshold: float, scored: list[tuple[float, bool]],
                  negatives: list[float]) -> dict[str, float | None]:
    """Answered right / answered wrong among the paraphrases, and falsely answered among the
    questions the FAQ cannot answer, if an answer were given only at or above `threshold`."""
    n = len(scored)
    return {
        "answered_correctly": sum(s >= threshold and ok for s, ok in scored) / n,
        "answered_wrongly": sum(s >= threshold and not ok for s, ok in scored) / n,
        "unanswerable_answered": (sum(s >= threshold for s in negatives) / len(negatives)
                                  if negatives else None),
    }


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter=";"))


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]
