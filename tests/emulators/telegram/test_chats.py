"""Users and chats as the control plane sets them up, and what bots see of them: the bot
added to a group (my_chat_member and the service message), privacy mode, blocking,
getChat and getChatMember, the command list."""

from __future__ import annotations

from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats

from tests.emulators.telegram.helpers import Telegram, ok, refused


async def test_adding_the_bot_to_a_group_tells_it(telegram: Telegram) -> None:
    bot, owner = await telegram.bot(), await telegram.user(first_name="Олег")
    chat = await telegram.chat(title="Менеджеры", members=[{"user_id": owner["id"],
                                                              "status": "creator"}])
    made = (await telegram.ok("PUT", f"/chats/{chat['id']}/members/{bot['id']}", json={
        "user_id": bot["id"], "status": "administrator", "rights": {"can_manage_topics": True}}
    ))["updates"]
    kinds = [next(k for k in m["update"] if k != "update_id") for m in made]
    assert kinds == ["my_chat_member", "message"]
    change = made[0]["update"]["my_chat_member"]
    assert (change["old_chat_member"]["status"], change["new_chat_member"]["status"]) == (
        "left", "administrator")
    assert change["from"]["id"] == owner["id"] and change["chat"]["id"] == chat["id"]
    assert made[1]["update"]["message"]["new_chat_members"][0]["id"] == bot["id"]
    member = await telegram.aiogram(bot).get_chat_member(chat["id"], bot["id"])
    assert member.status == "administrator" and member.can_manage_topics is True  # type: ignore[union-attr]
    info = await telegram.aiogram(bot).get_chat(chat["id"])
    assert (info.type, info.title) == ("supergroup", "Менеджеры")


async def test_privacy_mode_lets_commands_replies_and_mentions_through(telegram: Telegram) -> None:
    bot = await telegram.bot(username="shop_bot")
    owner = await telegram.user()
    chat = await telegram.chat(type="group", title="Группа", members=[
        {"user_id": owner["id"], "status": "creator"}, {"user_id": bot["id"], "status": "member"}])
    own = ok(await telegram.api(bot, "sendMessage", chat_id=chat["id"], text="Я тут"))
    seen = []
    for spec in ({"text": "просто болтовня"}, {"text": "/stats@shop_bot"}, {"text": "/stats"},
                 {"text": "/stats@other_bot"}, {"text": "ответ", "reply_to_message_id":
                                                own["message_id"]}, {"text": "эй @shop_bot"}):
        written = await telegram.write(chat_id=chat["id"], from_user_id=owner["id"], **spec)
        seen.append(bool(written["updates"]))
    assert seen == [False, True, True, False, True, True]


async def test_blocking_and_unblocking_tell_the_bot(telegram: Telegram) -> None:
    bot, user = await telegram.private_pair()
    path = f"/bots/{bot['id']}/users/{user['id']}"
    [blocked] = (await telegram.ok("PUT", path, json={"status": "blocked"}))["updates"]
    change = blocked["update"]["my_chat_member"]
    assert (change["old_chat_member"]["status"], change["new_chat_member"]["status"]) == (
        "member", "kicked")
    response = await telegram.http.post("/_emulator/messages", json={
        "bot_id": bot["id"], "from_user_id": user["id"], "text": "hi"})
    assert response.status_code == 409
    [unblocked] = (await telegram.ok("PUT", path, json={"status": "started"}))["updates"]
    assert unblocked["update"]["my_chat_member"]["new_chat_member"]["status"] == "member"
    assert ok(await telegram.api(bot, "getChat", chat_id=user["id"]))["first_name"] == "Анна"


async def test_get_chat_member_and_unknown_chats(telegram: Telegram) -> None:
    bot, owner, outsider = await telegram.bot(), await telegram.user(), await telegram.user()
    chat = await telegram.chat(title="Группа", members=[
        {"user_id": owner["id"], "status": "creator"}, {"user_id": bot["id"], "status": "member"}])
    client = telegram.aiogram(bot)
    assert (await client.get_chat_member(chat["id"], owner["id"])).status == "creator"
    assert (await client.get_chat_member(chat["id"], outsider["id"])).status == "left"
    refused(await telegram.api(bot, "getChatMember", chat_id=chat["id"], user_id=1), 400,
            "Bad Request: user not found")
    refused(await telegram.api(bot, "getChat", chat_id=-100123), 400, "Bad Request: chat not found")


async def test_commands_are_recorded(telegram: Telegram) -> None:
    bot = await telegram.bot()
    client = telegram.aiogram(bot)
    commands = [BotCommand(command="start", description="Начать"),
                BotCommand(command="report_now", description="Отчёт сейчас")]
    assert await client.set_my_commands(commands, scope=BotCommandScopeAllPrivateChats())
    expected = [c.model_dump(exclude_none=True) for c in commands]
    got = await client.get_my_commands(scope=BotCommandScopeAllPrivateChats())
    assert [c.model_dump(exclude_none=True) for c in got] == expected
    recorded = (await telegram.ok("GET", f"/bots/{bot['id']}/commands"))["commands"]
    assert list(recorded.values()) == [expected]
    refused(await telegram.api(bot, "setMyCommands", commands=[{"command": "Bad Name",
                                                                "description": "x"}]), 400,
            "Bad Request: BOT_COMMAND_INVALID")


async def test_the_control_plane_refuses_what_cannot_be(telegram: Telegram) -> None:
    bot = await telegram.bot()
    user = await telegram.user(username="taken_name")
    for path, body, status in [
        ("/users", {"username": "taken_name"}, 409),
        ("/bots", {"username": "not_a_b0t"}, 422),
        ("/chats", {"title": "x", "type": "group", "is_forum": True}, 422),
        ("/messages", {"from_user_id": user["id"], "bot_id": bot["id"]}, 422),
        ("/messages", {"from_user_id": user["id"], "chat_id": -1, "text": "x"}, 404),
        ("/faults", {"method": "sendMessage"}, 422),
    ]:
        response = await telegram.http.post(f"/_emulator{path}", json=body)
        assert response.status_code == status, (path, response.text)
