"""The demo tenant's owner: created on the first run, found again on later ones.

Only hashes of the API key and the password are stored, so a run that lost dev.json cannot
show the old ones: it issues a new admin key and sets a new password for the same owner.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from dataclasses import dataclass, field

from gateway.config import GatewaySettings
from gateway.identity import keys
from gateway.identity.passwords import hash_password
from gateway.identity.repository import IdentityUnit, LoginCredential
from gateway.identity.service import IdentityService
from services.kernel.db import Database
from services.kernel.unit import Units

log = logging.getLogger(__name__)

REISSUED_KEY_NAME = "switchboard dev"


@dataclass(frozen=True)
class DemoOwner:
    tenant_id: uuid.UUID
    api_key: str = field(repr=False)
    password: str = field(repr=False)


async def demo_owner(settings: GatewaySettings, email: str) -> DemoOwner:
    """The owner with this e-mail and a key and password that work now."""
    password = secrets.token_urlsafe(12)
    db = Database(settings.database_url, pool_size=1)
    try:
        units = Units(db, IdentityUnit)
        async with units.tenantless() as unit:
            user = await unit.identity.login_credential(email)
        if user is None:
            created = await IdentityService(db, settings).create_tenant(
                "Demo shop", email, password, owner_name="Demo owner")
            return DemoOwner(created.tenant_id, created.api_key, password)
        return await _reissue(units, user, password)
    finally:
        await db.dispose()


async def _reissue(units: Units[IdentityUnit], user: LoginCredential,
                   password: str) -> DemoOwner:
    key = keys.generate_api_key()
    password_hash = await hash_password(password)
    async with units(user.tenant_id) as unit:
        await unit.identity.add_api_key(user.tenant_id, REISSUED_KEY_NAME, key.key_id,
                                        key.secret_sha256, ["admin"], user.user_id)
        await unit.identity.set_password_hash(user.user_id, password_hash)
    log.info("demo tenant found: new API key and owner password issued",
             extra={"tenant_id": str(user.tenant_id)})
    return DemoOwner(user.tenant_id, key.plaintext, password)
