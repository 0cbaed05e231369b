"""setMessageReaction: a bot's reaction to a message, as Telegram lets bots react: at most one
reaction (bots are not premium), an emoji from Telegram's reaction set, a custom emoji only if
the message already carries it, never a paid one. An empty list takes the bot's reaction off.
No message_reaction updates are made (the emulator has no reaction updates)."""

from __future__ import annotations

from typing import Any

from switchboard.emulators.telegram import access
from switchboard.emulators.telegram.methods.call import Call, Handler
from switchboard.emulators.telegram.model import bad_request

# ReactionTypeEmoji.emoji: the emoji Telegram accepts as a reaction (Bot API, ReactionTypeEmoji).
EMOJI = frozenset((
    "👍", "👎", "❤", "🔥", "🥰", "👏", "😁", "🤔", "🤯", "😱", "🤬", "😢", "🎉", "🤩", "🤮", "💩",
    "🙏", "👌", "🕊", "🤡", "🥱", "🥴", "😍", "🐳", "❤\u200d🔥", "🌚", "🌭", "💯", "🤣", "⚡",
    "🍌", "🏆", "💔", "🤨", "😐", "🍓", "🍾", "💋", "🖕", "😈", "😴", "😭", "🤓", "👻",
    "👨\u200d💻", "👀", "🎃", "🙈", "😇", "😨", "🤝", "✍", "🤗", "🫡", "🎅", "🎄", "☃", "💅",
    "🤪", "🗿", "🆒", "💘", "🙉", "🦄", "😘", "💊", "🙊", "😎", "👾", "🤷\u200d♂", "🤷",
    "🤷\u200d♀", "😡"))


def _reaction(value: Any, present: list[dict[str, Any]]) -> dict[str, Any]:
    """One ReactionType as stored; 400 REACTION_INVALID for what a bot may not set."""
    kind = value.get("type") if isinstance(value, dict) else None
    if kind == "emoji" and value.get("emoji") in EMOJI:
        return {"type": "emoji", "emoji": value["emoji"]}
    if kind == "custom_emoji" and isinstance(value.get("custom_emoji_id"), str):
        wanted = {"type": "custom_emoji", "custom_emoji_id": value["custom_emoji_id"]}
        if wanted in present:  # a custom emoji already on the message (no chat settings here)
            return wanted
    raise bad_request("REACTION_INVALID")


async def set_message_reaction(call: Call) -> bool:
    p = call.params
    chat = access.chat_to_write(call.world, call.bot, p.chat_id())
    message = access.message(chat, p.integer("message_id"), "MESSAGE_ID_INVALID")
    given = p.structure("reaction", "reaction types") or []
    if not isinstance(given, list):
        raise bad_request("can't parse reaction types JSON object")
    if len(given) > 1:
        raise bad_request("REACTIONS_TOO_MANY")
    present = [r for reactions in message.reactions.values() for r in reactions]
    chosen = [_reaction(value, present) for value in given]
    key = str(call.bot.id)
    if chosen:
        message.reactions[key] = chosen
    else:
        message.reactions.pop(key, None)
    call.world.dirty = True
    return True


METHODS: dict[str, Handler] = {"setmessagereaction": set_message_reaction}
