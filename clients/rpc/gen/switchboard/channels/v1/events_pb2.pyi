import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from clients.rpc.gen.switchboard.common.v1 import message_pb2 as _message_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DeliveryOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DELIVERY_OUTCOME_UNSPECIFIED: _ClassVar[DeliveryOutcome]
    DELIVERY_OUTCOME_SENT: _ClassVar[DeliveryOutcome]
    DELIVERY_OUTCOME_FAILED: _ClassVar[DeliveryOutcome]
DELIVERY_OUTCOME_UNSPECIFIED: DeliveryOutcome
DELIVERY_OUTCOME_SENT: DeliveryOutcome
DELIVERY_OUTCOME_FAILED: DeliveryOutcome

class WebhookReceived(_message.Message):
    __slots__ = ("channel_id", "kind", "delivery_id", "received_at", "body")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_ID_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    kind: _message_pb2.ChannelKind
    delivery_id: str
    received_at: _timestamp_pb2.Timestamp
    body: bytes
    def __init__(self, channel_id: _Optional[str] = ..., kind: _Optional[_Union[_message_pb2.ChannelKind, str]] = ..., delivery_id: _Optional[str] = ..., received_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., body: _Optional[bytes] = ...) -> None: ...

class TelegramUpdateReceived(_message.Message):
    __slots__ = ("bot_id", "update_id", "body", "received_at")
    BOT_ID_FIELD_NUMBER: _ClassVar[int]
    UPDATE_ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    bot_id: str
    update_id: int
    body: bytes
    received_at: _timestamp_pb2.Timestamp
    def __init__(self, bot_id: _Optional[str] = ..., update_id: _Optional[int] = ..., body: _Optional[bytes] = ..., received_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class TelegramChannelUpdate(_message.Message):
    __slots__ = ("channel_id", "update_id", "body", "received_at")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    UPDATE_ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    update_id: int
    body: bytes
    received_at: _timestamp_pb2.Timestamp
    def __init__(self, channel_id: _Optional[str] = ..., update_id: _Optional[int] = ..., body: _Optional[bytes] = ..., received_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class MessageInbound(_message.Message):
    __slots__ = ("message", "received_at", "historical")
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_AT_FIELD_NUMBER: _ClassVar[int]
    HISTORICAL_FIELD_NUMBER: _ClassVar[int]
    message: _message_pb2.UnifiedMessage
    received_at: _timestamp_pb2.Timestamp
    historical: bool
    def __init__(self, message: _Optional[_Union[_message_pb2.UnifiedMessage, _Mapping]] = ..., received_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., historical: _Optional[bool] = ...) -> None: ...

class MessageDelivery(_message.Message):
    __slots__ = ("message_id", "conversation_id", "channel_id", "outcome", "external_message_id", "failure_reason", "attempts", "sent_at")
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    FAILURE_REASON_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    SENT_AT_FIELD_NUMBER: _ClassVar[int]
    message_id: str
    conversation_id: str
    channel_id: str
    outcome: DeliveryOutcome
    external_message_id: str
    failure_reason: str
    attempts: int
    sent_at: _timestamp_pb2.Timestamp
    def __init__(self, message_id: _Optional[str] = ..., conversation_id: _Optional[str] = ..., channel_id: _Optional[str] = ..., outcome: _Optional[_Union[DeliveryOutcome, str]] = ..., external_message_id: _Optional[str] = ..., failure_reason: _Optional[str] = ..., attempts: _Optional[int] = ..., sent_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ChannelConnected(_message.Message):
    __slots__ = ("channel_id", "kind", "external_account_id")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    kind: _message_pb2.ChannelKind
    external_account_id: str
    def __init__(self, channel_id: _Optional[str] = ..., kind: _Optional[_Union[_message_pb2.ChannelKind, str]] = ..., external_account_id: _Optional[str] = ...) -> None: ...

class ChannelDisconnected(_message.Message):
    __slots__ = ("channel_id",)
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    def __init__(self, channel_id: _Optional[str] = ...) -> None: ...

class ListingUpdated(_message.Message):
    __slots__ = ("channel_id", "listing", "status")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    LISTING_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    listing: _message_pb2.Listing
    status: str
    def __init__(self, channel_id: _Optional[str] = ..., listing: _Optional[_Union[_message_pb2.Listing, _Mapping]] = ..., status: _Optional[str] = ...) -> None: ...

class MessageDeletion(_message.Message):
    __slots__ = ("message_id", "conversation_id", "deleted", "failure_reason")
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    DELETED_FIELD_NUMBER: _ClassVar[int]
    FAILURE_REASON_FIELD_NUMBER: _ClassVar[int]
    message_id: str
    conversation_id: str
    deleted: bool
    failure_reason: str
    def __init__(self, message_id: _Optional[str] = ..., conversation_id: _Optional[str] = ..., deleted: _Optional[bool] = ..., failure_reason: _Optional[str] = ...) -> None: ...

class ContactUpdated(_message.Message):
    __slots__ = ("channel_id", "external_user_id", "name", "external_chat_id")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_USER_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_CHAT_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    external_user_id: str
    name: str
    external_chat_id: str
    def __init__(self, channel_id: _Optional[str] = ..., external_user_id: _Optional[str] = ..., name: _Optional[str] = ..., external_chat_id: _Optional[str] = ...) -> None: ...
