"""gRPC AvitoStatisticsService (proto <-> domain), served by the channels process beside
ChannelsService; its only caller is analytics (clients/rpc/permissions.OWN_RPCS)."""

from __future__ import annotations

from datetime import date
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp

from clients.rpc.gen.switchboard.channels.v1 import avito_statistics_pb2 as pb
from clients.rpc.gen.switchboard.channels.v1 import avito_statistics_pb2_grpc as pb_grpc
from services.channels.avito.stats_calls import (
    AnalyticsDay,
    CallsDay,
    ItemDay,
    SpendingDay,
    WalletBalance,
)
from services.channels.statistics.fetch import Fetched, Kind, StatisticsFetcher
from services.kernel.errors import InvalidArgument

STATISTICS_SERVICE_NAME = "switchboard.channels.v1.AvitoStatisticsService"
# The fetch ends this long before the caller's deadline, with what it has by then.
DEADLINE_MARGIN_S = 1.0


class AvitoStatisticsServicer(pb_grpc.AvitoStatisticsServiceServicer):
    def __init__(self, fetcher: StatisticsFetcher) -> None:
        self.fetcher = fetcher

    async def FetchAvitoStatistics(self, request: pb.FetchAvitoStatisticsRequest,
                                   context: Any) -> pb.FetchAvitoStatisticsResponse:
        kinds = [_kind(k) for k in request.kinds]
        remaining = context.time_remaining()
        fetched = await self.fetcher.fetch(
            request.channel_id, _date(request.from_date, "from_date"),
            _date(request.to_date, "to_date"), kinds,
            budget_s=None if remaining is None else max(0.0, remaining - DEADLINE_MARGIN_S))
        return response_proto(fetched)


def _kind(value: int) -> Kind:
    try:
        return Kind(value)
    except ValueError:
        raise InvalidArgument(f"unknown statistics kind {value}") from None


def _date(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidArgument(f"{field} must be a date as YYYY-MM-DD, not {value!r}") from None


def response_proto(fetched: Fetched) -> pb.FetchAvitoStatisticsResponse:
    at = Timestamp()
    at.FromDatetime(fetched.fetched_at)
    out = pb.FetchAvitoStatisticsResponse(fetched_at=at, problems=[
        pb.StatisticsProblem(kind=p.kind.value, reason=p.reason, retryable=p.retryable,
                             retry_after_s=p.retry_after_s or 0.0) for p in fetched.problems])
    r = fetched.results
    if Kind.ITEM_STATS in r:
        out.item_stats.days.extend(_item_day(d) for d in r[Kind.ITEM_STATS])
        out.item_stats.SetInParent()
    if Kind.ITEM_ANALYTICS in r:
        out.item_analytics.days.extend(_analytics_day(d) for d in r[Kind.ITEM_ANALYTICS])
        out.item_analytics.SetInParent()
    if Kind.SPENDINGS in r:
        out.spendings.days.extend(_spending_day(d) for d in r[Kind.SPENDINGS])
        out.spendings.SetInParent()
    if Kind.BALANCE in r:
        wallet: WalletBalance = r[Kind.BALANCE]
        out.balance.CopyFrom(pb.WalletBalance(real_kopecks=wallet.real_kopecks,
                                              bonus_kopecks=wallet.bonus_kopecks))
    if Kind.CPA_BALANCE in r:
        out.cpa_balance.CopyFrom(pb.CpaBalance(kopecks=r[Kind.CPA_BALANCE]))
    if Kind.CALLS in r:
        out.calls.days.extend(_calls_day(d) for d in r[Kind.CALLS])
        out.calls.SetInParent()
    return out


def _item_day(d: ItemDay) -> pb.ItemDayStats:
    return pb.ItemDayStats(item_id=d.item_id, date=d.day.isoformat(), views=d.views,
                           contacts=d.contacts, favorites=d.favorites)


def _analytics_day(d: AnalyticsDay) -> pb.AnalyticsDay:
    return pb.AnalyticsDay(date=d.day.isoformat(), metrics=d.metrics)


def _spending_day(d: SpendingDay) -> pb.SpendingDay:
    return pb.SpendingDay(date=d.day.isoformat(), kopecks=d.kopecks)


def _calls_day(d: CallsDay) -> pb.CallsDay:
    return pb.CallsDay(item_id=d.item_id, date=d.day.isoformat(), calls=d.calls,
                       answered=d.answered, new_calls=d.new, new_answered=d.new_answered)
