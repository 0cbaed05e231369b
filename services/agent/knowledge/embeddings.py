"""Embeddings from any OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, ...), with the official
`openai` client: a timeout per request, and its bounded retries (429, 5xx, connection errors;
exponential backoff with jitter). Texts are sent in batches, a few batches at a time.

The endpoint is the tenant's: the HTTP client given is the kernel URL guard's pinned client
(answering/grounding.py builds one per process, so building an embedder per call opens no new
pool), and every failure reads the same to the tenant (settings/endpoint.py).
"""

from __future__ import annotations

import asyncio

import httpx
import openai
from openai import AsyncOpenAI

from services.agent.knowledge.metrics import EMBEDDING_REQUESTS
from services.agent.knowledge.retrieval import Embedder
from services.agent.settings import endpoint
from services.kernel.urls import UrlRefused, parse

BATCH_SIZE = 64
PARALLEL_BATCHES = 4


class EmbeddingError(Exception):
    """The endpoint failed or answered nonsense; the message is safe to show to the seller."""


class OpenAIEmbedder(Embedder):
    """`Embedder` for one endpoint and model."""

    def __init__(self, base_url: str, api_key: str, model: str, *, http: httpx.AsyncClient,
                 timeout_s: float = 30.0, max_retries: int = 2,
                 batch_size: int = BATCH_SIZE) -> None:
        self.base_url, self.model, self.http = base_url, model, http
        self._api_key = api_key or "none"  # local servers take any key; the client needs one
        self.timeout_s, self.max_retries, self.batch_size = timeout_s, max_retries, batch_size

    async def embed(self, texts: list[str]) -> list[list[float]]:
        """One vector per text, in order; raises EmbeddingError."""
        if not texts:
            return []
        try:
            parse(self.base_url)  # stored before the guard: a malformed URL fails here
        except UrlRefused as exc:
            raise _failure(exc) from None
        client = AsyncOpenAI(base_url=self.base_url, api_key=self._api_key,
                             timeout=self.timeout_s, max_retries=self.max_retries,
                             http_client=self.http)
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
        except (UrlRefused, openai.APIError) as exc:  # after the client's retries (never the guard's)
            EMBEDDING_REQUESTS.labels("error").inc()
            raise _failure(exc) from exc
        data = sorted(response.data, key=lambda item: item.index)
        if len(data) != len(inputs) or not all(item.embedding for item in data):
            EMBEDDING_REQUESTS.labels("error").inc()
            raise EmbeddingError(f"the embeddings endpoint returned {len(data)} vectors "
                                 f"for {len(inputs)} texts")
        EMBEDDING_REQUESTS.labels("ok").inc()
        return [list(item.embedding) for item in data]


def _failure(exc: Exception) -> EmbeddingError:
    endpoint.log_failure("embeddings", exc)
    return EmbeddingError(endpoint.ENDPOINT_FAILED)
