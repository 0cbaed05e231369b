"""A bot's way out to Telegram: the send queue (`queue.py`) and the flood-limit bookkeeping it
paces by (`pacing.py`)."""
