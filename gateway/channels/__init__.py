"""Channel accounts (Avito, ...): connecting them, their webhook settings, sync and
diagnostics (the channel's own checks plus whether the AI agent answers on it)."""
