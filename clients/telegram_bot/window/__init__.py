"""The single window, platform -> Telegram: the tenant's live events followed (`follow.py`), a
forum topic per conversation with its card (`topics.py`), every message posted once
(`posting.py`), replies' delivery shown (`delivery.py`), gaps reconciled (`reconcile.py`)."""
