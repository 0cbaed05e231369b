"""The AI agent's types: its settings (and what changes them), a preview's verdict, its model's
health, the knowledge base's documents, search hits and upload results."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from switchboard_sdk._codec import OpenEnum


class KnowledgeDocumentKind(OpenEnum):
    TEXT = "TEXT"
    MARKDOWN = "MARKDOWN"
    FAQ_CSV = "FAQ_CSV"
    DOCX = "DOCX"
    XLSX = "XLSX"
    PDF = "PDF"
    LISTING = "LISTING"


class KnowledgeDocumentStatus(OpenEnum):
    """INDEXING: a re-index is under way; FAILED: see the document's `error`."""

    INDEXING = "INDEXING"
    INDEXED = "INDEXED"
    FAILED = "FAILED"


class KnowledgeChunkKind(OpenEnum):
    FAQ = "FAQ"
    TEXT = "TEXT"
    LISTING = "LISTING"


@dataclass(frozen=True)
class DayHours:
    """weekday 1 (Monday) to 7 (Sunday); open and close as HH:MM."""

    weekday: int
    open: str
    close: str


@dataclass(frozen=True)
class BusinessHours:
    time_zone: str = "Europe/Moscow"  # an IANA name
    days: list[DayHours] = field(default_factory=list)


@dataclass(frozen=True)
class HandoffRules:
    keywords: list[str] = field(default_factory=list)
    low_confidence_limit: int = 0


@dataclass(frozen=True)
class AgentLimits:
    replies_per_conversation_per_hour: int = 0
    max_reply_chars: int = 0
    context_messages: int = 0
    max_prompt_tokens: int = 0


@dataclass(frozen=True)
class AgentSettings:
    """One level of settings. The model's API key is never returned: `api_key_set` says whether
    one is stored. `outside_hours`: HOLD_UNTIL_OPEN | REPLY_ANYWAY | HANDOFF."""

    enabled: bool = False
    instructions: str = ""
    model: str = ""
    base_url: str = ""
    api_key_set: bool = False
    temperature: float = 0.0
    reply_language: str = ""
    business_hours: BusinessHours = field(default_factory=BusinessHours)
    outside_hours: str = ""
    handoff: HandoffRules = field(default_factory=HandoffRules)
    limits: AgentLimits = field(default_factory=AgentLimits)
    embeddings_model: str = ""
    faq_match_threshold: float = 0.0
    silence_window_s: int = 0
    max_wait_s: int = 0
    human_reply_takes_over: bool = False


@dataclass(frozen=True)
class AgentSettingsLevels:
    """What applies (`effective`), the tenant's own level, and a channel's override with the
    names of the fields it overrides."""

    effective: AgentSettings
    tenant: AgentSettings
    channel_override: AgentSettings | None = None
    overridden_fields: list[str] = field(default_factory=list)
    channel_id: str | None = None


@dataclass(frozen=True)
class HandoffChange:
    keywords: list[str] | None = None
    low_confidence_limit: int | None = None


@dataclass(frozen=True)
class LimitsChange:
    replies_per_conversation_per_hour: int | None = None
    max_reply_chars: int | None = None
    context_messages: int | None = None
    max_prompt_tokens: int | None = None


@dataclass(frozen=True)
class AgentSettingsChange:
    """What `update_agent_settings` changes: only the fields given (not None). `api_key` is
    write-only and "" clears it; list names in `reset` to make them inherit again (a channel's
    override from the tenant, the tenant's from the defaults)."""

    enabled: bool | None = None
    instructions: str | None = None
    model: str | None = None
    base_url: str | None = None
    api_key: str | None = None
    temperature: float | None = None
    reply_language: str | None = None
    business_hours: BusinessHours | None = None
    outside_hours: str | None = None
    handoff: HandoffChange | None = None
    limits: LimitsChange | None = None
    embeddings_model: str | None = None
    faq_match_threshold: float | None = None
    silence_window_s: int | None = None
    max_wait_s: int | None = None
    human_reply_takes_over: bool | None = None
    reset: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class AgentChunk:
    chunk_id: str
    kind: str = ""
    text: str = ""
    score: float = 0.0
    document_id: str = ""
    question: str = ""  # FAQ entries only


