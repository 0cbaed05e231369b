"""What the owner's console and the alerts say (Russian UI, HTML; outside text escaped)."""

from __future__ import annotations

from datetime import datetime

from switchboard_sdk import (
    AgentHealth,
    Channel,
    ChannelDiagnostics,
    ChannelStatus,
    SwitchboardError,
    WebhookEndpoint,
    WebhookEndpointState,
)

from clients.telegram_bot.render import escape

ONLY_ADMINS = "Менять настройки может только владелец или администратор аккаунта."
NO_ACCOUNTS = "Аккаунтов Авито пока нет."
CONNECT_HINT = "Подключить аккаунт Авито — кнопка ниже."
ASK_NAME = ("Подключаем аккаунт Авито. Как его назвать (например, «Магазин на Ленина»)?\n"
            "/cancel — выйти.")
ASK_CLIENT_ID = ("Пришлите <b>client_id</b> со страницы Авито для разработчиков "
                 "(developers.avito.ru → «Приложения»).\n"
                 "Или подключите через Авито без секрета — кнопка ниже. /cancel — выйти.")
ASK_CLIENT_KEY = ("Теперь пришлите <b>client_secret</b>. Сообщение с ним я сразу удалю из чата.\n"
              "/cancel — выйти.")
CHECKING = "Проверяю ключи у Авито…"
CANCELLED = "Диалог прерван: ничего не изменено."
NOTHING_TO_CANCEL = "Сейчас нет начатого диалога."
TEXT_PLEASE = "Пришлите ответ текстом (или /cancel — выйти)."
KEY_MESSAGE_DELETED = "🔒 Сообщение с секретом удалено."
TRY_LATER = "Платформа не ответила. Пришлите client_secret ещё раз через минуту (или /cancel)."
AI_TITLE = "🤖 <b>ИИ по аккаунтам</b> (кнопка переключает):"
DISCONNECT_ASK = ("Отключить аккаунт «{name}»? Вебхук будет снят, синхронизация и отправка "
                  "остановятся; диалоги останутся. Подключить снова можно через /accounts.")
DISCONNECTED = "Аккаунт отключён."
SYNC_STARTED = "Синхронизация запущена: пропущенное придёт в течение минуты."


def connect_refused(error: SwitchboardError) -> str:
    return (f"⚠️ Авито не принял ключи: «{escape(error.message)}».\nПроверьте client_id и "
            "client_secret на developers.avito.ru и пришлите client_secret ещё раз, или "
            "/cancel и начните заново.")


def connected(channel: Channel) -> str:
    return f"✅ Аккаунт «{escape(channel.name)}» подключён."


def authorize(url: str) -> str:
    return (f"Откройте ссылку и разрешите доступ в Авито — аккаунт подключится сам:\n"
            f'<a href="{escape(url)}">разрешить доступ</a>')


def _when(at: datetime | None) -> str:
    return at.strftime("%d.%m %H:%M UTC") if at else "не было"


def account(channel: Channel, ai_enabled: bool | None,
            diagnosis: ChannelDiagnostics | None) -> str:
    active = channel.status == ChannelStatus.ACTIVE
    lines = [f"<b>{escape(channel.name)}</b> · {escape(str(channel.kind).lower())} · "
             f"{'подключён' if active else 'отключён'}",
             f"Вебхук: {'вкл' if channel.webhook_enabled else 'выкл'}, последний — "
             f"{_when(channel.last_webhook_at)}; синхронизация — {_when(channel.last_sync_at)}"]
    if ai_enabled is not None:
        lines.append(f"ИИ: {'вкл' if ai_enabled else 'выкл'}")
    if diagnosis is not None:
        lines += [problem(check.name, check.message, check.fix)
                  for check in diagnosis.checks if not check.ok]
    return "\n".join(lines)


def problem(name: str, message: str, fix: str | None) -> str:
    what_to_do = f" — {escape(fix)}" if fix else ""
    return f"⚠️ {escape(name)}: {escape(message)}{what_to_do}"


def ai_line(channel: Channel, enabled: bool) -> str:
    return f"• {escape(channel.name)}: {'вкл' if enabled else 'выкл'}"


