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

class AuthKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    AUTH_KIND_UNSPECIFIED: _ClassVar[AuthKind]
    AUTH_KIND_CLIENT_CREDENTIALS: _ClassVar[AuthKind]
    AUTH_KIND_AUTHORIZATION_CODE: _ClassVar[AuthKind]

class ChannelStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CHANNEL_STATUS_UNSPECIFIED: _ClassVar[ChannelStatus]
    CHANNEL_STATUS_ACTIVE: _ClassVar[ChannelStatus]
    CHANNEL_STATUS_DISCONNECTED: _ClassVar[ChannelStatus]

class BlacklistReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    BLACKLIST_REASON_UNSPECIFIED: _ClassVar[BlacklistReason]
    BLACKLIST_REASON_SPAM: _ClassVar[BlacklistReason]
    BLACKLIST_REASON_FRAUD: _ClassVar[BlacklistReason]
    BLACKLIST_REASON_INSULTS: _ClassVar[BlacklistReason]
    BLACKLIST_REASON_OTHER: _ClassVar[BlacklistReason]

class TelegramDelivery(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TELEGRAM_DELIVERY_UNSPECIFIED: _ClassVar[TelegramDelivery]
    TELEGRAM_DELIVERY_WEBHOOK: _ClassVar[TelegramDelivery]
    TELEGRAM_DELIVERY_POLLING: _ClassVar[TelegramDelivery]

class TelegramBotStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TELEGRAM_BOT_STATUS_UNSPECIFIED: _ClassVar[TelegramBotStatus]
    TELEGRAM_BOT_STATUS_ACTIVE: _ClassVar[TelegramBotStatus]
AUTH_KIND_UNSPECIFIED: AuthKind
AUTH_KIND_CLIENT_CREDENTIALS: AuthKind
AUTH_KIND_AUTHORIZATION_CODE: AuthKind
CHANNEL_STATUS_UNSPECIFIED: ChannelStatus
CHANNEL_STATUS_ACTIVE: ChannelStatus
CHANNEL_STATUS_DISCONNECTED: ChannelStatus
BLACKLIST_REASON_UNSPECIFIED: BlacklistReason
BLACKLIST_REASON_SPAM: BlacklistReason
BLACKLIST_REASON_FRAUD: BlacklistReason
BLACKLIST_REASON_INSULTS: BlacklistReason
BLACKLIST_REASON_OTHER: BlacklistReason
TELEGRAM_DELIVERY_UNSPECIFIED: TelegramDelivery
TELEGRAM_DELIVERY_WEBHOOK: TelegramDelivery
TELEGRAM_DELIVERY_POLLING: TelegramDelivery
TELEGRAM_BOT_STATUS_UNSPECIFIED: TelegramBotStatus
TELEGRAM_BOT_STATUS_ACTIVE: TelegramBotStatus

class Channel(_message.Message):
    __slots__ = ("id", "kind", "name", "status", "external_account_id", "external_account_name", "webhook_url", "webhook_subscribed", "created_at", "auth_kind", "webhook_enabled", "signing_secret_set", "last_webhook_at", "last_sync_at", "token_checked_at", "token_refused_since", "token_error")
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ACCOUNT_ID_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_ACCOUNT_NAME_FIELD_NUMBER: _ClassVar[int]
    WEBHOOK_URL_FIELD_NUMBER: _ClassVar[int]
    WEBHOOK_SUBSCRIBED_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    AUTH_KIND_FIELD_NUMBER: _ClassVar[int]
    WEBHOOK_ENABLED_FIELD_NUMBER: _ClassVar[int]
    SIGNING_SECRET_SET_FIELD_NUMBER: _ClassVar[int]
    LAST_WEBHOOK_AT_FIELD_NUMBER: _ClassVar[int]
    LAST_SYNC_AT_FIELD_NUMBER: _ClassVar[int]
    TOKEN_CHECKED_AT_FIELD_NUMBER: _ClassVar[int]
    TOKEN_REFUSED_SINCE_FIELD_NUMBER: _ClassVar[int]
    TOKEN_ERROR_FIELD_NUMBER: _ClassVar[int]
    id: str
    kind: _message_pb2.ChannelKind
    name: str
    status: ChannelStatus
    external_account_id: str
    external_account_name: str
    webhook_url: str
    webhook_subscribed: bool
    created_at: _timestamp_pb2.Timestamp
    auth_kind: AuthKind
    webhook_enabled: bool
    signing_secret_set: bool
    last_webhook_at: _timestamp_pb2.Timestamp
    last_sync_at: _timestamp_pb2.Timestamp
    token_checked_at: _timestamp_pb2.Timestamp
    token_refused_since: _timestamp_pb2.Timestamp
    token_error: str
    def __init__(self, id: _Optional[str] = ..., kind: _Optional[_Union[_message_pb2.ChannelKind, str]] = ..., name: _Optional[str] = ..., status: _Optional[_Union[ChannelStatus, str]] = ..., external_account_id: _Optional[str] = ..., external_account_name: _Optional[str] = ..., webhook_url: _Optional[str] = ..., webhook_subscribed: _Optional[bool] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., auth_kind: _Optional[_Union[AuthKind, str]] = ..., webhook_enabled: _Optional[bool] = ..., signing_secret_set: _Optional[bool] = ..., last_webhook_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_sync_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., token_checked_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., token_refused_since: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., token_error: _Optional[str] = ...) -> None: ...

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

class StartAvitoAuthorizationRequest(_message.Message):
    __slots__ = ("name", "api_base_url", "public_base_url")
    NAME_FIELD_NUMBER: _ClassVar[int]
    API_BASE_URL_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_BASE_URL_FIELD_NUMBER: _ClassVar[int]
    name: str
    api_base_url: str
    public_base_url: str
    def __init__(self, name: _Optional[str] = ..., api_base_url: _Optional[str] = ..., public_base_url: _Optional[str] = ...) -> None: ...

class StartAvitoAuthorizationResponse(_message.Message):
    __slots__ = ("authorization_url", "state", "expires_at")
    AUTHORIZATION_URL_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    authorization_url: str
    state: str
    expires_at: _timestamp_pb2.Timestamp
    def __init__(self, authorization_url: _Optional[str] = ..., state: _Optional[str] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CompleteAvitoAuthorizationRequest(_message.Message):
    __slots__ = ("state", "code")
    STATE_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    state: str
    code: str
    def __init__(self, state: _Optional[str] = ..., code: _Optional[str] = ...) -> None: ...

class CompleteAvitoAuthorizationResponse(_message.Message):
    __slots__ = ("tenant_id", "channel")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    channel: Channel
    def __init__(self, tenant_id: _Optional[str] = ..., channel: _Optional[_Union[Channel, _Mapping]] = ...) -> None: ...

class DisconnectChannelRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class DisconnectChannelResponse(_message.Message):
    __slots__ = ("channel",)
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    def __init__(self, channel: _Optional[_Union[Channel, _Mapping]] = ...) -> None: ...

class SetWebhookRequest(_message.Message):
    __slots__ = ("id", "enabled", "update_fields", "signing_secret")
    ID_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    UPDATE_FIELDS_FIELD_NUMBER: _ClassVar[int]
    SIGNING_SECRET_FIELD_NUMBER: _ClassVar[int]
    id: str
    enabled: bool
    update_fields: _containers.RepeatedScalarFieldContainer[str]
    signing_secret: str
    def __init__(self, id: _Optional[str] = ..., enabled: _Optional[bool] = ..., update_fields: _Optional[_Iterable[str]] = ..., signing_secret: _Optional[str] = ...) -> None: ...

class SetWebhookResponse(_message.Message):
    __slots__ = ("channel",)
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    def __init__(self, channel: _Optional[_Union[Channel, _Mapping]] = ...) -> None: ...

class DiagnosticCheck(_message.Message):
    __slots__ = ("name", "ok", "message", "fix")
    NAME_FIELD_NUMBER: _ClassVar[int]
    OK_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    FIX_FIELD_NUMBER: _ClassVar[int]
    name: str
    ok: bool
    message: str
    fix: str
    def __init__(self, name: _Optional[str] = ..., ok: _Optional[bool] = ..., message: _Optional[str] = ..., fix: _Optional[str] = ...) -> None: ...

class GetChannelDiagnosticsRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class GetChannelDiagnosticsResponse(_message.Message):
    __slots__ = ("channel", "checks")
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    CHECKS_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    checks: _containers.RepeatedCompositeFieldContainer[DiagnosticCheck]
    def __init__(self, channel: _Optional[_Union[Channel, _Mapping]] = ..., checks: _Optional[_Iterable[_Union[DiagnosticCheck, _Mapping]]] = ...) -> None: ...

class SyncChannelRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class SyncChannelResponse(_message.Message):
    __slots__ = ("scheduled_for",)
    SCHEDULED_FOR_FIELD_NUMBER: _ClassVar[int]
    scheduled_for: _timestamp_pb2.Timestamp
    def __init__(self, scheduled_for: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CatchUpRequest(_message.Message):
    __slots__ = ("reason",)
    REASON_FIELD_NUMBER: _ClassVar[int]
    reason: str
    def __init__(self, reason: _Optional[str] = ...) -> None: ...

class CatchUpResponse(_message.Message):
    __slots__ = ("accounts",)
    ACCOUNTS_FIELD_NUMBER: _ClassVar[int]
    accounts: int
    def __init__(self, accounts: _Optional[int] = ...) -> None: ...

class GetVoiceUrlRequest(_message.Message):
    __slots__ = ("channel_id", "voice_id")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    VOICE_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    voice_id: str
    def __init__(self, channel_id: _Optional[str] = ..., voice_id: _Optional[str] = ...) -> None: ...

class GetVoiceUrlResponse(_message.Message):
    __slots__ = ("url", "expires_at")
    URL_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    url: str
    expires_at: _timestamp_pb2.Timestamp
    def __init__(self, url: _Optional[str] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class BlacklistUserRequest(_message.Message):
    __slots__ = ("channel_id", "external_user_id", "listing_external_id", "reason")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_USER_ID_FIELD_NUMBER: _ClassVar[int]
    LISTING_EXTERNAL_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    external_user_id: str
    listing_external_id: str
    reason: BlacklistReason
    def __init__(self, channel_id: _Optional[str] = ..., external_user_id: _Optional[str] = ..., listing_external_id: _Optional[str] = ..., reason: _Optional[_Union[BlacklistReason, str]] = ...) -> None: ...

class BlacklistUserResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class TelegramBot(_message.Message):
    __slots__ = ("id", "telegram_id", "username", "first_name", "delivery", "status", "group_chat_id", "group_title", "webhook_url", "created_at", "updated_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    TELEGRAM_ID_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    FIRST_NAME_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    GROUP_CHAT_ID_FIELD_NUMBER: _ClassVar[int]
    GROUP_TITLE_FIELD_NUMBER: _ClassVar[int]
    WEBHOOK_URL_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    telegram_id: int
    username: str
    first_name: str
    delivery: TelegramDelivery
    status: TelegramBotStatus
    group_chat_id: int
    group_title: str
    webhook_url: str
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., telegram_id: _Optional[int] = ..., username: _Optional[str] = ..., first_name: _Optional[str] = ..., delivery: _Optional[_Union[TelegramDelivery, str]] = ..., status: _Optional[_Union[TelegramBotStatus, str]] = ..., group_chat_id: _Optional[int] = ..., group_title: _Optional[str] = ..., webhook_url: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RegisterTelegramBotRequest(_message.Message):
    __slots__ = ("token", "delivery", "public_base_url", "runner_api_key", "runner_api_key_id")
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_BASE_URL_FIELD_NUMBER: _ClassVar[int]
    RUNNER_API_KEY_FIELD_NUMBER: _ClassVar[int]
    RUNNER_API_KEY_ID_FIELD_NUMBER: _ClassVar[int]
    token: str
    delivery: TelegramDelivery
    public_base_url: str
    runner_api_key: str
    runner_api_key_id: str
    def __init__(self, token: _Optional[str] = ..., delivery: _Optional[_Union[TelegramDelivery, str]] = ..., public_base_url: _Optional[str] = ..., runner_api_key: _Optional[str] = ..., runner_api_key_id: _Optional[str] = ...) -> None: ...

class RegisterTelegramBotResponse(_message.Message):
    __slots__ = ("bot", "replaced_runner_api_key_id")
    BOT_FIELD_NUMBER: _ClassVar[int]
    REPLACED_RUNNER_API_KEY_ID_FIELD_NUMBER: _ClassVar[int]
    bot: TelegramBot
    replaced_runner_api_key_id: str
    def __init__(self, bot: _Optional[_Union[TelegramBot, _Mapping]] = ..., replaced_runner_api_key_id: _Optional[str] = ...) -> None: ...

class ListTelegramBotsRequest(_message.Message):
    __slots__ = ("page",)
    PAGE_FIELD_NUMBER: _ClassVar[int]
    page: _pagination_pb2.PageRequest
    def __init__(self, page: _Optional[_Union[_pagination_pb2.PageRequest, _Mapping]] = ...) -> None: ...

class ListTelegramBotsResponse(_message.Message):
    __slots__ = ("bots", "page_info")
    BOTS_FIELD_NUMBER: _ClassVar[int]
    PAGE_INFO_FIELD_NUMBER: _ClassVar[int]
    bots: _containers.RepeatedCompositeFieldContainer[TelegramBot]
    page_info: _pagination_pb2.PageInfo
    def __init__(self, bots: _Optional[_Iterable[_Union[TelegramBot, _Mapping]]] = ..., page_info: _Optional[_Union[_pagination_pb2.PageInfo, _Mapping]] = ...) -> None: ...

class GetTelegramBotRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class GetTelegramBotResponse(_message.Message):
    __slots__ = ("bot",)
    BOT_FIELD_NUMBER: _ClassVar[int]
    bot: TelegramBot
    def __init__(self, bot: _Optional[_Union[TelegramBot, _Mapping]] = ...) -> None: ...

class SetTelegramBotGroupRequest(_message.Message):
    __slots__ = ("id", "chat_id", "title")
    ID_FIELD_NUMBER: _ClassVar[int]
    CHAT_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    id: str
    chat_id: int
    title: str
    def __init__(self, id: _Optional[str] = ..., chat_id: _Optional[int] = ..., title: _Optional[str] = ...) -> None: ...

class SetTelegramBotGroupResponse(_message.Message):
    __slots__ = ("bot",)
    BOT_FIELD_NUMBER: _ClassVar[int]
    bot: TelegramBot
    def __init__(self, bot: _Optional[_Union[TelegramBot, _Mapping]] = ...) -> None: ...

class RemoveTelegramBotRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class RemoveTelegramBotResponse(_message.Message):
    __slots__ = ("runner_api_key_id",)
    RUNNER_API_KEY_ID_FIELD_NUMBER: _ClassVar[int]
    runner_api_key_id: str
    def __init__(self, runner_api_key_id: _Optional[str] = ...) -> None: ...

class ResolveTelegramWebhookRequest(_message.Message):
    __slots__ = ("bot_id",)
    BOT_ID_FIELD_NUMBER: _ClassVar[int]
    bot_id: str
    def __init__(self, bot_id: _Optional[str] = ...) -> None: ...

class ResolveTelegramWebhookResponse(_message.Message):
    __slots__ = ("tenant_id", "secret_sha256", "active")
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    SECRET_SHA256_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    tenant_id: str
    secret_sha256: str
    active: bool
    def __init__(self, tenant_id: _Optional[str] = ..., secret_sha256: _Optional[str] = ..., active: _Optional[bool] = ...) -> None: ...

class ListTelegramBotCredentialsRequest(_message.Message):
    __slots__ = ("after", "limit")
    AFTER_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    after: str
    limit: int
    def __init__(self, after: _Optional[str] = ..., limit: _Optional[int] = ...) -> None: ...

class TelegramBotCredentials(_message.Message):
    __slots__ = ("bot_id", "tenant_id", "telegram_id", "username", "token", "delivery", "runner_api_key", "group_chat_id")
    BOT_ID_FIELD_NUMBER: _ClassVar[int]
    TENANT_ID_FIELD_NUMBER: _ClassVar[int]
    TELEGRAM_ID_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    DELIVERY_FIELD_NUMBER: _ClassVar[int]
    RUNNER_API_KEY_FIELD_NUMBER: _ClassVar[int]
    GROUP_CHAT_ID_FIELD_NUMBER: _ClassVar[int]
    bot_id: str
    tenant_id: str
    telegram_id: int
    username: str
    token: str
    delivery: TelegramDelivery
    runner_api_key: str
    group_chat_id: int
    def __init__(self, bot_id: _Optional[str] = ..., tenant_id: _Optional[str] = ..., telegram_id: _Optional[int] = ..., username: _Optional[str] = ..., token: _Optional[str] = ..., delivery: _Optional[_Union[TelegramDelivery, str]] = ..., runner_api_key: _Optional[str] = ..., group_chat_id: _Optional[int] = ...) -> None: ...

class ListTelegramBotCredentialsResponse(_message.Message):
    __slots__ = ("bots", "next_after")
    BOTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_AFTER_FIELD_NUMBER: _ClassVar[int]
    bots: _containers.RepeatedCompositeFieldContainer[TelegramBotCredentials]
    next_after: str
    def __init__(self, bots: _Optional[_Iterable[_Union[TelegramBotCredentials, _Mapping]]] = ..., next_after: _Optional[str] = ...) -> None: ...

class ConnectTelegramChannelRequest(_message.Message):
    __slots__ = ("token", "name", "public_base_url")
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_BASE_URL_FIELD_NUMBER: _ClassVar[int]
    token: str
    name: str
    public_base_url: str
    def __init__(self, token: _Optional[str] = ..., name: _Optional[str] = ..., public_base_url: _Optional[str] = ...) -> None: ...

class ConnectTelegramChannelResponse(_message.Message):
    __slots__ = ("channel",)
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    def __init__(self, channel: _Optional[_Union[Channel, _Mapping]] = ...) -> None: ...

class GetTelegramFileRequest(_message.Message):
    __slots__ = ("channel_id", "file_id")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    FILE_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    file_id: str
    def __init__(self, channel_id: _Optional[str] = ..., file_id: _Optional[str] = ...) -> None: ...

class GetTelegramFileResponse(_message.Message):
    __slots__ = ("content", "mime_type", "file_name")
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    MIME_TYPE_FIELD_NUMBER: _ClassVar[int]
    FILE_NAME_FIELD_NUMBER: _ClassVar[int]
    content: bytes
    mime_type: str
    file_name: str
    def __init__(self, content: _Optional[bytes] = ..., mime_type: _Optional[str] = ..., file_name: _Optional[str] = ...) -> None: ...
