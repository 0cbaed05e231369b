import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from clients.rpc.gen.switchboard.common.v1 import message_pb2 as _message_pb2
from clients.rpc.gen.switchboard.common.v1 import pagination_pb2 as _pagination_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class OutsideHours(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    OUTSIDE_HOURS_UNSPECIFIED: _ClassVar[OutsideHours]
    OUTSIDE_HOURS_HOLD_UNTIL_OPEN: _ClassVar[OutsideHours]
    OUTSIDE_HOURS_REPLY_ANYWAY: _ClassVar[OutsideHours]
    OUTSIDE_HOURS_HANDOFF: _ClassVar[OutsideHours]

class Outcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    OUTCOME_UNSPECIFIED: _ClassVar[Outcome]
    OUTCOME_REPLY: _ClassVar[Outcome]
    OUTCOME_HANDOFF: _ClassVar[Outcome]
    OUTCOME_SKIPPED: _ClassVar[Outcome]

class ModelState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MODEL_STATE_UNSPECIFIED: _ClassVar[ModelState]
    MODEL_STATE_UNKNOWN: _ClassVar[ModelState]
    MODEL_STATE_OK: _ClassVar[ModelState]
    MODEL_STATE_FAILING: _ClassVar[ModelState]

class UnansweredState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    UNANSWERED_STATE_UNSPECIFIED: _ClassVar[UnansweredState]
    UNANSWERED_STATE_OPEN: _ClassVar[UnansweredState]
    UNANSWERED_STATE_ANSWERED: _ClassVar[UnansweredState]
    UNANSWERED_STATE_DISMISSED: _ClassVar[UnansweredState]
OUTSIDE_HOURS_UNSPECIFIED: OutsideHours
OUTSIDE_HOURS_HOLD_UNTIL_OPEN: OutsideHours
OUTSIDE_HOURS_REPLY_ANYWAY: OutsideHours
OUTSIDE_HOURS_HANDOFF: OutsideHours
OUTCOME_UNSPECIFIED: Outcome
OUTCOME_REPLY: Outcome
OUTCOME_HANDOFF: Outcome
OUTCOME_SKIPPED: Outcome
MODEL_STATE_UNSPECIFIED: ModelState
MODEL_STATE_UNKNOWN: ModelState
MODEL_STATE_OK: ModelState
MODEL_STATE_FAILING: ModelState
UNANSWERED_STATE_UNSPECIFIED: UnansweredState
UNANSWERED_STATE_OPEN: UnansweredState
UNANSWERED_STATE_ANSWERED: UnansweredState
UNANSWERED_STATE_DISMISSED: UnansweredState

class DayHours(_message.Message):
    __slots__ = ("weekday", "open", "close")
    WEEKDAY_FIELD_NUMBER: _ClassVar[int]
    OPEN_FIELD_NUMBER: _ClassVar[int]
    CLOSE_FIELD_NUMBER: _ClassVar[int]
    weekday: int
    open: str
    close: str
    def __init__(self, weekday: _Optional[int] = ..., open: _Optional[str] = ..., close: _Optional[str] = ...) -> None: ...

class BusinessHours(_message.Message):
    __slots__ = ("time_zone", "days")
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    DAYS_FIELD_NUMBER: _ClassVar[int]
    time_zone: str
    days: _containers.RepeatedCompositeFieldContainer[DayHours]
    def __init__(self, time_zone: _Optional[str] = ..., days: _Optional[_Iterable[_Union[DayHours, _Mapping]]] = ...) -> None: ...

class HandoffRules(_message.Message):
    __slots__ = ("keywords", "low_confidence_limit")
    KEYWORDS_FIELD_NUMBER: _ClassVar[int]
    LOW_CONFIDENCE_LIMIT_FIELD_NUMBER: _ClassVar[int]
    keywords: _containers.RepeatedScalarFieldContainer[str]
    low_confidence_limit: int
    def __init__(self, keywords: _Optional[_Iterable[str]] = ..., low_confidence_limit: _Optional[int] = ...) -> None: ...

class Limits(_message.Message):
    __slots__ = ("replies_per_conversation_per_hour", "max_reply_chars", "context_messages", "max_prompt_tokens")
    REPLIES_PER_CONVERSATION_PER_HOUR_FIELD_NUMBER: _ClassVar[int]
    MAX_REPLY_CHARS_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_MESSAGES_FIELD_NUMBER: _ClassVar[int]
    MAX_PROMPT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    replies_per_conversation_per_hour: int
    max_reply_chars: int
    context_messages: int
    max_prompt_tokens: int
    def __init__(self, replies_per_conversation_per_hour: _Optional[int] = ..., max_reply_chars: _Optional[int] = ..., context_messages: _Optional[int] = ..., max_prompt_tokens: _Optional[int] = ...) -> None: ...

class AgentSettings(_message.Message):
    __slots__ = ("enabled", "instructions", "model", "base_url", "api_key_set", "temperature", "reply_language", "business_hours", "outside_hours", "handoff", "limits", "embeddings_model", "faq_match_threshold", "silence_window_s", "max_wait_s", "human_reply_takes_over")
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    INSTRUCTIONS_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    BASE_URL_FIELD_NUMBER: _ClassVar[int]
    API_KEY_SET_FIELD_NUMBER: _ClassVar[int]
    TEMPERATURE_FIELD_NUMBER: _ClassVar[int]
    REPLY_LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    BUSINESS_HOURS_FIELD_NUMBER: _ClassVar[int]
    OUTSIDE_HOURS_FIELD_NUMBER: _ClassVar[int]
    HANDOFF_FIELD_NUMBER: _ClassVar[int]
    LIMITS_FIELD_NUMBER: _ClassVar[int]
    EMBEDDINGS_MODEL_FIELD_NUMBER: _ClassVar[int]
    FAQ_MATCH_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    SILENCE_WINDOW_S_FIELD_NUMBER: _ClassVar[int]
    MAX_WAIT_S_FIELD_NUMBER: _ClassVar[int]
    HUMAN_REPLY_TAKES_OVER_FIELD_NUMBER: _ClassVar[int]
    enabled: bool
    instructions: str
    model: str
    base_url: str
    api_key_set: bool
    temperature: float
    reply_language: str
    business_hours: BusinessHours
    outside_hours: OutsideHours
    handoff: HandoffRules
    limits: Limits
    embeddings_model: str
    faq_match_threshold: float
    silence_window_s: int
    max_wait_s: int
    human_reply_takes_over: bool
    def __init__(self, enabled: _Optional[bool] = ..., instructions: _Optional[str] = ..., model: _Optional[str] = ..., base_url: _Optional[str] = ..., api_key_set: _Optional[bool] = ..., temperature: _Optional[float] = ..., reply_language: _Optional[str] = ..., business_hours: _Optional[_Union[BusinessHours, _Mapping]] = ..., outside_hours: _Optional[_Union[OutsideHours, str]] = ..., handoff: _Optional[_Union[HandoffRules, _Mapping]] = ..., limits: _Optional[_Union[Limits, _Mapping]] = ..., embeddings_model: _Optional[str] = ..., faq_match_threshold: _Optional[float] = ..., silence_window_s: _Optional[int] = ..., max_wait_s: _Optional[int] = ..., human_reply_takes_over: _Optional[bool] = ...) -> None: ...

class GetSettingsRequest(_message.Message):
    __slots__ = ("channel_id",)
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    def __init__(self, channel_id: _Optional[str] = ...) -> None: ...

class GetSettingsResponse(_message.Message):
    __slots__ = ("effective", "tenant", "channel_override", "overridden_fields", "channel_id")
    EFFECTIVE_FIELD_NUMBER: _ClassVar[int]
    TENANT_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_OVERRIDE_FIELD_NUMBER: _ClassVar[int]
    OVERRIDDEN_FIELDS_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    effective: AgentSettings
    tenant: AgentSettings
    channel_override: AgentSettings
    overridden_fields: _containers.RepeatedScalarFieldContainer[str]
    channel_id: str
    def __init__(self, effective: _Optional[_Union[AgentSettings, _Mapping]] = ..., tenant: _Optional[_Union[AgentSettings, _Mapping]] = ..., channel_override: _Optional[_Union[AgentSettings, _Mapping]] = ..., overridden_fields: _Optional[_Iterable[str]] = ..., channel_id: _Optional[str] = ...) -> None: ...

class UpdateSettingsRequest(_message.Message):
    __slots__ = ("channel_id", "update_fields", "settings", "api_key", "reset_fields")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    UPDATE_FIELDS_FIELD_NUMBER: _ClassVar[int]
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    API_KEY_FIELD_NUMBER: _ClassVar[int]
    RESET_FIELDS_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    update_fields: _containers.RepeatedScalarFieldContainer[str]
    settings: AgentSettings
    api_key: str
    reset_fields: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, channel_id: _Optional[str] = ..., update_fields: _Optional[_Iterable[str]] = ..., settings: _Optional[_Union[AgentSettings, _Mapping]] = ..., api_key: _Optional[str] = ..., reset_fields: _Optional[_Iterable[str]] = ...) -> None: ...

