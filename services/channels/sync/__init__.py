"""Reconciliation with Avito: the due-account scheduler, one pass per account (what webhooks
missed), and the listing cache that enriches conversations."""
