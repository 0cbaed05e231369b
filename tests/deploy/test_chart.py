"""The Helm chart: rendered for the default and a production-like values file, linted, every
manifest valid for Kubernetes, and the properties operators rely on asserted."""

from __future__ import annotations

from typing import Any

import helm_python as helm
import kubernetes_validate
import pytest
import yaml
from cryptography.fernet import Fernet

from switchboard import components
from tests.deploy.chart import (
    CHART,
    COMPONENTS,
    FULLNAME,
    RELEASE,
    ROOT,
    SERVICES,
    find,
    one,
    pod_specs,
    render,
    rendered,
    values_of,
)

KUBE_VERSION = "1.36"  # the version Helm's engine renders for; kubernetes-validate ships it
CRDS = {"ServiceMonitor": "monitoring.coreos.com/v1", "PrometheusRule": "monitoring.coreos.com/v1",
        "Certificate": "cert-manager.io/v1"}
CRD_SPEC = {"ServiceMonitor": "endpoints", "PrometheusRule": "groups", "Certificate": "dnsNames"}
PROFILES = ["default", "production"]


@pytest.mark.parametrize("profile", PROFILES)
def test_helm_lint_is_clean(profile: str) -> None:
    report = helm.lint(CHART, values_of(profile), strict=True, kube_version=f"v{KUBE_VERSION}.0")
    problems = [m for m in report["messages"] if m["severity"] >= 2]
    assert report["errors"] == [] and problems == [], problems or report["errors"]


@pytest.mark.parametrize("profile", PROFILES)
def test_every_manifest_is_valid_kubernetes(profile: str) -> None:
    objects = rendered(profile)
    assert objects
    for obj in objects:
        if obj["kind"] in CRDS:  # no schema shipped for operator CRDs: check their shape instead
            assert obj["apiVersion"] == CRDS[obj["kind"]] and obj["metadata"]["name"]
            assert obj["spec"][CRD_SPEC[obj["kind"]]]
            continue
        kubernetes_validate.validate(obj, KUBE_VERSION, strict=True)


def test_the_chart_runs_every_component_the_cli_serves() -> None:
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    missing, extra = set(COMPONENTS) - set(values["components"]), set(values["components"]) - set(COMPONENTS)
    assert not missing, (f"`switchboard serve` runs {sorted(missing)}: add components.<name> to the "
                         "chart's values.yaml (its port, metricsPort, resources...) and a one-line "
                         "templates/<name>.yaml, like channels")
    assert not extra, f"the chart runs {sorted(extra)}, which `switchboard serve` does not know"
    for name in COMPONENTS:  # one line each
        assert (CHART / "templates" / f"{name}.yaml").read_text().startswith(
            f'{{{{ include "switchboard.component" (dict "root" . "name" "{name}") }}}}')


@pytest.mark.parametrize("profile", PROFILES)
def test_every_component_has_its_objects(profile: str) -> None:
    objects = rendered(profile)
    for name in COMPONENTS:
        full = f"{FULLNAME}-{name}"
        for kind in ("Deployment", "Service", "ServiceAccount", "PodDisruptionBudget"):
            one(objects, kind, full)
        deployment = one(objects, "Deployment", full)
        assert deployment["spec"]["template"]["spec"]["serviceAccountName"] == full
        assert deployment["spec"]["template"]["spec"]["containers"][0]["args"] == ["serve", name]
        assert deployment["spec"]["template"]["spec"]["topologySpreadConstraints"]
        autoscaled = (values_of(profile) or yaml.safe_load((CHART / "values.yaml").read_text())
                      )["components"][name]["autoscaling"]["enabled"]
        assert bool(find(objects, "HorizontalPodAutoscaler", full)) == autoscaled
        assert ("replicas" in deployment["spec"]) != autoscaled
    defaults = yaml.safe_load((CHART / "values.yaml").read_text())["components"]
    assert len(find(rendered("default"), "HorizontalPodAutoscaler")) == \
        sum(defaults[name]["autoscaling"]["enabled"] for name in COMPONENTS)


@pytest.mark.parametrize("profile", PROFILES)
def test_every_container_is_locked_down(profile: str) -> None:
    for name, spec in pod_specs(rendered(profile)):
        pod = spec["securityContext"]
        assert pod["runAsNonRoot"] is True and pod["runAsUser"] != 0, name
        assert pod["seccompProfile"]["type"] == "RuntimeDefault", name
        assert spec["automountServiceAccountToken"] is False, name
        for container in spec["containers"] + spec.get("initContainers", []):
            sc = container["securityContext"]
            assert sc["runAsNonRoot"] is True and sc["allowPrivilegeEscalation"] is False, name
            assert sc["readOnlyRootFilesystem"] is True and sc["privileged"] is False, name
            assert sc["capabilities"]["drop"] == ["ALL"] and "add" not in sc["capabilities"], name
            assert sc["seccompProfile"]["type"] == "RuntimeDefault", name
            assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"], name
            assert container["resources"]["requests"] and container["resources"]["limits"], name


