"""Prometheus metrics of the knowledge base (bounded labels: kinds, outcomes, modes)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)

DOCUMENTS_INDEXED = Counter(
    "switchboard_knowledge_documents_total", "Documents uploaded or re-indexed, by outcome",
    ["kind", "outcome"])  # outcome: indexed | failed | rejected
RETRIEVALS = Histogram(
    "switchboard_knowledge_retrieval_duration_seconds", "Time to retrieve knowledge chunks",
    ["operation", "mode"], buckets=_LATENCY_BUCKETS)  # operation: search | match_faq
EMBEDDING_REQUESTS = Counter(
    "switchboard_knowledge_embedding_requests_total", "Calls to the embeddings endpoint",
    ["outcome"])  # ok | error


def initialize() -> None:
    """Create every series at zero, so rates and alerts have a value before the first event."""
    for operation in ("search", "match_faq"):
        for mode in ("lexical", "hybrid"):
            RETRIEVALS.labels(operation, mode)
    for outcome in ("ok", "error"):
        EMBEDDING_REQUESTS.labels(outcome)
    for kind in ("text", "markdown", "faq_csv", "docx", "xlsx", "pdf", "listing"):
        for outcome in ("indexed", "failed"):
            DOCUMENTS_INDEXED.labels(kind, outcome)
    DOCUMENTS_INDEXED.labels("unknown", "rejected")
