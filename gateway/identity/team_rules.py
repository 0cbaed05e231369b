"""Who may do what to whom in a tenant's team: plain functions over roles, no I/O.

Roles: owner > admin > agent. An admin-scoped API key acts as an admin (it is no person: it can
never be 'themselves'). The owner invites admins and agents and changes roles; an admin
invites and manages agents only. Nobody disables or demotes themselves, and the last active
owner stays an active owner.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from gateway.identity.principal import Principal
from services.kernel.errors import Conflict, InvalidArgument, PermissionDenied

ROLES = ("owner", "admin", "agent")
INVITABLE = {"owner": ("admin", "agent"), "admin": ("agent",)}


@dataclass(frozen=True, slots=True)
class Change:
    """A requested change of a user: None leaves that part as it is."""

    role: str | None = None
    active: bool | None = None
    name: str | None = None


def acting_role(principal: Principal) -> str:
    """The role whose powers the caller has over the team; PermissionDenied without any."""
    role = principal.role if principal.kind == "session" else (
        "admin" if principal.has("admin") else None)
    if role not in INVITABLE:
        raise PermissionDenied("managing the team needs an owner or an admin")
    return role


def check_invite(actor: str, role: str) -> None:
    if role not in ROLES:
        raise InvalidArgument(f"role must be one of {', '.join(ROLES)}")
    if role not in INVITABLE[actor]:
        allowed = " or ".join(INVITABLE[actor])
        raise PermissionDenied(f"an {actor} may invite {allowed} users; an owner is made "
                               "by promoting an admin (PATCH /v1/users/{id} by the owner)")


def check_manage(actor: str, actor_id: uuid.UUID | None, target_id: uuid.UUID,
                 target_role: str) -> None:
    """May `actor` manage this user at all (change, disable, reset the password)?"""
    if actor == "admin" and target_role != "agent":
        raise PermissionDenied("an admin manages agents only; ask an owner")
    if actor_id == target_id:
        raise PermissionDenied("you cannot change, disable or reset yourself here: another "
                               "owner can; your own password: POST /v1/auth/password")


def check_change(actor: str, actor_id: uuid.UUID | None, target_id: uuid.UUID,
                 target_role: str, change: Change, active_owners: list[uuid.UUID]) -> None:
    if change.role is not None and change.role not in ROLES:
        raise InvalidArgument(f"role must be one of {', '.join(ROLES)}")
    if change.role not in (None, target_role) and actor != "owner":
        raise PermissionDenied("only an owner changes roles")
    check_manage(actor, actor_id, target_id, target_role)
    leaves_owners = change.role not in (None, "owner") or change.active is False
    if target_role == "owner" and leaves_owners and active_owners == [target_id]:
        raise Conflict("the last owner cannot be disabled or demoted: make another user "
                       "owner first")