@pytest.mark.parametrize("profile", PROFILES)
def test_probes_and_graceful_termination(profile: str) -> None:
    objects = rendered(profile)
    config = one(objects, "ConfigMap", f"{FULLNAME}-config")["data"]
    grace = float(config["SWITCHBOARD_SHUTDOWN_GRACE_S"])
    for name in COMPONENTS:
        spec = one(objects, "Deployment", f"{FULLNAME}-{name}")["spec"]["template"]["spec"]
        container = spec["containers"][0]
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        if name == "gateway":
            assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
            assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
            assert container["startupProbe"]["httpGet"]["path"] == "/healthz"
        else:
            # With gRPC TLS on, the plaintext health-only port (probes speak no TLS).
            for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
                assert container[probe]["grpc"] == {"port": ports.get("health", ports["grpc"])}, \
                    (name, probe)
        # preStop pause, then the gRPC drain and the consumers' drain, each up to the grace.
        pre_stop = container["lifecycle"]["preStop"]["sleep"]["seconds"]
        assert spec["terminationGracePeriodSeconds"] > pre_stop + 2 * grace


@pytest.mark.parametrize("profile", PROFILES)
def test_env_names_are_the_ones_the_code_reads(profile: str) -> None:
    objects = rendered(profile)
    fields = {name for component in components.TABLE
              for name in component.settings_class().model_fields}
    names = set(one(objects, "ConfigMap", f"{FULLNAME}-config")["data"])
    for secret in find(objects, "Secret", f"{FULLNAME}-secrets"):  # the one pods take as env
        names |= set(secret["stringData"])
    for _, spec in pod_specs(objects):
        for container in spec["containers"] + spec.get("initContainers", []):
            names |= {e["name"] for e in container.get("env", [])}
    cli = (ROOT / "switchboard" / "cli.py").read_text()  # `migrate` reads its URL itself
    unknown = {n for n in names if n.startswith("SWITCHBOARD_")
               and n.removeprefix("SWITCHBOARD_").lower() not in fields and f'"{n}"' not in cli}
    assert not unknown, f"env vars no settings class reads: {sorted(unknown)}"
    assert names - {n for n in names if n.startswith(("SWITCHBOARD_", "OTEL_"))} == set()
    gateway = one(objects, "Deployment", f"{FULLNAME}-gateway")["spec"]["template"]["spec"]
    assert {"name": "SWITCHBOARD_HTTP_HOST", "value": "0.0.0.0"} in gateway["containers"][0]["env"]
    for name in SERVICES:
        env = {e["name"]: e.get("value") for e in one(objects, "Deployment", f"{FULLNAME}-{name}")
               ["spec"]["template"]["spec"]["containers"][0]["env"]}
        assert env["SWITCHBOARD_GRPC_LISTEN"].startswith("0.0.0.0:") and env["SWITCHBOARD_METRICS_PORT"]
        target = one(objects, "ConfigMap", f"{FULLNAME}-config")["data"][f"SWITCHBOARD_{name.upper()}_TARGET"]
        port = env['SWITCHBOARD_GRPC_LISTEN'].rsplit(':', 1)[1]
        assert target == f"dns:///{FULLNAME}-{name}-grpc:{port}"
        # The target's name resolves to every pod (headless), for the callers' round_robin.
        headless = one(objects, "Service", f"{FULLNAME}-{name}-grpc")["spec"]
        assert headless["clusterIP"] == "None" and [p["port"] for p in headless["ports"]] == [int(port)]
        assert headless["selector"] == one(objects, "Service", f"{FULLNAME}-{name}")["spec"]["selector"]
    # The bot runner: gRPC health on its port, the public API through the gateway's Service.
    config = one(objects, "ConfigMap", f"{FULLNAME}-config")["data"]
    http_port = {e["name"]: e.get("value") for e in gateway["containers"][0]["env"]}["SWITCHBOARD_HTTP_PORT"]
    assert config["SWITCHBOARD_TELEGRAM_BOT_GATEWAY_URL"] == f"http://{FULLNAME}-gateway:{http_port}"
    assert not any(key.startswith("SWITCHBOARD_TELEGRAM-BOT") for key in config)
    assert config["SWITCHBOARD_TELEGRAM_BOT_HANDOFF_ALERT_AFTER_S"] == "600"
    assert config["SWITCHBOARD_TELEGRAM_API_BASE_URL"] == "https://api.telegram.org"


