"""The sandbox's state file: bots, chats, messages and pending updates survive a restart, and
ids stay unique when the file is older than the last ids given out (a crash between saves)."""

from __future__ import annotations

import shutil
from pathlib import Path

from switchboard.emulators.telegram.persistence import StateFile
from tests.emulators.telegram.conftest import Start
from tests.emulators.telegram.helpers import ok, serving
from tests.emulators.telegram.test_polling import texts


async def test_the_sandbox_survives_a_restart(start: Start, tmp_path: Path) -> None:
    path = tmp_path / "telegram.json"
    first = await start(state_file=path)
    bot, user = await first.private_pair()
    chat = await first.chat(title="Темы", is_forum=True, members=[
        {"user_id": user["id"], "status": "creator"},
        {"user_id": bot["id"], "status": "administrator"}])
    topic = ok(await first.api(bot, "createForumTopic", chat_id=chat["id"], name="Иван"))
    await first.write(bot_id=bot["id"], from_user_id=user["id"], photo={})
    await first.write(chat_id=chat["id"], from_user_id=user["id"], text="в теме",
                      message_thread_id=topic["message_thread_id"])
    StateFile(path).save(first.emulator)

    again = await start(state_file=path)
    pending = ok(await again.api(bot, "getUpdates"))
    assert [next(k for k in u if k != "update_id") for u in pending] == ["message", "message"]
    file_id = pending[0]["message"]["photo"][-1]["file_id"]
    assert ok(await again.api(bot, "getFile", file_id=file_id))["file_path"].startswith("photos/")
    topics = ok(await again.api(bot, "getChat", chat_id=chat["id"]))
    assert topics["is_forum"] is True
    sent = ok(await again.api(bot, "sendMessage", chat_id=chat["id"], text="после",
                              message_thread_id=topic["message_thread_id"]))
    assert sent["message_thread_id"] == topic["message_thread_id"]


async def test_ids_stay_unique_after_a_crash_between_saves(start: Start, tmp_path: Path) -> None:
    path, older = tmp_path / "telegram.json", tmp_path / "older.json"
    first = await start(state_file=path)
    bot, user = await first.private_pair()
    await first.write(bot_id=bot["id"], from_user_id=user["id"], text="сохранено")
    StateFile(path).save(first.emulator)
    shutil.copy(path, older)
    lost = await first.write(bot_id=bot["id"], from_user_id=user["id"], text="после сохранения")

    restarted = await start(state_file=older)  # as if killed before the next save
    made = await restarted.write(bot_id=bot["id"], from_user_id=user["id"], text="новое")
    assert made["message"]["message_id"] > lost["message"]["message_id"]
    assert made["updates"][0]["update"]["update_id"] > lost["updates"][0]["update"]["update_id"]
    assert texts(ok(await restarted.api(bot, "getUpdates"))) == ["сохранено", "новое"]


async def test_an_unreadable_file_starts_empty_and_is_kept_aside(tmp_path: Path) -> None:
    path = tmp_path / "telegram.json"
    path.write_text("{not json")
    async with serving(state_file=path) as telegram:
        assert (await telegram.ok("GET", "/bots"))["bots"] == []
        await telegram.bot()
    assert path.with_name("telegram.json.corrupt").read_text() == "{not json"
    async with serving(state_file=path) as telegram:
        assert len((await telegram.ok("GET", "/bots"))["bots"]) == 1
