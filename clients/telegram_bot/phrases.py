"""What the bot says to people (Russian UI, HTML): how to link, who they are, what they may do,
why something was not done and what to do about it. Every piece of outside text is escaped.
Callback answers (`*_ALERT`, `answer_*`) are plain text within Telegram's 200 characters."""

from __future__ import annotations

from switchboard_sdk import QuotaExceeded, SwitchboardError, TelegramLink

from clients.telegram_bot.people import may_administer, role_name
from clients.telegram_bot.render import escape

GET_A_CODE = ("получите одноразовый код в веб-инбоксе Switchboard (или через API: "
              "<code>POST /v1/telegram/link-codes</code>)")


def how_to_link(bot_username: str | None) -> str:
    where = f"мне (@{escape(bot_username)})" if bot_username else "мне"
    return (f"Чтобы работать через бота, свяжите Telegram с аккаунтом Switchboard: {GET_A_CODE} "
            f"и отправьте {where} в личные сообщения <code>/start КОД</code>.")


def linked(link: TelegramLink) -> str:
    user = link.user
    who = escape(user.name or user.email)
    return (f"✅ Готово, {who}! Этот Telegram связан с аккаунтом Switchboard "
            f"({escape(user.email)}), роль: {role_name(link)}.\n\n{help_text(link, None)}")


def code_refused(api_message: str) -> str:
    return (f"Код не подошёл: «{escape(api_message)}».\nКод действует 10 минут и один раз: "
            f"{GET_A_CODE} и отправьте <code>/start НОВЫЙ_КОД</code>.")


def link_conflict(api_message: str) -> str:
    return (f"Связать не получилось: «{escape(api_message)}». Если ваш пользователь отключён, "
            "обратитесь к владельцу аккаунта Switchboard.")


INACTIVE = ("Ваш пользователь Switchboard отключён: бот ничего не делает от вашего имени. "
            "Обратитесь к владельцу аккаунта.")


def help_text(link: TelegramLink | None, bot_username: str | None) -> str:
    """The commands and actions for the person's role."""
    if link is None:
        return how_to_link(bot_username) + "\n\n/help — эта справка."
    if not link.user.active:
        return INACTIVE
    lines = [f"Вы: {escape(link.user.name or link.user.email)}, {role_name(link)}.",
             "В группе менеджеров каждый диалог — отдельная тема:",
             "• напишите в теме — текст или фото уйдёт покупателю; 👍 на вашем сообщении — "
             "доставлено, ответ с ⚠️ — не доставлено и почему;",
             "• кнопки на карточке: взять себе, вернуть ИИ, решён, открыть снова, прочитано."]
    if may_administer(link):
        lines += ["/link в группе — подключить её (супергруппа с темами, бот — администратор "
                  "с правом «Управление темами»);",
                  "/unlink в подключённой группе — отключить её."]
    lines.append("/help — эта справка.")
    return "\n".join(lines)


# /link and /unlink.
NOT_A_SUPERGROUP = ("Эта группа не подходит: нужна супергруппа с темами. Включите «Темы» в "
                    "настройках группы (Telegram сделает её супергруппой) и отправьте /link ещё раз.")
NO_TOPICS = "В группе выключены темы: включите «Темы» в настройках группы и отправьте /link ещё раз."
NOT_ADMIN = ("Сделайте меня администратором группы с правом «Управление темами» и отправьте "
             "/link ещё раз.")
NO_TOPIC_RIGHT = ("У меня нет права «Управление темами»: дайте его в настройках администраторов "
                  "и отправьте /link ещё раз.")
ALREADY_LINKED = "Эта группа уже подключена: диалоги приходят сюда темами."
CONFIRM_LINK = ("Подключить эту группу к Switchboard? Каждый диалог станет темой с карточкой, "
                "ответы из тем уйдут покупателям.\nПодтвердить может владелец или администратор "
                "аккаунта, связанный с ботом.")
GROUP_LINKED_ALERT = "Группа подключена: новые диалоги появятся здесь темами."
ONLY_ADMINS_LINK = "Подключать и отключать группу может только владелец или администратор."
NOT_LINKED_GROUP = "Эта группа не подключена: подключить её — /link."
GROUP_UNLINKED = "Группа отключена: диалоги сюда больше не приходят. Подключить снова — /link."


def group_linked(link: TelegramLink, title: str) -> str:
    return (f"✅ Группа «{escape(title)}» подключена ({escape(link.user.name or link.user.email)}). "
            "Новые диалоги появятся здесь темами.")


def only_admins(link: TelegramLink) -> str:
    return f"{ONLY_ADMINS_LINK} Ваша роль: {role_name(link)}."


# Callback answers: plain text, at most 200 characters.
NOT_LINKED_ALERT = ("Вы не связаны с аккаунтом Switchboard: получите код в веб-инбоксе и "
                    "отправьте боту в личные сообщения /start КОД.")
INACTIVE_ALERT = "Ваш пользователь Switchboard отключён: обратитесь к владельцу аккаунта."
STALE_BUTTON = "Эта кнопка больше не действует."


def alert_text(text: str) -> str:
    return text if len(text) <= 200 else text[:199] + "…"


# Replies from topics.
ONLY_TEXT_AND_PHOTOS = "Покупателю можно отправить текст или фото: это сообщение не отправлено."
DELIVERED = "✓ Доставлено покупателю"


def not_sent(error: SwitchboardError) -> str:
    """The platform refused the reply (a 4xx): why, and what to do."""
    return f"⚠️ Не отправлено: {escape(error.message)}\n{what_to_do(error)}"


def refused(error: SwitchboardError) -> str:
    """The platform refused what a command asked (a 4xx): why, and what to do."""
    return f"⚠️ Не получилось: {escape(error.message)}\n{what_to_do(error)}"


def not_delivered(reason: str | None) -> str:
    why = escape(reason) if reason else "канал не сообщил причину"
    return f"⚠️ Не доставлено покупателю: {why}"


def what_to_do(error: SwitchboardError) -> str:
    status = error.status or 0
    if isinstance(error, QuotaExceeded):  # a 403 too, but no matter of the key's rights
        until = f" (счётчик обнулится {error.resets_at[:10]})" if error.resets_at else ""
        return (f"Исчерпан лимит тарифа «{escape(error.plan)}»{until}: владелец аккаунта может "
                "сменить тариф.")
    if status in (401, 403) or error.code in ("UNAUTHENTICATED", "FORBIDDEN"):
        return "У ключа бота нет прав на это: зарегистрируйте бота заново (владелец аккаунта)."
    if status == 404 or error.code == "NOT_FOUND":
        return "Диалога больше нет на платформе."
    if status == 409 or error.code in ("CONFLICT", "FAILED_PRECONDITION"):
        return "Сейчас это сделать нельзя: проверьте диалог в веб-инбоксе."
    return "Исправьте и отправьте ещё раз."
