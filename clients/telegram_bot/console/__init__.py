"""The owner's console in a private chat and the alerts: `/start` linking (`private.py`),
`/accounts` and the guided connect (`accounts.py`, `connect.py`), dialogs kept in the store
(`fsm.py`, `store.py`), alerts (`alerts.py`), what it says (`phrases.py`)."""
