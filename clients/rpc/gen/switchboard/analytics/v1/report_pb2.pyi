from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class RelativePeriod(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RELATIVE_PERIOD_UNSPECIFIED: _ClassVar[RelativePeriod]
    RELATIVE_PERIOD_YESTERDAY: _ClassVar[RelativePeriod]
    RELATIVE_PERIOD_TODAY_SO_FAR: _ClassVar[RelativePeriod]
    RELATIVE_PERIOD_LAST_7_DAYS: _ClassVar[RelativePeriod]
    RELATIVE_PERIOD_LAST_30_DAYS: _ClassVar[RelativePeriod]
    RELATIVE_PERIOD_PREVIOUS_WEEK: _ClassVar[RelativePeriod]
    RELATIVE_PERIOD_PREVIOUS_MONTH: _ClassVar[RelativePeriod]
    RELATIVE_PERIOD_MONTH_TO_DATE: _ClassVar[RelativePeriod]

class ReportFormat(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REPORT_FORMAT_UNSPECIFIED: _ClassVar[ReportFormat]
    REPORT_FORMAT_HTML: _ClassVar[ReportFormat]
    REPORT_FORMAT_JSON: _ClassVar[ReportFormat]
    REPORT_FORMAT_PNG: _ClassVar[ReportFormat]
RELATIVE_PERIOD_UNSPECIFIED: RelativePeriod
RELATIVE_PERIOD_YESTERDAY: RelativePeriod
RELATIVE_PERIOD_TODAY_SO_FAR: RelativePeriod
RELATIVE_PERIOD_LAST_7_DAYS: RelativePeriod
RELATIVE_PERIOD_LAST_30_DAYS: RelativePeriod
RELATIVE_PERIOD_PREVIOUS_WEEK: RelativePeriod
RELATIVE_PERIOD_PREVIOUS_MONTH: RelativePeriod
RELATIVE_PERIOD_MONTH_TO_DATE: RelativePeriod
REPORT_FORMAT_UNSPECIFIED: ReportFormat
REPORT_FORMAT_HTML: ReportFormat
REPORT_FORMAT_JSON: ReportFormat
REPORT_FORMAT_PNG: ReportFormat

class DateRange(_message.Message):
    __slots__ = ("from_date", "to_date")
    FROM_DATE_FIELD_NUMBER: _ClassVar[int]
    TO_DATE_FIELD_NUMBER: _ClassVar[int]
    from_date: str
    to_date: str
    def __init__(self, from_date: _Optional[str] = ..., to_date: _Optional[str] = ...) -> None: ...

class ReportPeriod(_message.Message):
    __slots__ = ("relative", "range")
    RELATIVE_FIELD_NUMBER: _ClassVar[int]
    RANGE_FIELD_NUMBER: _ClassVar[int]
    relative: RelativePeriod
    range: DateRange
    def __init__(self, relative: _Optional[_Union[RelativePeriod, str]] = ..., range: _Optional[_Union[DateRange, _Mapping]] = ...) -> None: ...

class ReportSpec(_message.Message):
    __slots__ = ("channel_ids", "combined", "metrics", "period", "time_zone")
    CHANNEL_IDS_FIELD_NUMBER: _ClassVar[int]
    COMBINED_FIELD_NUMBER: _ClassVar[int]
    METRICS_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    channel_ids: _containers.RepeatedScalarFieldContainer[str]
    combined: bool
    metrics: _containers.RepeatedScalarFieldContainer[str]
    period: ReportPeriod
    time_zone: str
    def __init__(self, channel_ids: _Optional[_Iterable[str]] = ..., combined: _Optional[bool] = ..., metrics: _Optional[_Iterable[str]] = ..., period: _Optional[_Union[ReportPeriod, _Mapping]] = ..., time_zone: _Optional[str] = ...) -> None: ...
