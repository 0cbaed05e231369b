"""Request bodies: the Avito API's own and those of the `/_emulator` control plane."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import BaseModel, Field, model_validator

# Names of the emulated Avito endpoints; rate limits and faults are keyed by them.
Endpoint = Literal[
    "token", "self", "chats", "chat", "messages", "send", "read",
    "webhook", "unsubscribe", "subscriptions",
]


class ItemSpec(BaseModel):
    title: str = Field(min_length=1)
    price: int = Field(ge=0)
    url: str | None = None


class AccountSpec(BaseModel):
    """An account to create; whatever is omitted is generated."""

    name: str | None = None
    client_id: str | None = Field(default=None, min_length=1)
    client_secret: str | None = Field(default=None, min_length=1)
    user_id: int | None = Field(default=None, gt=0)
    items: list[ItemSpec] = Field(default_factory=list)


class IncomingSpec(BaseModel):
    """A buyer writes to an account: exactly one of `text` or `image` (an image URL)."""

    chat_id: str | None = None
    item_id: int | None = None
    author_id: int | None = Field(default=None, gt=0)
    author_name: str | None = None
    text: str | None = Field(default=None, min_length=1)
    image: str | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _one_payload(self) -> Self:
        if (self.text is None) == (self.image is None):
            raise ValueError("exactly one of text or image is required")
        return self


class FaultSpec(BaseModel):
    """Either an endpoint fault (status and/or latency for the next `count` calls) or a
    delivery switch (`duplicate_webhooks`, `webhook_jitter_ms`)."""

    endpoint: Endpoint | None = None
    status: Literal[429, 500, 503] | None = None
    count: int = Field(default=1, ge=1)
    latency_ms: int = Field(default=0, ge=0, le=60_000)
    duplicate_webhooks: bool | None = None
    webhook_jitter_ms: int | None = Field(default=None, ge=0, le=10_000)

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        endpoint_fault = self.status is not None or self.latency_ms > 0
        if endpoint_fault != (self.endpoint is not None):
            raise ValueError("an endpoint fault needs both endpoint and status or latency_ms")
        switches = (self.duplicate_webhooks, self.webhook_jitter_ms)
        if not endpoint_fault and all(switch is None for switch in switches):
            raise ValueError("nothing to inject")
        return self


class ClockAdvance(BaseModel):
    advance_seconds: float = Field(ge=0)


class SendText(BaseModel):
    text: str = Field(min_length=1, max_length=1000)


class SendMessageBody(BaseModel):
    message: SendText
    type: Literal["text"] = "text"


class WebhookUrl(BaseModel):
    url: str = Field(pattern=r"^https?://\S+$", max_length=2048)
