"""Tenants' Telegram bots: registering (token checked, webhook set), the linked group, removing,
and the tenant-less lookups of the gateway (webhook check) and the bot runner (credentials)."""
