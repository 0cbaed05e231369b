"""The AI agent as sellers manage it: settings (tenant level and per-channel overrides), a dry
run, usage and the audit of what it did, and its knowledge base. Validation and shapes both APIs
share live in `settings.py` and `preview.py`."""
