"""Token counts: a deterministic approximation, not a real tokenizer.

A text counts ceil(1.3 x pieces), a piece being a run of word characters or one punctuation
mark; each message adds 4 (role and separators) and a prompt adds 3 (the reply's priming), as
OpenAI's cookbook counts them. tiktoken is not used: it downloads its BPE files on first use.
"""

from __future__ import annotations

import json
import math
import re

from switchboard.emulators.llm.schemas import ChatRequest

PIECE = re.compile(r"\w+|[^\w\s]")
TOKENS_PER_PIECE = 1.3
PER_MESSAGE = 4
REPLY_PRIMING = 3


def count(text: str) -> int:
    return math.ceil(len(PIECE.findall(text)) * TOKENS_PER_PIECE)


def prompt_tokens(request: ChatRequest) -> int:
    total = REPLY_PRIMING
    for message in request.messages:
        total += PER_MESSAGE + count(message.text())
        for call in message.tool_calls or []:
            total += count(call.function.name) + count(call.function.arguments)
    if request.tools:
        total += count(json.dumps([tool.model_dump(exclude_none=True) for tool in request.tools]))
    return total


def completion_tokens(content: str | None, tool_calls: list[tuple[str, str]]) -> int:
    """`tool_calls` as (name, arguments JSON) pairs."""
    total = count(content or "")
    for name, arguments in tool_calls:
        total += count(name) + count(arguments)
    return total


def truncate(text: str, limit: int) -> tuple[str, bool]:
    """The longest prefix of `text` counting at most `limit` tokens, and whether it was cut."""
    if count(text) <= limit:
        return text, False
    keep = math.floor(limit / TOKENS_PER_PIECE)
    if keep == 0:
        return "", True
    ends = [match.end() for match in PIECE.finditer(text)]
    return text[:ends[keep - 1]], True
