"""API keys through the SDK (issue #16): its documents hold against the gateway's schema, and a
round trip on the real platform: an expiring key scoped to conversations reads them and nothing
else, the list says when it expires and was used, a revoked key is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from graphql import parse, validate
from switchboard_sdk import (
    ApiKey,
    AuthenticationError,
    InvalidInput,
    PermissionDenied,
    Switchboard,
)
from switchboard_sdk import api_keys as documents

from gateway.config import GatewaySettings
from gateway.graphql.schema import build_schema
from tests.clients.sdk.conftest import client
from tests.fixtures.platform import RunningPlatform


def test_the_documents_are_valid_against_the_schema() -> None:
    schema = build_schema(GatewaySettings())._schema
    names = [name for name in vars(documents) if name.isupper() and name != "KEY"]
    assert len(names) == 3
    for name in names:
        assert validate(schema, parse(getattr(documents, name))) == [], name


@pytest.mark.slow
async def test_a_round_trip(platform: RunningPlatform, sb: Switchboard) -> None:
    expires_at = (datetime.now(UTC) + timedelta(days=90)).replace(microsecond=0)
    created = await sb.create_api_key("crm-sync", ["conversations:read"], expires_at=expires_at)
    assert created.key.startswith(created.api_key.prefix + "_")
    assert created.api_key == ApiKey(
        created.api_key.id, "crm-sync", created.api_key.prefix, ["conversations:read"],
        created.api_key.created_at, expires_at=expires_at)

    async with client(platform.gateway_url, created.key) as scoped:
        assert (await scoped.conversations()).items == []
        with pytest.raises(PermissionDenied, match="'read' scope on channels"):
            await scoped.channels()
        with pytest.raises(PermissionDenied, match="'admin' scope"):
            await scoped.api_keys()
    listed = next(k for k in await sb.api_keys() if k.id == created.api_key.id)
    assert listed.expires_at == expires_at and not listed.expired
    assert listed.last_used_at is not None

    for scopes, when in ((["inbox:read"], None), (["read"], datetime.now(UTC) - timedelta(1)),
                         (["read"], datetime.now(UTC) + timedelta(days=800))):
        with pytest.raises(InvalidInput):
            await sb.create_api_key("bad", scopes, expires_at=when)
    with pytest.raises(InvalidInput, match="time zone"):
        await sb.create_api_key("naive", ["read"], expires_at=datetime(2030, 1, 1))

    await sb.revoke_api_key(created.api_key.id)
    async with client(platform.gateway_url, created.key) as revoked:
        with pytest.raises(AuthenticationError):
            await revoked.conversations()
