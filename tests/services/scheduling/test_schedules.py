"""SchedulingService on its real runtime: CRUD with validation, run now to a signed webhook,
run history, and tenants kept apart."""

from __future__ import annotations

import hashlib
import hmac
import uuid

import orjson
import pytest

from clients.rpc.gen.switchboard.analytics.v1 import report_pb2
from clients.rpc.gen.switchboard.scheduling.v1 import scheduling_service_pb2 as pb
from clients.rpc.scheduling import SchedulingClient
from services.kernel.errors import InvalidArgument, NotFound
from tests.fixtures.events import eventually
from tests.services.scheduling.conftest import Receiver, ReportDouble

SECRET = "s3cret-for-signing-reports"


def weekly(receiver: Receiver, **overrides: object) -> pb.Schedule:
    fields: dict[str, object] = {
        "name": "Еженедельный отчёт", "local_time": "09:00", "time_zone": "Europe/Moscow",
        "recurrence": pb.Recurrence(weekly=pb.Weekly(weekdays=[1, 4])),
        "destination": pb.Destination(webhook=pb.WebhookDestination(url=receiver.url,
                                                                    secret=SECRET)),
        "report": report_pb2.ReportSpec(
            metrics=["messages_in", "first_response_time"], combined=True,
            period=report_pb2.ReportPeriod(relative=report_pb2.RELATIVE_PERIOD_PREVIOUS_WEEK)),
        "enabled": True}
    return pb.Schedule(**{**fields, **overrides})  # type: ignore[arg-type]


async def test_create_get_list_update_delete(client: SchedulingClient, receiver: Receiver) -> None:
    tenant = uuid.uuid4()
    created = await client.create(tenant, weekly(receiver))
    assert created.id and created.enabled and created.HasField("next_run_at")
    assert created.destination.webhook.secret == "" and created.destination.webhook.secret_set
    local = created.next_run_at.ToDatetime().replace(tzinfo=None)
    assert (local.hour, local.minute) == (6, 0)  # 09:00 in Moscow (UTC+3)
    assert list(created.report.metrics) == ["messages_in", "first_response_time"]
    second = await client.create(tenant, weekly(receiver, name="Второй"))

    page = await client.list(tenant, page_size=1)
    assert [s.id for s in page.schedules] == [created.id] and page.page_info.has_more
    rest = await client.list(tenant, page_size=1, cursor=page.page_info.next_cursor)
    assert [s.id for s in rest.schedules] == [second.id] and not rest.page_info.has_more

    moved = await client.update(tenant, created.id, pb.Schedule(
        local_time="10:30", destination=pb.Destination(
            webhook=pb.WebhookDestination(url=receiver.url + "?v=2"))),
        ["local_time", "destination"])
    assert moved.local_time == "10:30" and moved.destination.webhook.secret_set  # secret kept
    assert moved.next_run_at.ToDatetime().minute == 30
    disabled = await client.update(tenant, created.id, pb.Schedule(enabled=False), ["enabled"])
    assert not disabled.HasField("next_run_at")

    await client.delete(tenant, created.id)
    with pytest.raises(NotFound):
        await client.get(tenant, created.id)
    with pytest.raises(NotFound):  # another tenant's schedule does not exist for this one
        await client.get(uuid.uuid4(), second.id)


@pytest.mark.parametrize(("change", "words"), [
    ({"time_zone": "Mars/Olympus"}, "IANA"),
    ({"local_time": "25:00"}, "HH:MM"),
    ({"recurrence": pb.Recurrence(weekly=pb.Weekly())}, "weekdays is empty"),
    ({"recurrence": pb.Recurrence(monthly=pb.Monthly(day_of_month=32))}, "1 to 31"),
    ({"recurrence": pb.Recurrence()}, "recurrence is required"),
    ({"destination": pb.Destination(webhook=pb.WebhookDestination(
        url="http://10.0.0.7/hook", secret=SECRET))}, "public"),
    ({"destination": pb.Destination(webhook=pb.WebhookDestination(
        url="http://127.0.0.1:9/hook", secret=SECRET))}, "public"),
    ({"name": " "}, "name is required"),
])
async def test_bad_schedules_are_refused_with_what_to_fix(
        client: SchedulingClient, receiver: Receiver, change: dict[str, object],
        words: str) -> None:
    tenant = uuid.uuid4()
    with pytest.raises(InvalidArgument, match=words):
        await client.create(tenant, weekly(receiver, **change))
    assert not (await client.list(tenant)).schedules  # nothing stored


