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

class ChannelStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CHANNEL_STATUS_UNSPECIFIED: _ClassVar[ChannelStatus]
    CHANNEL_STATUS_ACTIVE: _ClassVar[ChannelStatus]
    CHANNEL_STATUS_DISCONNECTED: _ClassVar[ChannelStatus]
CHANNEL_STATUS_UNSPECIFIED: ChannelStatus
CHANNEL_STATUS_ACTIVE: ChannelStatus
CHANNEL_STATUS_DISCONNECTED: ChannelStatus

class Channel(_message.Message):
    __slots__ = ("id", "kind", "name", "status", "external_account_id", "external_account_name", "webhook_url", "webhook_subscribed", "created_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ACCOUNT_NAME_FIELD_NUMBER: _ClassVar[int]
    WEBHOOK_URL_FIELD_NUMBER: _ClassVar[int]
    WEBHOOK_SUBSCRIBED_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    kind: _message_pb2.ChannelKind
    name: str
    status: ChannelStatus
    external_account_id: str
    external_account_name: str
    webhook_url: str
    webhook_subscribed: bool
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., kind: _Optional[_Union[_message_pb2.ChannelKind, str]] = ..., name: _Optional[str] = ..., status: _Optional[_Union[ChannelStatus, str]] = ..., external_account_id: _Optional[str] = ..., external_account_name: _Optional[str] = ..., webhook_url: _Optional[str] = ..., webhook_subscribed: _Optional[bool] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ConnectAvitoAccountRequest(_message.Message):
    __slots__ = ("name", "client_id", "client_secret", "signing_secret", "api_base_url", "public_base_url", "subscribe_webhook")
    NAME_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_SECRET_FIELD_NUMBER: _ClassVar[int]
    SIGNING_SECRET_FIELD_NUMBER: _ClassVar[int]
    API_BASE_URL_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_BASE_URL_FIELD_NUMBER: _ClassVar[int]
    SUBSCRIBE_WEBHOOK_FIELD_NUMBER: _ClassVar[int]
    name: str
    client_id: str
    client_secret: str
    signing_secret: str
    api_base_url: str
    public_base_url: str
    subscribe_webhook: bool
    def __init__(self, name: _Optional[str] = ..., client_id: _Optional[str] = ..., client_secret: _Optional[str] = ..., signing_secret: _Optional[str] = ..., api_base_url: _Optional[str] = ..., public_base_url: _Optional[str] = ..., subscribe_webhook: _Optional[bool] = ...) -> None: ...

class ConnectAvitoAccountResponse(_message.Message):
    __slots__ = ("channel",)
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    def __init__(self, channel: _Optional[_Union[Channel, _Mapping]] = ...) -> None: ...

class ListChannelsRequest(_message.Message):
    __slots__ = ("page",)
    PAGE_FIELD_NUMBER: _ClassVar[int]
    page: _pagination_pb2.PageRequest
    def __init__(self, page: _Optional[_Union[_pagination_pb2.PageRequest, _Mapping]] = ...) -> None: ...

class ListChannelsResponse(_message.Message):
    __slots__ = ("channels", "page_info")
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    PAGE_INFO_FIELD_NUMBER: _ClassVar[int]
    channels: _containers.RepeatedCompositeFieldContainer[Channel]
    page_info: _pagination_pb2.PageInfo
    def __init__(self, channels: _Optional[_Iterable[_Union[Channel, _Mapping]]] = ..., page_info: _Optional[_Union[_pagination_pb2.PageInfo, _Mapping]] = ...) -> None: ...

class GetChannelRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class GetChannelResponse(_message.Message):
    __slots__ = ("channel",)
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    def __init__(self, channel: _Optional[_Union[Channel, _Mapping]] = ...) -> None: ...

class BatchGetChannelsRequest(_message.Message):
    __slots__ = ("ids",)
    IDS_FIELD_NUMBER: _ClassVar[int]
    ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, ids: _Optional[_Iterable[str]] = ...) -> None: ...

class BatchGetChannelsResponse(_message.Message):
    __slots__ = ("channels",)
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    channels: _containers.RepeatedCompositeFieldContainer[Channel]
    def __init__(self, channels: _Optional[_Iterable[_Union[Channel, _Mapping]]] = ...) -> None: ...

class ResolveWebhookRequest(_message.Message):
    __slots__ = ("channel_id",)
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    def __init__(self, channel_id: _Optional[str] = ...) -> None: ...

class ResolveWebhookResponse(_message.Message):
    __slots__ = ("tenant_id", "kind", "status", "webhook_token_sha256", "signing_secret")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    WEBHOOK_TOKEN_SHA256_FIELD_NUMBER: _ClassVar[int]
    SIGNING_SECRET_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    kind: _message_pb2.ChannelKind
    status: ChannelStatus
    webhook_token_sha256: str
    signing_secret: str
    def __init__(self, tenant_id: _Optional[str] = ..., kind: _Optional[_Union[_message_pb2.ChannelKind, str]] = ..., status: _Optional[_Union[ChannelStatus, str]] = ..., webhook_token_sha256: _Optional[str] = ..., signing_secret: _Optional[str] = ...) -> None: ...