# Alerts (the group's General topic, and the conversation's topic for a handoff).

def managers_called(mentions: list[str]) -> str:
    who = ", ".join(mentions) if mentions else "менеджеры"
    return f"🙋 {who}: ИИ передал диалог — нужен менеджер."


def mention(username: str | None, user_id: int, name: str) -> str:
    if username:
        return "@" + escape(username)
    return f'<a href="tg://user?id={user_id}">{escape(name or "менеджер")}</a>'


def handoff_overdue(after_s: float, title: str, link: str | None) -> str:
    where = f'<a href="{escape(link)}">{escape(title)}</a>' if link else escape(title)
    # Minutes as configured (10 by default); a setting under a minute is told in seconds.
    waited = f"{round(after_s / 60)} мин" if after_s >= 60 else f"{max(1, round(after_s))} с"
    return f"⏰ Диалог «{where}» ждёт менеджера больше {waited}: ИИ передал его, никто не взял."


def channel_problems(name: str, problems: list[str]) -> str:
    return f"🚨 Проблема с аккаунтом «{escape(name)}»:\n" + "\n".join(problems)


def channel_fine(name: str) -> str:
    return f"✅ Аккаунт «{escape(name)}»: проблемы устранены, всё работает."


# The agent's model: what failed, by the error's kind, and what to do about it.
MODEL_FAILURES = {
    "auth": ("401/403 — ключ API отклонён", "Проверьте ключ API в настройках агента"),
    "model_not_found": ("404 — модель не найдена", "Проверьте название модели в настройках агента"),
    "rate_limited": ("429 — исчерпан лимит или квота", "Пополните баланс или поднимите лимит у "
                     "провайдера модели"),
    "unavailable": ("провайдер не отвечает (таймаут, ошибка 5xx или нет соединения)",
                    "Проверьте адрес модели в настройках агента и статус провайдера"),
    "empty_answer": ("модель возвращает пустые ответы", "Проверьте модель в настройках агента"),
}
UNKNOWN_FAILURE = ("ошибка модели", "Проверьте ключ и модель в настройках агента")


def _dialogs(count: int) -> str:
    tail = count % 100
    if 11 <= tail <= 14 or count % 10 in (0, 5, 6, 7, 8, 9):
        return f"{count} диалогов переданы"
    return f"{count} диалог передан" if count % 10 == 1 else f"{count} диалога переданы"


def model_failing(health: AgentHealth) -> str:
    kind = health.last_error.kind if health.last_error else ""
    what, fix = MODEL_FAILURES.get(kind, UNKNOWN_FAILURE)
    since = f" с {_when(health.failing_since)}" if health.failing_since else ""
    handed = health.handed_over_last_hour
    told = f"; {_dialogs(handed)} менеджерам за последний час" if handed else ""
    return (f"🚨 ИИ-модель не отвечает{since}: {escape(what)}{told}. "
            f"{escape(fix)} или выключите ИИ: /ai")


def model_recovered(health: AgentHealth) -> str:
    since = f" (с {_when(health.last_success)})" if health.last_success else ""
    return f"✅ ИИ-модель снова отвечает{since}: агент отвечает покупателям."


def webhook_failing(endpoint: WebhookEndpoint) -> str:
    name = escape(endpoint.description or endpoint.url)
    reason = escape(endpoint.paused_reason or "нет ответа")
    if endpoint.state == WebhookEndpointState.PAUSED:
        probe = f" Следующая проверка — {_when(endpoint.breaker_probe_at)}." \
            if endpoint.breaker_probe_at else ""
        return (f"🚨 Вебхук «{name}» приостановлен после "
                f"{endpoint.consecutive_failures} неудачных доставок: {reason}.{probe} "
                "События не теряются: они ждут и уйдут по порядку, когда адрес снова ответит.")
    return (f"🚨 Вебхук «{name}» выключен: {reason}. События на него больше не записываются; "
            "включите его снова в настройках вебхуков, когда адрес заработает.")


def webhook_recovered(endpoint: WebhookEndpoint) -> str:
    name = escape(endpoint.description or endpoint.url)
    return f"✅ Вебхук «{name}» снова принимает события: накопленные доставляются по порядку."

