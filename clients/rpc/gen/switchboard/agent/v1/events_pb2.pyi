from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as _conversations_service_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class HandoffKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    HANDOFF_KIND_UNSPECIFIED: _ClassVar[HandoffKind]
    HANDOFF_KIND_TOOL: _ClassVar[HandoffKind]
    HANDOFF_KIND_KEYWORDS: _ClassVar[HandoffKind]
    HANDOFF_KIND_LOW_CONFIDENCE: _ClassVar[HandoffKind]
    HANDOFF_KIND_NO_ANSWER: _ClassVar[HandoffKind]
    HANDOFF_KIND_LLM_FAILURE: _ClassVar[HandoffKind]
    HANDOFF_KIND_CIRCUIT_OPEN: _ClassVar[HandoffKind]
    HANDOFF_KIND_OUTSIDE_HOURS: _ClassVar[HandoffKind]
    HANDOFF_KIND_REPLY_LIMIT: _ClassVar[HandoffKind]
HANDOFF_KIND_UNSPECIFIED: HandoffKind
HANDOFF_KIND_TOOL: HandoffKind
HANDOFF_KIND_KEYWORDS: HandoffKind
HANDOFF_KIND_LOW_CONFIDENCE: HandoffKind
HANDOFF_KIND_NO_ANSWER: HandoffKind
HANDOFF_KIND_LLM_FAILURE: HandoffKind
HANDOFF_KIND_CIRCUIT_OPEN: HandoffKind
HANDOFF_KIND_OUTSIDE_HOURS: HandoffKind
HANDOFF_KIND_REPLY_LIMIT: HandoffKind

class HandoffRequested(_message.Message):
    __slots__ = ("conversation", "reason", "kind", "audit_id")
    CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    AUDIT_ID_FIELD_NUMBER: _ClassVar[int]
    conversation: _conversations_service_pb2.Conversation
    reason: str
    kind: HandoffKind
    audit_id: str
    def __init__(self, conversation: _Optional[_Union[_conversations_service_pb2.Conversation, _Mapping]] = ..., reason: _Optional[str] = ..., kind: _Optional[_Union[HandoffKind, str]] = ..., audit_id: _Optional[str] = ...) -> None: ...

class AutoReplySent(_message.Message):
    __slots__ = ("conversation_id", "message_id", "audit_id")
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    AUDIT_ID_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    message_id: str
    audit_id: str
    def __init__(self, conversation_id: _Optional[str] = ..., message_id: _Optional[str] = ..., audit_id: _Optional[str] = ...) -> None: ...
