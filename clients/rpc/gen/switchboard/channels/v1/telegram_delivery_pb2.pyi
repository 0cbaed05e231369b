from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class SendTelegramMessageRequest(_message.Message):
    __slots__ = ("chat_id", "message_thread_id", "html", "photo")
    CHAT_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_THREAD_ID_FIELD_NUMBER: _ClassVar[int]
    HTML_FIELD_NUMBER: _ClassVar[int]
    PHOTO_FIELD_NUMBER: _ClassVar[int]
    chat_id: int
    message_thread_id: int
    html: str
    photo: bytes
    def __init__(self, chat_id: _Optional[int] = ..., message_thread_id: _Optional[int] = ..., html: _Optional[str] = ..., photo: _Optional[bytes] = ...) -> None: ...

class SendTelegramMessageResponse(_message.Message):
    __slots__ = ("message_ids",)
    MESSAGE_IDS_FIELD_NUMBER: _ClassVar[int]
    message_ids: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, message_ids: _Optional[_Iterable[int]] = ...) -> None: ...
