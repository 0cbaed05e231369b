"""A seller's scheduled report end to end on the session platform (serve all's composition):
a weekly schedule for the shop's accounts made through REST, run now, rendered by the real
analytics service and posted through the seller's bot to its group on the Telegram emulator;
the run history says delivered."""

from __future__ import annotations

import uuid
from typing import Any

from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform
from tests.gateway.telegram_bots import new_bot


async def emulator(platform: RunningPlatform, path: str, **body: Any) -> dict[str, Any]:
    resp = await platform.telegram.post(f"/_emulator{path}", json=body)
    assert resp.status_code == 200, resp.text
    return resp.json()  # type: ignore[no-any-return]


async def test_a_weekly_combined_report_reaches_the_sellers_telegram_group(
        platform: RunningPlatform) -> None:
    seller = await platform.new_tenant("Отчёт по расписанию")
    shops = [await platform.connect_sandbox_shop(seller, f"Магазин {i}") for i in range(2)]
    bot = await new_bot(platform, username=f"weekly_{uuid.uuid4().hex[:6]}_bot")
    registered = await seller.http.post("/v1/telegram/bots", json={"token": bot["token"]})
    assert registered.status_code == 201, registered.text
    owner = await emulator(platform, "/users", first_name="Ольга")
    group = await emulator(platform, "/chats", type="supergroup", title="Отчёты магазина",
                           members=[{"user_id": owner["id"], "status": "creator"},
                                    {"user_id": bot["id"], "status": "member"}])
    created = await seller.http.post("/v1/schedules", json={
        "name": "Неделя", "local_time": "09:00", "time_zone": "Europe/Moscow",
        "recurrence": {"kind": "weekly", "weekdays": [1]},
        "destination": {"kind": "telegram", "chat_id": group["id"]},
        "report": {"channel_ids": [s.channel["id"] for s in shops], "combined": True,
                   "metrics": ["messages_in", "conversations_started"],
                   "relative": "previous_week"}})
    assert created.status_code == 201, created.text
    schedule = created.json()
    run = (await seller.http.post(f"/v1/schedules/{schedule['id']}/run")).json()

    async def finished() -> dict[str, Any] | None:
        runs = (await seller.http.get(f"/v1/schedules/{schedule['id']}/runs")).json()["items"]
        return next((r for r in runs if r["id"] == run["id"] and r["status"] != "pending"), None)
    done = await eventually(finished, within=30, interval=0.2)
    assert done["status"] == "delivered", done["error"]
    sent = (await platform.telegram.get(f"/_emulator/bots/{bot['id']}/sent",
                                        params={"chat_id": group["id"]})).json()["sent"]
    [photo] = [m["message"] for m in sent]  # the chart, the report as its caption
    assert photo["photo"] and photo["caption"].startswith("Отчёт за ")
    assert "Новые диалоги" in photo["caption"] and "Сообщений от покупателей" in photo["caption"]
    assert "Часовой пояс: Europe/Moscow" in photo["caption"]  # the schedule's, the report naming none
