"""Answering buyers: the debounced wait, the scheduler that leases due waits, the guardrails,
the pipeline (FAQ or LLM: prompt, tools, running summary) and acting on its answer (reply or
handoff), plus the preview that runs the pipeline on a test question."""
