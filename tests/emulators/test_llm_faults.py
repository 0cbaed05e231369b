"""The LLM emulator's errors over real HTTP: auth, unknown models, bad bodies, injected faults
(rate limits, server errors, latency) as the official `openai` client sees them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import openai
import pytest

from tests.emulators.test_llm_emulator import CHAT, EMBED, Llm, running, user


@pytest.fixture(scope="module")
async def llm_server() -> AsyncIterator[Llm]:
    async with running() as server:
        yield server


@pytest.fixture
async def llm(llm_server: Llm) -> Llm:
    return await llm_server.reset()


@pytest.fixture
async def ai(llm: Llm) -> AsyncIterator[openai.AsyncOpenAI]:
    async with llm.client() as client:
        yield client


async def test_wrong_or_missing_key_is_401(llm: Llm) -> None:
    async with llm.client(key="sk-wrong-key-1234") as client:
        with pytest.raises(openai.AuthenticationError) as caught:
            await client.chat.completions.create(model=CHAT, messages=[user("Привет")])
    error = caught.value
    assert error.status_code == 401 and error.code == "invalid_api_key"
    assert isinstance(error.body, dict) and error.body["message"].startswith("Incorrect API key")
    assert {key: error.body[key] for key in ("type", "param", "code")} == {
        "type": "invalid_request_error", "param": None, "code": "invalid_api_key"}
    response = await llm.http.post("/v1/embeddings", json={"model": EMBED, "input": "x"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_api_key"
    assert await llm.requests() == []


async def test_unknown_model_is_404(llm: Llm, ai: openai.AsyncOpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as chat:
        await ai.chat.completions.create(model="gpt-17", messages=[user("Привет")])
    with pytest.raises(openai.NotFoundError) as embed:
        await ai.embeddings.create(model="gpt-17", input="Привет")
    for caught in (chat, embed):
        assert caught.value.code == "model_not_found" and caught.value.type == "invalid_request_error"
    assert [entry["status"] for entry in await llm.requests()] == [404, 404]


async def test_malformed_request_is_400(llm: Llm, ai: openai.AsyncOpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        await ai.chat.completions.create(model=CHAT, messages=[])
    assert caught.value.type == "invalid_request_error" and caught.value.param == "messages"
    with pytest.raises(openai.BadRequestError):
        await ai.embeddings.create(model=EMBED, input=[""])


async def test_control_plane_rejects_bad_specs(llm: Llm) -> None:
    bad = [("/_emulator/rules", {"match": {"regex": "("}, "reply": {"content": "x"}}),
           ("/_emulator/rules", {"match": {"contain": "x"}, "reply": {"content": "x"}}),
           ("/_emulator/rules", {"reply": {}}),
           ("/_emulator/faults", {"endpoint": "chat"}),
           ("/_emulator/faults", {"endpoint": "chat", "status": 418})]
    for path, body in bad:
        assert (await llm.http.post(path, json=body)).status_code == 422, body
    [rule_id] = await llm.rules({"reply": {"content": "x"}})
    assert (await llm.http.delete(f"/_emulator/rules/{rule_id}")).status_code == 200
    assert (await llm.http.delete(f"/_emulator/rules/{rule_id}")).status_code == 404


async def test_rate_limit_surfaces_and_client_retry_succeeds(llm: Llm,
                                                            ai: openai.AsyncOpenAI) -> None:
    await llm.fault(endpoint="chat", status=429, retry_after_s=0.05)
    with pytest.raises(openai.RateLimitError) as caught:
        await ai.chat.completions.create(model=CHAT, messages=[user("Привет")])
    error = caught.value
    assert error.code == "rate_limit_exceeded" and error.type == "requests"
    assert error.response.headers["retry-after"] == "0.05"

    await llm.fault(endpoint="chat", status=429, retry_after_s=0.05)
    async with llm.client(max_retries=2) as patient:
        answer = await patient.chat.completions.create(model=CHAT, messages=[user("Привет")])
    assert answer.choices[0].message.content == "Sandbox model: Привет"
    assert [entry["status"] for entry in await llm.requests()] == [429, 429, 200]
    assert (await llm.http.get("/_emulator/faults")).json() == {"armed": []}


async def test_server_errors(llm: Llm, ai: openai.AsyncOpenAI) -> None:
    await llm.fault(endpoint="embeddings", status=503)
    await llm.fault(endpoint="models", status=500, count=2)
    with pytest.raises(openai.InternalServerError) as embed:
        await ai.embeddings.create(model=EMBED, input="Привет")
    assert embed.value.status_code == 503 and embed.value.type == "server_error"
    for _ in range(2):
        with pytest.raises(openai.InternalServerError):
            await ai.models.list()
    assert [model.id async for model in ai.models.list()] == [CHAT, EMBED]


async def test_latency_fault_delays_answers_and_streams(llm: Llm, ai: openai.AsyncOpenAI) -> None:
    loop = asyncio.get_running_loop()
    await llm.fault(endpoint="chat", latency_ms=300, count=2)
    armed = (await llm.http.get("/_emulator/faults")).json()["armed"]
    assert [(f["endpoint"], f["latency_ms"], f["remaining"]) for f in armed] == [("chat", 300, 2)]

    started = loop.time()
    await ai.chat.completions.create(model=CHAT, messages=[user("Привет")])
    assert loop.time() - started >= 0.3

    started = loop.time()
    async with ai.chat.completions.stream(model=CHAT, messages=[user("Привет")]) as stream:
        first = await stream.__anext__()
        assert first.type == "chunk" and loop.time() - started >= 0.3
        await stream.get_final_completion()

    started = loop.time()
    await ai.chat.completions.create(model=CHAT, messages=[user("Привет")])
    assert loop.time() - started < 0.3  # spent: two calls, two delays

    await llm.fault(endpoint="chat", latency_ms=200)
    with pytest.raises(openai.APITimeoutError):
        await ai.chat.completions.create(model=CHAT, messages=[user("Привет")], timeout=0.05)
