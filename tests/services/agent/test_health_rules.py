"""The agent's health rule (audit/health.py) on hand-made result sequences, and how a failed
model call is classified (settings/endpoint.py): no database, no model."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import openai
import pytest

from services.agent.audit.health import FAILING, OK, UNKNOWN, Result, host_of, state_of
from services.agent.settings import endpoint
from services.kernel.urls import UrlRefused

NOW = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)
WINDOW = timedelta(hours=1)


def results(*spec: tuple[int, str]) -> list[Result]:
    """(minutes ago, result) pairs, newest first."""
    return [Result(NOW - timedelta(minutes=m), r) for m, r in spec]


@pytest.mark.parametrize(("latest", "state"), [
    ([], UNKNOWN),
    (results((3, "auth"), (2, "auth"), (1, "ok"))[::-1], OK),  # newest first: one success
    (results((1, "auth"), (2, "auth"), (3, "auth")), FAILING),
    (results((1, "circuit_open"), (2, "circuit_open"), (3, "unavailable")), FAILING),
    (results((1, "auth"), (2, "auth")), OK),  # fewer than K failures yet
    (results((1, "ok"), (2, "auth"), (3, "auth")), OK),  # one success after them: ok again
    (results((1, "auth"), (2, "auth"), (90, "auth")), OK),  # the third is outside the window
    (results((70, "auth"), (80, "auth"), (90, "auth")), UNKNOWN),  # all old: nothing recent
    (results((70, "ok")), UNKNOWN),
    (results((5, "ok")), OK),
])
def test_the_state_from_the_latest_results(latest: list[Result], state: str) -> None:
    assert state_of(latest, NOW, 3, WINDOW) == state


def test_k_is_the_threshold() -> None:
    two = results((1, "rate_limited"), (2, "rate_limited"))
    assert state_of(two, NOW, 2, WINDOW) == FAILING
    assert state_of(two, NOW, 3, WINDOW) == OK


def _status(code: int) -> openai.APIStatusError:
    request = httpx.Request("POST", "https://llm.example/v1/chat/completions")
    return openai.APIStatusError("x", response=httpx.Response(code, request=request), body=None)


@pytest.mark.parametrize(("exc", "kind"), [
    (_status(401), endpoint.AUTH), (_status(403), endpoint.AUTH),
    (_status(404), endpoint.MODEL_NOT_FOUND), (_status(429), endpoint.RATE_LIMITED),
    (_status(500), endpoint.UNAVAILABLE), (_status(400), endpoint.UNAVAILABLE),
    (UrlRefused("loopback"), endpoint.UNAVAILABLE),
    (openai.APIConnectionError(request=httpx.Request("POST", "https://llm.example")),
     endpoint.UNAVAILABLE),
])
def test_a_failure_is_told_by_kind_only_from_an_answering_server(
        exc: Exception, kind: str) -> None:
    assert endpoint.failure_kind(exc) == kind


@pytest.mark.parametrize(("url", "host"), [
    ("https://user:sk-secret@llm.example:8443/v1?key=sk-x", "llm.example:8443"),
    ("https://api.openai.com/v1", "api.openai.com"), ("", ""), ("http://[::1", ""),
])
def test_the_endpoint_is_shown_as_its_host_only(url: str, host: str) -> None:
    assert host_of(url) == host
