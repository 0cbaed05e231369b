"""The LLM emulator over real HTTP, driven by the official `openai` client: scripted chat
(plain, tool calls, streaming), embeddings, and the request log."""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import openai
import pytest

from switchboard.emulators.llm import LlmEmulatorSettings, create_app
from switchboard.http_server import BackgroundServer

KEY = "sk-sandbox-test-key"
CHAT = "sandbox-chat"
EMBED = "sandbox-embed"
TOOLS: list[Any] = [
    {"type": "function", "function": {
        "name": "search_knowledge", "description": "Search the seller's knowledge base",
        "parameters": {"type": "object", "properties": {"query": {"type": "string"}},
                       "required": ["query"]}}},
    {"type": "function", "function": {
        "name": "handoff_to_manager", "description": "Pass the conversation to a person",
        "parameters": {"type": "object", "properties": {"reason": {"type": "string"}}}}},
]
SYSTEM: Any = {"role": "system", "content": "Ты вежливый помощник магазина. Отвечай по-русски."}


@dataclass
class Llm:
    """The running emulator: its URL and the control plane."""

    url: str
    http: httpx.AsyncClient

    def client(self, key: str = KEY, max_retries: int = 0) -> openai.AsyncOpenAI:
        return openai.AsyncOpenAI(base_url=f"{self.url}/v1", api_key=key, max_retries=max_retries)

    async def rules(self, *rules: dict[str, Any]) -> list[int]:
        response = await self.http.post("/_emulator/rules", json=list(rules))
        assert response.status_code == 200, response.text
        added: list[int] = response.json()["added"]
        return added

    async def fault(self, **spec: Any) -> None:
        response = await self.http.post("/_emulator/faults", json=spec)
        assert response.status_code == 200, response.text

    async def requests(self, endpoint: str | None = None) -> list[dict[str, Any]]:
        params = {"endpoint": endpoint} if endpoint else {}
        response = await self.http.get("/_emulator/requests", params=params)
        assert response.status_code == 200, response.text
        entries: list[dict[str, Any]] = response.json()["requests"]
        return entries


    async def reset(self) -> Llm:
        response = await self.http.post("/_emulator/reset")
        assert response.status_code == 200, response.text
        return self


@contextlib.asynccontextmanager
async def running() -> AsyncIterator[Llm]:
    """An emulator on a free loopback port that accepts only `KEY`."""
    app = create_app(LlmEmulatorSettings(api_keys=[KEY]))
    async with BackgroundServer(app) as server, httpx.AsyncClient(base_url=server.url) as http:
        yield Llm(server.url, http)


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


def user(text: str) -> Any:
    return {"role": "user", "content": text}


async def test_models_list(ai: openai.AsyncOpenAI) -> None:
    models = [model async for model in ai.models.list()]
    assert [model.id for model in models] == [CHAT, EMBED]
    assert all(model.object == "model" and model.owned_by and model.created for model in models)
    assert (await ai.models.retrieve(CHAT)).id == CHAT


async def test_scripted_plain_reply_and_default(llm: Llm, ai: openai.AsyncOpenAI) -> None:
    await llm.rules({"match": {"contains": "ЧАСЫ РАБОТЫ"},
                     "reply": {"content": "Работаем с 9 до 21 без выходных."}})
    answer = await ai.chat.completions.create(
        model=CHAT, messages=[SYSTEM, user("Какие у вас часы работы?")], temperature=0.2)
    assert answer.id.startswith("chatcmpl-") and answer.object == "chat.completion"
    assert answer.model == CHAT
    choice = answer.choices[0]
    assert (choice.index, choice.finish_reason) == (0, "stop")
    assert choice.message.role == "assistant" and choice.message.tool_calls is None
    assert choice.message.content == "Работаем с 9 до 21 без выходных."
    usage = answer.usage
    assert usage and usage.prompt_tokens > 0 and usage.completion_tokens > 0
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens

    question = "Подскажите, пожалуйста, а можно ли забрать заказ самовывозом из пункта выдачи?"
    fallback = await ai.chat.completions.create(model=CHAT, messages=[user(question)])
    assert fallback.choices[0].message.content == f"Sandbox model: {question[:60]}"