class UpdateSettingsResponse(_message.Message):
    __slots__ = ("settings",)
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    settings: GetSettingsResponse
    def __init__(self, settings: _Optional[_Union[GetSettingsResponse, _Mapping]] = ...) -> None: ...

class PreviewRequest(_message.Message):
    __slots__ = ("question", "channel_id", "listing")
    QUESTION_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    LISTING_FIELD_NUMBER: _ClassVar[int]
    question: str
    channel_id: str
    listing: _message_pb2.Listing
    def __init__(self, question: _Optional[str] = ..., channel_id: _Optional[str] = ..., listing: _Optional[_Union[_message_pb2.Listing, _Mapping]] = ...) -> None: ...

class UsedChunk(_message.Message):
    __slots__ = ("chunk_id", "document_id", "kind", "text", "score", "question")
    CHUNK_ID_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    QUESTION_FIELD_NUMBER: _ClassVar[int]
    chunk_id: str
    document_id: str
    kind: str
    text: str
    score: float
    question: str
    def __init__(self, chunk_id: _Optional[str] = ..., document_id: _Optional[str] = ..., kind: _Optional[str] = ..., text: _Optional[str] = ..., score: _Optional[float] = ..., question: _Optional[str] = ...) -> None: ...

class PreviewResponse(_message.Message):
    __slots__ = ("outcome", "reply", "reason", "chunks", "mode", "model", "prompt_tokens", "completion_tokens", "latency_ms", "cost_estimate", "audit_id", "reason_code", "threshold", "candidates", "confidence")
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    REPLY_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    CHUNKS_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    PROMPT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    COMPLETION_TOKENS_FIELD_NUMBER: _ClassVar[int]
    LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    COST_ESTIMATE_FIELD_NUMBER: _ClassVar[int]
    AUDIT_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_CODE_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    outcome: Outcome
    reply: str
    reason: str
    chunks: _containers.RepeatedCompositeFieldContainer[UsedChunk]
    mode: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    latency_ms: int
    cost_estimate: float
    audit_id: str
    reason_code: str
    threshold: float
    candidates: _containers.RepeatedCompositeFieldContainer[UsedChunk]
    confidence: float
    def __init__(self, outcome: _Optional[_Union[Outcome, str]] = ..., reply: _Optional[str] = ..., reason: _Optional[str] = ..., chunks: _Optional[_Iterable[_Union[UsedChunk, _Mapping]]] = ..., mode: _Optional[str] = ..., model: _Optional[str] = ..., prompt_tokens: _Optional[int] = ..., completion_tokens: _Optional[int] = ..., latency_ms: _Optional[int] = ..., cost_estimate: _Optional[float] = ..., audit_id: _Optional[str] = ..., reason_code: _Optional[str] = ..., threshold: _Optional[float] = ..., candidates: _Optional[_Iterable[_Union[UsedChunk, _Mapping]]] = ..., confidence: _Optional[float] = ...) -> None: ...

