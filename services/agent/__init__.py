"""The AI agent service (schema "agent"): knowledge base, debounced answering, handoff, audit."""
