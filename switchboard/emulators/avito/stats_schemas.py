"""Request bodies of the statistics endpoints, as Avito's item.json OpenAPI document declares
them (camelCase names, `YYYY-MM-DD` dates); a mismatch is Avito's 400 with per-field messages."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

_DAY = re.compile(r"^\d{4}-\d\d-\d\d$")
MAX_V1_ITEMS = 200
MAX_V2_LIMIT = 1000


def _iso_day(value: object) -> object:
    if not isinstance(value, str) or not _DAY.match(value):
        raise ValueError("expected a date as YYYY-MM-DD")
    return value


Day = Annotated[date, BeforeValidator(_iso_day)]


class _Range(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    date_from: Day = Field(alias="dateFrom")
    date_to: Day = Field(alias="dateTo")

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.date_from > self.date_to:
            raise ValueError("dateFrom is after dateTo")
        return self


class ItemStatsBody(_Range):
    """POST /stats/v1/accounts/{user_id}/items (§5.3)."""

    item_ids: list[int] = Field(alias="itemIds", min_length=1, max_length=MAX_V1_ITEMS)
    fields: list[Literal["views", "uniqViews", "contacts", "uniqContacts", "favorites",
                         "uniqFavorites"]] | None = None
    period_grouping: Literal["day", "week", "month"] = Field("day", alias="periodGrouping")


class AnalyticsFilter(BaseModel):
    category_ids: list[int] | None = Field(None, alias="categoryIDs")
    employee_ids: list[int] | None = Field(None, alias="employeeIDs")


class AnalyticsSort(BaseModel):
    key: str
    order: Literal["asc", "desc"]


class AnalyticsBody(_Range):
    """POST /stats/v2/accounts/{user_id}/items (§5.4): every field but filter and sort is
    required; `limit` and `offset` may be null."""

    metrics: list[str] = Field(min_length=1)
    grouping: Literal["day", "week", "month", "item", "totals"]
    limit: int | None = Field(ge=0, le=MAX_V2_LIMIT)
    offset: int | None = Field(ge=0)
    filter: AnalyticsFilter | None = None
    sort: AnalyticsSort | None = None


class SpendingsFilter(BaseModel):
    item_ids: list[int] | None = Field(None, alias="itemIDs")
    category_ids: list[int] | None = Field(None, alias="categoryIDs")
    location_ids: list[int] | None = Field(None, alias="locationIDs")


class SpendingsBody(_Range):
    """POST /stats/v2/accounts/{user_id}/spendings (§5.5)."""

    spending_types: list[Literal["all", "promotion", "presence", "commission", "rest"]] = Field(
        alias="spendingTypes", min_length=1)
    grouping: Literal["day", "week", "month"]
    filter: SpendingsFilter | None = None


class CallsBody(_Range):
    """POST /core/v1/accounts/{user_id}/calls/stats/ (§5.6); no `itemIds`: every item."""

    item_ids: list[int] | None = Field(None, alias="itemIds")