def test_the_bot_runners_settings_come_from_values() -> None:
    objects = render({"telegramBot": {"handoffAlertAfterSeconds": 120, "registryRefreshSeconds": 5,
                                      "botApiUrl": "http://bot-api.internal:8081"}})
    config = one(tuple(objects), "ConfigMap", f"{FULLNAME}-config")["data"]
    assert config["SWITCHBOARD_TELEGRAM_BOT_HANDOFF_ALERT_AFTER_S"] == "120"
    assert config["SWITCHBOARD_TELEGRAM_BOT_REFRESH_S"] == "5"
    assert config["SWITCHBOARD_TELEGRAM_API_BASE_URL"] == "http://bot-api.internal:8081"


def test_secret_is_generated_with_a_usable_key_unless_an_existing_one_is_named() -> None:
    secret = one(rendered("default"), "Secret", f"{FULLNAME}-secrets")["stringData"]
    assert set(secret) >= {"SWITCHBOARD_DATABASE_URL", "SWITCHBOARD_MIGRATION_DATABASE_URL",
                           "SWITCHBOARD_NATS_URL", "SWITCHBOARD_SECRET_KEY"}
    Fernet(secret["SWITCHBOARD_SECRET_KEY"])  # a valid key, or this raises
    production = rendered("production")
    assert find(production, "Secret") == []  # the credentials too: tests/deploy/test_chart_security.py
    existing = values_of("production")["existingSecret"]  # type: ignore[index]
    for _, spec in pod_specs(production):
        refs = [e["secretRef"]["name"] for c in spec["containers"] for e in c["envFrom"] if "secretRef" in e]
        assert refs == [existing]
    assert one(production, "ConfigMap", f"{FULLNAME}-config")["data"]["SWITCHBOARD_STREAM_REPLICAS"] == "3"


@pytest.mark.parametrize("profile", PROFILES)
def test_migrations_and_streams_run_in_a_pre_install_and_pre_upgrade_hook(profile: str) -> None:
    objects = rendered(profile)
    job = one(objects, "Job", f"{FULLNAME}-migrate")
    annotations = job["metadata"]["annotations"]
    assert annotations["helm.sh/hook"] == "pre-install,pre-upgrade"
    spec = job["spec"]["template"]["spec"]
    assert [c["args"] for c in spec["initContainers"]] == [["migrate"]]
    assert [c["args"] for c in spec["containers"]] == [["streams"]]
    assert spec["restartPolicy"] == "Never"
    # What the Job reads must exist before it: the ConfigMap (and a chart-made Secret) are
    # hooks of the same phases with a lower weight.
    for kind, name in (("ConfigMap", f"{FULLNAME}-config"), ("Secret", f"{FULLNAME}-secrets")):
        for obj in find(objects, kind, name):
            hook = obj["metadata"]["annotations"]
            assert hook["helm.sh/hook"] == "pre-install,pre-upgrade"
            assert int(hook["helm.sh/hook-weight"]) < int(annotations["helm.sh/hook-weight"])


def _policy(objects: tuple[dict[str, Any], ...], suffix: str) -> dict[str, Any]:
    return one(objects, "NetworkPolicy", f"{FULLNAME}-{suffix}")["spec"]


def _ports(rules: list[dict[str, Any]]) -> set[int]:
    return {p["port"] for rule in rules for p in rule.get("ports", [])}


