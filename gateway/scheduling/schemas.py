"""REST pages of schedules and runs (the items: `views.py`, shared with GraphQL)."""

from __future__ import annotations

from pydantic import BaseModel

from gateway.scheduling.views import RunOut, ScheduleOut
from gateway.schemas import PageOut


class ScheduleList(BaseModel):
    items: list[ScheduleOut]
    page: PageOut


class RunList(BaseModel):
    items: list[RunOut]
    page: PageOut
