"""A finished completion re-told as OpenAI's `chat.completion.chunk` server-sent events.

Per choice: a role delta, content word by word, each tool call as a header (id, name, empty
arguments) followed by argument slices, then an empty delta with the finish reason. With
`stream_options.include_usage` every chunk carries `"usage": null` and a last chunk with no
choices carries the usage. The stream ends with `data: [DONE]`.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

WORD = re.compile(r"\s*\S+|\s+")  # pieces that join back to the exact content


def sse(data: dict[str, Any] | str) -> str:
    payload = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False,
                                                            separators=(",", ":"))
    return f"data: {payload}\n\n"


def choice_deltas(message: dict[str, Any], arg_chars: int) -> Iterator[dict[str, Any]]:
    content = message["content"]
    yield {"role": "assistant", "content": "" if content is not None else None, "refusal": None}
    for piece in WORD.findall(content or ""):
        yield {"content": piece}
    for index, call in enumerate(message.get("tool_calls", [])):
        function = call["function"]
        yield {"tool_calls": [{"index": index, "id": call["id"], "type": "function",
                               "function": {"name": function["name"], "arguments": ""}}]}
        arguments = function["arguments"]
        for start in range(0, len(arguments), arg_chars):
            piece = arguments[start:start + arg_chars]
            yield {"tool_calls": [{"index": index, "function": {"arguments": piece}}]}


async def sse_chunks(completion: dict[str, Any], include_usage: bool,
                     arg_chars: int) -> AsyncIterator[str]:
    base = {key: completion[key] for key in ("id", "created", "model", "system_fingerprint")}
    base["object"] = "chat.completion.chunk"

    def chunk(choices: list[dict[str, Any]]) -> dict[str, Any]:
        body = {**base, "choices": choices}
        if include_usage:
            body["usage"] = None
        return body

    for choice in completion["choices"]:
        index = choice["index"]
        for delta in choice_deltas(choice["message"], arg_chars):
            yield sse(chunk([{"index": index, "delta": delta, "logprobs": None,
                              "finish_reason": None}]))
        yield sse(chunk([{"index": index, "delta": {}, "logprobs": None,
                          "finish_reason": choice["finish_reason"]}]))
    if include_usage:
        yield sse({**base, "choices": [], "usage": completion["usage"]})
    yield sse("[DONE]")
