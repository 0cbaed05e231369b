import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from clients.rpc.gen.switchboard.analytics.v1 import report_pb2 as _report_pb2
from clients.rpc.gen.switchboard.common.v1 import pagination_pb2 as _pagination_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class MissedRunPolicy(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MISSED_RUN_POLICY_UNSPECIFIED: _ClassVar[MissedRunPolicy]
    MISSED_RUN_POLICY_FIRE_ONCE_LATE: _ClassVar[MissedRunPolicy]
    MISSED_RUN_POLICY_SKIP: _ClassVar[MissedRunPolicy]

class RunStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RUN_STATUS_UNSPECIFIED: _ClassVar[RunStatus]
    RUN_STATUS_PENDING: _ClassVar[RunStatus]
    RUN_STATUS_DELIVERED: _ClassVar[RunStatus]
    RUN_STATUS_FAILED: _ClassVar[RunStatus]
    RUN_STATUS_SKIPPED: _ClassVar[RunStatus]

class RunTrigger(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RUN_TRIGGER_UNSPECIFIED: _ClassVar[RunTrigger]
    RUN_TRIGGER_SCHEDULED: _ClassVar[RunTrigger]
    RUN_TRIGGER_MANUAL: _ClassVar[RunTrigger]
MISSED_RUN_POLICY_UNSPECIFIED: MissedRunPolicy
MISSED_RUN_POLICY_FIRE_ONCE_LATE: MissedRunPolicy
MISSED_RUN_POLICY_SKIP: MissedRunPolicy
RUN_STATUS_UNSPECIFIED: RunStatus
RUN_STATUS_PENDING: RunStatus
RUN_STATUS_DELIVERED: RunStatus
RUN_STATUS_FAILED: RunStatus
RUN_STATUS_SKIPPED: RunStatus
RUN_TRIGGER_UNSPECIFIED: RunTrigger
RUN_TRIGGER_SCHEDULED: RunTrigger
RUN_TRIGGER_MANUAL: RunTrigger

class Daily(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class EveryNDays(_message.Message):
    __slots__ = ("n", "start_date")
    N_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    n: int
    start_date: str
    def __init__(self, n: _Optional[int] = ..., start_date: _Optional[str] = ...) -> None: ...

class Weekly(_message.Message):
    __slots__ = ("weekdays",)
    WEEKDAYS_FIELD_NUMBER: _ClassVar[int]
    weekdays: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, weekdays: _Optional[_Iterable[int]] = ...) -> None: ...

class Monthly(_message.Message):
    __slots__ = ("day_of_month",)
    DAY_OF_MONTH_FIELD_NUMBER: _ClassVar[int]
    day_of_month: int
    def __init__(self, day_of_month: _Optional[int] = ...) -> None: ...

class Recurrence(_message.Message):
    __slots__ = ("daily", "every_n_days", "weekly", "monthly")
    DAILY_FIELD_NUMBER: _ClassVar[int]
    EVERY_N_DAYS_FIELD_NUMBER: _ClassVar[int]
    WEEKLY_FIELD_NUMBER: _ClassVar[int]
    MONTHLY_FIELD_NUMBER: _ClassVar[int]
    daily: Daily
    every_n_days: EveryNDays
    weekly: Weekly
    monthly: Monthly
    def __init__(self, daily: _Optional[_Union[Daily, _Mapping]] = ..., every_n_days: _Optional[_Union[EveryNDays, _Mapping]] = ..., weekly: _Optional[_Union[Weekly, _Mapping]] = ..., monthly: _Optional[_Union[Monthly, _Mapping]] = ...) -> None: ...

class TelegramDestination(_message.Message):
    __slots__ = ("chat_id", "message_thread_id")
    CHAT_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_THREAD_ID_FIELD_NUMBER: _ClassVar[int]
    chat_id: int
    message_thread_id: int
    def __init__(self, chat_id: _Optional[int] = ..., message_thread_id: _Optional[int] = ...) -> None: ...

class WebhookDestination(_message.Message):
    __slots__ = ("url", "secret", "secret_set")
    URL_FIELD_NUMBER: _ClassVar[int]
    SECRET_FIELD_NUMBER: _ClassVar[int]
    SECRET_SET_FIELD_NUMBER: _ClassVar[int]
    url: str
    secret: str
    secret_set: bool
    def __init__(self, url: _Optional[str] = ..., secret: _Optional[str] = ..., secret_set: _Optional[bool] = ...) -> None: ...

class Destination(_message.Message):
    __slots__ = ("telegram", "webhook")
    TELEGRAM_FIELD_NUMBER: _ClassVar[int]
    WEBHOOK_FIELD_NUMBER: _ClassVar[int]
    telegram: TelegramDestination
    webhook: WebhookDestination
    def __init__(self, telegram: _Optional[_Union[TelegramDestination, _Mapping]] = ..., webhook: _Optional[_Union[WebhookDestination, _Mapping]] = ...) -> None: ...

class Run(_message.Message):
    __slots__ = ("id", "schedule_id", "trigger", "status", "error", "scheduled_for", "started_at", "finished_at", "attempt", "late", "partial")
    ID_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_ID_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    SCHEDULED_FOR_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    FINISHED_AT_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    LATE_FIELD_NUMBER: _ClassVar[int]
    PARTIAL_FIELD_NUMBER: _ClassVar[int]
    id: str
    schedule_id: str
    trigger: RunTrigger
    status: RunStatus
    error: str
    scheduled_for: _timestamp_pb2.Timestamp
    started_at: _timestamp_pb2.Timestamp
    finished_at: _timestamp_pb2.Timestamp
    attempt: int
    late: bool
    partial: bool
    def __init__(self, id: _Optional[str] = ..., schedule_id: _Optional[str] = ..., trigger: _Optional[_Union[RunTrigger, str]] = ..., status: _Optional[_Union[RunStatus, str]] = ..., error: _Optional[str] = ..., scheduled_for: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., started_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., finished_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., attempt: _Optional[int] = ..., late: _Optional[bool] = ..., partial: _Optional[bool] = ...) -> None: ...

class Schedule(_message.Message):
    __slots__ = ("id", "name", "recurrence", "local_time", "time_zone", "destination", "report", "missed_run_policy", "enabled", "next_run_at", "last_run", "created_at", "updated_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    RECURRENCE_FIELD_NUMBER: _ClassVar[int]
    LOCAL_TIME_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    DESTINATION_FIELD_NUMBER: _ClassVar[int]
    REPORT_FIELD_NUMBER: _ClassVar[int]
    MISSED_RUN_POLICY_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    NEXT_RUN_AT_FIELD_NUMBER: _ClassVar[int]
    LAST_RUN_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    recurrence: Recurrence
    local_time: str
    time_zone: str
    destination: Destination
    report: _report_pb2.ReportSpec
    missed_run_policy: MissedRunPolicy
    enabled: bool
    next_run_at: _timestamp_pb2.Timestamp
    last_run: Run
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., recurrence: _Optional[_Union[Recurrence, _Mapping]] = ..., local_time: _Optional[str] = ..., time_zone: _Optional[str] = ..., destination: _Optional[_Union[Destination, _Mapping]] = ..., report: _Optional[_Union[_report_pb2.ReportSpec, _Mapping]] = ..., missed_run_policy: _Optional[_Union[MissedRunPolicy, str]] = ..., enabled: _Optional[bool] = ..., next_run_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_run: _Optional[_Union[Run, _Mapping]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateScheduleRequest(_message.Message):
    __slots__ = ("schedule",)
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    schedule: Schedule
    def __init__(self, schedule: _Optional[_Union[Schedule, _Mapping]] = ...) -> None: ...

class CreateScheduleResponse(_message.Message):
    __slots__ = ("schedule",)
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    schedule: Schedule
    def __init__(self, schedule: _Optional[_Union[Schedule, _Mapping]] = ...) -> None: ...

class GetScheduleRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class GetScheduleResponse(_message.Message):
    __slots__ = ("schedule",)
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    schedule: Schedule
    def __init__(self, schedule: _Optional[_Union[Schedule, _Mapping]] = ...) -> None: ...

class ListSchedulesRequest(_message.Message):
    __slots__ = ("page",)
    PAGE_FIELD_NUMBER: _ClassVar[int]
    page: _pagination_pb2.PageRequest
    def __init__(self, page: _Optional[_Union[_pagination_pb2.PageRequest, _Mapping]] = ...) -> None: ...

class ListSchedulesResponse(_message.Message):
    __slots__ = ("schedules", "page_info")
    SCHEDULES_FIELD_NUMBER: _ClassVar[int]
    PAGE_INFO_FIELD_NUMBER: _ClassVar[int]
    schedules: _containers.RepeatedCompositeFieldContainer[Schedule]
    page_info: _pagination_pb2.PageInfo
    def __init__(self, schedules: _Optional[_Iterable[_Union[Schedule, _Mapping]]] = ..., page_info: _Optional[_Union[_pagination_pb2.PageInfo, _Mapping]] = ...) -> None: ...

class UpdateScheduleRequest(_message.Message):
    __slots__ = ("id", "schedule", "update_fields")
    ID_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_FIELDS_FIELD_NUMBER: _ClassVar[int]
    id: str
    schedule: Schedule
    update_fields: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, id: _Optional[str] = ..., schedule: _Optional[_Union[Schedule, _Mapping]] = ..., update_fields: _Optional[_Iterable[str]] = ...) -> None: ...

class UpdateScheduleResponse(_message.Message):
    __slots__ = ("schedule",)
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    schedule: Schedule
    def __init__(self, schedule: _Optional[_Union[Schedule, _Mapping]] = ...) -> None: ...

class DeleteScheduleRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class DeleteScheduleResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RunScheduleNowRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class RunScheduleNowResponse(_message.Message):
    __slots__ = ("run",)
    RUN_FIELD_NUMBER: _ClassVar[int]
    run: Run
    def __init__(self, run: _Optional[_Union[Run, _Mapping]] = ...) -> None: ...

class ListScheduleRunsRequest(_message.Message):
    __slots__ = ("schedule_id", "page")
    SCHEDULE_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    schedule_id: str
    page: _pagination_pb2.PageRequest
    def __init__(self, schedule_id: _Optional[str] = ..., page: _Optional[_Union[_pagination_pb2.PageRequest, _Mapping]] = ...) -> None: ...

class ListScheduleRunsResponse(_message.Message):
    __slots__ = ("runs", "page_info")
    RUNS_FIELD_NUMBER: _ClassVar[int]
    PAGE_INFO_FIELD_NUMBER: _ClassVar[int]
    runs: _containers.RepeatedCompositeFieldContainer[Run]
    page_info: _pagination_pb2.PageInfo
    def __init__(self, runs: _Optional[_Iterable[_Union[Run, _Mapping]]] = ..., page_info: _Optional[_Union[_pagination_pb2.PageInfo, _Mapping]] = ...) -> None: ...
