"""GraphQL: the tenant's analytics settings (reports' time zone, business hours), as REST's
`/v1/analytics/settings`, through the same request model (`forms.AnalyticsSettingsIn`). Reading
needs the read scope, replacing them admin."""

from __future__ import annotations

import strawberry
from pydantic import ValidationError

from clients.rpc.gen.switchboard.analytics.v1 import analytics_service_pb2 as pb
from gateway.analytics.forms import AnalyticsSettingsIn
from gateway.graphql.context import Info
from gateway.graphql.errors import invalid_input


@strawberry.type(name="DayHours")
class DayHoursType:
    weekday: int = strawberry.field(description="1 = Monday ... 7 = Sunday")
    open: str = strawberry.field(description="HH:MM")
    close: str = strawberry.field(description="HH:MM; '24:00' = midnight")


@strawberry.type(name="AnalyticsSettings")
class AnalyticsSettingsType:
    time_zone: str = strawberry.field(description="IANA zone of reports")
    business_hours: list[DayHoursType] = strawberry.field(
        description="Days not listed are closed")

    @classmethod
    def of(cls, s: pb.AnalyticsSettings) -> AnalyticsSettingsType:
        return cls(time_zone=s.time_zone, business_hours=[
            DayHoursType(weekday=d.weekday, open=d.open, close=d.close)
            for d in s.business_hours])


@strawberry.input
class DayHoursInput:
    weekday: int
    open: str
    close: str


@strawberry.input
class AnalyticsSettingsInput:
    time_zone: str = ""
    business_hours: list[DayHoursInput] = strawberry.field(
        default_factory=list, description="Empty = Monday-Friday 09:00-18:00")


@strawberry.type
class AnalyticsSettingsQuery:
    @strawberry.field(description="Reports' time zone and the business hours reply times use")
    async def analytics_settings(self, info: Info) -> AnalyticsSettingsType:
        tenant_id = info.context.require("read").tenant_id
        return AnalyticsSettingsType.of(
            await info.context.state.analytics.get_settings(tenant_id))


@strawberry.type
class AnalyticsSettingsMutation:
    @strawberry.mutation(description=(
        "Replace the settings (admin); business hours apply to replies measured from now on. "
        "An unknown zone or a bad time: BAD_USER_INPUT"))
    async def update_analytics_settings(self, info: Info,
                                        input: AnalyticsSettingsInput) -> AnalyticsSettingsType:
        tenant_id = info.context.require("admin").tenant_id
        try:
            form = AnalyticsSettingsIn.model_validate({
                "time_zone": input.time_zone,
                "business_hours": [vars(d) for d in input.business_hours]})
        except ValidationError as exc:
            raise invalid_input(exc) from exc
        return AnalyticsSettingsType.of(
            await info.context.state.analytics.update_settings(tenant_id, form.proto()))
