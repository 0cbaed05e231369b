import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class StatisticsKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STATISTICS_KIND_UNSPECIFIED: _ClassVar[StatisticsKind]
    STATISTICS_KIND_ITEM_STATS: _ClassVar[StatisticsKind]
    STATISTICS_KIND_ITEM_ANALYTICS: _ClassVar[StatisticsKind]
    STATISTICS_KIND_SPENDINGS: _ClassVar[StatisticsKind]
    STATISTICS_KIND_BALANCE: _ClassVar[StatisticsKind]
    STATISTICS_KIND_CPA_BALANCE: _ClassVar[StatisticsKind]
    STATISTICS_KIND_CALLS: _ClassVar[StatisticsKind]
STATISTICS_KIND_UNSPECIFIED: StatisticsKind
STATISTICS_KIND_ITEM_STATS: StatisticsKind
STATISTICS_KIND_ITEM_ANALYTICS: StatisticsKind
STATISTICS_KIND_SPENDINGS: StatisticsKind
STATISTICS_KIND_BALANCE: StatisticsKind
STATISTICS_KIND_CPA_BALANCE: StatisticsKind
STATISTICS_KIND_CALLS: StatisticsKind

class FetchAvitoStatisticsRequest(_message.Message):
    __slots__ = ("channel_id", "from_date", "to_date", "kinds")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    FROM_DATE_FIELD_NUMBER: _ClassVar[int]
    TO_DATE_FIELD_NUMBER: _ClassVar[int]
    KINDS_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    from_date: str
    to_date: str
    kinds: _containers.RepeatedScalarFieldContainer[StatisticsKind]
    def __init__(self, channel_id: _Optional[str] = ..., from_date: _Optional[str] = ..., to_date: _Optional[str] = ..., kinds: _Optional[_Iterable[_Union[StatisticsKind, str]]] = ...) -> None: ...

class ItemDayStats(_message.Message):
    __slots__ = ("item_id", "date", "views", "contacts", "favorites")
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    VIEWS_FIELD_NUMBER: _ClassVar[int]
    CONTACTS_FIELD_NUMBER: _ClassVar[int]
    FAVORITES_FIELD_NUMBER: _ClassVar[int]
    item_id: int
    date: str
    views: int
    contacts: int
    favorites: int
    def __init__(self, item_id: _Optional[int] = ..., date: _Optional[str] = ..., views: _Optional[int] = ..., contacts: _Optional[int] = ..., favorites: _Optional[int] = ...) -> None: ...

class ItemStats(_message.Message):
    __slots__ = ("days",)
    DAYS_FIELD_NUMBER: _ClassVar[int]
    days: _containers.RepeatedCompositeFieldContainer[ItemDayStats]
    def __init__(self, days: _Optional[_Iterable[_Union[ItemDayStats, _Mapping]]] = ...) -> None: ...

class AnalyticsDay(_message.Message):
    __slots__ = ("date", "metrics")
    class MetricsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    DATE_FIELD_NUMBER: _ClassVar[int]
    METRICS_FIELD_NUMBER: _ClassVar[int]
    date: str
    metrics: _containers.ScalarMap[str, int]
    def __init__(self, date: _Optional[str] = ..., metrics: _Optional[_Mapping[str, int]] = ...) -> None: ...

class ItemAnalytics(_message.Message):
    __slots__ = ("days",)
    DAYS_FIELD_NUMBER: _ClassVar[int]
    days: _containers.RepeatedCompositeFieldContainer[AnalyticsDay]
    def __init__(self, days: _Optional[_Iterable[_Union[AnalyticsDay, _Mapping]]] = ...) -> None: ...

class SpendingDay(_message.Message):
    __slots__ = ("date", "kopecks")
    class KopecksEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    DATE_FIELD_NUMBER: _ClassVar[int]
    KOPECKS_FIELD_NUMBER: _ClassVar[int]
    date: str
    kopecks: _containers.ScalarMap[str, int]
    def __init__(self, date: _Optional[str] = ..., kopecks: _Optional[_Mapping[str, int]] = ...) -> None: ...

class Spendings(_message.Message):
    __slots__ = ("days",)
    DAYS_FIELD_NUMBER: _ClassVar[int]
    days: _containers.RepeatedCompositeFieldContainer[SpendingDay]
    def __init__(self, days: _Optional[_Iterable[_Union[SpendingDay, _Mapping]]] = ...) -> None: ...

