"""Tenants' Telegram bots at the edge: REST `/v1/telegram/bots`, GraphQL `telegramBots` and the
mutations, sharing `bots.py`; their updates arrive at gateway/webhooks/telegram.py."""
