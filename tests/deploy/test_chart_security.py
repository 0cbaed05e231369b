"""The chart's side of issue #19's authenticated bus: each component's own NATS password and
gRPC token from a Secret (and nothing of the others'), the nats-server authorization block
derived from clients/rpc/permissions.py, TLS for NATS and gRPC with the settings the code
reads, certificates from a Secret or cert-manager."""

from __future__ import annotations

import asyncio
import hashlib
import json
import subprocess
from pathlib import Path
from typing import Any

import helm_python as helm
import nats
import pytest
import yaml

from clients.rpc import permissions
from gateway.config import GatewaySettings
from services.kernel.config import KernelSettings
from switchboard import components
from switchboard.devstack.nats import nats_server_binary
from switchboard.devstack.ports import free_port
from tests.deploy.chart import CHART, FULLNAME, SERVICES, find, one, pod_specs, render, rendered

CREDENTIALS = f"{FULLNAME}-credentials"
PROFILES = ["default", "production"]


def _helper_list(name: str) -> list[str]:
    text = (CHART / "templates" / "_helpers.tpl").read_text()
    define = f'{{{{- define "switchboard.{name}" -}}}}'
    start = text.index(define) + len(define)
    return text[start:text.index("{{- end -}}", start)].split(",")


def _deployment(objects: tuple[dict[str, Any], ...], name: str) -> dict[str, Any]:
    return one(objects, "Deployment", f"{FULLNAME}-{name}")["spec"]["template"]["spec"]  # type: ignore[no-any-return]


def _env(container: dict[str, Any]) -> dict[str, Any]:
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container.get("env", [])}


def _secret_keys(container: dict[str, Any]) -> set[tuple[str, str]]:
    return {(e["valueFrom"]["secretKeyRef"]["name"], e["valueFrom"]["secretKeyRef"]["key"])
            for e in container.get("env", []) if "secretKeyRef" in e.get("valueFrom", {})}


def test_the_chart_knows_the_users_and_callers_of_the_permissions_table() -> None:
    assert _helper_list("natsUsers") == list(permissions.USERS)
    assert _helper_list("grpcCallers") == list(permissions.GRPC_CALLERS)
    copy = json.loads((CHART / "files" / "nats-permissions.json").read_text())
    assert copy == permissions.nats_permissions(), (
        "the chart's copy of the NATS permissions is stale: python -m clients.rpc.permissions "
        "> deploy/helm/switchboard/files/nats-permissions.json")


@pytest.mark.parametrize("profile", PROFILES)
def test_each_component_gets_its_own_credentials_and_nothing_of_the_others(profile: str) -> None:
    objects = rendered(profile)
    secret = CREDENTIALS if profile == "default" else "switchboard-credentials"
    for component in components.TABLE:
        name, user = component.name, component.identity  # telegram-bot is telegram_bot
        [container] = _deployment(objects, name)["containers"]
        expected = {(secret, f"nats-password-{user}")}
        if user in permissions.GRPC_CALLERS:
            expected.add((secret, f"grpc-token-{user}"))
        if name in permissions.CALLERS:  # a service checks its callers against their digests
            expected.add((secret, "grpc-callers"))
        assert _secret_keys(container) == expected, name
        assert _env(container)["SWITCHBOARD_NATS_USER"] == user
        assert all(ref.get("secretRef", {}).get("name") != secret for ref in container["envFrom"])
    job = one(objects, "Job", f"{FULLNAME}-migrate")["spec"]["template"]["spec"]
    [streams] = job["containers"]
    assert _env(streams)["SWITCHBOARD_NATS_USER"] == permissions.ADMIN
    assert _secret_keys(streams) == {(secret, "nats-password-admin")}
    assert not _secret_keys(job["initContainers"][0])  # migrate needs no bus


def _chart_credentials() -> dict[str, str]:
    return one(rendered("default"), "Secret", CREDENTIALS)["stringData"]  # type: ignore[no-any-return]


def test_chart_made_credentials_are_complete_and_a_hook() -> None:
    made = _chart_credentials()
    for user in permissions.USERS:
        assert len(made[f"nats-password-{user}"]) >= 32
    tokens = {caller: made[f"grpc-token-{caller}"] for caller in permissions.GRPC_CALLERS}
    assert len(set(tokens.values())) == len(tokens) and all(len(t) >= 32 for t in tokens.values())
    assert made["grpc-callers"] == ",".join(
        f"{caller}:{hashlib.sha256(token.encode()).hexdigest()}" for caller, token in tokens.items())
    hook = one(rendered("default"), "Secret", CREDENTIALS)["metadata"]["annotations"]
    assert hook["helm.sh/hook"] == "pre-install,pre-upgrade" and int(hook["helm.sh/hook-weight"]) < 0


