import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RunPlatformJobRequest(_message.Message):
    __slots__ = ("job", "run_id", "deadline_s")
    JOB_FIELD_NUMBER: _ClassVar[int]
    RUN_ID_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_S_FIELD_NUMBER: _ClassVar[int]
    job: str
    run_id: str
    deadline_s: float
    def __init__(self, job: _Optional[str] = ..., run_id: _Optional[str] = ..., deadline_s: _Optional[float] = ...) -> None: ...

class RunPlatformJobResponse(_message.Message):
    __slots__ = ("processed", "failed", "remaining", "detail")
    PROCESSED_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    REMAINING_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    processed: int
    failed: int
    remaining: int
    detail: str
    def __init__(self, processed: _Optional[int] = ..., failed: _Optional[int] = ..., remaining: _Optional[int] = ..., detail: _Optional[str] = ...) -> None: ...

class PlatformJob(_message.Message):
    __slots__ = ("name", "interval_s", "enabled", "next_run_at", "last_run")
    NAME_FIELD_NUMBER: _ClassVar[int]
    INTERVAL_S_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    NEXT_RUN_AT_FIELD_NUMBER: _ClassVar[int]
    LAST_RUN_FIELD_NUMBER: _ClassVar[int]
    name: str
    interval_s: float
    enabled: bool
    next_run_at: _timestamp_pb2.Timestamp
    last_run: PlatformJobRun
    def __init__(self, name: _Optional[str] = ..., interval_s: _Optional[float] = ..., enabled: _Optional[bool] = ..., next_run_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_run: _Optional[_Union[PlatformJobRun, _Mapping]] = ...) -> None: ...

class PlatformJobRun(_message.Message):
    __slots__ = ("id", "job", "trigger", "status", "slot", "started_at", "finished_at", "error", "processed", "failed", "remaining", "detail")
    ID_FIELD_NUMBER: _ClassVar[int]
    JOB_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    SLOT_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    FINISHED_AT_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    PROCESSED_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    REMAINING_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    id: str
    job: str
    trigger: str
    status: str
    slot: _timestamp_pb2.Timestamp
    started_at: _timestamp_pb2.Timestamp
    finished_at: _timestamp_pb2.Timestamp
    error: str
    processed: int
    failed: int
    remaining: int
    detail: str
    def __init__(self, id: _Optional[str] = ..., job: _Optional[str] = ..., trigger: _Optional[str] = ..., status: _Optional[str] = ..., slot: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., started_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., finished_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., error: _Optional[str] = ..., processed: _Optional[int] = ..., failed: _Optional[int] = ..., remaining: _Optional[int] = ..., detail: _Optional[str] = ...) -> None: ...

class ListPlatformJobsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListPlatformJobsResponse(_message.Message):
    __slots__ = ("jobs",)
    JOBS_FIELD_NUMBER: _ClassVar[int]
    jobs: _containers.RepeatedCompositeFieldContainer[PlatformJob]
    def __init__(self, jobs: _Optional[_Iterable[_Union[PlatformJob, _Mapping]]] = ...) -> None: ...

class ListPlatformJobRunsRequest(_message.Message):
    __slots__ = ("job", "limit")
    JOB_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    job: str
    limit: int
    def __init__(self, job: _Optional[str] = ..., limit: _Optional[int] = ...) -> None: ...

class ListPlatformJobRunsResponse(_message.Message):
    __slots__ = ("runs",)
    RUNS_FIELD_NUMBER: _ClassVar[int]
    runs: _containers.RepeatedCompositeFieldContainer[PlatformJobRun]
    def __init__(self, runs: _Optional[_Iterable[_Union[PlatformJobRun, _Mapping]]] = ...) -> None: ...

class RunPlatformJobNowRequest(_message.Message):
    __slots__ = ("job",)
    JOB_FIELD_NUMBER: _ClassVar[int]
    job: str
    def __init__(self, job: _Optional[str] = ...) -> None: ...

class RunPlatformJobNowResponse(_message.Message):
    __slots__ = ("job",)
    JOB_FIELD_NUMBER: _ClassVar[int]
    job: PlatformJob
    def __init__(self, job: _Optional[_Union[PlatformJob, _Mapping]] = ...) -> None: ...
