"""`reply_markup`: inline keyboards checked as Telegram checks them (kept on the message),
reply keyboards, keyboard removal and force reply accepted (not shown on the message)."""

from __future__ import annotations

from typing import Any

from switchboard.emulators.telegram.model import bad_request

_ACTIONS = ("callback_data", "url", "login_url", "switch_inline_query",
            "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
            "callback_game", "pay", "web_app")
_OTHER_KINDS = ("keyboard", "remove_keyboard", "force_reply")
MAX_CALLBACK_BYTES = 64
MAX_BUTTONS = 100


def parse(markup: Any) -> dict[str, Any] | None:
    """The inline keyboard to keep on the message, None for none; 400 when refused."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        if any(kind in markup for kind in _OTHER_KINDS):
            return None
        raise bad_request("can't parse reply keyboard markup JSON object")
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("can't parse inline keyboard button: field \"inline_keyboard\" must "
                          "be an Array of Arrays")
    if sum(len(row) for row in rows) > MAX_BUTTONS:
        raise bad_request("reply markup is too long")
    kept = [[_button(button) for button in row] for row in rows if row]
    return {"inline_keyboard": kept} if kept else None


def _button(button: Any) -> dict[str, Any]:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request("can't parse inline keyboard button: Text must be non-empty")
    actions = [name for name in _ACTIONS if name in button]
    if not actions:
        raise bad_request("can't parse inline keyboard button: Text buttons are unallowed in "
                          "the inline keyboard")
    data = button.get("callback_data")
    if data is not None and (not isinstance(data, str)
                             or not 1 <= len(data.encode()) <= MAX_CALLBACK_BYTES):
        raise bad_request("BUTTON_DATA_INVALID")
    url = button.get("url")
    if url is not None and (not isinstance(url, str)
                            or not url.startswith(("http://", "https://", "tg://"))):
        raise bad_request("BUTTON_URL_INVALID")
    return {"text": button["text"], **{name: button[name] for name in actions}}


def callback_data(keyboard: dict[str, Any] | None) -> set[str]:
    """The callback_data of every button of a message's inline keyboard."""
    rows = (keyboard or {}).get("inline_keyboard", [])
    return {b["callback_data"] for row in rows for b in row if "callback_data" in b}
