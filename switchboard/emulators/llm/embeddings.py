"""`POST /v1/embeddings`: deterministic vectors that are an approximation, not a real model.

A text becomes a bag of features hashed into `dimensions` signed buckets and L2-normalized:
each content word (lowercased, ё as е, stop words dropped) gives its stem (a common Russian or
English ending cut, then the first 5 characters) with weight 1, and its character trigrams
(with word boundaries) sharing a weight of 0.5. Paraphrases that share stems land close
("есть ли доставка в Казань" ~ "а доставка в Казань есть?"); synonyms do not.
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
import struct
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter

from switchboard.emulators.llm import tokens
from switchboard.emulators.llm.emulator import AuthorizedDep
from switchboard.emulators.llm.errors import OpenAIError
from switchboard.emulators.llm.schemas import EmbeddingRequest

router = APIRouter(prefix="/v1", tags=["openai"])

WORD = re.compile(r"[^\W_]+")
STEM_CHARS = 5
MIN_STEM = 3
TRIGRAM_WEIGHT = 0.5
_STOPWORDS = """
    а и в во на но ли же бы ну не ни что как так то это у к ко с со о об от до по за из для при
    или да вы мы я он она они оно вам нам мне вас нас их его ее её мой ваш вот уже ещё еще
    the a an and or of to in on at for is are be do does with it this that you we i
"""
_ENDINGS = """
    иями ями ами ого его ому ему ыми ими ать ять ить еть ешь ете ите ает яет ует ют ут ет
    ая яя ое ее ые ие ой ей ий ый ую юю ом ем ам ям ах ях ов ев ия ья ье ть ся сь
    а я о е ы и у ю ь ing ed es s
"""
STOPWORDS = frozenset(_STOPWORDS.split())
# Longest first, so "ями" is cut rather than "и".
ENDINGS = sorted(_ENDINGS.split(), key=lambda ending: (-len(ending), ending))


def stem(word: str) -> str:
    for ending in ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            word = word[:-len(ending)]
            break
    return word[:STEM_CHARS]


def features(text: str) -> Iterator[tuple[str, float]]:
    words = WORD.findall(text.casefold().replace("ё", "е"))
    content = [word for word in words if word not in STOPWORDS] or words
    if not content:  # punctuation only: still a non-zero vector
        yield "raw:" + text, 1.0
    for word in content:
        yield "w:" + stem(word), 1.0
        padded = f"#{word}#"
        grams = [padded[i:i + 3] for i in range(len(padded) - 2)]
        for gram in grams:
            yield "t:" + gram, TRIGRAM_WEIGHT / math.sqrt(len(grams))


def embed(text: str, dim: int) -> list[float]:
    vector = [0.0] * dim
    for feature, weight in features(text):
        digest = int.from_bytes(hashlib.blake2b(feature.encode(), digest_size=8).digest(), "big")
        sign = 1.0 if digest >> 63 else -1.0
        vector[digest % dim] += sign * weight
    norm = math.sqrt(sum(value * value for value in vector)) or 1.0
    return [value / norm for value in vector]


def encode(vector: list[float], encoding_format: str) -> list[float] | str:
    """base64 is what OpenAI sends: little-endian float32s."""
    if encoding_format == "base64":
        return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()
    return vector


@router.post("/embeddings")
async def embeddings(body: EmbeddingRequest, emulator: AuthorizedDep) -> dict[str, Any]:
    texts = body.texts
    entry = emulator.requests.record("embeddings", emulator.settings.time_source(), {
        "model": body.model, "input": texts, "encoding_format": body.encoding_format,
        "dimensions": body.dimensions})
    try:
        await emulator.faults.trigger("embeddings")
        emulator.require_model(body.model)
        if not texts or not all(texts):
            raise OpenAIError(400, "'input' must be a non-empty string or list of them.",
                              param="input")
    except OpenAIError as exc:
        entry["status"] = exc.status
        raise
    dim = body.dimensions or emulator.settings.embedding_dim
    data = [{"object": "embedding", "index": index,
             "embedding": encode(embed(text, dim), body.encoding_format)}
            for index, text in enumerate(texts)]
    used = sum(tokens.count(text) for text in texts)
    entry["status"] = 200
    return {"object": "list", "data": data, "model": body.model,
            "usage": {"prompt_tokens": used, "total_tokens": used}}