class WalletBalance(_message.Message):
    __slots__ = ("real_kopecks", "bonus_kopecks")
    REAL_KOPECKS_FIELD_NUMBER: _ClassVar[int]
    BONUS_KOPECKS_FIELD_NUMBER: _ClassVar[int]
    real_kopecks: int
    bonus_kopecks: int
    def __init__(self, real_kopecks: _Optional[int] = ..., bonus_kopecks: _Optional[int] = ...) -> None: ...

class CpaBalance(_message.Message):
    __slots__ = ("kopecks",)
    KOPECKS_FIELD_NUMBER: _ClassVar[int]
    kopecks: int
    def __init__(self, kopecks: _Optional[int] = ...) -> None: ...

class CallsDay(_message.Message):
    __slots__ = ("item_id", "date", "calls", "answered", "new_calls", "new_answered")
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    CALLS_FIELD_NUMBER: _ClassVar[int]
    ANSWERED_FIELD_NUMBER: _ClassVar[int]
    NEW_CALLS_FIELD_NUMBER: _ClassVar[int]
    NEW_ANSWERED_FIELD_NUMBER: _ClassVar[int]
    item_id: int
    date: str
    calls: int
    answered: int
    new_calls: int
    new_answered: int
    def __init__(self, item_id: _Optional[int] = ..., date: _Optional[str] = ..., calls: _Optional[int] = ..., answered: _Optional[int] = ..., new_calls: _Optional[int] = ..., new_answered: _Optional[int] = ...) -> None: ...

class Calls(_message.Message):
    __slots__ = ("days",)
    DAYS_FIELD_NUMBER: _ClassVar[int]
    days: _containers.RepeatedCompositeFieldContainer[CallsDay]
    def __init__(self, days: _Optional[_Iterable[_Union[CallsDay, _Mapping]]] = ...) -> None: ...

class StatisticsProblem(_message.Message):
    __slots__ = ("kind", "reason", "retryable", "retry_after_s")
    KIND_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    RETRYABLE_FIELD_NUMBER: _ClassVar[int]
    RETRY_AFTER_S_FIELD_NUMBER: _ClassVar[int]
    kind: StatisticsKind
    reason: str
    retryable: bool
    retry_after_s: float
    def __init__(self, kind: _Optional[_Union[StatisticsKind, str]] = ..., reason: _Optional[str] = ..., retryable: _Optional[bool] = ..., retry_after_s: _Optional[float] = ...) -> None: ...

class FetchAvitoStatisticsResponse(_message.Message):
    __slots__ = ("item_stats", "item_analytics", "spendings", "balance", "cpa_balance", "calls", "problems", "fetched_at")
    ITEM_STATS_FIELD_NUMBER: _ClassVar[int]
    ITEM_ANALYTICS_FIELD_NUMBER: _ClassVar[int]
    SPENDINGS_FIELD_NUMBER: _ClassVar[int]
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    CPA_BALANCE_FIELD_NUMBER: _ClassVar[int]
    CALLS_FIELD_NUMBER: _ClassVar[int]
    PROBLEMS_FIELD_NUMBER: _ClassVar[int]
    FETCHED_AT_FIELD_NUMBER: _ClassVar[int]
    item_stats: ItemStats
    item_analytics: ItemAnalytics
    spendings: Spendings
    balance: WalletBalance
    cpa_balance: CpaBalance
    calls: Calls
    problems: _containers.RepeatedCompositeFieldContainer[StatisticsProblem]
    fetched_at: _timestamp_pb2.Timestamp
    def __init__(self, item_stats: _Optional[_Union[ItemStats, _Mapping]] = ..., item_analytics: _Optional[_Union[ItemAnalytics, _Mapping]] = ..., spendings: _Optional[_Union[Spendings, _Mapping]] = ..., balance: _Optional[_Union[WalletBalance, _Mapping]] = ..., cpa_balance: _Optional[_Union[CpaBalance, _Mapping]] = ..., calls: _Optional[_Union[Calls, _Mapping]] = ..., problems: _Optional[_Iterable[_Union[StatisticsProblem, _Mapping]]] = ..., fetched_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
