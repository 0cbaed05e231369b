"""Every component's credentials: a NATS password per user of clients/rpc/permissions.py (the
admin's too) and a gRPC token per caller. The dev stack keeps one set per data folder, the
tests make one per session, `switchboard credentials` makes one for production (the Secret's
env file and the nats-server authorization block) — docs/operations.md, "Credentials".
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clients.rpc import permissions
from services.kernel.wire import token_digest


@dataclass(frozen=True)
class Credentials:
    nats: Mapping[str, str]  # NATS user -> password
    grpc: Mapping[str, str]  # calling component -> its gRPC token

    @classmethod
    def generate(cls, existing: Credentials | None = None) -> Credentials:
        """A fresh secret for every user and caller `existing` lacks (its own are kept)."""
        nats = dict(existing.nats) if existing else {}
        grpc = dict(existing.grpc) if existing else {}
        for user in permissions.USERS:
            nats.setdefault(user, secrets.token_urlsafe(32))
        for caller in permissions.GRPC_CALLERS:
            grpc.setdefault(caller, secrets.token_urlsafe(32))
        return cls(nats, grpc)

    @classmethod
    def load_or_create(cls, path: Path) -> Credentials:
        """Kept in `path` (mode 0600) and reused; a user or caller new to the tables gets its
        secret added."""
        saved = None
        if path.exists():
            data = json.loads(path.read_text())
            saved = cls(data.get("nats", {}), data.get("grpc", {}))
        credentials = cls.generate(saved)
        if credentials != saved:
            write_private(path, json.dumps({"nats": credentials.nats, "grpc": credentials.grpc},
                                           indent=2))
        return credentials

    @property
    def grpc_callers(self) -> str:
        """SWITCHBOARD_GRPC_CALLERS: what the services check the callers' tokens against."""
        return ",".join(f"{name}:{token_digest(token)}" for name, token in sorted(self.grpc.items()))

    def nats_login(self, user: str) -> dict[str, str]:
        """`Bus.connect(url, name=..., **credentials.nats_login("admin"))`."""
        return {"user": user, "password": self.nats[user]}

    def settings_for(self, component: str) -> dict[str, Any]:
        """The settings that make a process act as `component` (nothing of any other's)."""
        return {"nats_user": component, "nats_password": self.nats[component],
                "grpc_token": self.grpc.get(component, ""), "grpc_callers": self.grpc_callers}

    def per_component(self) -> dict[str, dict[str, Any]]:
        return {name: self.settings_for(name) for name in permissions.COMPONENTS}

    def admin_settings(self) -> dict[str, Any]:
        """The stream manager's (`switchboard streams`, test harnesses playing the bus)."""
        return {"nats_user": permissions.ADMIN, "nats_password": self.nats[permissions.ADMIN]}

    def secret_env(self) -> str:
        """The credentials Secret as an env file (`kubectl create secret generic
        --from-env-file`): the keys the chart maps into each component's environment."""
        lines = [f"nats-password-{user}={password}" for user, password in self.nats.items()]
        lines += [f"grpc-token-{name}={token}" for name, token in self.grpc.items()]
        lines.append(f"grpc-callers={self.grpc_callers}")
        return "\n".join(lines) + "\n"

    @classmethod
    def from_secret_env(cls, text: str) -> Credentials:
        values = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
        return cls({k.removeprefix("nats-password-"): v for k, v in values.items()
                    if k.startswith("nats-password-")},
                   {k.removeprefix("grpc-token-"): v for k, v in values.items()
                    if k.startswith("grpc-token-")})

    def nats_authorization(self) -> str:
        """The nats-server `authorization` block for these passwords."""
        return permissions.authorization_block(self.nats)


def write_private(path: Path, text: str) -> None:
    """Written readable by the owner only, from the first byte."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(text)
