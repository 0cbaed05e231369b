"""Request bodies: the Avito API's own and those of the `/_emulator` control plane."""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import BaseModel, Field, model_validator

from switchboard.emulators.avito.endpoints import Endpoint

__all__ = ["Endpoint"]

ItemStatus = Literal["active", "removed", "old", "blocked", "rejected"]
# What a buyer (or Avito) can post; `deleted` only comes from deleting.
IncomingType = Literal["text", "image", "voice", "link", "item", "location", "call", "file",
                       "system", "appCall", "video"]
# The field each type cannot do without.
_REQUIRED = {"text": "text", "image": "image", "link": "url", "location": "location",
             "system": "flow_id"}


class ItemSpec(BaseModel):
    id: int | None = Field(default=None, gt=0)
    title: str = Field(min_length=1)
    price: int | None = Field(ge=0)
    url: str | None = None
    status: ItemStatus = "active"
    image_url: str | None = None


class ItemPatch(BaseModel):
    """Only the fields present change (`price: null` clears the price)."""

    title: str | None = Field(default=None, min_length=1)
    price: int | None = Field(default=None, ge=0)
    url: str | None = Field(default=None, min_length=1)
    status: ItemStatus | None = None
    image_url: str | None = None


class Balance(BaseModel):
    real: float = 0.0
    bonus: float = 0.0
    cpa: int = 0  # the CPA balance, kopecks (may be negative)


class AccountSpec(BaseModel):
    """An account to create; whatever is omitted is generated."""

    name: str | None = None
    client_id: str | None = Field(default=None, min_length=1)
    client_secret: str | None = Field(default=None, min_length=1)
    user_id: int | None = Field(default=None, gt=0)
    items: list[ItemSpec] = Field(default_factory=list)
    # False: the tariff lacks the Messenger API, which then answers 402.
    messenger_access: bool = True
    balance: Balance = Field(default_factory=Balance)


class AccountPatch(BaseModel):
    name: str | None = Field(default=None, min_length=1)
    messenger_access: bool | None = None
    # The seller issued a new client secret in Avito's cabinet: the old one is refused.
    client_secret: str | None = Field(default=None, min_length=1)
    balance: Balance | None = None


class LocationSpec(BaseModel):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    text: str = ""
    title: str = ""
    kind: str = "house"


class IncomingSpec(BaseModel):
    """A buyer (or, for `system`, an Avito bot) writes to an account. Without `type`, exactly
    one of `text` or `image` (an image URL) says what it is."""

    type: IncomingType | None = None
    chat_id: str | None = None
    item_id: int | None = None
    author_id: int | None = Field(default=None, gt=0)
    author_name: str | None = None
    quote_id: str | None = None
    text: str | None = Field(default=None, min_length=1)
    image: str | None = Field(default=None, min_length=1)
    voice_id: str | None = Field(default=None, min_length=1)
    url: str | None = Field(default=None, min_length=1)
    preview: dict[str, Any] | None = None
    location: LocationSpec | None = None
    call_status: str = "missed"
    flow_id: str | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _payload(self) -> Self:
        if self.type is None:
            if (self.text is None) == (self.image is None):
                raise ValueError("exactly one of text or image is required (or give a type)")
            self.type = "text" if self.text is not None else "image"
        required = _REQUIRED.get(self.type)
        if required and getattr(self, required) is None:
            raise ValueError(f"a {self.type} message needs {required}")
        return self


class BlacklistContext(BaseModel):
    item_id: int | None = None
    # 1 spam, 2 fraud, 3 insults, 4 other
    reason_id: Literal[1, 2, 3, 4] | None = None


class BlacklistEntryBody(BaseModel):
    user_id: int = Field(gt=0)
    context: BlacklistContext | None = None


class BlacklistBody(BaseModel):
    users: list[BlacklistEntryBody] = Field(min_length=1)


class FaultSpec(BaseModel):
    """An endpoint fault (status and/or latency for the next `count` calls, optionally only
    those about one chat), delivery switches, and `expire_tokens` (every access token issued
    so far expires now)."""

    endpoint: Endpoint | None = None
    status: Literal[429, 500, 502, 503, 504] | None = None
    count: int = Field(default=1, ge=1)
    latency_ms: int = Field(default=0, ge=0, le=60_000)
    # Only calls about this chat (a `{chat_id}` in the path) trigger the fault; others pass.
    chat_id: str | None = Field(default=None, min_length=1)
    duplicate_webhooks: bool | None = None
    webhook_jitter_ms: int | None = Field(default=None, ge=0, le=10_000)
    drop_webhooks: int | None = Field(default=None, ge=0)
    reorder_webhooks: bool | None = None
    reorder_window_ms: int | None = Field(default=None, ge=1, le=10_000)
    expire_tokens: bool | None = None

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        endpoint_fault = self.status is not None or self.latency_ms > 0
        if endpoint_fault != (self.endpoint is not None):
            raise ValueError("an endpoint fault needs both endpoint and status or latency_ms")
        if self.chat_id is not None and not endpoint_fault:
            raise ValueError("chat_id narrows an endpoint fault: give endpoint and status or "
                             "latency_ms too")
        switches = (self.duplicate_webhooks, self.webhook_jitter_ms, self.drop_webhooks,
                    self.reorder_webhooks, self.reorder_window_ms, self.expire_tokens)
        if not endpoint_fault and all(switch is None for switch in switches):
            raise ValueError("nothing to inject")
        return self


class ClockAdvance(BaseModel):
    advance_seconds: float = Field(ge=0)


class ChatterSpec(BaseModel):
    interval_s: float | None = Field(default=None, gt=0)


class SendText(BaseModel):
    text: str = Field(min_length=1, max_length=1000)


class SendMessageBody(BaseModel):
    message: SendText
    type: Literal["text"] = "text"


class SendImageBody(BaseModel):
    image_id: str = Field(min_length=1)


class WebhookUrl(BaseModel):
    url: str = Field(pattern=r"^https?://\S+$", max_length=2048)


class AppSpec(BaseModel):
    """A partner app registered on the developer portal (authorization_code flow)."""

    client_id: str | None = Field(default=None, min_length=1)
    client_secret: str | None = Field(default=None, min_length=1)
    redirect_uri: str = Field(pattern=r"^https?://\S+$", max_length=2048)
    name: str | None = None


class AuthorizeSpec(BaseModel):
    """`user_id` consents to `client_id`'s request, as on Avito's consent page."""

    client_id: str
    user_id: int
    state: str | None = None
    scope: str = "messenger:read,messenger:write"


class SessionSpec(BaseModel):
    """Who is logged in to avito.ru in the emulated browser; null logs out."""

    user_id: int | None
