import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from clients.rpc.gen.switchboard.analytics.v1 import report_pb2 as _report_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GroupBy(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    GROUP_BY_UNSPECIFIED: _ClassVar[GroupBy]
    GROUP_BY_CHANNEL: _ClassVar[GroupBy]
    GROUP_BY_LISTING: _ClassVar[GroupBy]
    GROUP_BY_ASSIGNEE: _ClassVar[GroupBy]
    GROUP_BY_DAY: _ClassVar[GroupBy]
GROUP_BY_UNSPECIFIED: GroupBy
GROUP_BY_CHANNEL: GroupBy
GROUP_BY_LISTING: GroupBy
GROUP_BY_ASSIGNEE: GroupBy
GROUP_BY_DAY: GroupBy

class MetricInfo(_message.Message):
    __slots__ = ("key", "title", "unit", "source", "default")
    KEY_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_FIELD_NUMBER: _ClassVar[int]
    key: str
    title: str
    unit: str
    source: str
    default: bool
    def __init__(self, key: _Optional[str] = ..., title: _Optional[str] = ..., unit: _Optional[str] = ..., source: _Optional[str] = ..., default: _Optional[bool] = ...) -> None: ...

class ListMetricsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListMetricsResponse(_message.Message):
    __slots__ = ("metrics",)
    METRICS_FIELD_NUMBER: _ClassVar[int]
    metrics: _containers.RepeatedCompositeFieldContainer[MetricInfo]
    def __init__(self, metrics: _Optional[_Iterable[_Union[MetricInfo, _Mapping]]] = ...) -> None: ...

class Duration(_message.Message):
    __slots__ = ("has_value", "median_seconds", "p90_seconds", "samples")
    HAS_VALUE_FIELD_NUMBER: _ClassVar[int]
    MEDIAN_SECONDS_FIELD_NUMBER: _ClassVar[int]
    P90_SECONDS_FIELD_NUMBER: _ClassVar[int]
    SAMPLES_FIELD_NUMBER: _ClassVar[int]
    has_value: bool
    median_seconds: float
    p90_seconds: float
    samples: int
    def __init__(self, has_value: _Optional[bool] = ..., median_seconds: _Optional[float] = ..., p90_seconds: _Optional[float] = ..., samples: _Optional[int] = ...) -> None: ...

class InboxFigures(_message.Message):
    __slots__ = ("conversations_started", "messages_in", "messages_out", "first_response", "first_response_business", "reply", "reply_business", "resolution", "resolved", "unanswered", "waiting", "ai_answered", "handed_off")
    CONVERSATIONS_STARTED_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_IN_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_OUT_FIELD_NUMBER: _ClassVar[int]
    FIRST_RESPONSE_FIELD_NUMBER: _ClassVar[int]
    FIRST_RESPONSE_BUSINESS_FIELD_NUMBER: _ClassVar[int]
    REPLY_FIELD_NUMBER: _ClassVar[int]
    REPLY_BUSINESS_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_FIELD_NUMBER: _ClassVar[int]
    UNANSWERED_FIELD_NUMBER: _ClassVar[int]
    WAITING_FIELD_NUMBER: _ClassVar[int]
    AI_ANSWERED_FIELD_NUMBER: _ClassVar[int]
    HANDED_OFF_FIELD_NUMBER: _ClassVar[int]
    conversations_started: int
    messages_in: int
    messages_out: int
    first_response: Duration
    first_response_business: Duration
    reply: Duration
    reply_business: Duration
    resolution: Duration
    resolved: int
    unanswered: int
    waiting: int
    ai_answered: int
    handed_off: int
    def __init__(self, conversations_started: _Optional[int] = ..., messages_in: _Optional[int] = ..., messages_out: _Optional[int] = ..., first_response: _Optional[_Union[Duration, _Mapping]] = ..., first_response_business: _Optional[_Union[Duration, _Mapping]] = ..., reply: _Optional[_Union[Duration, _Mapping]] = ..., reply_business: _Optional[_Union[Duration, _Mapping]] = ..., resolution: _Optional[_Union[Duration, _Mapping]] = ..., resolved: _Optional[int] = ..., unanswered: _Optional[int] = ..., waiting: _Optional[int] = ..., ai_answered: _Optional[int] = ..., handed_off: _Optional[int] = ...) -> None: ...

class InboxGroup(_message.Message):
    __slots__ = ("key", "label", "figures")
    KEY_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    FIGURES_FIELD_NUMBER: _ClassVar[int]
    key: str
    label: str
    figures: InboxFigures
    def __init__(self, key: _Optional[str] = ..., label: _Optional[str] = ..., figures: _Optional[_Union[InboxFigures, _Mapping]] = ...) -> None: ...

class GetInboxMetricsRequest(_message.Message):
    __slots__ = ("to", "channel_id", "group_by", "time_zone")
    FROM_FIELD_NUMBER: _ClassVar[int]
    TO_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    GROUP_BY_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    to: _timestamp_pb2.Timestamp
    channel_id: str
    group_by: GroupBy
    time_zone: str
    def __init__(self, to: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., channel_id: _Optional[str] = ..., group_by: _Optional[_Union[GroupBy, str]] = ..., time_zone: _Optional[str] = ..., **kwargs) -> None: ...

class GetInboxMetricsResponse(_message.Message):
    __slots__ = ("total", "groups")
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    GROUPS_FIELD_NUMBER: _ClassVar[int]
    total: InboxFigures
    groups: _containers.RepeatedCompositeFieldContainer[InboxGroup]
    def __init__(self, total: _Optional[_Union[InboxFigures, _Mapping]] = ..., groups: _Optional[_Iterable[_Union[InboxGroup, _Mapping]]] = ...) -> None: ...

class RenderReportRequest(_message.Message):
    __slots__ = ("spec", "formats")
    SPEC_FIELD_NUMBER: _ClassVar[int]
    FORMATS_FIELD_NUMBER: _ClassVar[int]
    spec: _report_pb2.ReportSpec
    formats: _containers.RepeatedScalarFieldContainer[_report_pb2.ReportFormat]
    def __init__(self, spec: _Optional[_Union[_report_pb2.ReportSpec, _Mapping]] = ..., formats: _Optional[_Iterable[_Union[_report_pb2.ReportFormat, str]]] = ...) -> None: ...

class RenderReportResponse(_message.Message):
    __slots__ = ("html", "json", "png", "partial", "problems", "period_from", "period_to", "time_zone")
    HTML_FIELD_NUMBER: _ClassVar[int]
    JSON_FIELD_NUMBER: _ClassVar[int]
    PNG_FIELD_NUMBER: _ClassVar[int]
    PARTIAL_FIELD_NUMBER: _ClassVar[int]
    PROBLEMS_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FROM_FIELD_NUMBER: _ClassVar[int]
    PERIOD_TO_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    html: str
    json: str
    png: bytes
    partial: bool
    problems: _containers.RepeatedScalarFieldContainer[str]
    period_from: _timestamp_pb2.Timestamp
    period_to: _timestamp_pb2.Timestamp
    time_zone: str
    def __init__(self, html: _Optional[str] = ..., json: _Optional[str] = ..., png: _Optional[bytes] = ..., partial: _Optional[bool] = ..., problems: _Optional[_Iterable[str]] = ..., period_from: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., period_to: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., time_zone: _Optional[str] = ...) -> None: ...

class DayHours(_message.Message):
    __slots__ = ("weekday", "open", "close")
    WEEKDAY_FIELD_NUMBER: _ClassVar[int]
    OPEN_FIELD_NUMBER: _ClassVar[int]
    CLOSE_FIELD_NUMBER: _ClassVar[int]
    weekday: int
    open: str
    close: str
    def __init__(self, weekday: _Optional[int] = ..., open: _Optional[str] = ..., close: _Optional[str] = ...) -> None: ...

class AnalyticsSettings(_message.Message):
    __slots__ = ("time_zone", "business_hours")
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    BUSINESS_HOURS_FIELD_NUMBER: _ClassVar[int]
    time_zone: str
    business_hours: _containers.RepeatedCompositeFieldContainer[DayHours]
    def __init__(self, time_zone: _Optional[str] = ..., business_hours: _Optional[_Iterable[_Union[DayHours, _Mapping]]] = ...) -> None: ...

class GetSettingsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetSettingsResponse(_message.Message):
    __slots__ = ("settings",)
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    settings: AnalyticsSettings
    def __init__(self, settings: _Optional[_Union[AnalyticsSettings, _Mapping]] = ...) -> None: ...

class UpdateSettingsRequest(_message.Message):
    __slots__ = ("settings",)
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    settings: AnalyticsSettings
    def __init__(self, settings: _Optional[_Union[AnalyticsSettings, _Mapping]] = ...) -> None: ...

class UpdateSettingsResponse(_message.Message):
    __slots__ = ("settings",)
    SETTINGS_FIELD_NUMBER: _ClassVar[int]
    settings: AnalyticsSettings
    def __init__(self, settings: _Optional[_Union[AnalyticsSettings, _Mapping]] = ...) -> None: ...
