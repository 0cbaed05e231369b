"""Reading and changing the settings levels (rules in rules.py; SQL in repository.py).

The API key is written encrypted (Fernet, SWITCHBOARD_SECRET_KEY) and only ever decrypted into
the effective `Settings` the pipeline uses; views carry `api_key_set` instead.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from services.agent.repository import AgentUnit
from services.agent.settings.models import SettingsRow
from services.agent.settings.rules import (
    API_KEY,
    FIELD_PATHS,
    Settings,
    check_consistent,
    merged,
    validate,
)
from services.kernel.crypto import SecretBox
from services.kernel.errors import InvalidArgument


@dataclass(frozen=True)
class LevelView:
    values: dict[str, Any]  # only the fields set at this level
    api_key_set: bool


@dataclass(frozen=True)
class SettingsView:
    channel_id: uuid.UUID | None
    tenant: LevelView
    channel: LevelView | None

    @property
    def effective_values(self) -> dict[str, Any]:
        return merged(self.tenant.values, self.channel.values if self.channel else {})

    @property
    def effective_api_key_set(self) -> bool:
        if self.channel is not None and API_KEY in self.channel.values:
            return self.channel.api_key_set
        return self.tenant.api_key_set


@dataclass(frozen=True)
class Change:
    """An update of one level: values to set, fields to reset, the key (None = untouched)."""

    values: dict[str, Any]
    reset: frozenset[str]
    api_key: str | None


class SettingsStore:
    def __init__(self, secrets: SecretBox) -> None:
        self.secrets = secrets

    async def effective(self, unit: AgentUnit, channel_id: uuid.UUID | None) -> Settings:
        tenant = await unit.settings.level(None)
        channel = await unit.settings.level(channel_id) if channel_id else None
        key_row = channel if channel is not None and API_KEY in channel.values else tenant
        api_key = self.secrets.decrypt(key_row.api_key_enc) if key_row and key_row.api_key_enc else ""
        return Settings.resolve(_values(tenant), _values(channel), api_key=api_key)

    async def view(self, unit: AgentUnit, channel_id: uuid.UUID | None) -> SettingsView:
        tenant = await unit.settings.level(None)
        channel = await unit.settings.level(channel_id) if channel_id else None
        return SettingsView(channel_id, _level(tenant),
                            _level(channel) if channel_id else None)

    async def update(self, unit: AgentUnit, channel_id: uuid.UUID | None,
                     change: Change) -> SettingsView:
        _check_paths(change.values.keys(), change.reset)
        clean = {path: validate(path, value) for path, value in change.values.items()}
        row = await unit.settings.locked_level(channel_id)
        values = {k: v for k, v in row.values.items() if k not in change.reset}
        values.update(clean)
        if change.api_key is not None:
            values[API_KEY] = True
            row.api_key_enc = self.secrets.encrypt(change.api_key) if change.api_key else None
        elif API_KEY in change.reset:
            row.api_key_enc = None
        row.values = values
        await unit.flush()
        view = await self.view(unit, channel_id)
        check_consistent(view.effective_values)
        return view


def _check_paths(paths: Iterable[str], reset: Iterable[str]) -> None:
    unknown = sorted((set(paths) | set(reset)) - FIELD_PATHS)
    if unknown:
        raise InvalidArgument(f"unknown settings field(s) {unknown}; known: {sorted(FIELD_PATHS)}")
    both = sorted(set(paths) & set(reset))
    if both:
        raise InvalidArgument(f"a field cannot be both updated and reset: {both}")


def _values(row: SettingsRow | None) -> Mapping[str, Any]:
    return row.values if row is not None else {}


def _level(row: SettingsRow | None) -> LevelView:
    if row is None:
        return LevelView({}, False)
    return LevelView(dict(row.values), row.api_key_enc is not None)