async def test_a_short_or_missing_webhook_secret_is_refused(client: SchedulingClient,
                                                            receiver: Receiver) -> None:
    for secret, words in (("short", "at least 16"), ("", "secret is required")):
        with pytest.raises(InvalidArgument, match=words):
            await client.create(uuid.uuid4(), weekly(receiver, destination=pb.Destination(
                webhook=pb.WebhookDestination(url=receiver.url, secret=secret))))


async def test_run_now_posts_a_signed_report_and_records_the_run(
        client: SchedulingClient, receiver: Receiver,
        reports: tuple[ReportDouble, str]) -> None:
    tenant = uuid.uuid4()
    schedule = await client.create(tenant, weekly(receiver))
    run = await client.run_now(tenant, schedule.id)
    assert run.trigger == pb.RUN_TRIGGER_MANUAL and run.status == pb.RUN_STATUS_PENDING

    async def delivered() -> pb.Run | None:
        runs = (await client.runs(tenant, schedule.id)).runs
        return runs[0] if runs and runs[0].status == pb.RUN_STATUS_DELIVERED else None
    done = await eventually(delivered, within=15)
    assert done.id == run.id and done.attempt == 1 and done.HasField("finished_at")
    [(headers, body)] = receiver.of_run(run.id)
    expected = hmac.new(SECRET.encode(), headers["x-switchboard-timestamp"].encode() + b"." + body,
                        hashlib.sha256).hexdigest()
    assert headers["x-switchboard-signature"] == f"sha256={expected}"
    payload = orjson.loads(body)
    assert payload["schedule"] == {"id": schedule.id, "name": "Еженедельный отчёт"}
    assert payload["report"] == {"metrics": {"messages_in": 1, "first_response_time": 1}}
    assert payload["run"]["trigger"] == "manual" and payload["partial"] is False
    double, _ = reports
    asked = [r for t, r in double.requests if t == tenant]
    assert len(asked) == 1 and list(asked[0].spec.metrics) == ["messages_in",
                                                                "first_response_time"]
    assert (await client.get(tenant, schedule.id)).last_run.id == run.id


async def test_a_failing_webhook_is_retried_then_recorded_failed(
        client: SchedulingClient, receiver: Receiver) -> None:
    tenant = uuid.uuid4()
    schedule = await client.create(tenant, weekly(receiver))
    receiver.answers[:] = [503, 500]  # two failures, then 200
    first = await client.run_now(tenant, schedule.id)

    async def finished(run_id: str) -> pb.Run | None:
        runs = (await client.runs(tenant, schedule.id)).runs
        return next((r for r in runs if r.id == run_id and r.status != pb.RUN_STATUS_PENDING),
                    None)
    done = await eventually(lambda: finished(first.id), within=15)
    assert (done.status, done.attempt) == (pb.RUN_STATUS_DELIVERED, 3)
    assert len(receiver.of_run(first.id)) == 3

    receiver.answers[:] = [410]  # refused for good: no retry
    second = await client.run_now(tenant, schedule.id)
    failed = await eventually(lambda: finished(second.id), within=15)
    assert failed.status == pb.RUN_STATUS_FAILED and "410" in failed.error
    assert failed.attempt == 1 and len(receiver.of_run(second.id)) == 1


async def test_a_partial_report_is_delivered_and_says_so(
        client: SchedulingClient, receiver: Receiver) -> None:
    tenant = uuid.uuid4()
    schedule = await client.create(tenant, weekly(receiver, report=report_pb2.ReportSpec(
        metrics=["views"])))
    run = await client.run_now(tenant, schedule.id)

    async def finished() -> pb.Run | None:
        runs = (await client.runs(tenant, schedule.id)).runs
        return runs[0] if runs and runs[0].status != pb.RUN_STATUS_PENDING else None
    done = await eventually(finished, within=15)
    assert done.status == pb.RUN_STATUS_DELIVERED and done.partial
    assert "Avito statistics: 503" in done.error
    [(_, body)] = receiver.of_run(run.id)
    assert orjson.loads(body)["problems"] == ["Avito statistics: 503"]