def test_the_chart_made_authorization_block_runs_a_nats_server(tmp_path: Path) -> None:
    """nats-server takes it as it is, admits a component with its password, refuses others."""
    made, port = _chart_credentials(), free_port()
    config = tmp_path / "nats.conf"
    config.write_text(f'listen: "127.0.0.1:{port}"\n' + made["nats-auth.conf"])
    check = subprocess.run([str(nats_server_binary()), "-c", str(config), "-t"],
                           capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stderr
    server = subprocess.Popen([str(nats_server_binary()), "-c", str(config)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        asyncio.run(_admits_only(f"nats://127.0.0.1:{port}", made["nats-password-gateway"]))
    finally:
        server.terminate()
        server.wait(10)


async def _admits_only(url: str, password: str) -> None:
    async with asyncio.timeout(10):
        while True:  # until it listens
            try:
                nc = await nats.connect(url, user="gateway", password=password,
                                        allow_reconnect=False, connect_timeout=1)
                break
            except nats.errors.NoServersError:
                await asyncio.sleep(0.1)
    assert nc.is_connected
    await nc.close()
    with pytest.raises(nats.errors.Error):
        await nats.connect(url, user="gateway", password="wrong", allow_reconnect=False,
                           connect_timeout=1)


def test_tls_is_off_by_default() -> None:
    objects = rendered("default")
    for name, spec in pod_specs(objects):
        for container in spec["containers"]:
            assert not any(k.startswith(("SWITCHBOARD_GRPC_TLS", "SWITCHBOARD_NATS_TLS"))
                           for k in _env(container)), name
    for name in SERVICES:
        [container] = _deployment(objects, name)["containers"]
        grpc_port = next(p["containerPort"] for p in container["ports"] if p["name"] == "grpc")
        assert container["readinessProbe"]["grpc"]["port"] == grpc_port
    assert not find(objects, "Certificate")


def test_tls_on_gives_every_pod_the_settings_the_code_reads() -> None:
    objects = rendered("production")
    values = yaml.safe_load((CHART / "ci" / "production-values.yaml").read_text())["tls"]
    fields = set(GatewaySettings.model_fields) | set(KernelSettings.model_fields)
    config = one(objects, "ConfigMap", f"{FULLNAME}-config")["data"]
    [certificate] = find(objects, "Certificate")
    for name in ("gateway", *SERVICES):
        spec = _deployment(objects, name)
        [container] = spec["containers"]
        env = _env(container)
        assert {k.removeprefix("SWITCHBOARD_").lower() for k in env if k.startswith("SWITCHBOARD_")} <= fields
        mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
        volumes = {v["name"]: v["secret"]["secretName"] for v in spec["volumes"] if "secret" in v}
        assert env["SWITCHBOARD_NATS_TLS_CA"].startswith("/etc/switchboard/tls/nats/")
        assert volumes[mounts["/etc/switchboard/tls/nats"]] == values["nats"]["secretName"]
        assert env["SWITCHBOARD_GRPC_TLS_CA"] == "/etc/switchboard/tls/grpc/ca.crt"
        assert volumes[mounts["/etc/switchboard/tls/grpc"]] == certificate["spec"]["secretName"]
        if name == "gateway":
            assert "SWITCHBOARD_GRPC_TLS_CERT" not in env
            continue
        assert env["SWITCHBOARD_GRPC_TLS_CERT"].endswith("tls.crt")
        assert env["SWITCHBOARD_GRPC_TLS_KEY"].endswith("tls.key")
        # The probes ask the plaintext health port; the certificate names what callers dial.
        health = int(env["SWITCHBOARD_GRPC_HEALTH_LISTEN"].rsplit(":", 1)[1])
        assert health == values["grpc"].get("healthPort", 50070)
        assert {"name": "health", "containerPort": health, "protocol": "TCP"} in container["ports"]
        for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
            assert container[probe]["grpc"]["port"] == health
        target_host = config[f"SWITCHBOARD_{name.upper()}_TARGET"].removeprefix("dns:///") \
            .rsplit(":", 1)[0]
        assert target_host in certificate["spec"]["dnsNames"]
    assert certificate["spec"]["issuerRef"]["name"] == values["grpc"]["certManager"]["issuerRef"]["name"]
    # The bot runner calls channels over TLS and serves no API: the CA, no certificate of its
    # own, its probes on the same plaintext health port.
    [worker] = _deployment(objects, "telegram-bot")["containers"]
    env = _env(worker)
    assert env["SWITCHBOARD_GRPC_TLS_CA"] == "/etc/switchboard/tls/grpc/ca.crt"
    assert "SWITCHBOARD_GRPC_TLS_CERT" not in env and "SWITCHBOARD_GRPC_TLS_KEY" not in env
    health = int(env["SWITCHBOARD_GRPC_HEALTH_LISTEN"].rsplit(":", 1)[1])
    assert worker["readinessProbe"]["grpc"]["port"] == health
    [streams] = one(objects, "Job", f"{FULLNAME}-migrate")["spec"]["template"]["spec"]["containers"]
    assert _env(streams)["SWITCHBOARD_NATS_TLS_CA"].startswith("/etc/switchboard/tls/nats/")


def test_a_grpc_certificate_of_the_operator_replaces_cert_manager() -> None:
    objects = render({"tls": {"grpc": {"enabled": True, "secretName": "my-grpc-tls",
                                       "certManager": {"enabled": True}}}})
    assert not find(objects, "Certificate")
    volumes = {v["name"]: v.get("secret", {}).get("secretName") for v in
               _deployment(tuple(objects), "channels")["volumes"]}
    assert volumes["grpc-tls"] == "my-grpc-tls"


@pytest.mark.parametrize("bad", [
    {"credentials": {"token": "x"}},
    {"tls": {"grpc": {"healthPort": "health"}}},
    {"tls": {"nats": {"enabled": "yes"}}},
    {"tls": {"grpc": {"certManager": {"issuerRef": {"kind": "Vault"}}}}},
    {"secrets": {"serviceToken": "shared"}},
])
def test_values_schema_rejects_bad_security_values(bad: dict[str, Any]) -> None:
    with helm.Chart.load(CHART) as chart, pytest.raises(helm.HelmValuesError):
        chart.validate_schema(chart.merge_values(bad))
