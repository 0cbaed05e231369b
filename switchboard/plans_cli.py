"""`switchboard plans`: the plan catalogue, and each tenant's plan in the bus's plans bucket
(`plans set TENANT PLAN [--limit name=N|unlimited]`, `plans show TENANT`). Writes as the NATS
admin user, like `switchboard streams`: SWITCHBOARD_NATS_URL, SWITCHBOARD_NATS_USER (default
admin) and SWITCHBOARD_NATS_PASSWORD, else the dev stack's `credentials.json` in `--data-dir`.
The catalogue is the process's: SWITCHBOARD_PLANS and SWITCHBOARD_DEFAULT_PLAN, as the services'.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import uuid
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from clients.rpc.permissions import ADMIN
from clients.rpc.topics import PLANS
from services.kernel.bus import Bus
from services.kernel.config import KernelSettings
from services.kernel.plans import QUOTAS, Catalogue, Limits, PlanError, TenantPlan, parse_limits

DEV_DATA_DIR = Path(".switchboard")


def register(sub: Any) -> None:
    """Add `plans`, `plans set` and `plans show` to the CLI's subcommands."""
    plans = sub.add_parser("plans", help="the plan catalogue (set TENANT PLAN: a tenant's plan; "
                                         "show TENANT: its plan and limits)")
    plans.add_argument("--data-dir", type=Path, default=DEV_DATA_DIR,
                       help="the dev stack's data directory, for its NATS admin password")
    plans.set_defaults(handler=lambda args: print(json.dumps(catalogue_view(_catalogue()),
                                                             indent=2)))
    actions = plans.add_subparsers(metavar="action")
    put = actions.add_parser("set", help="give a tenant a plan, with limits of its own")
    put.add_argument("tenant", type=uuid.UUID)
    put.add_argument("plan")
    put.add_argument("--limit", action="append", default=[], metavar="NAME=N|unlimited",
                     help=f"override one limit ({', '.join(QUOTAS)}); repeatable")
    put.set_defaults(handler=lambda args: _print(_run(args, _set)))
    show = actions.add_parser("show", help="a tenant's plan and its limits")
    show.add_argument("tenant", type=uuid.UUID)
    show.set_defaults(handler=lambda args: _print(_run(args, _show)))


def catalogue_view(catalogue: Catalogue) -> dict[str, Any]:
    return {"default": catalogue.default,
            "plans": {name: _limits(limits) for name, limits in catalogue.plans.items()}}


def parse_overrides(items: list[str]) -> dict[str, int | None]:
    """`name=N` or `name=unlimited`, each naming a limit of the catalogue."""
    raw: dict[str, int | None] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep:
            raise PlanError(f"--limit {item!r}: expected NAME=N or NAME=unlimited")
        if value == "unlimited":
            raw[name] = None
            continue
        try:
            raw[name] = int(value)
        except ValueError:
            raise PlanError(f"--limit {item!r}: {value!r} is not a whole number") from None
    return parse_limits(raw, "--limit", partial=True)


async def set_plan(bus: Bus, catalogue: Catalogue, tenant_id: uuid.UUID,
                   plan: TenantPlan) -> dict[str, Any]:
    catalogue.check(plan.name)
    kv = await bus.js.key_value(PLANS.name)
    await kv.put(str(tenant_id), plan.encode())
    return view(tenant_id, plan, catalogue)


async def show_plan(bus: Bus, catalogue: Catalogue, tenant_id: uuid.UUID) -> dict[str, Any]:
    from services.kernel.plan_book import PlanBook

    book = PlanBook(bus, PLANS, catalogue, cache_s=0)
    return view(tenant_id, await book.plan(tenant_id), catalogue)


def view(tenant_id: uuid.UUID, plan: TenantPlan, catalogue: Catalogue) -> dict[str, Any]:
    return {"tenant": str(tenant_id), "plan": plan.name, "overrides": plan.overrides,
            "limits": _limits(plan.limits(catalogue))}


def _limits(limits: Limits) -> dict[str, int | None]:
    return {name: limits.of(name) for name in QUOTAS}


def _catalogue() -> Catalogue:
    settings = KernelSettings()
    return Catalogue.from_settings(settings.plans, settings.default_plan)


async def _set(bus: Bus, catalogue: Catalogue, args: argparse.Namespace) -> dict[str, Any]:
    plan = TenantPlan(args.plan, parse_overrides(args.limit))
    return await set_plan(bus, catalogue, args.tenant, plan)


async def _show(bus: Bus, catalogue: Catalogue, args: argparse.Namespace) -> dict[str, Any]:
    return await show_plan(bus, catalogue, args.tenant)


def check_plan(name: str) -> None:
    _catalogue().check(name)


def set_plan_cli(args: argparse.Namespace) -> dict[str, Any]:
    """`plans set` for another command (`tenant create --plan`): args.tenant, plan, limit."""
    return _run(args, _set)


def _print(result: dict[str, Any]) -> None:
    print(json.dumps(result, indent=2))


def _run(args: argparse.Namespace, action: Any) -> dict[str, Any]:
    settings = KernelSettings()
    catalogue = Catalogue.from_settings(settings.plans, settings.default_plan)
    if not settings.nats_password.get_secret_value():
        credentials = getattr(args, "data_dir", DEV_DATA_DIR) / "credentials.json"
        if credentials.is_file():
            password = json.loads(credentials.read_text()).get("nats", {}).get(ADMIN, "")
            settings = settings.model_copy(update={"nats_password": SecretStr(password)})

    async def main() -> dict[str, Any]:
        bus = await Bus.connect_as(settings, ADMIN)
        try:
            result: dict[str, Any] = await action(bus, catalogue, args)
            return result
        finally:
            await bus.close()

    return asyncio.run(main())
