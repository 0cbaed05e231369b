"""The managers' group, Telegram -> platform: linking it (`link.py`), replies typed in topics
(`replies.py`), the card's buttons (`buttons.py`, `card_actions.py`)."""
