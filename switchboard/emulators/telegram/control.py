"""The `/_emulator` control plane (no auth): bots, users, chats and members, what users do
(actions.py), what bots sent, edited and deleted, faults, flood limits, the clock."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter

from switchboard.emulators.telegram import actions, render
from switchboard.emulators.telegram.emulator import Emulator, EmulatorDep
from switchboard.emulators.telegram.model import Bot, Chat, ControlError
from switchboard.emulators.telegram.schemas import (
    BotSpec,
    CallbackSpec,
    ChatSpec,
    ClockAdvance,
    FaultSpec,
    Limits,
    MemberSpec,
    MessageSpec,
    PrivateSpec,
    TopicSpec,
    UserSpec,
)

CONTROL_PREFIX = "/_emulator"
router = APIRouter(prefix=CONTROL_PREFIX, tags=["emulator control"])


def _bot(emulator: Emulator, bot: Bot) -> dict[str, Any]:
    user = emulator.world.users[bot.id]
    hook = bot.webhook
    return {"id": bot.id, "token": bot.token, "username": user.username,
            "first_name": user.first_name, "can_join_groups": bot.can_join_groups,
            "can_read_all_group_messages": bot.can_read_all_group_messages,
            "webhook": None if hook is None else {"url": hook.url,
                                                  "secret_token": hook.secret_token},
            "allowed_updates": bot.allowed_updates, "pending_update_count": len(bot.pending),
            "flood_refusals": emulator.limiter.refused.get(bot.id, 0),
            "private_chats": {str(user_id): status for user_id, status in bot.private.items()}}


def _chat(chat: Chat) -> dict[str, Any]:
    return {"id": chat.id, "type": chat.type, "title": chat.title, "username": chat.username,
            "is_forum": chat.is_forum,
            "members": [{"user_id": m.user_id, "status": m.status, "rights": m.rights,
                         "custom_title": m.custom_title} for m in chat.members.values()],
            "topics": [render.topic(t) for t in chat.topics.values()]}


@router.post("/bots")
async def create_bot(spec: BotSpec, emulator: EmulatorDep) -> dict[str, Any]:
    return _bot(emulator, emulator.world.create_bot(spec))


@router.get("/bots")
async def list_bots(emulator: EmulatorDep) -> dict[str, Any]:
    return {"bots": [_bot(emulator, bot) for bot in emulator.world.bots.values()]}


@router.get("/bots/{bot_id}")
async def get_bot(bot_id: int, emulator: EmulatorDep) -> dict[str, Any]:
    return _bot(emulator, emulator.world.bot(bot_id))


@router.put("/bots/{bot_id}/users/{user_id}")
async def set_private(bot_id: int, user_id: int, spec: PrivateSpec,
                      emulator: EmulatorDep) -> dict[str, Any]:
    """The user starts (`started`) or blocks (`blocked`) the bot."""
    return {"updates": actions.set_private(emulator, bot_id, user_id, spec)}


@router.get("/bots/{bot_id}/sent")
async def sent(bot_id: int, emulator: EmulatorDep, chat_id: int | None = None,
               message_thread_id: int | None = None, method: str | None = None,
               after_seq: int = 0) -> dict[str, Any]:
    """What the bot sent (oldest first), each message as it is now, with its edits."""
    world, bot = emulator.world, emulator.world.bot(bot_id)
    records = []
    for record in bot.sent:
        if record.seq <= after_seq or chat_id not in (None, record.chat_id) \
                or method not in (None, record.method):
            continue
        chat = world.private_chat(bot, record.chat_id) if record.chat_id > 0 \
            else world.groups[record.chat_id]
        message = chat.messages[record.message_id]
        if message_thread_id not in (None, message.thread_id):
            continue
        records.append({"seq": record.seq, "method": record.method, "chat_id": chat.id,
                        "message_id": message.message_id, "message_thread_id": message.thread_id,
                        "date": message.date, "recorded_at": record.at,
                        "deleted": message.deleted, "edits": message.edits,
                        "message": emulator.render(chat, message)})
    return {"sent": records}


@router.get("/bots/{bot_id}/deleted")
async def deleted(bot_id: int, emulator: EmulatorDep) -> dict[str, Any]:
    bot = emulator.world.bot(bot_id)
    return {"deleted": [{"chat_id": d.chat_id, "message_id": d.message_id, "date": d.date,
                         "message": d.message} for d in bot.deleted]}


@router.get("/bots/{bot_id}/callbacks")
async def callbacks(bot_id: int, emulator: EmulatorDep) -> dict[str, Any]:
    """Callback queries made for the bot and how it answered them (`answer`: null if not)."""
    bot = emulator.world.bot(bot_id)
    return {"callbacks": [asdict(c) for c in bot.callbacks.values()]}


@router.get("/bots/{bot_id}/commands")
async def commands(bot_id: int, emulator: EmulatorDep) -> dict[str, Any]:
    """setMyCommands as recorded: by `<scope JSON>|<language_code>`."""
    return {"commands": emulator.world.bot(bot_id).commands}


@router.get("/bots/{bot_id}/updates")
async def pending(bot_id: int, emulator: EmulatorDep) -> dict[str, Any]:
    """Updates not yet confirmed (getUpdates) or delivered (webhook), oldest first."""
    bot = emulator.world.bot(bot_id)
    emulator.updates.purge(bot)
    return {"updates": [u.body for u in bot.pending]}


@router.get("/bots/{bot_id}/deliveries")
async def deliveries(bot_id: int, emulator: EmulatorDep) -> dict[str, Any]:
    """Webhook attempts, oldest first: update_id, url, at, status_code, error."""
    emulator.world.bot(bot_id)
    return {"deliveries": list(emulator.webhooks.logs.get(bot_id, []))}


@router.post("/users")
async def create_user(spec: UserSpec, emulator: EmulatorDep) -> dict[str, Any]:
    return render.user(emulator.world.create_user(spec))


@router.get("/users")
async def list_users(emulator: EmulatorDep) -> dict[str, Any]:
    return {"users": [render.user(u) for u in emulator.world.users.values() if not u.is_bot]}


@router.post("/chats")
async def create_chat(spec: ChatSpec, emulator: EmulatorDep) -> dict[str, Any]:
    """Members given here are in the chat from the start: no updates are made for them."""
    return _chat(emulator.world.create_chat(spec))


@router.get("/chats")
async def list_chats(emulator: EmulatorDep) -> dict[str, Any]:
    return {"chats": [_chat(c) for c in emulator.world.groups.values()]}


@router.get("/chats/{chat_id}")
async def get_chat(chat_id: int, emulator: EmulatorDep) -> dict[str, Any]:
    return _chat(emulator.world.group(chat_id))


@router.put("/chats/{chat_id}/members/{user_id}")
async def set_member(chat_id: int, user_id: int, spec: MemberSpec,
                     emulator: EmulatorDep) -> dict[str, Any]:
    if spec.user_id != user_id:
        raise ControlError(422, "user_id in the body differs from the path's")
    return {"updates": actions.set_member(emulator, chat_id, spec)}


@router.get("/chats/{chat_id}/topics")
async def topics(chat_id: int, emulator: EmulatorDep) -> dict[str, Any]:
    return {"topics": [render.topic(t) for t in emulator.world.group(chat_id).topics.values()]}


@router.post("/chats/{chat_id}/topics")
async def open_topic(chat_id: int, spec: TopicSpec, emulator: EmulatorDep) -> dict[str, Any]:
    return actions.open_topic(emulator, chat_id, spec)


@router.get("/chats/{chat_id}/messages")
async def chat_messages(chat_id: int, emulator: EmulatorDep, bot_id: int | None = None,
                        message_thread_id: int | None = None) -> dict[str, Any]:
    """A chat's whole history, deleted messages included (`deleted`), with the reactions
    bots set (`reactions`: bot id -> ReactionTypes); a private chat is named by the user's id
    and `bot_id`."""
    world = emulator.world
    if chat_id > 0:
        if bot_id is None:
            raise ControlError(422, "a private chat needs bot_id")
        chat = world.private.get((bot_id, chat_id))
        if chat is None:
            raise ControlError(404, f"no chat of bot {bot_id} with user {chat_id}")
    else:
        chat = world.group(chat_id)
    return {"messages": [{**emulator.render(chat, m), "deleted": m.deleted,
                          "reactions": m.reactions}
                         for m in chat.messages.values()
                         if message_thread_id in (None, m.thread_id)]}


@router.post("/messages")
async def write(spec: MessageSpec, emulator: EmulatorDep) -> dict[str, Any]:
    return actions.write(emulator, spec)


@router.post("/callback_queries")
async def press(spec: CallbackSpec, emulator: EmulatorDep) -> dict[str, Any]:
    return actions.press(emulator, spec)


@router.get("/faults")
async def faults(emulator: EmulatorDep) -> dict[str, Any]:
    return emulator.faults.snapshot()


@router.post("/faults")
async def add_fault(spec: FaultSpec, emulator: EmulatorDep) -> dict[str, Any]:
    emulator.faults.add(spec)
    return emulator.faults.snapshot()


@router.delete("/faults")
async def clear_faults(emulator: EmulatorDep) -> dict[str, Any]:
    emulator.faults.clear()
    return emulator.faults.snapshot()


@router.get("/limits")
async def limits(emulator: EmulatorDep) -> Limits:
    return emulator.limiter.limits


@router.put("/limits")
async def set_limits(body: Limits, emulator: EmulatorDep) -> Limits:
    emulator.limiter.limits = body
    return body


@router.post("/clock")
async def advance_clock(body: ClockAdvance, emulator: EmulatorDep) -> dict[str, Any]:
    emulator.clock.advance(body.advance_seconds)
    return {"now": emulator.clock.now()}
