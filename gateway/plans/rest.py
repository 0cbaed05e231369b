"""REST: the tenant's plan (`/v1/plan`) — its quotas, what each allows and what is used.
Reading needs the read scope (or plan:read)."""

from __future__ import annotations

from fastapi import APIRouter

from gateway.auth import AUTH_PROBLEMS, Reader
from gateway.plans.schemas import PlanOut
from gateway.state import State

router = APIRouter(prefix="/plan", tags=["plan"])


@router.get("", response_model=PlanOut, responses={**AUTH_PROBLEMS})
async def get_plan(principal: Reader, state: State) -> PlanOut:
    """The tenant's plan and, for each quota, its limit, what is used and, for the monthly
    ones, when the count resets. Past a quota the API answers 403 problem+json
    `/problems/quota-exceeded` (docs/api.md, "Plans and quotas")."""
    return PlanOut.of(await state.quotas.view(principal.tenant_id))
