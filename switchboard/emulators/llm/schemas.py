"""Request bodies: OpenAI's (lenient: unknown fields are accepted and ignored) and those of the
`/_emulator` control plane (strict: a misspelt field is a 422, not a silently ignored rule)."""

from __future__ import annotations

import re
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Endpoint = Literal["chat", "embeddings", "models"]
FinishReason = Literal["stop", "tool_calls", "length", "content_filter"]


class _OpenAI(BaseModel):
    model_config = ConfigDict(extra="allow")


class FunctionCall(_OpenAI):
    name: str
    arguments: str = ""


class ToolCall(_OpenAI):
    id: str
    type: Literal["function"] = "function"
    function: FunctionCall


class Message(_OpenAI):
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[dict[str, Any]] | None = None
    name: str | None = None
    tool_calls: list[ToolCall] | None = None
    tool_call_id: str | None = None

    def text(self) -> str:
        """The content as plain text; the text parts of a multi-part content, joined."""
        if isinstance(self.content, list):
            return "\n".join(str(part.get("text", "")) for part in self.content
                             if part.get("type") == "text")
        return self.content or ""


class FunctionDef(_OpenAI):
    name: str = Field(min_length=1)
    description: str | None = None
    parameters: dict[str, Any] | None = None


class Tool(_OpenAI):
    type: Literal["function"] = "function"
    function: FunctionDef


class StreamOptions(_OpenAI):
    include_usage: bool = False


class ChatRequest(_OpenAI):
    model: str
    messages: list[Message] = Field(min_length=1)
    tools: list[Tool] | None = None
    tool_choice: str | dict[str, Any] | None = None
    temperature: float | None = Field(default=None, ge=0, le=2)
    max_tokens: int | None = Field(default=None, ge=1)
    max_completion_tokens: int | None = Field(default=None, ge=1)
    n: int | None = Field(default=None, ge=1, le=8)
    stream: bool | None = False
    stream_options: StreamOptions | None = None

    @property
    def token_limit(self) -> int | None:
        return self.max_completion_tokens or self.max_tokens


class EmbeddingRequest(_OpenAI):
    model: str
    input: str | list[str]
    encoding_format: Literal["float", "base64"] = "float"
    dimensions: int | None = Field(default=None, ge=1, le=4096)

    @property
    def texts(self) -> list[str]:
        return [self.input] if isinstance(self.input, str) else self.input


class _Control(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RuleMatch(_Control):
    """All given conditions must hold; an empty match matches every request."""

    contains: str | None = None  # in the last user message, case-insensitive
    regex: str | None = None  # re.search over the last user message, case-insensitive
    system_contains: str | None = None  # in any system/developer message, case-insensitive
    has_tool_result: str | None = None  # a result of this tool is in the conversation
    model: str | None = None

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"bad regex: {exc}") from None
        return value


class ToolCallSpec(_Control):
    name: str = Field(min_length=1)
    arguments: dict[str, Any] = Field(default_factory=dict)


class ReplySpec(_Control):
    """`content` and string values of tool-call `arguments` are templates (see rules.py)."""

    content: str | None = None
    tool_calls: list[ToolCallSpec] = Field(default_factory=list)
    finish_reason: FinishReason | None = None

    @model_validator(mode="after")
    def _something(self) -> Self:
        if self.content is None and not self.tool_calls:
            raise ValueError("a reply needs content or tool_calls")
        return self


class RuleSpec(_Control):
    match: RuleMatch = Field(default_factory=RuleMatch)
    reply: ReplySpec
    times: int | None = Field(default=None, ge=1)  # used up after this many answers
    priority: int = 0  # higher first; ties go to the earlier rule


class FaultSpec(_Control):
    """The next `count` calls of `endpoint` wait `latency_ms`, then fail with `status` if set."""

    endpoint: Endpoint
    status: Literal[429, 500, 503] | None = None
    count: int = Field(default=1, ge=1)
    latency_ms: int = Field(default=0, ge=0, le=60_000)
    retry_after_s: float = Field(default=1.0, ge=0, le=60)

    @model_validator(mode="after")
    def _something(self) -> Self:
        if self.status is None and self.latency_ms == 0:
            raise ValueError("a fault needs a status or latency_ms")
        return self
