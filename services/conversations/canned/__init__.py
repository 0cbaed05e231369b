"""Canned replies: a tenant's saved answers (`service.py`), their SQL (`repository.py`)."""