async def test_tool_call_then_grounded_answer(llm: Llm, ai: openai.AsyncOpenAI) -> None:
    final_rule, call_rule = await llm.rules(
        {"match": {"has_tool_result": "search_knowledge"}, "priority": 10,
         "reply": {"content": "Доставка: {tool_result:search_knowledge}"}},
        {"match": {"contains": "доставка"},
         "reply": {"tool_calls": [{"name": "search_knowledge",
                                   "arguments": {"query": "{last_user}", "limit": 3}}]}})
    messages: list[Any] = [SYSTEM, user("А доставка в Казань есть?")]
    first = await ai.chat.completions.create(model=CHAT, messages=messages, tools=TOOLS,
                                             tool_choice="auto")
    choice = first.choices[0]
    assert choice.finish_reason == "tool_calls" and choice.message.content is None
    [call] = choice.message.tool_calls or []
    assert call.id.startswith("call_") and call.type == "function"
    assert call.function.name == "search_knowledge"
    assert json.loads(call.function.arguments) == {"query": "А доставка в Казань есть?", "limit": 3}

    chunk = "Доставляем по всей России; в Казань — за 2 дня."
    messages += [{"role": "assistant", "content": None, "tool_calls": [call.model_dump()]},
                 {"role": "tool", "tool_call_id": call.id, "content": chunk}]
    second = await ai.chat.completions.create(model=CHAT, messages=messages, tools=TOOLS)
    assert second.choices[0].finish_reason == "stop"
    assert second.choices[0].message.content == f"Доставка: {chunk}"
    assert second.usage and first.usage and second.usage.prompt_tokens > first.usage.prompt_tokens

    log = await llm.requests("chat")
    assert [entry["reply"]["rule_id"] for entry in log] == [call_rule, final_rule]
    assert [tool["function"]["name"] for tool in log[0]["tools"]] == [
        "search_knowledge", "handoff_to_manager"]
    assert log[0]["tool_choice"] == "auto" and log[1]["tool_choice"] is None
    assert log[1]["messages"][-1] == {"role": "tool", "tool_call_id": call.id, "content": chunk}
    assert log[1]["messages"][-2]["tool_calls"][0]["function"]["name"] == "search_knowledge"


async def test_rule_priority_times_and_conditions(llm: Llm, ai: openai.AsyncOpenAI) -> None:
    await llm.rules(
        {"match": {"regex": r"\bвозврат\w*"}, "reply": {"content": "general"}},
        {"match": {"regex": r"\bвозврат\w*"}, "reply": {"content": "once"}, "times": 1,
         "priority": 5},
        {"match": {"system_contains": "оптовый", "model": "sandbox-chat"},
         "reply": {"content": "wholesale"}, "priority": 1})

    async def ask(*messages: Any) -> str | None:
        answer = await ai.chat.completions.create(model=CHAT, messages=list(messages))
        return answer.choices[0].message.content

    assert await ask(user("Как оформить ВОЗВРАТ?")) == "once"
    assert await ask(user("Как оформить возврат?")) == "general"
    assert await ask({"role": "system", "content": "Оптовый отдел"}, user("Привет")) == "wholesale"
    rules = (await llm.http.get("/_emulator/rules")).json()["rules"]
    assert [(rule["reply"]["content"], rule["used"]) for rule in rules] == [
        ("wholesale", 1), ("general", 1)]


async def test_max_tokens_cuts_with_length(llm: Llm, ai: openai.AsyncOpenAI) -> None:
    await llm.rules({"reply": {"content": " ".join(["слово"] * 50)}})
    answer = await ai.chat.completions.create(model=CHAT, messages=[user("?")], max_tokens=10)
    choice = answer.choices[0]
    assert choice.finish_reason == "length"
    assert choice.message.content and len(choice.message.content.split()) < 10
    assert answer.usage and answer.usage.completion_tokens <= 10
    assert (await llm.requests())[0]["max_tokens"] == 10


async def test_streaming_text(llm: Llm, ai: openai.AsyncOpenAI) -> None:
    text = "Да, доставляем в Казань за 2 дня. Стоимость — 300 ₽."
    await llm.rules({"match": {"contains": "казань"}, "reply": {"content": text}})
    async with ai.chat.completions.stream(
            model=CHAT, messages=[user("а доставка в Казань есть?")],
            stream_options={"include_usage": True}) as stream:
        deltas = [event.delta async for event in stream if event.type == "content.delta"]
        final = await stream.get_final_completion()
    assert len(deltas) > 5 and "".join(deltas) == text
    assert final.choices[0].message.content == text
    assert final.choices[0].finish_reason == "stop"
    assert final.usage and final.usage.total_tokens > 0
    assert (await llm.requests())[0]["stream"] is True


