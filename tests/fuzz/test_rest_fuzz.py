"""Every REST route of `/openapi.json`, fuzzed by schemathesis (positive and negative data,
generated ids and the seeded tenant's real ones), with a tenant's admin key and, for a few
runs, a read-only key: never a 5xx, every 4xx problem+json with a `detail`, every response as
the schema says (body, content type, documented status)."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from hypothesis import given
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.fixtures.platform import RunningPlatform
from tests.fuzz.conftest import FUZZ, NOWHERE, PROBLEM, World, report

# About 2,000 requests a case: a minute on a quiet 2-core machine, more beside another pytest
# worker; the suite's 120 s per test is for tests that hang, not for this many requests.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(360)]

# Not fuzzed here: GraphQL has its own suite (test_graphql_fuzz.py); /v1/events is a stream
# that does not end (its bad input is in test_bad_input.py).
SKIPPED = ("/graphql", "/v1/events")
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance,
          status_code_conformance]
# The seeded tenant's ids, for the path parameters of the same name (an API key id never:
# revoking the fuzzer's own key would end the run).
REAL_IDS = ("conversation_id", "message_id", "channel_id", "document_id")


def problem_json(ctx: Any, response: schemathesis.Response, case: schemathesis.Case) -> bool:
    """A refusal is application/problem+json with a `detail`."""
    if 400 <= response.status_code < 500:
        content_type = (response.headers.get("content-type") or [""])[0]
        assert content_type.startswith(PROBLEM), f"{response.status_code} as {content_type}"
        detail = response.json().get("detail")
        assert isinstance(detail, str) and detail, f"{response.status_code} without a detail"
    return True


def tame(case: schemathesis.Case) -> None:
    """Addresses the platform would call are its own: a connected account is the Avito
    emulator's (sandbox), an LLM endpoint or a webhook endpoint a closed loopback port (never
    an address made up)."""
    if isinstance(case.body, dict):
        if case.path == "/v1/channels/avito":
            case.body["sandbox"] = True
        if "base_url" in case.body:
            case.body["base_url"] = NOWHERE
        if case.path.startswith("/v1/webhooks/") and "url" in case.body:
            case.body["url"] = NOWHERE  # an outgoing webhook never to a made-up host


class Sweep:
    """Fuzz operations one by one (blocking: run it in a worker thread) and collect what
    failed, so one run reports every broken route at once."""

    def __init__(self, base_url: str, key: str) -> None:
        self.base_url, self.headers = base_url, {"Authorization": f"Bearer {key}"}
        self.failures: list[str] = []
        self.statuses: Counter[int] = Counter()

    def run(self, operations: list[Any], mode: GenerationMode,
            path_parameters: Callable[[Any], dict[str, str]] = lambda op: {}) -> None:
        for operation in operations:
            strategy = operation.as_strategy(generation_mode=mode,
                                             path_parameters=path_parameters(operation) or None)
            # Unsatisfiable: negative mode, and nothing in the operation to get wrong.
            with contextlib.suppress(Unsatisfiable):
                FUZZ(given(strategy)(lambda case: self.once(case)))()

    def report(self, fuzzer: str) -> None:
        report(fuzzer, self.statuses, sum(n for status, n in self.statuses.items() if status >= 500))

    def once(self, case: schemathesis.Case) -> None:
        tame(case)
        response = case.call(base_url=self.base_url, headers=self.headers, timeout=30)
        self.statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS, additional_checks=[problem_json])
        except (AssertionError, BaseExceptionGroup) as exc:
            self.failures.append(f"{case.operation.label} {response.status_code}: "
                                 f"{str(exc)[:600]}")


@pytest.fixture(scope="module")
async def operations(world: World) -> list[Any]:
    raw = (await world.tenant.http.get("/openapi.json")).raise_for_status().json()
    schema = schemathesis.openapi.from_dict(raw)
    return [result.ok() for result in schema.get_all_operations()
            if not result.ok().path.startswith(SKIPPED)]


def real_ids(world: World) -> Callable[[Any], dict[str, str]]:
    ids = {"conversation_id": world.conversation_id, "message_id": world.message_id,
           "channel_id": world.channel_id, "document_id": world.document_id}
    return lambda op: {p.name: ids[p.name] for p in op.path_parameters if p.name in REAL_IDS}


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                         ids=lambda m: m.value)
async def test_every_route_with_generated_ids(platform: RunningPlatform, world: World,
                                              operations: list[Any], mode: GenerationMode) -> None:
    sweep = Sweep(platform.gateway_url, world.tenant.api_key)
    await asyncio.to_thread(sweep.run, operations, mode)
    sweep.report(f"REST, generated ids, {mode.value}")
    assert sweep.failures == [], "\n".join(sweep.failures)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                         ids=lambda m: m.value)
async def test_every_route_with_the_tenants_ids(platform: RunningPlatform, world: World,
                                                operations: list[Any],
                                                mode: GenerationMode) -> None:
    with_ids = [op for op in operations if any(p.name in REAL_IDS for p in op.path_parameters)]
    sweep = Sweep(platform.gateway_url, world.tenant.api_key)
    await asyncio.to_thread(sweep.run, with_ids, mode, real_ids(world))
    sweep.report(f"REST, the tenant's ids, {mode.value}")
    assert sweep.failures == [], "\n".join(sweep.failures)
    assert sweep.statuses.keys() & {200, 201, 202, 204}  # real ids reached the services


async def test_a_read_only_key_changes_nothing(platform: RunningPlatform, world: World,
                                               operations: list[Any]) -> None:
    # Rendering a report is a read sent as POST (its spec is a body): a reader may.
    writes = [op for op in operations if op.method.upper() in ("POST", "PUT", "PATCH", "DELETE")
              and not op.path.startswith("/v1/auth/") and op.path != "/v1/analytics/reports"]
    sweep = Sweep(platform.gateway_url, world.read_key)
    await asyncio.to_thread(sweep.run, writes, GenerationMode.POSITIVE, real_ids(world))
    sweep.report("REST, a read-only key")
    assert sweep.failures == [], "\n".join(sweep.failures)
    assert set(sweep.statuses) <= {403, 422}, sweep.statuses  # refused, or not even valid

