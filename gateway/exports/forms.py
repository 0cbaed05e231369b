"""An export request as both protocols take it (one validation), and the checks that need the
services: every channel id named must be one of the tenant's accounts."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from gateway.exports.jobs import ExportRequest
from gateway.schemas import Timestamp
from gateway.state import GatewayState
from services.kernel.errors import InvalidArgument

MAX_RANGE = timedelta(days=366)
MAX_CHANNELS = 100
Format = Literal["xlsx", "csv"]


class ExportIn(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    format: Format = Field(description="xlsx (two sheets: Диалоги, Сообщения) or csv (messages)")
    from_: Timestamp = Field(alias="from", description=(
        "Messages sent at or after this time; without an offset, in time_zone"))
    to: Timestamp = Field(description="...and before this one (at most 366 days after from)")
    channel_ids: list[str] = Field(default_factory=list, max_length=MAX_CHANNELS, description=(
        "Channel account ids; empty = every account"))
    time_zone: str = Field(default="UTC", max_length=64, description=(
        "IANA zone of the times in the file, e.g. Europe/Moscow"))

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Europe", a directory
            raise ValueError(f"unknown time zone {value!r} (an IANA name, "
                             "e.g. Europe/Moscow)") from None
        return value

    @field_validator("channel_ids")
    @classmethod
    def _ids(cls, values: list[str]) -> list[str]:
        for value in values:
            try:
                uuid.UUID(value)
            except ValueError:
                raise ValueError(f"channel id {value!r} is not a valid id") from None
        return list(dict.fromkeys(values))

    @model_validator(mode="after")
    def _range(self) -> ExportIn:
        zone = ZoneInfo(self.time_zone)
        try:  # in UTC, as they are stored and sent (years 1 to 9999 there too)
            since, until = (_utc(t if t.tzinfo else t.replace(tzinfo=zone))
                            for t in (self.from_, self.to))
        except (OverflowError, ValueError):
            raise ValueError("from and to must fall within the years 1 to 9999 in UTC") from None
        if since >= until:
            raise ValueError("from must be before to")
        if until - since > MAX_RANGE:
            raise ValueError("an export covers at most 366 days")
        self.from_, self.to = since, until
        return self


async def export_request(state: GatewayState, tenant_id: uuid.UUID,
                         body: ExportIn) -> ExportRequest:
    """The job's request once every channel named is the tenant's (422 naming the others)."""
    if body.channel_ids:
        found = {c.id for c in await state.channels.batch_get_channels(tenant_id,
                                                                       body.channel_ids)}
        unknown = [c for c in body.channel_ids if c not in found]
        if unknown:
            raise InvalidArgument(f"channel {unknown[0]} not found")
    return ExportRequest(format=body.format, since=body.from_, until=body.to,
                         channel_ids=tuple(body.channel_ids), time_zone=body.time_zone)


def _utc(value: datetime) -> datetime:
    value = value.astimezone(UTC)
    value.utctimetuple()  # OverflowError at the calendar's ends, as protobuf would
    return value
