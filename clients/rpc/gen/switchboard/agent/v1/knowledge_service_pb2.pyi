import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from clients.rpc.gen.switchboard.common.v1 import pagination_pb2 as _pagination_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DocumentKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DOCUMENT_KIND_UNSPECIFIED: _ClassVar[DocumentKind]
    DOCUMENT_KIND_TEXT: _ClassVar[DocumentKind]
    DOCUMENT_KIND_MARKDOWN: _ClassVar[DocumentKind]
    DOCUMENT_KIND_FAQ_CSV: _ClassVar[DocumentKind]
    DOCUMENT_KIND_DOCX: _ClassVar[DocumentKind]
    DOCUMENT_KIND_XLSX: _ClassVar[DocumentKind]
    DOCUMENT_KIND_PDF: _ClassVar[DocumentKind]
    DOCUMENT_KIND_LISTING: _ClassVar[DocumentKind]

class DocumentStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DOCUMENT_STATUS_UNSPECIFIED: _ClassVar[DocumentStatus]
    DOCUMENT_STATUS_INDEXING: _ClassVar[DocumentStatus]
    DOCUMENT_STATUS_INDEXED: _ClassVar[DocumentStatus]
    DOCUMENT_STATUS_FAILED: _ClassVar[DocumentStatus]

class ChunkKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CHUNK_KIND_UNSPECIFIED: _ClassVar[ChunkKind]
    CHUNK_KIND_FAQ: _ClassVar[ChunkKind]
    CHUNK_KIND_TEXT: _ClassVar[ChunkKind]
    CHUNK_KIND_LISTING: _ClassVar[ChunkKind]
DOCUMENT_KIND_UNSPECIFIED: DocumentKind
DOCUMENT_KIND_TEXT: DocumentKind
DOCUMENT_KIND_MARKDOWN: DocumentKind
DOCUMENT_KIND_FAQ_CSV: DocumentKind
DOCUMENT_KIND_DOCX: DocumentKind
DOCUMENT_KIND_XLSX: DocumentKind
DOCUMENT_KIND_PDF: DocumentKind
DOCUMENT_KIND_LISTING: DocumentKind
DOCUMENT_STATUS_UNSPECIFIED: DocumentStatus
DOCUMENT_STATUS_INDEXING: DocumentStatus
DOCUMENT_STATUS_INDEXED: DocumentStatus
DOCUMENT_STATUS_FAILED: DocumentStatus
CHUNK_KIND_UNSPECIFIED: ChunkKind
CHUNK_KIND_FAQ: ChunkKind
CHUNK_KIND_TEXT: ChunkKind
CHUNK_KIND_LISTING: ChunkKind

class KnowledgeDocument(_message.Message):
    __slots__ = ("id", "name", "mime_type", "kind", "status", "error", "chunk_count", "size_bytes", "sha256", "source_ref", "created_at", "updated_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    MIME_TYPE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    CHUNK_COUNT_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    SOURCE_REF_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    mime_type: str
    kind: DocumentKind
    status: DocumentStatus
    error: str
    chunk_count: int
    size_bytes: int
    sha256: str
    source_ref: str
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., mime_type: _Optional[str] = ..., kind: _Optional[_Union[DocumentKind, str]] = ..., status: _Optional[_Union[DocumentStatus, str]] = ..., error: _Optional[str] = ..., chunk_count: _Optional[int] = ..., size_bytes: _Optional[int] = ..., sha256: _Optional[str] = ..., source_ref: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class DocumentUpload(_message.Message):
    __slots__ = ("name", "mime_type", "content")
    NAME_FIELD_NUMBER: _ClassVar[int]
    MIME_TYPE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    name: str
    mime_type: str
    content: bytes
    def __init__(self, name: _Optional[str] = ..., mime_type: _Optional[str] = ..., content: _Optional[bytes] = ...) -> None: ...

class DocumentResult(_message.Message):
    __slots__ = ("name", "document", "error", "replaced")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    REPLACED_FIELD_NUMBER: _ClassVar[int]
    name: str
    document: KnowledgeDocument
    error: str
    replaced: bool
    def __init__(self, name: _Optional[str] = ..., document: _Optional[_Union[KnowledgeDocument, _Mapping]] = ..., error: _Optional[str] = ..., replaced: _Optional[bool] = ...) -> None: ...

class UploadDocumentsRequest(_message.Message):
    __slots__ = ("documents",)
    DOCUMENTS_FIELD_NUMBER: _ClassVar[int]
    documents: _containers.RepeatedCompositeFieldContainer[DocumentUpload]
    def __init__(self, documents: _Optional[_Iterable[_Union[DocumentUpload, _Mapping]]] = ...) -> None: ...

class UploadDocumentsResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[DocumentResult]
    def __init__(self, results: _Optional[_Iterable[_Union[DocumentResult, _Mapping]]] = ...) -> None: ...

class ListDocumentsRequest(_message.Message):
    __slots__ = ("page",)
    PAGE_FIELD_NUMBER: _ClassVar[int]
    page: _pagination_pb2.PageRequest
    def __init__(self, page: _Optional[_Union[_pagination_pb2.PageRequest, _Mapping]] = ...) -> None: ...

class ListDocumentsResponse(_message.Message):
    __slots__ = ("documents", "page_info")
    DOCUMENTS_FIELD_NUMBER: _ClassVar[int]
    PAGE_INFO_FIELD_NUMBER: _ClassVar[int]
    documents: _containers.RepeatedCompositeFieldContainer[KnowledgeDocument]
    page_info: _pagination_pb2.PageInfo
    def __init__(self, documents: _Optional[_Iterable[_Union[KnowledgeDocument, _Mapping]]] = ..., page_info: _Optional[_Union[_pagination_pb2.PageInfo, _Mapping]] = ...) -> None: ...

class DeleteDocumentRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class DeleteDocumentResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ReindexDocumentsRequest(_message.Message):
    __slots__ = ("ids",)
    IDS_FIELD_NUMBER: _ClassVar[int]
    ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, ids: _Optional[_Iterable[str]] = ...) -> None: ...

class ReindexDocumentsResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[DocumentResult]
    def __init__(self, results: _Optional[_Iterable[_Union[DocumentResult, _Mapping]]] = ...) -> None: ...

class SearchKnowledgeRequest(_message.Message):
    __slots__ = ("query", "limit")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    query: str
    limit: int
    def __init__(self, query: _Optional[str] = ..., limit: _Optional[int] = ...) -> None: ...

class KnowledgeHit(_message.Message):
    __slots__ = ("chunk_id", "document_id", "kind", "text", "question", "answer", "score", "document_name")
    CHUNK_ID_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    QUESTION_FIELD_NUMBER: _ClassVar[int]
    ANSWER_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_NAME_FIELD_NUMBER: _ClassVar[int]
    chunk_id: str
    document_id: str
    kind: ChunkKind
    text: str
    question: str
    answer: str
    score: float
    document_name: str
    def __init__(self, chunk_id: _Optional[str] = ..., document_id: _Optional[str] = ..., kind: _Optional[_Union[ChunkKind, str]] = ..., text: _Optional[str] = ..., question: _Optional[str] = ..., answer: _Optional[str] = ..., score: _Optional[float] = ..., document_name: _Optional[str] = ...) -> None: ...

class SearchKnowledgeResponse(_message.Message):
    __slots__ = ("hits",)
    HITS_FIELD_NUMBER: _ClassVar[int]
    hits: _containers.RepeatedCompositeFieldContainer[KnowledgeHit]
    def __init__(self, hits: _Optional[_Iterable[_Union[KnowledgeHit, _Mapping]]] = ...) -> None: ...

class SynonymGroup(_message.Message):
    __slots__ = ("id", "words", "created_at", "updated_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    WORDS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    words: _containers.RepeatedScalarFieldContainer[str]
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., words: _Optional[_Iterable[str]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListSynonymGroupsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListSynonymGroupsResponse(_message.Message):
    __slots__ = ("groups",)
    GROUPS_FIELD_NUMBER: _ClassVar[int]
    groups: _containers.RepeatedCompositeFieldContainer[SynonymGroup]
    def __init__(self, groups: _Optional[_Iterable[_Union[SynonymGroup, _Mapping]]] = ...) -> None: ...

class PutSynonymGroupRequest(_message.Message):
    __slots__ = ("id", "words")
    ID_FIELD_NUMBER: _ClassVar[int]
    WORDS_FIELD_NUMBER: _ClassVar[int]
    id: str
    words: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, id: _Optional[str] = ..., words: _Optional[_Iterable[str]] = ...) -> None: ...

class PutSynonymGroupResponse(_message.Message):
    __slots__ = ("group",)
    GROUP_FIELD_NUMBER: _ClassVar[int]
    group: SynonymGroup
    def __init__(self, group: _Optional[_Union[SynonymGroup, _Mapping]] = ...) -> None: ...

class DeleteSynonymGroupRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class DeleteSynonymGroupResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
