"""`POST /webhooks/avito/{channel_id}/{token}` (plain ASGI, not in OpenAPI) with
hypothesis-made bodies — random JSON, deliveries broken in one field, deep nesting, invalid
UTF-8, bodies past the limit, wrong content types — under the right and a wrong token: never a
5xx, every refusal problem+json, and none of it stored: once a buyer's message written after
the fuzzing is stored and every stage drained, the tenant has that message more and nothing
else."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import Counter
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.kernel.bus import Bus
from tests.fixtures.events import eventually
from tests.fixtures.platform import RunningPlatform
from tests.fixtures.settled import WEBHOOK_TO_STORED, drained
from tests.fuzz.conftest import FUZZ, World, problem_failure, report, stored

pytestmark = pytest.mark.slow

REQUIRED = ("id", "chat_id", "user_id", "author_id", "created")
NOT_STRINGS = [{"x": 1}, [1], True, 1.5, None, 7]
NOT_INTEGERS = [{"x": 1}, [1], True, 1.5, None, "", "abc", "-1"]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=25)


def delivery(account: int, **value: Any) -> dict[str, Any]:
    """A v3 message delivery for this account, with `value` fields replaced."""
    return {"id": str(uuid.uuid4()), "version": "v3.0.0", "timestamp": int(time.time()),
            "payload": {"type": "message", "value": {
                "id": uuid.uuid4().hex, "chat_id": "u2i-fuzz", "user_id": account,
                "author_id": 555, "created": int(time.time()), "type": "text",
                "chat_type": "u2i", "content": {"text": "hi"}, "item_id": 1, **value}}}


def broken(user_id: int) -> st.SearchStrategy[dict[str, Any]]:
    """Deliveries that are right but for one thing, each of which makes it garbage."""
    def without(name: str) -> dict[str, Any]:
        body = delivery(user_id)
        del body["payload"]["value"][name]
        return body

    def envelope(key: str, value: Any) -> dict[str, Any]:
        return {**delivery(user_id), key: value}
    return st.one_of(
        st.sampled_from(REQUIRED).map(without),
        st.sampled_from(NOT_STRINGS).flatmap(lambda bad: st.sampled_from(
            [delivery(user_id, id=bad), delivery(user_id, chat_id=bad)])),
        st.sampled_from(NOT_INTEGERS).flatmap(lambda bad: st.sampled_from(
            [delivery(user_id, user_id=bad), delivery(user_id, author_id=bad),
             delivery(user_id, created=bad)])),
        st.integers(min_value=1).map(lambda n: delivery(user_id, user_id=user_id + n)),
        st.sampled_from([10**15, -(10**15), 2**63 - 1]).map(
            lambda t: delivery(user_id, created=t)),  # beyond any calendar
        st.text(min_size=1, max_size=10).map(
            lambda t: delivery(user_id, content={"text": f"{t}\x00{t}"})),
        st.sampled_from([{"a": 1}, ["x"], "a\r\nNats-Expected-Stream: X", "x" * 5000, True]).map(
            lambda bad: envelope("id", bad)),
        json_values.map(lambda v: {**delivery(user_id), "payload": v}),
    )


def bodies(user_id: int, limit: int) -> st.SearchStrategy[bytes]:
    return st.one_of(
        json_values.map(_dumps),
        broken(user_id).map(_dumps),
        st.integers(min_value=1, max_value=200_000).map(lambda n: b"[" * n + b"]" * n),
        st.integers(min_value=1, max_value=200_000).map(lambda n: b'{"a":' * n + b"1" + b"}" * n),
        st.binary(min_size=1, max_size=64).filter(_not_utf8),
        st.just(b'{"id": "' + b"x" * limit + b'"}'),  # past the limit
    )


def _dumps(body: Any) -> bytes:
    return json.dumps(body).encode()  # escapes a NUL as \u0000, as a client's encoder does


def _not_utf8(raw: bytes) -> bool:
    try:
        raw.decode()
    except UnicodeDecodeError:
        return True
    return False


async def test_webhook_garbage_is_refused_and_never_stored(
        platform: RunningPlatform, bus: Bus, world: World) -> None:
    path, user_id = world.webhook_path, world.shop.user_id
    wrong_token = path.rsplit("/", 1)[0] + "/not-the-token"
    limit = platform.settings.webhook_max_body_bytes
    before = await stored(platform, world.tenant.tenant_id)
    failures: list[str] = []
    statuses: Counter[int] = Counter()

    @settings(FUZZ, max_examples=300)  # a request costs about a millisecond
    @given(body=bodies(user_id, limit), right_token=st.booleans(),
           content_type=st.sampled_from(["application/json", "text/plain", None,
                                         "application/x-www-form-urlencoded"]))
    def fuzz(body: bytes, right_token: bool, content_type: str | None) -> None:
        headers = {"content-type": content_type} if content_type else {}
        resp = http.post(path if right_token else wrong_token, content=body, headers=headers)
        statuses[resp.status_code] += 1
        problem = problem_failure(resp)
        if problem is None and not right_token and resp.status_code not in (403, 413):
            problem = f"{resp.status_code} with a wrong token"
        if problem is not None:
            failures.append(f"{problem} for {body[:120]!r}")

    with httpx.Client(base_url=platform.gateway_url, timeout=30) as http:
        await asyncio.to_thread(fuzz)
    report("webhooks", statuses, sum(n for status, n in statuses.items() if status >= 500))
    assert failures == [], "\n".join(failures)

    # The positive signal: a real message written after the fuzzing is stored, and every
    # stage from the webhooks stream to storage has nothing left, not even a retry.
    marker = await platform.buyer_writes(world.shop, "marker after the fuzzing",
                                         chat_id=world.chat_id)
    await eventually(lambda: _stored_message(world, marker["message_id"]), within=30)
    await drained(bus, *WEBHOOK_TO_STORED, within=60)
    after = await stored(platform, world.tenant.tenant_id)
    assert after["messages"] == before["messages"] + 1, (before, after)
    assert {k: v for k, v in after.items() if k != "messages"} == \
        {k: v for k, v in before.items() if k != "messages"}


async def _stored_message(world: World, external_id: str) -> bool:
    items = (await world.tenant.http.get("/v1/conversations")).json()["items"]
    for conversation in items:
        messages = (await world.tenant.http.get(
            f"/v1/conversations/{conversation['id']}/messages")).json()["items"]
        if any(m["external_message_id"] == external_id for m in messages):
            return True
    return False
