"""/accounts' buttons follow the account's kind: an Avito account has a webhook switch and
sync; a Telegram customer channel (a bot) has neither, only the AI switch and disconnect."""

from __future__ import annotations

from switchboard_sdk import Channel, ChannelKind, ChannelStatus

from clients.telegram_bot.console.accounts import account_keyboard


def _labels(channel: Channel) -> list[str]:
    return [label for row in account_keyboard(channel, ai_enabled=True) for label, _ in row]


def test_buttons_by_kind_and_status() -> None:
    assert _labels(Channel("a", ChannelKind.AVITO)) == [
        "🔕 Вебхук выкл", "🔄 Синхронизировать", "🤖 ИИ выкл", "✖️ Отключить"]
    assert _labels(Channel("t", ChannelKind.TELEGRAM)) == ["🤖 ИИ выкл", "✖️ Отключить"]
    assert _labels(Channel("d", status=ChannelStatus.DISCONNECTED)) == []
