"""Embeddings from any OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, ...), with the official
`openai` client: a timeout per request, and its bounded retries (429, 5xx, connection errors;
exponential backoff with jitter). Texts are sent in batches, a few batches at a time.

Every embedder of a process shares one HTTP connection pool (one per event loop), so building an
embedder per call, as the answering side does per tenant, opens no new pools.
"""

from __future__ import annotations

import asyncio
import logging
import weakref

import httpx
import openai
from openai import AsyncOpenAI

from services.agent.knowledge.metrics import EMBEDDING_REQUESTS
from services.agent.knowledge.retrieval import Embedder

log = logging.getLogger(__name__)

BATCH_SIZE = 64
PARALLEL_BATCHES = 4

_pools: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = (
    weakref.WeakKeyDictionary())


class EmbeddingError(Exception):
    """The endpoint failed or answered nonsense; the message is safe to show to the seller."""


def _shared_http() -> httpx.AsyncClient:
    loop = asyncio.get_running_loop()
    client = _pools.get(loop)
    if client is None or client.is_closed:
        client = httpx.AsyncClient(limits=httpx.Limits(max_connections=50,
                                                       max_keepalive_connections=10))
        _pools[loop] = client
    return client


class OpenAIEmbedder(Embedder):
    """`Embedder` for one endpoint and model."""

    def __init__(self, base_url: str, api_key: str, model: str, *, timeout_s: float = 30.0,
                 max_retries: int = 2, batch_size: int = BATCH_SIZE) -> None:
        self.base_url, self.model = base_url, model
        self._api_key = api_key or "none"  # local servers take any key; the client needs one
        self.timeout_s, self.max_retries, self.batch_size = timeout_s, max_retries, batch_size

    async def embed(self, texts: list[str]) -> list[list[float]]:
        """One vector per text, in order; raises EmbeddingError."""
        if not texts:
            return []
        client = AsyncOpenAI(base_url=self.base_url, api_key=self._api_key,
                             timeout=self.timeout_s, max_retries=self.max_retries,
                             http_client=_shared_http())
        gate = asyncio.Semaphore(PARALLEL_BATCHES)
        batches = [texts[i:i + self.batch_size] for i in range(0, len(texts), self.batch_size)]

        async def one(batch: list[str]) -> list[list[float]]:
            async with gate:
                return await self._batch(client, batch)

        results = await asyncio.gather(*(one(b) for b in batches))
        vectors = [v for batch in results for v in batch]
        if len({len(v) for v in vectors}) != 1:
            raise EmbeddingError("the embeddings endpoint returned vectors of different sizes")
        return vectors

    async def _batch(self, client: AsyncOpenAI, batch: list[str]) -> list[list[float]]:
        # Endpoints reject empty strings; a space embeds as "nothing in particular".
        inputs = [text if text.strip() else " " for text in batch]
        try:
            response = await client.embeddings.create(model=self.model, input=inputs,
                                                      encoding_format="float")
        except openai.APIStatusError as exc:
            EMBEDDING_REQUESTS.labels("error").inc()
            raise EmbeddingError(f"the embeddings endpoint answered {exc.status_code}: "
                                 f"{_detail(exc)}") from exc
        except openai.APIError as exc:  # timeouts and connection errors, after the retries
            EMBEDDING_REQUESTS.labels("error").inc()
            raise EmbeddingError(f"the embeddings endpoint is unreachable: {exc}") from exc
        data = sorted(response.data, key=lambda item: item.index)
        if len(data) != len(inputs) or not all(item.embedding for item in data):
            EMBEDDING_REQUESTS.labels("error").inc()
            raise EmbeddingError(f"the embeddings endpoint returned {len(data)} vectors "
                                 f"for {len(inputs)} texts")
        EMBEDDING_REQUESTS.labels("ok").inc()
        return [list(item.embedding) for item in data]


def _detail(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        message = body.get("message") or (body.get("error") or {}).get("message")
        if message:
            return str(message)[:300]
    return exc.message[:300]