class GetUsageRequest(_message.Message):
    __slots__ = ("to",)
    FROM_FIELD_NUMBER: _ClassVar[int]
    TO_FIELD_NUMBER: _ClassVar[int]
    to: _timestamp_pb2.Timestamp
    def __init__(self, to: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., **kwargs) -> None: ...

class ModelUsage(_message.Message):
    __slots__ = ("model", "prompt_tokens", "completion_tokens", "cost_estimate")
    MODEL_FIELD_NUMBER: _ClassVar[int]
    PROMPT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    COMPLETION_TOKENS_FIELD_NUMBER: _ClassVar[int]
    COST_ESTIMATE_FIELD_NUMBER: _ClassVar[int]
    model: str
    prompt_tokens: int
    completion_tokens: int
    cost_estimate: float
    def __init__(self, model: _Optional[str] = ..., prompt_tokens: _Optional[int] = ..., completion_tokens: _Optional[int] = ..., cost_estimate: _Optional[float] = ...) -> None: ...

class GetUsageResponse(_message.Message):
    __slots__ = ("replies", "handoffs", "skipped", "previews", "prompt_tokens", "completion_tokens", "cost_estimate", "by_model", "to")
    REPLIES_FIELD_NUMBER: _ClassVar[int]
    HANDOFFS_FIELD_NUMBER: _ClassVar[int]
    SKIPPED_FIELD_NUMBER: _ClassVar[int]
    PREVIEWS_FIELD_NUMBER: _ClassVar[int]
    PROMPT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    COMPLETION_TOKENS_FIELD_NUMBER: _ClassVar[int]
    COST_ESTIMATE_FIELD_NUMBER: _ClassVar[int]
    BY_MODEL_FIELD_NUMBER: _ClassVar[int]
    FROM_FIELD_NUMBER: _ClassVar[int]
    TO_FIELD_NUMBER: _ClassVar[int]
    replies: int
    handoffs: int
    skipped: int
    previews: int
    prompt_tokens: int
    completion_tokens: int
    cost_estimate: float
    by_model: _containers.RepeatedCompositeFieldContainer[ModelUsage]
    to: _timestamp_pb2.Timestamp
    def __init__(self, replies: _Optional[int] = ..., handoffs: _Optional[int] = ..., skipped: _Optional[int] = ..., previews: _Optional[int] = ..., prompt_tokens: _Optional[int] = ..., completion_tokens: _Optional[int] = ..., cost_estimate: _Optional[float] = ..., by_model: _Optional[_Iterable[_Union[ModelUsage, _Mapping]]] = ..., to: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., **kwargs) -> None: ...

