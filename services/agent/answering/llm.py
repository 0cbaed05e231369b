"""Chat completions against any OpenAI-compatible endpoint, with the official `openai` package.

Each call has a timeout and the client's own retries (429, 5xx, dropped connections, with
exponential backoff and jitter), then ours for a 5xx or connection failure that outlived them.
A circuit breaker per tenant and endpoint (URL, model, key) stops calling a failing endpoint for a cool-down:
meanwhile the pipeline hands conversations over instead of making buyers wait on timeouts.

The endpoint is the tenant's: every client's connections go through the kernel's URL guard
(`http_client=` a pinned client: vetted address only, no redirects), and every failure reads
the same to the tenant but for its kind (settings/endpoint.py); the operator log keeps the
detail.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import openai
from openai import AsyncOpenAI

from services.agent.answering import metrics
from services.agent.config import AgentSettings
from services.agent.settings import endpoint
from services.agent.settings.endpoint import CIRCUIT_OPEN, EMPTY_ANSWER, UNAVAILABLE
from services.kernel.backoff import equal_jitter
from services.kernel.urls import OutboundGuard, UrlRefused, parse

# Ollama and vLLM accept any key; the openai client insists on one.
NO_KEY = "not-needed"
MAX_CLIENTS = 64


class LlmFailure(Exception):
    """The model could not give an answer; the message says why (safe to show in a note),
    `kind` what failed (settings/endpoint.py: auth, model_not_found, ...)."""

    def __init__(self, message: str, kind: str = UNAVAILABLE) -> None:
        super().__init__(message)
        self.kind = kind


class CircuitOpen(LlmFailure):
    """The endpoint failed repeatedly; not called until the cool-down ends."""

    def __init__(self, message: str) -> None:
        super().__init__(message, CIRCUIT_OPEN)


@dataclass(frozen=True)
class Endpoint:
    base_url: str
    api_key: str
    model: str
    temperature: float


@dataclass(frozen=True)
class Completion:
    message: Any  # openai ChatCompletionMessage: content and tool_calls
    prompt_tokens: int
    completion_tokens: int


class CircuitBreaker:
    """Per key: closed; open after `failures` in a row; after `cooldown_s` one call may try."""

    def __init__(self, failures: int, cooldown_s: float,
                 clock: Callable[[], float] = time.monotonic, max_keys: int = 10_000) -> None:
        self.failures, self.cooldown_s, self.clock = failures, cooldown_s, clock
        self._state: OrderedDict[tuple[uuid.UUID, str], tuple[int, float]] = OrderedDict()
        self._max_keys = max_keys

    def allow(self, key: tuple[uuid.UUID, str]) -> bool:
        count, opened_at = self._state.get(key, (0, 0.0))
        if count < self.failures:
            return True
        if self.clock() - opened_at >= self.cooldown_s:
            self._state[key] = (count, self.clock())  # half-open: this one call tries
            return True
        return False

    def success(self, key: tuple[uuid.UUID, str]) -> None:
        self._state.pop(key, None)

    def failure(self, key: tuple[uuid.UUID, str]) -> None:
        count, _ = self._state.pop(key, (0, 0.0))
        self._state[key] = (count + 1, self.clock())
        while len(self._state) > self._max_keys:
            self._state.popitem(last=False)


class LlmClient:
    def __init__(self, settings: AgentSettings, breaker: CircuitBreaker | None = None,
                 guard: OutboundGuard | None = None) -> None:
        self.settings = settings
        self.guard = guard or OutboundGuard(settings.outbound_allow)
        self.breaker = breaker or CircuitBreaker(settings.agent_breaker_failures,
                                                 settings.agent_breaker_cooldown_s)
        self._clients: OrderedDict[tuple[str, str], AsyncOpenAI] = OrderedDict()
        self._closing: set[asyncio.Task[None]] = set()  # evicted clients being closed

    async def complete(self, tenant_id: uuid.UUID, endpoint: Endpoint,
                       messages: list[dict[str, Any]], *, tools: list[dict[str, Any]] | None = None,
                       tool_choice: str | None = None, max_tokens: int | None = None) -> Completion:
        # Per endpoint as configured: a fixed key or model name closes the circuit at once.
        key = (tenant_id, f"{endpoint.base_url} {endpoint.model} {_digest(endpoint.api_key)}")
        if not self.breaker.allow(key):
            metrics.LLM_CALLS.labels("circuit_open").inc()
            raise CircuitOpen("модель недоступна после нескольких ошибок подряд; ответы приостановлены")
        started = time.perf_counter()
        try:
            completion = await self._with_retries(endpoint, messages, tools, tool_choice, max_tokens)
        except LlmFailure:
            self.breaker.failure(key)
            metrics.LLM_CALLS.labels("error").inc()
            raise
        finally:
            metrics.LLM_LATENCY.observe(time.perf_counter() - started)
        self.breaker.success(key)
        metrics.LLM_CALLS.labels("ok").inc()
        return completion

    async def _with_retries(self, endpoint: Endpoint, messages: list[dict[str, Any]],
                            tools: list[dict[str, Any]] | None, tool_choice: str | None,
                            max_tokens: int | None) -> Completion:
        try:
            parse(endpoint.base_url)  # stored before the guard: a malformed URL fails here
        except UrlRefused as exc:
            raise _failure(exc) from None
        client = self._client(endpoint)
        extra: dict[str, Any] = {}
        if tools:
            extra["tools"] = tools
            extra["tool_choice"] = tool_choice or "auto"
        if max_tokens:
            extra["max_tokens"] = max_tokens
        attempts = self.settings.agent_llm_retries + 1
        for attempt in range(1, attempts + 1):
            try:
                resp = await client.chat.completions.create(
                    model=endpoint.model, messages=messages,  # type: ignore[arg-type]
                    temperature=endpoint.temperature, **extra)
            except UrlRefused as exc:  # the guard, at connect time: never retried
                raise _failure(exc) from None
            except (openai.APIConnectionError, openai.InternalServerError) as exc:
                if attempt == attempts:
                    raise _failure(exc) from exc
                await asyncio.sleep(self._backoff(attempt))
                continue
            except openai.APIError as exc:
                raise _failure(exc) from exc
            if not resp.choices:
                raise LlmFailure("модель вернула пустой ответ", EMPTY_ANSWER)
            usage = resp.usage
            return Completion(resp.choices[0].message, usage.prompt_tokens if usage else 0,
                              usage.completion_tokens if usage else 0)
        raise AssertionError("unreachable")

    def _backoff(self, attempt: int) -> float:
        return equal_jitter(attempt, self.settings.agent_llm_backoff_s)  # replicas out of step

    def _client(self, endpoint: Endpoint) -> AsyncOpenAI:
        """One client (and connection pool) per endpoint and key, the least used evicted."""
        key = (endpoint.base_url, _digest(endpoint.api_key))
        client = self._clients.pop(key, None)
        if client is None:
            timeout = httpx.Timeout(self.settings.agent_llm_timeout_s, connect=5.0)
            client = AsyncOpenAI(
                base_url=endpoint.base_url, api_key=endpoint.api_key or NO_KEY, timeout=timeout,
                max_retries=self.settings.agent_llm_client_retries,
                http_client=self.guard.client(timeout=timeout, limits=httpx.Limits(
                    max_connections=100, max_keepalive_connections=20)))
        self._clients[key] = client
        while len(self._clients) > MAX_CLIENTS:
            _, old = self._clients.popitem(last=False)
            task = asyncio.get_running_loop().create_task(old.close())
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)
        return client

    async def close(self) -> None:
        clients, self._clients = list(self._clients.values()), OrderedDict()
        await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)


def _digest(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


def _failure(exc: Exception) -> LlmFailure:
    endpoint.log_failure("chat", exc)
    kind = endpoint.failure_kind(exc)
    return LlmFailure(endpoint.FAILURE_TEXT.get(kind, endpoint.ENDPOINT_FAILED), kind)
