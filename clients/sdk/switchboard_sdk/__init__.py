"""Switchboard's public Python SDK: the inbox, channels, the AI agent, live events, reports and
their schedules, outgoing webhooks, over the platform's GraphQL, REST and WebSocket APIs.
Async, typed; imports nothing of the platform."""

from __future__ import annotations

from switchboard_sdk._codec import UNSET, OpenEnum, Unset
from switchboard_sdk._version import __version__
from switchboard_sdk.agent import (
    AgentChunk,
    AgentHealth,
    AgentLimits,
    AgentModelError,
    AgentModelState,
    AgentPreview,
    AgentSettings,
    AgentSettingsChange,
    AgentSettingsLevels,
    BusinessHours,
    DayHours,
    DocumentUpload,
    HandoffChange,
    HandoffRules,
    KnowledgeChunkKind,
    KnowledgeDocument,
    KnowledgeDocumentKind,
    KnowledgeDocumentStatus,
    KnowledgeHit,
    KnowledgeUpload,
    LimitsChange,
    UnansweredAnswered,
    UnansweredQuestion,
    UnansweredState,
)
from switchboard_sdk.api_keys import ApiKey, CreatedApiKey
from switchboard_sdk.client import Switchboard
from switchboard_sdk.errors import (
    AuthenticationError,
    Conflict,
    ConnectionFailed,
    InvalidInput,
    NotFound,
    PermissionDenied,
    ProtocolError,
    QuotaExceeded,
    RateLimited,
    ServerError,
    SwitchboardError,
)
from switchboard_sdk.exports import Export, ExportStatus
from switchboard_sdk.inbox import ConversationFilter
from switchboard_sdk.live import EventStream
from switchboard_sdk.models import (
    CONVERSATION_HANDOFF_REQUESTED,
    CONVERSATION_READ,
    CONVERSATION_UPDATED,
    MESSAGE_CREATED,
    MESSAGE_RECEIVED,
    MESSAGE_STATUS_CHANGED,
    MESSAGE_UPDATED,
    NOTE_ADDED,
    Attachment,
    AuthKind,
    BlockReason,
    CannedReply,
    Channel,
    ChannelDiagnostics,
    ChannelKind,
    ChannelStatus,
    Contact,
    Conversation,
    ConversationEvent,
    ConversationMode,
    ConversationSort,
    ConversationStatus,
    DiagnosticCheck,
    Direction,
    Handoff,
    Listing,
    LiveEvent,
    Media,
    Message,
    MessageStatus,
    Page,
    RenderedCannedReply,
    ResetEvent,
    SenderKind,
)
from switchboard_sdk.plan import Plan, PlanQuota
from switchboard_sdk.reports import (
    Period,
    Recurrence,
    RecurrenceKind,
    Report,
    ReportMetric,
    ReportSpec,
    Schedule,
    ScheduleDestination,
    ScheduleRun,
    ScheduleSpec,
)
from switchboard_sdk.retry import Backoff
from switchboard_sdk.shop import AvitoAuthorization
from switchboard_sdk.synonyms import SynonymGroup
from switchboard_sdk.telegram_bots import TelegramBot, TelegramBotGroup, TelegramDelivery
from switchboard_sdk.telegram_links import LinkedUser, TelegramLink, TelegramLinkCode, UserRole
from switchboard_sdk.verify import WebhookVerificationError, verify_webhook
from switchboard_sdk.webhooks import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookDeliveryDetail,
    WebhookDeliveryStatus,
    WebhookEndpoint,
    WebhookEndpointSecret,
    WebhookEndpointState,
)

__all__ = [
    "CONVERSATION_HANDOFF_REQUESTED", "CONVERSATION_READ", "CONVERSATION_UPDATED",
    "MESSAGE_CREATED", "MESSAGE_RECEIVED", "MESSAGE_STATUS_CHANGED", "MESSAGE_UPDATED",
    "NOTE_ADDED", "UNSET", "AgentChunk", "AgentHealth", "AgentLimits", "AgentModelError",
    "AgentModelState", "AgentPreview", "AgentSettings",
    "AgentSettingsChange", "AgentSettingsLevels", "ApiKey", "Attachment", "AuthKind", "AuthenticationError",
    "AvitoAuthorization", "Backoff", "BlockReason", "BusinessHours", "CannedReply", "Channel",
    "ChannelDiagnostics", "ChannelKind", "ChannelStatus", "Conflict", "ConnectionFailed",
    "Contact", "Conversation", "ConversationEvent", "ConversationFilter", "ConversationMode",
    "ConversationSort", "ConversationStatus", "CreatedApiKey", "DayHours", "DiagnosticCheck", "Direction",
    "DocumentUpload", "EventStream", "Export", "ExportStatus", "Handoff", "HandoffChange",
    "HandoffRules", "InvalidInput",
    "KnowledgeChunkKind", "KnowledgeDocument", "KnowledgeDocumentKind", "KnowledgeDocumentStatus",
    "KnowledgeHit", "KnowledgeUpload", "LimitsChange", "LinkedUser", "Listing", "LiveEvent",
    "Media", "Message", "MessageStatus", "NotFound", "OpenEnum", "Page", "Period",
    "PermissionDenied", "Plan", "PlanQuota", "ProtocolError", "QuotaExceeded", "RateLimited",
    "Recurrence", "RecurrenceKind",
    "RenderedCannedReply", "Report", "ReportMetric", "ReportSpec", "ResetEvent", "Schedule",
    "ScheduleDestination", "ScheduleRun",
    "ScheduleSpec", "SenderKind", "ServerError", "Switchboard", "SwitchboardError",
    "SynonymGroup", "TelegramBot",
    "TelegramBotGroup", "TelegramDelivery", "TelegramLink", "TelegramLinkCode",
    "UnansweredAnswered", "UnansweredQuestion", "UnansweredState", "Unset",
    "UserRole", "WebhookAttempt", "WebhookDelivery", "WebhookDeliveryDetail",
    "WebhookDeliveryStatus", "WebhookEndpoint", "WebhookEndpointSecret", "WebhookEndpointState",
    "WebhookVerificationError", "__version__", "verify_webhook",
]
