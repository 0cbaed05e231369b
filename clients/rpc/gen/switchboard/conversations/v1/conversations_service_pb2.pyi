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

class ConversationStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONVERSATION_STATUS_UNSPECIFIED: _ClassVar[ConversationStatus]
    CONVERSATION_STATUS_OPEN: _ClassVar[ConversationStatus]
    CONVERSATION_STATUS_PENDING: _ClassVar[ConversationStatus]
    CONVERSATION_STATUS_SNOOZED: _ClassVar[ConversationStatus]
    CONVERSATION_STATUS_RESOLVED: _ClassVar[ConversationStatus]

class ConversationMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONVERSATION_MODE_UNSPECIFIED: _ClassVar[ConversationMode]
    CONVERSATION_MODE_BOT: _ClassVar[ConversationMode]
    CONVERSATION_MODE_MANAGER: _ClassVar[ConversationMode]

class MessageStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MESSAGE_STATUS_UNSPECIFIED: _ClassVar[MessageStatus]
    MESSAGE_STATUS_RECEIVED: _ClassVar[MessageStatus]
    MESSAGE_STATUS_PENDING: _ClassVar[MessageStatus]
    MESSAGE_STATUS_SENT: _ClassVar[MessageStatus]
    MESSAGE_STATUS_FAILED: _ClassVar[MessageStatus]

class SenderKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SENDER_KIND_UNSPECIFIED: _ClassVar[SenderKind]
    SENDER_KIND_CONTACT: _ClassVar[SenderKind]
    SENDER_KIND_USER: _ClassVar[SenderKind]
    SENDER_KIND_AGENT: _ClassVar[SenderKind]
    SENDER_KIND_CHANNEL_APP: _ClassVar[SenderKind]

