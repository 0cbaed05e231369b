"""Schedules through the gateway on the session's platform: REST CRUD, run now and the run
history, problem+json for what the scheduling service refuses, scopes, another tenant's
schedule, and the same through GraphQL."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform, Tenant


def schedule(platform: RunningPlatform, **overrides: Any) -> dict[str, Any]:
    return {"name": "Понедельничный отчёт", "local_time": "09:00",
            "time_zone": "Europe/Moscow", "recurrence": {"kind": "weekly", "weekdays": [1]},
            "destination": {"kind": "webhook", "url": f"{platform.llm_url}/report-hook",
                            "secret": "a-long-enough-secret"},
            "report": {"metrics": ["messages_in", "first_response_time"],
                       "relative": "previous_week", "channel_ids": []},
            **overrides}


@pytest.fixture(scope="module")
async def seller(platform: RunningPlatform) -> Tenant:
    return await platform.new_tenant("Расписания")


async def test_crud_run_now_and_history(platform: RunningPlatform, seller: Tenant) -> None:
    created = await seller.http.post("/v1/schedules", json=schedule(platform))
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["recurrence"] == {"kind": "weekly", "n": None, "start_date": None,
                                  "weekdays": [1], "day_of_month": None}
    assert body["destination"] == {"kind": "webhook", "chat_id": None, "message_thread_id": None,
                                   "url": f"{platform.llm_url}/report-hook", "secret_set": True}
    assert body["report"]["relative"] == "previous_week" and body["enabled"]
    assert body["next_run_at"] and body["last_run"] is None
    assert "secret" not in created.text.replace("secret_set", "")

    listed = (await seller.http.get("/v1/schedules")).json()
    assert [s["id"] for s in listed["items"]] == [body["id"]]
    patched = await seller.http.patch(f"/v1/schedules/{body['id']}", json={
        "enabled": False, "missed_run_policy": "skip"})
    assert patched.status_code == 200, patched.text
    assert patched.json()["next_run_at"] is None
    assert patched.json()["missed_run_policy"] == "skip"
    assert patched.json()["destination"]["secret_set"]

    run = await seller.http.post(f"/v1/schedules/{body['id']}/run")
    assert run.status_code == 202 and run.json()["trigger"] == "manual"

    async def recorded() -> list[dict[str, Any]]:
        return (await seller.http.get(f"/v1/schedules/{body['id']}/runs")).json()["items"]
    [first] = await eventually(recorded)
    assert first["id"] == run.json()["id"]

    assert (await seller.http.delete(f"/v1/schedules/{body['id']}")).status_code == 204
    gone = await seller.http.get(f"/v1/schedules/{body['id']}")
    assert gone.status_code == 404
    assert gone.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(("change", "words"), [
    ({"time_zone": "Europe/Atlantis"}, "IANA"),
    ({"local_time": "9am"}, "HH:MM"),
    ({"recurrence": {"kind": "weekly", "weekdays": []}}, "weekdays is empty"),
    ({"recurrence": {"kind": "monthly", "day_of_month": 0}}, "1 to 31"),
    ({"destination": {"kind": "webhook", "url": "http://169.254.169.254/latest",
                      "secret": "a-long-enough-secret"}}, "public"),
    ({"destination": {"kind": "telegram"}}, "chat_id is required"),
])
async def test_bad_input_is_a_problem_saying_what_to_fix(
        platform: RunningPlatform, seller: Tenant, change: dict[str, Any], words: str) -> None:
    resp = await seller.http.post("/v1/schedules", json=schedule(platform, **change))
    assert resp.status_code == 422, resp.text
    assert resp.headers["content-type"] == "application/problem+json"
    assert words in resp.json()["detail"]


async def test_shapes_scopes_and_tenants(platform: RunningPlatform, seller: Tenant) -> None:
    bad_kind = await seller.http.post("/v1/schedules", json=schedule(
        platform, recurrence={"kind": "hourly"}))
    assert bad_kind.status_code == 422
    huge = await seller.http.post("/v1/schedules", json=schedule(
        platform, destination={"kind": "telegram", "chat_id": 2**70}))
    assert huge.status_code == 422
    mine = (await seller.http.post("/v1/schedules", json=schedule(platform))).json()
    other = await platform.new_tenant("Другой")
    assert (await other.http.get(f"/v1/schedules/{mine['id']}")).status_code == 404
    assert (await other.http.post(f"/v1/schedules/{mine['id']}/run")).status_code == 404
    assert (await other.http.get("/v1/schedules")).json()["items"] == []
    assert (await seller.http.get("/v1/schedules/not-an-id")).status_code == 422


async def test_graphql_queries_and_mutations(platform: RunningPlatform, seller: Tenant) -> None:
    async def gql(query: str, **variables: Any) -> dict[str, Any]:
        resp = await seller.http.post("/graphql", json={"query": query, "variables": variables})
        assert resp.status_code == 200, resp.text
        return resp.json()  # type: ignore[no-any-return]

    created = await gql("""mutation($input: ScheduleInput!) { createSchedule(input: $input) {
        id nextRunAt recurrence { kind dayOfMonth } destination { kind chatId } } }""",
                        input={"name": "Месячный", "localTime": "10:00", "timeZone": "UTC",
                               "recurrence": {"kind": "monthly", "dayOfMonth": 31},
                               "destination": {"kind": "telegram", "chatId": "-1001234567890"}})
    node = created["data"]["createSchedule"]
    assert node["recurrence"] == {"kind": "monthly", "dayOfMonth": 31}
    assert node["destination"] == {"kind": "telegram", "chatId": "-1001234567890"}
    updated = await gql("""mutation($id: ID!, $input: ScheduleInput!) {
        updateSchedule(id: $id, input: $input) { localTime name } }""",
                        id=node["id"], input={"localTime": "11:15"})
    assert updated["data"]["updateSchedule"] == {"localTime": "11:15", "name": "Месячный"}
    run = await gql("mutation($id: ID!) { runScheduleNow(id: $id) { id trigger } }",
                    id=node["id"])
    assert run["data"]["runScheduleNow"]["trigger"] == "manual"
    read = await gql("""query($id: ID!) { schedule(id: $id) { id }
        scheduleRuns(id: $id) { id } schedules { id } }""", id=node["id"])
    assert read["data"]["schedule"]["id"] == node["id"]
    assert node["id"] in [s["id"] for s in read["data"]["schedules"]]
    bad = await gql("""mutation($input: ScheduleInput!) { createSchedule(input: $input) { id } }""",
                    input={"name": "x", "localTime": "10:00", "timeZone": "Nowhere/Town",
                           "recurrence": {"kind": "daily"},
                           "destination": {"kind": "telegram", "chatId": "5"}})
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "IANA" in bad["errors"][0]["message"]
    gone = await gql("mutation($id: ID!) { deleteSchedule(id: $id) }", id=node["id"])
    assert gone["data"]["deleteSchedule"] is True