@pytest.mark.parametrize("profile", PROFILES)
def test_network_policies_deny_by_default_and_allow_only_the_platform_paths(profile: str) -> None:
    objects = rendered(profile)
    release = {"app.kubernetes.io/name": "switchboard", "app.kubernetes.io/instance": RELEASE}
    deny = _policy(objects, "default-deny")
    assert deny["podSelector"] == {"matchLabels": release}
    assert deny["policyTypes"] == ["Ingress", "Egress"] and "ingress" not in deny and "egress" not in deny
    ports = {name: {p["name"]: p["containerPort"] for p in one(objects, "Deployment", f"{FULLNAME}-{name}")
                    ["spec"]["template"]["spec"]["containers"][0]["ports"]} for name in COMPONENTS}
    gateway = _policy(objects, "gateway-ingress")
    assert gateway["podSelector"]["matchLabels"]["app.kubernetes.io/component"] == "gateway"
    assert _ports(gateway["ingress"]) == {ports["gateway"]["http"]}
    services = _policy(objects, "services-ingress")
    assert set(services["podSelector"]["matchExpressions"][0]["values"]) == set(SERVICES)
    [rule] = services["ingress"]
    assert _ports([rule]) == {ports[s]["grpc"] for s in SERVICES}
    assert rule["from"][0]["podSelector"]["matchLabels"] == release
    egress = _policy(objects, "egress")["egress"]
    assert {53, 5432, 4222} | {ports[s]["grpc"] for s in SERVICES} <= _ports(egress)
    external = _policy(objects, "external-egress")
    assert _ports(external["egress"]) == {443}
    assert set(external["podSelector"]["matchExpressions"][0]["values"]) <= \
        set(COMPONENTS) - {"gateway"}
    # The workers (the bot runner) call the gateway's public API through its Service, and are
    # let in whatever gatewayFrom narrows the gateway's clients to.
    workers = set(COMPONENTS) - set(SERVICES) - {"gateway"}
    assert workers == {"telegram-bot"}
    [to_gateway] = _policy(objects, "workers-egress")["egress"]
    assert set(_policy(objects, "workers-egress")["podSelector"]["matchExpressions"][0]["values"]) \
        == workers
    assert to_gateway["to"][0]["podSelector"]["matchLabels"]["app.kubernetes.io/component"] == "gateway"
    assert _ports([to_gateway]) == {ports["gateway"]["http"]}
    from_workers = gateway["ingress"][-1]
    assert set(from_workers["from"][0]["podSelector"]["matchExpressions"][0]["values"]) == workers
    assert all(s not in workers for s in services["podSelector"]["matchExpressions"][0]["values"])
    if profile == "production":  # peers narrowed to the ingress controller, databases, NATS
        assert gateway["ingress"][0]["from"]
        assert all(rule.get("to") for rule in egress)


def test_gateway_ingress_terminates_tls() -> None:
    for profile in PROFILES:
        values = values_of(profile) or yaml.safe_load((CHART / "values.yaml").read_text())
        ingress = one(rendered(profile), "Ingress", f"{FULLNAME}-gateway")["spec"]
        assert ingress["tls"] == [{"hosts": [values["ingress"]["host"]],
                                   "secretName": values["ingress"]["tls"]["secretName"]}]
        backend = ingress["rules"][0]["http"]["paths"][0]["backend"]["service"]
        assert backend == {"name": f"{FULLNAME}-gateway", "port": {"name": "http"}}


def test_operator_objects_are_optional() -> None:
    default, production = rendered("default"), rendered("production")
    assert not find(default, "ServiceMonitor") and not find(default, "PrometheusRule")
    monitors = find(production, "ServiceMonitor")
    assert sorted(m["metadata"]["name"] for m in monitors) == sorted(f"{FULLNAME}-{c}" for c in COMPONENTS)
    assert {m["spec"]["endpoints"][0]["port"] for m in monitors} == {"metrics"}


@pytest.mark.parametrize("profile", PROFILES)
def test_metrics_and_graphql_tooling_stay_off_the_public_port(profile: str) -> None:
    """The Ingress routes the gateway's `http` port: /metrics is served on `metrics` only (the
    ServiceMonitor's, the metrics policy's), and GraphiQL and introspection are off."""
    objects = rendered(profile)
    gateway = one(objects, "Deployment", f"{FULLNAME}-gateway")["spec"]["template"]["spec"]
    container = gateway["containers"][0]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["SWITCHBOARD_METRICS_PORT"] == str(ports["metrics"]) != env["SWITCHBOARD_HTTP_PORT"]
    service = {p["name"]: p["targetPort"] for p in
               one(objects, "Service", f"{FULLNAME}-gateway")["spec"]["ports"]}
    assert service == {"http": "http", "metrics": "metrics"}
    scraped = _ports(_policy(objects, "metrics-ingress")["ingress"])
    assert ports["metrics"] in scraped and ports["http"] not in scraped
    config = one(objects, "ConfigMap", f"{FULLNAME}-config")["data"]
    assert config["SWITCHBOARD_GRAPHQL_IDE"] == config["SWITCHBOARD_GRAPHQL_INTROSPECTION"] == "false"


@pytest.mark.parametrize("bad", [
    {"components": {"gateway": {"replicas": "two"}}},
    {"nats": {"streamReplicas": 7}},
    {"image": {"pullPolicy": "Sometimes"}},
    {"config": {"shutdownGraceSeconds": "soon"}},
    {"telegramBot": {"handoffAlertAfterSeconds": 0}},
    {"telegramBot": {"botApiUrl": "api.telegram.org"}},
    {"replicaCount": 3},
])
def test_values_schema_rejects_bad_values(bad: dict[str, Any]) -> None:
    with helm.Chart.load(CHART) as chart, pytest.raises(helm.HelmValuesError):
        chart.validate_schema(chart.merge_values(bad))
    with pytest.raises(helm.HelmError):
        render(bad)
