import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Direction(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DIRECTION_UNSPECIFIED: _ClassVar[Direction]
    DIRECTION_INBOUND: _ClassVar[Direction]
    DIRECTION_OUTBOUND: _ClassVar[Direction]

class ChannelKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CHANNEL_KIND_UNSPECIFIED: _ClassVar[ChannelKind]
    CHANNEL_KIND_AVITO: _ClassVar[ChannelKind]
    CHANNEL_KIND_TELEGRAM: _ClassVar[ChannelKind]
DIRECTION_UNSPECIFIED: Direction
DIRECTION_INBOUND: Direction
DIRECTION_OUTBOUND: Direction
CHANNEL_KIND_UNSPECIFIED: ChannelKind
CHANNEL_KIND_AVITO: ChannelKind
CHANNEL_KIND_TELEGRAM: ChannelKind

class Attachment(_message.Message):
    __slots__ = ("kind", "url", "external_id", "title", "mime_type", "transcript")
    KIND_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    MIME_TYPE_FIELD_NUMBER: _ClassVar[int]
    TRANSCRIPT_FIELD_NUMBER: _ClassVar[int]
    kind: str
    url: str
    external_id: str
    title: str
    mime_type: str
    transcript: str
    def __init__(self, kind: _Optional[str] = ..., url: _Optional[str] = ..., external_id: _Optional[str] = ..., title: _Optional[str] = ..., mime_type: _Optional[str] = ..., transcript: _Optional[str] = ...) -> None: ...

class Listing(_message.Message):
    __slots__ = ("external_id", "title", "price_minor", "has_price", "url", "image_url")
    EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    PRICE_MINOR_FIELD_NUMBER: _ClassVar[int]
    HAS_PRICE_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    IMAGE_URL_FIELD_NUMBER: _ClassVar[int]
    external_id: str
    title: str
    price_minor: int
    has_price: bool
    url: str
    image_url: str
    def __init__(self, external_id: _Optional[str] = ..., title: _Optional[str] = ..., price_minor: _Optional[int] = ..., has_price: _Optional[bool] = ..., url: _Optional[str] = ..., image_url: _Optional[str] = ...) -> None: ...

class UnifiedMessage(_message.Message):
    __slots__ = ("channel", "channel_id", "external_user_id", "external_chat_id", "external_message_id", "direction", "is_echo", "content_type", "text", "sent_at", "author_name", "author_phone", "attachments", "listing", "raw", "read", "quoted_external_message_id")
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_USER_ID_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_CHAT_ID_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    DIRECTION_FIELD_NUMBER: _ClassVar[int]
    IS_ECHO_FIELD_NUMBER: _ClassVar[int]
    CONTENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    SENT_AT_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_NAME_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_PHONE_FIELD_NUMBER: _ClassVar[int]
    ATTACHMENTS_FIELD_NUMBER: _ClassVar[int]
    LISTING_FIELD_NUMBER: _ClassVar[int]
    RAW_FIELD_NUMBER: _ClassVar[int]
    READ_FIELD_NUMBER: _ClassVar[int]
    QUOTED_EXTERNAL_MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    channel: ChannelKind
    channel_id: str
    external_user_id: str
    external_chat_id: str
    external_message_id: str
    direction: Direction
    is_echo: bool
    content_type: str
    text: str
    sent_at: _timestamp_pb2.Timestamp
    author_name: str
    author_phone: str
    attachments: _containers.RepeatedCompositeFieldContainer[Attachment]
    listing: Listing
    raw: bytes
    read: bool
    quoted_external_message_id: str
    def __init__(self, channel: _Optional[_Union[ChannelKind, str]] = ..., channel_id: _Optional[str] = ..., external_user_id: _Optional[str] = ..., external_chat_id: _Optional[str] = ..., external_message_id: _Optional[str] = ..., direction: _Optional[_Union[Direction, str]] = ..., is_echo: _Optional[bool] = ..., content_type: _Optional[str] = ..., text: _Optional[str] = ..., sent_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., author_name: _Optional[str] = ..., author_phone: _Optional[str] = ..., attachments: _Optional[_Iterable[_Union[Attachment, _Mapping]]] = ..., listing: _Optional[_Union[Listing, _Mapping]] = ..., raw: _Optional[bytes] = ..., read: _Optional[bool] = ..., quoted_external_message_id: _Optional[str] = ...) -> None: ...
