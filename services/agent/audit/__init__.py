"""The audit trail: one entry per automatic outcome (and per preview) with its inputs, the
knowledge used, the model, tokens, latency and cost estimate; usage totals over a period."""
