"""The telegram_bot component: the runner of tenants' Telegram bots (`clients.telegram_bot`)
composed with the platform (its bot registry, its durable of updates, health and metrics)."""