class ConversationSort(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CONVERSATION_SORT_UNSPECIFIED: _ClassVar[ConversationSort]
    CONVERSATION_SORT_RECENT: _ClassVar[ConversationSort]
    CONVERSATION_SORT_PRICE_ASC: _ClassVar[ConversationSort]
    CONVERSATION_SORT_PRICE_DESC: _ClassVar[ConversationSort]
CONVERSATION_STATUS_UNSPECIFIED: ConversationStatus
CONVERSATION_STATUS_OPEN: ConversationStatus
CONVERSATION_STATUS_PENDING: ConversationStatus
CONVERSATION_STATUS_SNOOZED: ConversationStatus
CONVERSATION_STATUS_RESOLVED: ConversationStatus
CONVERSATION_MODE_UNSPECIFIED: ConversationMode
CONVERSATION_MODE_BOT: ConversationMode
CONVERSATION_MODE_MANAGER: ConversationMode
MESSAGE_STATUS_UNSPECIFIED: MessageStatus
MESSAGE_STATUS_RECEIVED: MessageStatus
MESSAGE_STATUS_PENDING: MessageStatus
MESSAGE_STATUS_SENT: MessageStatus
MESSAGE_STATUS_FAILED: MessageStatus
SENDER_KIND_UNSPECIFIED: SenderKind
SENDER_KIND_CONTACT: SenderKind
SENDER_KIND_USER: SenderKind
SENDER_KIND_AGENT: SenderKind
SENDER_KIND_CHANNEL_APP: SenderKind
CONVERSATION_SORT_UNSPECIFIED: ConversationSort
CONVERSATION_SORT_RECENT: ConversationSort
CONVERSATION_SORT_PRICE_ASC: ConversationSort
CONVERSATION_SORT_PRICE_DESC: ConversationSort

class Contact(_message.Message):
    __slots__ = ("id", "external_user_id", "name", "phone")
    ID_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_USER_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PHONE_FIELD_NUMBER: _ClassVar[int]
    id: str
    external_user_id: str
    name: str
    phone: str
    def __init__(self, id: _Optional[str] = ..., external_user_id: _Optional[str] = ..., name: _Optional[str] = ..., phone: _Optional[str] = ...) -> None: ...

class Conversation(_message.Message):
    __slots__ = ("id", "channel_id", "channel", "external_chat_id", "contact", "status", "mode", "assignee_user_id", "pinned", "labels", "unread_count", "waiting_since", "last_message_at", "last_message_preview", "listing", "created_at", "updated_at", "handoff", "snoozed_until")
    ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_CHAT_ID_FIELD_NUMBER: _ClassVar[int]
    CONTACT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_USER_ID_FIELD_NUMBER: _ClassVar[int]
    PINNED_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    UNREAD_COUNT_FIELD_NUMBER: _ClassVar[int]
    WAITING_SINCE_FIELD_NUMBER: _ClassVar[int]
    LAST_MESSAGE_AT_FIELD_NUMBER: _ClassVar[int]
    LAST_MESSAGE_PREVIEW_FIELD_NUMBER: _ClassVar[int]
    LISTING_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    HANDOFF_FIELD_NUMBER: _ClassVar[int]
    SNOOZED_UNTIL_FIELD_NUMBER: _ClassVar[int]
    id: str
    channel_id: str
    channel: _message_pb2.ChannelKind
    external_chat_id: str
    contact: Contact
    status: ConversationStatus
    mode: ConversationMode
    assignee_user_id: str
    pinned: bool
    labels: _containers.RepeatedScalarFieldContainer[str]
    unread_count: int
    waiting_since: _timestamp_pb2.Timestamp
    last_message_at: _timestamp_pb2.Timestamp
    last_message_preview: str
    listing: _message_pb2.Listing
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    handoff: Handoff
    snoozed_until: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., channel_id: _Optional[str] = ..., channel: _Optional[_Union[_message_pb2.ChannelKind, str]] = ..., external_chat_id: _Optional[str] = ..., contact: _Optional[_Union[Contact, _Mapping]] = ..., status: _Optional[_Union[ConversationStatus, str]] = ..., mode: _Optional[_Union[ConversationMode, str]] = ..., assignee_user_id: _Optional[str] = ..., pinned: _Optional[bool] = ..., labels: _Optional[_Iterable[str]] = ..., unread_count: _Optional[int] = ..., waiting_since: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_message_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_message_preview: _Optional[str] = ..., listing: _Optional[_Union[_message_pb2.Listing, _Mapping]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., handoff: _Optional[_Union[Handoff, _Mapping]] = ..., snoozed_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Handoff(_message.Message):
    __slots__ = ("requested_at", "reason", "kind")
    REQUESTED_AT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    requested_at: _timestamp_pb2.Timestamp
    reason: str
    kind: str
    def __init__(self, requested_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., reason: _Optional[str] = ..., kind: _Optional[str] = ...) -> None: ...

class Message(_message.Message):
    __slots__ = ("id", "conversation_id", "direction", "sender", "sender_user_id", "content_type", "text", "attachments", "status", "failure_reason", "external_message_id", "sent_at", "created_at", "quoted_message_id", "historical")
    ID_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    DIRECTION_FIELD_NUMBER: _ClassVar[int]
    SENDER_FIELD_NUMBER: _ClassVar[int]
    SENDER_USER_ID_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    ATTACHMENTS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    FAILURE_REASON_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    SENT_AT_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    QUOTED_MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    HISTORICAL_FIELD_NUMBER: _ClassVar[int]
    id: str
    conversation_id: str
    direction: _message_pb2.Direction
    sender: SenderKind
    sender_user_id: str
    content_type: str
    text: str
    attachments: _containers.RepeatedCompositeFieldContainer[_message_pb2.Attachment]
    status: MessageStatus
    failure_reason: str
    external_message_id: str
    sent_at: _timestamp_pb2.Timestamp
    created_at: _timestamp_pb2.Timestamp
    quoted_message_id: str
    historical: bool
    def __init__(self, id: _Optional[str] = ..., conversation_id: _Optional[str] = ..., direction: _Optional[_Union[_message_pb2.Direction, str]] = ..., sender: _Optional[_Union[SenderKind, str]] = ..., sender_user_id: _Optional[str] = ..., content_type: _Optional[str] = ..., text: _Optional[str] = ..., attachments: _Optional[_Iterable[_Union[_message_pb2.Attachment, _Mapping]]] = ..., status: _Optional[_Union[MessageStatus, str]] = ..., failure_reason: _Optional[str] = ..., external_message_id: _Optional[str] = ..., sent_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., quoted_message_id: _Optional[str] = ..., historical: _Optional[bool] = ...) -> None: ...

class OutgoingAttachment(_message.Message):
    __slots__ = ("kind", "media_id")
    KIND_FIELD_NUMBER: _ClassVar[int]
    MEDIA_ID_FIELD_NUMBER: _ClassVar[int]
    kind: str
    media_id: str
    def __init__(self, kind: _Optional[str] = ..., media_id: _Optional[str] = ...) -> None: ...

class ConversationFilter(_message.Message):
    __slots__ = ("status", "mode", "unread_only", "channel_id", "needs_manager", "assignee_user_id", "unassigned", "labels", "query")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    UNREAD_ONLY_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    NEEDS_MANAGER_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_USER_ID_FIELD_NUMBER: _ClassVar[int]
    UNASSIGNED_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    status: ConversationStatus
    mode: ConversationMode
    unread_only: bool
    channel_id: str
    needs_manager: bool
    assignee_user_id: str
    unassigned: bool
    labels: _containers.RepeatedScalarFieldContainer[str]
    query: str
    def __init__(self, status: _Optional[_Union[ConversationStatus, str]] = ..., mode: _Optional[_Union[ConversationMode, str]] = ..., unread_only: _Optional[bool] = ..., channel_id: _Optional[str] = ..., needs_manager: _Optional[bool] = ..., assignee_user_id: _Optional[str] = ..., unassigned: _Optional[bool] = ..., labels: _Optional[_Iterable[str]] = ..., query: _Optional[str] = ...) -> None: ...

class ListConversationsRequest(_message.Message):
    __slots__ = ("filter", "sort", "page")
    FILTER_FIELD_NUMBER: _ClassVar[int]
    SORT_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    filter: ConversationFilter
    sort: ConversationSort
    page: _pagination_pb2.PageRequest
    def __init__(self, filter: _Optional[_Union[ConversationFilter, _Mapping]] = ..., sort: _Optional[_Union[ConversationSort, str]] = ..., page: _Optional[_Union[_pagination_pb2.PageRequest, _Mapping]] = ...) -> None: ...

class ListConversationsResponse(_message.Message):
    __slots__ = ("conversations", "page_info")
    CONVERSATIONS_FIELD_NUMBER: _ClassVar[int]
    PAGE_INFO_FIELD_NUMBER: _ClassVar[int]
    conversations: _containers.RepeatedCompositeFieldContainer[Conversation]
    page_info: _pagination_pb2.PageInfo
    def __init__(self, conversations: _Optional[_Iterable[_Union[Conversation, _Mapping]]] = ..., page_info: _Optional[_Union[_pagination_pb2.PageInfo, _Mapping]] = ...) -> None: ...

class GetConversationRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class GetConversationResponse(_message.Message):
    __slots__ = ("conversation",)
    CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    conversation: Conversation
    def __init__(self, conversation: _Optional[_Union[Conversation, _Mapping]] = ...) -> None: ...

class BatchGetConversationsRequest(_message.Message):
    __slots__ = ("ids",)
    IDS_FIELD_NUMBER: _ClassVar[int]
    ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, ids: _Optional[_Iterable[str]] = ...) -> None: ...

class BatchGetConversationsResponse(_message.Message):
    __slots__ = ("conversations",)
    CONVERSATIONS_FIELD_NUMBER: _ClassVar[int]
    conversations: _containers.RepeatedCompositeFieldContainer[Conversation]
    def __init__(self, conversations: _Optional[_Iterable[_Union[Conversation, _Mapping]]] = ...) -> None: ...

class UpdateConversationRequest(_message.Message):
    __slots__ = ("id", "update_fields", "status", "mode", "assignee_user_id", "pinned", "labels", "snoozed_until")
    ID_FIELD_NUMBER: _ClassVar[int]
    UPDATE_FIELDS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    ASSIGNEE_USER_ID_FIELD_NUMBER: _ClassVar[int]
    PINNED_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    SNOOZED_UNTIL_FIELD_NUMBER: _ClassVar[int]
    id: str
    update_fields: _containers.RepeatedScalarFieldContainer[str]
    status: ConversationStatus
    mode: ConversationMode
    assignee_user_id: str
    pinned: bool
    labels: _containers.RepeatedScalarFieldContainer[str]
    snoozed_until: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., update_fields: _Optional[_Iterable[str]] = ..., status: _Optional[_Union[ConversationStatus, str]] = ..., mode: _Optional[_Union[ConversationMode, str]] = ..., assignee_user_id: _Optional[str] = ..., pinned: _Optional[bool] = ..., labels: _Optional[_Iterable[str]] = ..., snoozed_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class UpdateConversationResponse(_message.Message):
    __slots__ = ("conversation",)
    CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    conversation: Conversation
    def __init__(self, conversation: _Optional[_Union[Conversation, _Mapping]] = ...) -> None: ...

class ListMessagesRequest(_message.Message):
    __slots__ = ("conversation_id", "page")
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    page: _pagination_pb2.PageRequest
    def __init__(self, conversation_id: _Optional[str] = ..., page: _Optional[_Union[_pagination_pb2.PageRequest, _Mapping]] = ...) -> None: ...

class ListMessagesResponse(_message.Message):
    __slots__ = ("messages", "page_info")
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    PAGE_INFO_FIELD_NUMBER: _ClassVar[int]
    messages: _containers.RepeatedCompositeFieldContainer[Message]
    page_info: _pagination_pb2.PageInfo
    def __init__(self, messages: _Optional[_Iterable[_Union[Message, _Mapping]]] = ..., page_info: _Optional[_Union[_pagination_pb2.PageInfo, _Mapping]] = ...) -> None: ...

class BatchListMessagesRequest(_message.Message):
    __slots__ = ("conversation_ids", "page_size")
    CONVERSATION_IDS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    conversation_ids: _containers.RepeatedScalarFieldContainer[str]
    page_size: int
    def __init__(self, conversation_ids: _Optional[_Iterable[str]] = ..., page_size: _Optional[int] = ...) -> None: ...

class ConversationMessages(_message.Message):
    __slots__ = ("conversation_id", "messages", "page_info")
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    PAGE_INFO_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    messages: _containers.RepeatedCompositeFieldContainer[Message]
    page_info: _pagination_pb2.PageInfo
    def __init__(self, conversation_id: _Optional[str] = ..., messages: _Optional[_Iterable[_Union[Message, _Mapping]]] = ..., page_info: _Optional[_Union[_pagination_pb2.PageInfo, _Mapping]] = ...) -> None: ...

class BatchListMessagesResponse(_message.Message):
    __slots__ = ("conversations",)
    CONVERSATIONS_FIELD_NUMBER: _ClassVar[int]
    conversations: _containers.RepeatedCompositeFieldContainer[ConversationMessages]
    def __init__(self, conversations: _Optional[_Iterable[_Union[ConversationMessages, _Mapping]]] = ...) -> None: ...

class SendMessageRequest(_message.Message):
    __slots__ = ("conversation_id", "text", "idempotency_key", "sender_user_id", "sender", "attachments")
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    SENDER_USER_ID_FIELD_NUMBER: _ClassVar[int]
    SENDER_FIELD_NUMBER: _ClassVar[int]
    ATTACHMENTS_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    text: str
    idempotency_key: str
    sender_user_id: str
    sender: SenderKind
    attachments: _containers.RepeatedCompositeFieldContainer[OutgoingAttachment]
    def __init__(self, conversation_id: _Optional[str] = ..., text: _Optional[str] = ..., idempotency_key: _Optional[str] = ..., sender_user_id: _Optional[str] = ..., sender: _Optional[_Union[SenderKind, str]] = ..., attachments: _Optional[_Iterable[_Union[OutgoingAttachment, _Mapping]]] = ...) -> None: ...

class SendMessageResponse(_message.Message):
    __slots__ = ("message",)
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    message: Message
    def __init__(self, message: _Optional[_Union[Message, _Mapping]] = ...) -> None: ...

class MarkReadRequest(_message.Message):
    __slots__ = ("conversation_id",)
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    def __init__(self, conversation_id: _Optional[str] = ...) -> None: ...

class MarkReadResponse(_message.Message):
    __slots__ = ("conversation",)
    CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    conversation: Conversation
    def __init__(self, conversation: _Optional[_Union[Conversation, _Mapping]] = ...) -> None: ...

class GetMessageRequest(_message.Message):
    __slots__ = ("conversation_id", "message_id")
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    message_id: str
    def __init__(self, conversation_id: _Optional[str] = ..., message_id: _Optional[str] = ...) -> None: ...

class GetMessageResponse(_message.Message):
    __slots__ = ("message",)
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    message: Message
    def __init__(self, message: _Optional[_Union[Message, _Mapping]] = ...) -> None: ...

class DeleteMessageRequest(_message.Message):
    __slots__ = ("conversation_id", "message_id")
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    message_id: str
    def __init__(self, conversation_id: _Optional[str] = ..., message_id: _Optional[str] = ...) -> None: ...

class DeleteMessageResponse(_message.Message):
    __slots__ = ("message",)
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    message: Message
    def __init__(self, message: _Optional[_Union[Message, _Mapping]] = ...) -> None: ...

class UploadMediaRequest(_message.Message):
    __slots__ = ("content", "mime_type", "filename")
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    MIME_TYPE_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    content: bytes
    mime_type: str
    filename: str
    def __init__(self, content: _Optional[bytes] = ..., mime_type: _Optional[str] = ..., filename: _Optional[str] = ...) -> None: ...

class UploadMediaResponse(_message.Message):
    __slots__ = ("media_id", "size")
    MEDIA_ID_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    media_id: str
    size: int
    def __init__(self, media_id: _Optional[str] = ..., size: _Optional[int] = ...) -> None: ...

class GetMediaRequest(_message.Message):
    __slots__ = ("media_id",)
    MEDIA_ID_FIELD_NUMBER: _ClassVar[int]
    media_id: str
    def __init__(self, media_id: _Optional[str] = ...) -> None: ...

class GetMediaResponse(_message.Message):
    __slots__ = ("content", "mime_type", "filename")
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    MIME_TYPE_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    content: bytes
    mime_type: str
    filename: str
    def __init__(self, content: _Optional[bytes] = ..., mime_type: _Optional[str] = ..., filename: _Optional[str] = ...) -> None: ...

class AddNoteRequest(_message.Message):
    __slots__ = ("conversation_id", "text", "author", "author_user_id", "idempotency_key")
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_USER_ID_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    conversation_id: str
    text: str
    author: SenderKind
    author_user_id: str
    idempotency_key: str
    def __init__(self, conversation_id: _Optional[str] = ..., text: _Optional[str] = ..., author: _Optional[_Union[SenderKind, str]] = ..., author_user_id: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class AddNoteResponse(_message.Message):
    __slots__ = ("message",)
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    message: Message
    def __init__(self, message: _Optional[_Union[Message, _Mapping]] = ...) -> None: ...

class ExportMessagesRequest(_message.Message):
    __slots__ = ("to", "channel_ids", "page_size", "cursor")
    FROM_FIELD_NUMBER: _ClassVar[int]
    TO_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_IDS_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    to: _timestamp_pb2.Timestamp
    channel_ids: _containers.RepeatedScalarFieldContainer[str]
    page_size: int
    cursor: str
    def __init__(self, to: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., channel_ids: _Optional[_Iterable[str]] = ..., page_size: _Optional[int] = ..., cursor: _Optional[str] = ..., **kwargs) -> None: ...

class ExportMessagesResponse(_message.Message):
    __slots__ = ("messages", "conversations", "page_info", "total_messages", "total_conversations")
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    CONVERSATIONS_FIELD_NUMBER: _ClassVar[int]
    PAGE_INFO_FIELD_NUMBER: _ClassVar[int]
    TOTAL_MESSAGES_FIELD_NUMBER: _ClassVar[int]
    TOTAL_CONVERSATIONS_FIELD_NUMBER: _ClassVar[int]
    messages: _containers.RepeatedCompositeFieldContainer[Message]
    conversations: _containers.RepeatedCompositeFieldContainer[Conversation]
    page_info: _pagination_pb2.PageInfo
    total_messages: int
    total_conversations: int
    def __init__(self, messages: _Optional[_Iterable[_Union[Message, _Mapping]]] = ..., conversations: _Optional[_Iterable[_Union[Conversation, _Mapping]]] = ..., page_info: _Optional[_Union[_pagination_pb2.PageInfo, _Mapping]] = ..., total_messages: _Optional[int] = ..., total_conversations: _Optional[int] = ...) -> None: ...

class CannedReply(_message.Message):
    __slots__ = ("id", "title", "text", "shortcut", "created_at", "updated_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    SHORTCUT_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    title: str
    text: str
    shortcut: str
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., title: _Optional[str] = ..., text: _Optional[str] = ..., shortcut: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListCannedRepliesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListCannedRepliesResponse(_message.Message):
    __slots__ = ("canned_replies",)
    CANNED_REPLIES_FIELD_NUMBER: _ClassVar[int]
    canned_replies: _containers.RepeatedCompositeFieldContainer[CannedReply]
    def __init__(self, canned_replies: _Optional[_Iterable[_Union[CannedReply, _Mapping]]] = ...) -> None: ...

class CreateCannedReplyRequest(_message.Message):
    __slots__ = ("title", "text", "shortcut")
    TITLE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    SHORTCUT_FIELD_NUMBER: _ClassVar[int]
    title: str
    text: str
    shortcut: str
    def __init__(self, title: _Optional[str] = ..., text: _Optional[str] = ..., shortcut: _Optional[str] = ...) -> None: ...

class CreateCannedReplyResponse(_message.Message):
    __slots__ = ("canned_reply",)
    CANNED_REPLY_FIELD_NUMBER: _ClassVar[int]
    canned_reply: CannedReply
    def __init__(self, canned_reply: _Optional[_Union[CannedReply, _Mapping]] = ...) -> None: ...

class UpdateCannedReplyRequest(_message.Message):
    __slots__ = ("id", "update_fields", "title", "text", "shortcut")
    ID_FIELD_NUMBER: _ClassVar[int]
    UPDATE_FIELDS_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    SHORTCUT_FIELD_NUMBER: _ClassVar[int]
    id: str
    update_fields: _containers.RepeatedScalarFieldContainer[str]
    title: str
    text: str
    shortcut: str
    def __init__(self, id: _Optional[str] = ..., update_fields: _Optional[_Iterable[str]] = ..., title: _Optional[str] = ..., text: _Optional[str] = ..., shortcut: _Optional[str] = ...) -> None: ...

class UpdateCannedReplyResponse(_message.Message):
    __slots__ = ("canned_reply",)
    CANNED_REPLY_FIELD_NUMBER: _ClassVar[int]
    canned_reply: CannedReply
    def __init__(self, canned_reply: _Optional[_Union[CannedReply, _Mapping]] = ...) -> None: ...

class DeleteCannedReplyRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class DeleteCannedReplyResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RenderCannedReplyRequest(_message.Message):
    __slots__ = ("id", "conversation_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    conversation_id: str
    def __init__(self, id: _Optional[str] = ..., conversation_id: _Optional[str] = ...) -> None: ...

class RenderCannedReplyResponse(_message.Message):
    __slots__ = ("text", "missing", "unknown")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    MISSING_FIELD_NUMBER: _ClassVar[int]
    UNKNOWN_FIELD_NUMBER: _ClassVar[int]
    text: str
    missing: _containers.RepeatedScalarFieldContainer[str]
    unknown: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, text: _Optional[str] = ..., missing: _Optional[_Iterable[str]] = ..., unknown: _Optional[_Iterable[str]] = ...) -> None: ...
