"""The Telegram Bot API as channels calls it (aiogram 3): registering tenants' bots now, the
Telegram customer channel's adapter later."""
