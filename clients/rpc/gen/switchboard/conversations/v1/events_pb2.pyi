from clients.rpc.gen.switchboard.conversations.v1 import conversations_service_pb2 as _conversations_service_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class MessageReceived(_message.Message):
    __slots__ = ("conversation", "message")
    CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    conversation: _conversations_service_pb2.Conversation
    message: _conversations_service_pb2.Message
    def __init__(self, conversation: _Optional[_Union[_conversations_service_pb2.Conversation, _Mapping]] = ..., message: _Optional[_Union[_conversations_service_pb2.Message, _Mapping]] = ...) -> None: ...

class MessageSendRequested(_message.Message):
    __slots__ = ("message_id", "conversation_id", "channel_id", "external_chat_id", "text", "message", "conversation", "attachments")
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_CHAT_ID_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    ATTACHMENTS_FIELD_NUMBER: _ClassVar[int]
    message_id: str
    conversation_id: str
    channel_id: str
    external_chat_id: str
    text: str
    message: _conversations_service_pb2.Message
    conversation: _conversations_service_pb2.Conversation
    attachments: _containers.RepeatedCompositeFieldContainer[_conversations_service_pb2.OutgoingAttachment]
    def __init__(self, message_id: _Optional[str] = ..., conversation_id: _Optional[str] = ..., channel_id: _Optional[str] = ..., external_chat_id: _Optional[str] = ..., text: _Optional[str] = ..., message: _Optional[_Union[_conversations_service_pb2.Message, _Mapping]] = ..., conversation: _Optional[_Union[_conversations_service_pb2.Conversation, _Mapping]] = ..., attachments: _Optional[_Iterable[_Union[_conversations_service_pb2.OutgoingAttachment, _Mapping]]] = ...) -> None: ...

class MessageStatusChanged(_message.Message):
    __slots__ = ("conversation", "message")
    CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    conversation: _conversations_service_pb2.Conversation
    message: _conversations_service_pb2.Message
    def __init__(self, conversation: _Optional[_Union[_conversations_service_pb2.Conversation, _Mapping]] = ..., message: _Optional[_Union[_conversations_service_pb2.Message, _Mapping]] = ...) -> None: ...

class ConversationUpdated(_message.Message):
    __slots__ = ("conversation",)
    CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    conversation: _conversations_service_pb2.Conversation
    def __init__(self, conversation: _Optional[_Union[_conversations_service_pb2.Conversation, _Mapping]] = ...) -> None: ...

class ConversationHandoffRequested(_message.Message):
    __slots__ = ("conversation",)
    CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    conversation: _conversations_service_pb2.Conversation
    def __init__(self, conversation: _Optional[_Union[_conversations_service_pb2.Conversation, _Mapping]] = ...) -> None: ...

class ConversationRead(_message.Message):
    __slots__ = ("conversation",)
    CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    conversation: _conversations_service_pb2.Conversation
    def __init__(self, conversation: _Optional[_Union[_conversations_service_pb2.Conversation, _Mapping]] = ...) -> None: ...

class MessageDeleteRequested(_message.Message):
    __slots__ = ("message_id", "conversation_id", "channel_id", "external_chat_id", "external_message_id", "message", "conversation")
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_CHAT_ID_FIELD_NUMBER: _ClassVar[int]
    EXTERNAL_MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    message_id: str
    conversation_id: str
    channel_id: str
    external_chat_id: str
    external_message_id: str
    message: _conversations_service_pb2.Message
    conversation: _conversations_service_pb2.Conversation
    def __init__(self, message_id: _Optional[str] = ..., conversation_id: _Optional[str] = ..., channel_id: _Optional[str] = ..., external_chat_id: _Optional[str] = ..., external_message_id: _Optional[str] = ..., message: _Optional[_Union[_conversations_service_pb2.Message, _Mapping]] = ..., conversation: _Optional[_Union[_conversations_service_pb2.Conversation, _Mapping]] = ...) -> None: ...

class MessageUpdated(_message.Message):
    __slots__ = ("conversation", "message")
    CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    conversation: _conversations_service_pb2.Conversation
    message: _conversations_service_pb2.Message
    def __init__(self, conversation: _Optional[_Union[_conversations_service_pb2.Conversation, _Mapping]] = ..., message: _Optional[_Union[_conversations_service_pb2.Message, _Mapping]] = ...) -> None: ...

class NoteAdded(_message.Message):
    __slots__ = ("conversation", "message")
    CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    conversation: _conversations_service_pb2.Conversation
    message: _conversations_service_pb2.Message
    def __init__(self, conversation: _Optional[_Union[_conversations_service_pb2.Conversation, _Mapping]] = ..., message: _Optional[_Union[_conversations_service_pb2.Message, _Mapping]] = ...) -> None: ...