@dataclass(frozen=True)
class AgentPreview:
    """What the agent would do with a question (nothing was sent): `outcome` reply | handoff."""

    outcome: str
    reply: str = ""
    reason: str = ""
    mode: str = ""
    model: str = ""
    chunks: list[AgentChunk] = field(default_factory=list)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_ms: int = 0
    cost_estimate: float = 0.0
    # Why: answered | no_match | below_threshold | no_margin | contradiction:<word> (FAQ mode);
    # asked_for_human | low_confidence_streak | model_answered | model_handoff | model_failure |
    # circuit_open. More may come: show `reason` for a code you do not know.
    reason_code: str = ""
    confidence: float | None = None  # compared with `threshold`; None: no FAQ decision made
    threshold: float = 0.0
    candidates: list[AgentChunk] = field(default_factory=list)  # the entries weighed, best first


class UnansweredState(OpenEnum):
    OPEN = "OPEN"
    ANSWERED = "ANSWERED"  # an FAQ entry was added for it
    DISMISSED = "DISMISSED"


@dataclass(frozen=True)
class UnansweredQuestion:
    """A buyer's question the agent handed over for want of an answer; the same text (case, ё
    and punctuation aside) is one, asked `asked_count` times."""

    id: str
    question: str
    state: UnansweredState
    asked_count: int = 1
    first_asked_at: datetime | None = None
    last_asked_at: datetime | None = None
    conversation_id: str | None = None  # where it was asked last
    best_chunk_id: str | None = None  # the closest knowledge entry then
    best_question: str = ""
    best_score: float = 0.0
    reason: str = ""
    answered_document_id: str | None = None
    resolved_at: datetime | None = None


@dataclass(frozen=True)
class UnansweredAnswered:
    question: UnansweredQuestion
    document_id: str  # the knowledge document holding the new FAQ entry


class AgentModelState(OpenEnum):
    """FAILING: the latest `failure_threshold` model results of buyers' conversations all
    failed within the last `window_s`; UNKNOWN: no model result in that window."""

    OK = "ok"
    FAILING = "failing"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class AgentModelError:
    """A failed model call: `kind` auth (the key refused), model_not_found, rate_limited (the
    quota), unavailable (no connection, a timeout, a 5xx), empty_answer or circuit_open."""

    kind: str
    reason: str = ""
    at: datetime | None = None


@dataclass(frozen=True)
class AgentHealth:
    """Whether the agent's model answers, from the audit (previews left out)."""

    state: AgentModelState
    consecutive_failures: int = 0
    last_error: AgentModelError | None = None
    failing_since: datetime | None = None
    last_success: datetime | None = None
    last_result_at: datetime | None = None
    handed_over_last_hour: int = 0  # conversations handed to managers for a model failure
    enabled: bool = False
    model: str = ""
    base_url_host: str | None = None
    failure_threshold: int = 0
    window_s: int = 0


@dataclass(frozen=True)
class KnowledgeDocument:
    id: str
    name: str = ""
    mime_type: str = ""
    kind: KnowledgeDocumentKind = KnowledgeDocumentKind.TEXT
    status: KnowledgeDocumentStatus = KnowledgeDocumentStatus.INDEXED
    error: str | None = None
    chunk_count: int = 0
    size_bytes: int = 0
    sha256: str = ""
    source_ref: str | None = None  # e.g. listing:<channel_id>:<item_id>
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class KnowledgeHit:
    """`score` is 0..1, comparable with the FAQ match threshold."""

    chunk_id: str
    document_id: str
    document_name: str = ""
    kind: KnowledgeChunkKind = KnowledgeChunkKind.TEXT
    text: str = ""
    question: str | None = None
    answer: str | None = None
    score: float = 0.0


@dataclass(frozen=True)
class DocumentUpload:
    """One file's outcome: created, replaced (the same content was uploaded before) or
    rejected (nothing kept; `error` says why)."""

    name: str
    outcome: str
    document: KnowledgeDocument | None = None
    error: str | None = None


@dataclass(frozen=True)
class KnowledgeUpload:
    """The outcome of an upload, one result per file in the order sent."""

    results: list[DocumentUpload] = field(default_factory=list)
    stored: int = 0
    rejected: int = 0
