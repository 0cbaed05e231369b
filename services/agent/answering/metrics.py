"""Metrics of the answering side (docs/telemetry.md). Labels are small fixed sets, never ids."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

OUTCOMES = Counter(
    "switchboard_agent_outcomes_total", "What the agent did with a due pending reply",
    ["outcome", "mode"])  # reply|handoff|skipped|held|failed x faq|llm|none
HANDOFFS = Counter(
    "switchboard_agent_handoffs_total", "Conversations handed to the managers, by reason",
    ["kind"])  # tool, keywords, low_confidence, no_answer, llm_failure, circuit_open, ...
LLM_CALLS = Counter(
    "switchboard_agent_llm_requests_total", "Chat completion calls by outcome",
    ["outcome"])  # ok | error | circuit_open
LLM_LATENCY = Histogram(
    "switchboard_agent_llm_duration_seconds", "Chat completion latency (with retries)",
    buckets=(0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60))
TOKENS = Counter("switchboard_agent_tokens_total", "Tokens used", ["kind"])  # prompt | completion
REPLY_DELAY = Histogram(
    "switchboard_agent_reply_delay_seconds",
    "From the buyer's first unanswered message to the agent's outcome",
    buckets=(1, 5, 10, 20, 30, 60, 120, 300, 600, 3600))
PENDING_CLAIMED = Counter(
    "switchboard_agent_pending_claimed_total", "Due pending replies leased by a scheduler")
