"""setMessageReaction through aiogram and plain HTTP: a bot sets one reaction from Telegram's
set on a message in its group, replaces it, takes it off; what it may not set is refused with
Telegram's texts; the reactions survive a restart of the state file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.types import ReactionTypeEmoji

from switchboard.emulators.telegram.persistence import StateFile
from tests.emulators.telegram.conftest import Start
from tests.emulators.telegram.helpers import Telegram, ok, refused


async def _group_message(telegram: Telegram) -> tuple[dict[str, Any], dict[str, Any], int]:
    """A bot administrating a supergroup, and a person's message there (its id)."""
    bot, person = await telegram.bot(), await telegram.user(first_name="Ольга")
    group = await telegram.chat(type="supergroup", title="Магазин", members=[
        {"user_id": person["id"], "status": "creator"},
        {"user_id": bot["id"], "status": "administrator"}])
    written = await telegram.write(from_user_id=person["id"], chat_id=group["id"], text="Готово")
    return bot, group, int(written["message"]["message_id"])


async def _reactions(telegram: Telegram, chat_id: int, message_id: int) -> dict[str, Any]:
    history = await telegram.ok("GET", f"/chats/{chat_id}/messages")
    return next(m["reactions"] for m in history["messages"] if m["message_id"] == message_id)


async def test_a_bot_sets_replaces_and_removes_its_reaction(telegram: Telegram) -> None:
    bot, group, message_id = await _group_message(telegram)
    client = telegram.aiogram(bot)
    assert await client.set_message_reaction(group["id"], message_id,
                                             [ReactionTypeEmoji(emoji="👍")]) is True
    assert await _reactions(telegram, group["id"], message_id) == {
        str(bot["id"]): [{"type": "emoji", "emoji": "👍"}]}
    await client.set_message_reaction(group["id"], message_id, [ReactionTypeEmoji(emoji="👀")])
    assert await _reactions(telegram, group["id"], message_id) == {
        str(bot["id"]): [{"type": "emoji", "emoji": "👀"}]}
    ok(await telegram.api(bot, "setMessageReaction", chat_id=group["id"], message_id=message_id,
                          reaction=[]))
    assert await _reactions(telegram, group["id"], message_id) == {}


@pytest.mark.parametrize(("reaction", "description"), [
    ([{"type": "emoji", "emoji": "✅"}], "REACTION_INVALID"),  # not in Telegram's set
    ([{"type": "paid"}], "REACTION_INVALID"),
    ([{"type": "custom_emoji", "custom_emoji_id": "5368324170671202286"}], "REACTION_INVALID"),
    ([{"type": "emoji", "emoji": "👍"}, {"type": "emoji", "emoji": "🔥"}], "REACTIONS_TOO_MANY"),
    ("👍", "can't parse reaction types JSON object"),
])
async def test_what_a_bot_may_not_set_is_refused(telegram: Telegram, reaction: Any,
                                                 description: str) -> None:
    bot, group, message_id = await _group_message(telegram)
    refused(await telegram.api(bot, "setMessageReaction", chat_id=group["id"],
                               message_id=message_id, reaction=reaction),
            400, f"Bad Request: {description}")
    assert await _reactions(telegram, group["id"], message_id) == {}


async def test_no_such_message_or_chat_is_refused(telegram: Telegram) -> None:
    bot, group, message_id = await _group_message(telegram)
    client = telegram.aiogram(bot)
    with pytest.raises(TelegramBadRequest, match="MESSAGE_ID_INVALID"):
        await client.set_message_reaction(group["id"], message_id + 100,
                                          [ReactionTypeEmoji(emoji="👍")])
    stranger = await telegram.bot()
    with pytest.raises(TelegramForbiddenError, match="bot is not a member"):
        await telegram.aiogram(stranger).set_message_reaction(
            group["id"], message_id, [ReactionTypeEmoji(emoji="👍")])


async def test_reactions_are_kept_in_the_state_file(start: Start, tmp_path: Path) -> None:
    state = tmp_path / "telegram.json"
    first = await start(state_file=state, limits={"enabled": False})
    bot, group, message_id = await _group_message(first)
    ok(await first.api(bot, "setMessageReaction", chat_id=group["id"], message_id=message_id,
                       reaction=[{"type": "emoji", "emoji": "🔥"}]))
    StateFile(state).save(first.emulator)
    second = await start(state_file=state, limits={"enabled": False})
    assert await _reactions(second, group["id"], message_id) == {
        str(bot["id"]): [{"type": "emoji", "emoji": "🔥"}]}
