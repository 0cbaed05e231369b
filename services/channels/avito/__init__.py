"""Avito: the HTTP API client, its typed errors, and webhook normalization."""
