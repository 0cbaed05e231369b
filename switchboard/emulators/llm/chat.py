"""`POST /v1/chat/completions`: rules pick the reply, shaped exactly like OpenAI's."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from switchboard.emulators.llm import streaming, tokens
from switchboard.emulators.llm.emulator import AuthorizedDep, Emulator
from switchboard.emulators.llm.errors import OpenAIError
from switchboard.emulators.llm.rules import Conversation, Reply
from switchboard.emulators.llm.schemas import ChatRequest

router = APIRouter(prefix="/v1", tags=["openai"])

SYSTEM_FINGERPRINT = "fp_sandbox"


@router.post("/chat/completions", response_model=None)
async def chat_completions(body: ChatRequest,
                           emulator: AuthorizedDep) -> dict[str, Any] | StreamingResponse:
    entry = emulator.requests.record("chat", emulator.settings.time_source(), logged(body))
    try:
        await emulator.faults.trigger("chat")
        emulator.require_model(body.model)
    except OpenAIError as exc:
        entry["status"] = exc.status
        raise
    reply = emulator.rules.answer(Conversation.of(body))
    completion = build_completion(emulator, body, reply)
    message = completion["choices"][0]["message"]
    entry["status"] = 200
    entry["reply"] = {"rule_id": reply.rule_id, "content": message["content"],
                      "tool_calls": message.get("tool_calls", []),
                      "finish_reason": completion["choices"][0]["finish_reason"]}
    if not body.stream:
        return completion
    include_usage = bool(body.stream_options and body.stream_options.include_usage)
    chunks = streaming.sse_chunks(completion, include_usage,
                                  emulator.settings.stream_argument_chars)
    return StreamingResponse(chunks, media_type="text/event-stream",
                             headers={"cache-control": "no-cache"})


def logged(body: ChatRequest) -> dict[str, Any]:
    """The request as tests want to see it: what the agent sent, nulls left out."""
    return {
        "model": body.model,
        "messages": [m.model_dump(exclude_none=True) for m in body.messages],
        "tools": [t.model_dump(exclude_none=True) for t in body.tools or []],
        "tool_choice": body.tool_choice,
        "temperature": body.temperature,
        "max_tokens": body.token_limit,
        "stream": bool(body.stream),
    }


def build_completion(emulator: Emulator, body: ChatRequest, reply: Reply) -> dict[str, Any]:
    content, finish = reply.content, reply.finish_reason
    if content is not None and body.token_limit is not None:
        content, cut = tokens.truncate(content, body.token_limit)
        if cut and finish is None:
            finish = "length"
    tool_calls = [{"id": emulator.new_id("call_", 24), "type": "function",
                   "function": {"name": name, "arguments": arguments}}
                  for name, arguments in reply.tool_calls]
    message: dict[str, Any] = {"role": "assistant", "content": content, "refusal": None}
    if tool_calls:
        message["tool_calls"] = tool_calls
    finish = finish or ("tool_calls" if tool_calls else "stop")
    prompt = tokens.prompt_tokens(body)
    completion = tokens.completion_tokens(content, reply.tool_calls)
    choices = [{"index": index, "message": message, "logprobs": None, "finish_reason": finish}
               for index in range(body.n or 1)]
    return {
        "id": emulator.new_id("chatcmpl-", 29),
        "object": "chat.completion",
        "created": emulator.now(),
        "model": body.model,
        "choices": choices,
        "usage": {"prompt_tokens": prompt, "completion_tokens": completion * len(choices),
                  "total_tokens": prompt + completion * len(choices)},
        "system_fingerprint": SYSTEM_FINGERPRINT,
    }
