"""Exports of conversations and messages to XLSX and CSV, run as jobs whose state and file live
in PostgreSQL (schema `identity`), so any gateway replica reports on and serves any export."""