async def test_streaming_wire_format(llm: Llm) -> None:
    body = {"model": CHAT, "messages": [user("Привет")], "stream": True}
    headers = {"Authorization": f"Bearer {KEY}"}
    response = await llm.http.post("/v1/chat/completions", json=body, headers=headers)
    assert response.headers["content-type"].startswith("text/event-stream")
    events = [line.removeprefix("data: ") for line in response.text.split("\n\n") if line]
    assert events[-1] == "[DONE]"
    chunks = [json.loads(event) for event in events[:-1]]
    assert all(chunk["object"] == "chat.completion.chunk" for chunk in chunks)
    assert len({chunk["id"] for chunk in chunks}) == 1 and "usage" not in chunks[0]
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    assert chunks[-1]["choices"][0] == {"index": 0, "delta": {}, "logprobs": None,
                                        "finish_reason": "stop"}
    content = "".join(chunk["choices"][0]["delta"].get("content") or "" for chunk in chunks)
    assert content == "Sandbox model: Привет"


async def test_streaming_tool_calls(llm: Llm, ai: openai.AsyncOpenAI) -> None:
    await llm.rules({"match": {"contains": "человек"}, "reply": {"tool_calls": [
        {"name": "search_knowledge", "arguments": {"query": "оператор"}},
        {"name": "handoff_to_manager", "arguments": {"reason": "Покупатель просит: {last_user}"}},
    ]}})
    async with ai.chat.completions.stream(
            model=CHAT, messages=[user("Позовите человека")], tools=TOOLS) as stream:
        done = [(event.name, event.arguments) async for event in stream
                if event.type == "tool_calls.function.arguments.done"]
        final = await stream.get_final_completion()
    expected = [("search_knowledge", {"query": "оператор"}),
                ("handoff_to_manager", {"reason": "Покупатель просит: Позовите человека"})]
    assert [(name, json.loads(arguments)) for name, arguments in done] == expected
    choice = final.choices[0]
    assert choice.finish_reason == "tool_calls"
    calls = choice.message.tool_calls or []
    assert [(c.function.name, json.loads(c.function.arguments)) for c in calls] == expected
    assert all(c.id.startswith("call_") for c in calls) and len({c.id for c in calls}) == 2


def cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


async def test_embeddings(llm: Llm, ai: openai.AsyncOpenAI) -> None:
    texts = ["есть ли доставка в Казань", "а доставка в Казань есть?",
             "Как вернуть товар, если не подошёл размер?"]
    # The client asks for base64 by default and decodes it; float must agree.
    packed = await ai.embeddings.create(model=EMBED, input=texts)
    plain = await ai.embeddings.create(model=EMBED, input=texts, encoding_format="float")
    assert packed.object == "list" and packed.model == EMBED
    assert [item.index for item in packed.data] == [0, 1, 2]
    assert all(item.object == "embedding" and len(item.embedding) == 256 for item in plain.data)
    for a, b in zip(packed.data, plain.data, strict=True):
        assert a.embedding == pytest.approx(b.embedding, abs=1e-6)
    vectors = [item.embedding for item in plain.data]
    assert all(math.isclose(math.sqrt(cosine(v, v)), 1.0, rel_tol=1e-6) for v in vectors)
    assert cosine(vectors[0], vectors[1]) > cosine(vectors[0], vectors[2]) + 0.5
    assert plain.usage.prompt_tokens == plain.usage.total_tokens > 0

    again = await ai.embeddings.create(model=EMBED, input=texts[1], encoding_format="float")
    assert again.data[0].embedding == vectors[1]
    small = await ai.embeddings.create(model=EMBED, input="доставка", dimensions=64)
    assert len(small.data[0].embedding) == 64
    log = await llm.requests("embeddings")
    assert [entry["input"] for entry in log][-2:] == [[texts[1]], ["доставка"]]


async def test_request_log_clears(llm: Llm, ai: openai.AsyncOpenAI) -> None:
    await ai.chat.completions.create(model=CHAT, messages=[SYSTEM, user("Здравствуйте")])
    [entry] = await llm.requests()
    assert entry["endpoint"] == "chat" and entry["model"] == CHAT and entry["status"] == 200
    assert entry["messages"] == [SYSTEM, user("Здравствуйте")] and entry["stream"] is False
    assert entry["reply"]["content"] == "Sandbox model: Здравствуйте"
    assert (await llm.http.delete("/_emulator/requests")).status_code == 200
    assert await llm.requests() == []
