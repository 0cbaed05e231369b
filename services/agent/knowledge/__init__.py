"""The agent's knowledge base: documents -> chunks -> full-text and vector retrieval."""