class AuditEntry(_message.Message):
    __slots__ = ("id", "conversation_id", "channel_id", "outcome", "reason", "input_message_ids", "chunk_ids", "mode", "model", "prompt_tokens", "completion_tokens", "latency_ms", "cost_estimate", "reply_message_id", "preview", "created_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    INPUT_MESSAGE_IDS_FIELD_NUMBER: _ClassVar[int]
    CHUNK_IDS_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    PROMPT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    COMPLETION_TOKENS_FIELD_NUMBER: _ClassVar[int]
    LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    COST_ESTIMATE_FIELD_NUMBER: _ClassVar[int]
    REPLY_MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    PREVIEW_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    conversation_id: str
    channel_id: str
    outcome: Outcome
    reason: str
    input_message_ids: _containers.RepeatedScalarFieldContainer[str]
    chunk_ids: _containers.RepeatedScalarFieldContainer[str]
    mode: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    latency_ms: int
    cost_estimate: float
    reply_message_id: str
    preview: bool
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., conversation_id: _Optional[str] = ..., channel_id: _Optional[str] = ..., outcome: _Optional[_Union[Outcome, str]] = ..., reason: _Optional[str] = ..., input_message_ids: _Optional[_Iterable[str]] = ..., chunk_ids: _Optional[_Iterable[str]] = ..., mode: _Optional[str] = ..., model: _Optional[str] = ..., prompt_tokens: _Optional[int] = ..., completion_tokens: _Optional[int] = ..., latency_ms: _Optional[int] = ..., cost_estimate: _Optional[float] = ..., reply_message_id: _Optional[str] = ..., preview: _Optional[bool] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListAuditRequest(_message.Message):
    __slots__ = ("conversation_id", "page")
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    page: _pagination_pb2.PageRequest
    def __init__(self, conversation_id: _Optional[str] = ..., page: _Optional[_Union[_pagination_pb2.PageRequest, _Mapping]] = ...) -> None: ...

class ListAuditResponse(_message.Message):
    __slots__ = ("entries", "page_info")
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    PAGE_INFO_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[AuditEntry]
    page_info: _pagination_pb2.PageInfo
    def __init__(self, entries: _Optional[_Iterable[_Union[AuditEntry, _Mapping]]] = ..., page_info: _Optional[_Union[_pagination_pb2.PageInfo, _Mapping]] = ...) -> None: ...

class ModelError(_message.Message):
    __slots__ = ("kind", "reason", "at")
    KIND_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    kind: str
    reason: str
    at: _timestamp_pb2.Timestamp
    def __init__(self, kind: _Optional[str] = ..., reason: _Optional[str] = ..., at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetAgentHealthRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetAgentHealthResponse(_message.Message):
    __slots__ = ("state", "consecutive_failures", "last_error", "failing_since", "last_success", "last_result_at", "handed_over_last_hour", "enabled", "model", "base_url_host", "failure_threshold", "window_s")
    STATE_FIELD_NUMBER: _ClassVar[int]
    CONSECUTIVE_FAILURES_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_FIELD_NUMBER: _ClassVar[int]
    FAILING_SINCE_FIELD_NUMBER: _ClassVar[int]
    LAST_SUCCESS_FIELD_NUMBER: _ClassVar[int]
    LAST_RESULT_AT_FIELD_NUMBER: _ClassVar[int]
    HANDED_OVER_LAST_HOUR_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    BASE_URL_HOST_FIELD_NUMBER: _ClassVar[int]
    FAILURE_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    WINDOW_S_FIELD_NUMBER: _ClassVar[int]
    state: ModelState
    consecutive_failures: int
    last_error: ModelError
    failing_since: _timestamp_pb2.Timestamp
    last_success: _timestamp_pb2.Timestamp
    last_result_at: _timestamp_pb2.Timestamp
    handed_over_last_hour: int
    enabled: bool
    model: str
    base_url_host: str
    failure_threshold: int
    window_s: int
    def __init__(self, state: _Optional[_Union[ModelState, str]] = ..., consecutive_failures: _Optional[int] = ..., last_error: _Optional[_Union[ModelError, _Mapping]] = ..., failing_since: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_success: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_result_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., handed_over_last_hour: _Optional[int] = ..., enabled: _Optional[bool] = ..., model: _Optional[str] = ..., base_url_host: _Optional[str] = ..., failure_threshold: _Optional[int] = ..., window_s: _Optional[int] = ...) -> None: ...

class UnansweredQuestion(_message.Message):
    __slots__ = ("id", "question", "asked_count", "first_asked_at", "last_asked_at", "conversation_id", "best_chunk_id", "best_question", "best_score", "reason", "state", "answered_document_id", "resolved_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    QUESTION_FIELD_NUMBER: _ClassVar[int]
    ASKED_COUNT_FIELD_NUMBER: _ClassVar[int]
    FIRST_ASKED_AT_FIELD_NUMBER: _ClassVar[int]
    LAST_ASKED_AT_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    BEST_CHUNK_ID_FIELD_NUMBER: _ClassVar[int]
    BEST_QUESTION_FIELD_NUMBER: _ClassVar[int]
    BEST_SCORE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    ANSWERED_DOCUMENT_ID_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    question: str
    asked_count: int
    first_asked_at: _timestamp_pb2.Timestamp
    last_asked_at: _timestamp_pb2.Timestamp
    conversation_id: str
    best_chunk_id: str
    best_question: str
    best_score: float
    reason: str
    state: UnansweredState
    answered_document_id: str
    resolved_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., question: _Optional[str] = ..., asked_count: _Optional[int] = ..., first_asked_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_asked_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., conversation_id: _Optional[str] = ..., best_chunk_id: _Optional[str] = ..., best_question: _Optional[str] = ..., best_score: _Optional[float] = ..., reason: _Optional[str] = ..., state: _Optional[_Union[UnansweredState, str]] = ..., answered_document_id: _Optional[str] = ..., resolved_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListUnansweredRequest(_message.Message):
    __slots__ = ("state", "page")
    STATE_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    state: UnansweredState
    page: _pagination_pb2.PageRequest
    def __init__(self, state: _Optional[_Union[UnansweredState, str]] = ..., page: _Optional[_Union[_pagination_pb2.PageRequest, _Mapping]] = ...) -> None: ...

class ListUnansweredResponse(_message.Message):
    __slots__ = ("questions", "page_info")
    QUESTIONS_FIELD_NUMBER: _ClassVar[int]
    PAGE_INFO_FIELD_NUMBER: _ClassVar[int]
    questions: _containers.RepeatedCompositeFieldContainer[UnansweredQuestion]
    page_info: _pagination_pb2.PageInfo
    def __init__(self, questions: _Optional[_Iterable[_Union[UnansweredQuestion, _Mapping]]] = ..., page_info: _Optional[_Union[_pagination_pb2.PageInfo, _Mapping]] = ...) -> None: ...

class AnswerUnansweredRequest(_message.Message):
    __slots__ = ("id", "question", "answer")
    ID_FIELD_NUMBER: _ClassVar[int]
    QUESTION_FIELD_NUMBER: _ClassVar[int]
    ANSWER_FIELD_NUMBER: _ClassVar[int]
    id: str
    question: str
    answer: str
    def __init__(self, id: _Optional[str] = ..., question: _Optional[str] = ..., answer: _Optional[str] = ...) -> None: ...

class AnswerUnansweredResponse(_message.Message):
    __slots__ = ("question", "document_id")
    QUESTION_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_ID_FIELD_NUMBER: _ClassVar[int]
    question: UnansweredQuestion
    document_id: str
    def __init__(self, question: _Optional[_Union[UnansweredQuestion, _Mapping]] = ..., document_id: _Optional[str] = ...) -> None: ...

class DismissUnansweredRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class DismissUnansweredResponse(_message.Message):
    __slots__ = ("question",)
    QUESTION_FIELD_NUMBER: _ClassVar[int]
    question: UnansweredQuestion
    def __init__(self, question: _Optional[_Union[UnansweredQuestion, _Mapping]] = ...) -> None: ...
