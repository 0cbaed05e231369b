"""getMe, getChat, getChatMember, and the bot's command lists (setMyCommands and friends)."""

from __future__ import annotations

import json
import re
from typing import Any

from switchboard.emulators.telegram import access, render
from switchboard.emulators.telegram.methods.call import Call, Handler
from switchboard.emulators.telegram.model import LEFT, MEMBER, PRIVATE, Member, bad_request

COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
MAX_COMMANDS = 100
DESCRIPTION_LIMIT = 256


async def get_me(call: Call) -> dict[str, Any]:
    return render.me(call.bot, call.world.users[call.bot.id])


async def get_chat(call: Call) -> dict[str, Any]:
    chat = access.chat_to_read(call.world, call.bot, call.params.chat_id())
    person = call.world.users.get(chat.user_id) if chat.user_id is not None else None
    return render.chat_full_info(chat, person)


async def get_chat_member(call: Call) -> dict[str, Any]:
    chat = access.chat_to_read(call.world, call.bot, call.params.chat_id())
    user_id = call.params.integer("user_id")
    user = call.world.users.get(user_id) if user_id is not None else None
    if user is None:
        raise bad_request("user not found")
    if chat.type == PRIVATE:
        if user.id not in (chat.user_id, call.bot.id):
            raise bad_request("user not found")
        return render.member(Member(user.id, MEMBER), user)
    return render.member(chat.members.get(user.id) or Member(user.id, LEFT), user)


def _scope_key(call: Call) -> str:
    scope = call.params.structure("scope", "bot command scope") or {"type": "default"}
    if not isinstance(scope, dict) or not isinstance(scope.get("type"), str):
        raise bad_request("can't parse BotCommandScope JSON object")
    return json.dumps(scope, sort_keys=True) + "|" + (call.params.string("language_code") or "")


def _commands(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list):
        raise bad_request("can't parse commands JSON object")
    if len(value) > MAX_COMMANDS:
        raise bad_request("too many commands")
    commands = []
    for item in value:
        if not isinstance(item, dict) or not COMMAND.match(str(item.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        description = item.get("description")
        if not isinstance(description, str) or not 1 <= len(description) <= DESCRIPTION_LIMIT:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        commands.append({"command": item["command"], "description": description})
    return commands


async def set_my_commands(call: Call) -> bool:
    commands = _commands(call.params.structure("commands"))
    call.bot.commands[_scope_key(call)] = commands
    call.world.dirty = True
    return True


async def get_my_commands(call: Call) -> list[dict[str, str]]:
    return call.bot.commands.get(_scope_key(call), [])


async def delete_my_commands(call: Call) -> bool:
    if call.bot.commands.pop(_scope_key(call), None) is not None:
        call.world.dirty = True
    return True


METHODS: dict[str, Handler] = {
    "getme": get_me,
    "getchat": get_chat,
    "getchatmember": get_chat_member,
    "setmycommands": set_my_commands,
    "getmycommands": get_my_commands,
    "deletemycommands": delete_my_commands,
}
