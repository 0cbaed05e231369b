"""Who may invite and change whom (gateway/identity/team_rules.py), on plain values."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from gateway.identity.principal import Principal
from gateway.identity.team_rules import (
    Change,
    acting_role,
    check_change,
    check_invite,
    check_manage,
)
from services.kernel.errors import Conflict, InvalidArgument, PermissionDenied

ME, OTHER, THIRD = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
TENANT = uuid.uuid4()


def session(role: str) -> Principal:
    return Principal.for_session(TENANT, ME, role, uuid.uuid4(), datetime.now(UTC))


def key(*scopes: str) -> Principal:
    return Principal.for_api_key(TENANT, uuid.uuid4(), scopes)


def test_acting_role() -> None:
    assert acting_role(session("owner")) == "owner"
    assert acting_role(session("admin")) == "admin"
    assert acting_role(key("admin")) == "admin"
    for nobody in (session("agent"), key("write")):
        with pytest.raises(PermissionDenied):
            acting_role(nobody)


@pytest.mark.parametrize(("actor", "role", "error"), [
    ("owner", "admin", None), ("owner", "agent", None), ("owner", "owner", PermissionDenied),
    ("admin", "agent", None), ("admin", "admin", PermissionDenied),
    ("admin", "owner", PermissionDenied), ("owner", "boss", InvalidArgument),
])
def test_who_invites_whom(actor: str, role: str, error: type[Exception] | None) -> None:
    if error is None:
        check_invite(actor, role)
    else:
        with pytest.raises(error):
            check_invite(actor, role)


def test_an_admin_manages_agents_only_and_nobody_themselves() -> None:
    check_manage("admin", ME, OTHER, "agent")
    check_manage("owner", ME, OTHER, "owner")
    with pytest.raises(PermissionDenied, match="agents only"):
        check_manage("admin", ME, OTHER, "admin")
    with pytest.raises(PermissionDenied, match="yourself"):
        check_manage("owner", ME, ME, "owner")
    check_manage("admin", None, OTHER, "agent")  # an API key is nobody's self


def test_only_an_owner_changes_roles() -> None:
    check_change("owner", ME, OTHER, "agent", Change(role="admin"), [ME])
    with pytest.raises(PermissionDenied, match="only an owner"):
        check_change("admin", ME, OTHER, "agent", Change(role="admin"), [THIRD])
    check_change("admin", ME, OTHER, "agent", Change(role="agent", active=False), [THIRD])
    with pytest.raises(InvalidArgument):
        check_change("owner", ME, OTHER, "agent", Change(role="boss"), [ME])


def test_the_last_owner_stays() -> None:
    for change in (Change(active=False), Change(role="admin")):
        with pytest.raises(Conflict, match="last owner"):
            check_change("owner", None, OTHER, "owner", change, [OTHER])
        check_change("owner", ME, OTHER, "owner", change, [ME, OTHER])  # one remains
    check_change("owner", None, OTHER, "owner", Change(name="Anna"), [OTHER])
    with pytest.raises(PermissionDenied, match="yourself"):
        check_change("owner", ME, ME, "owner", Change(active=False), [ME, OTHER])
