"""Render the Helm chart with Helm's own engine (the helm-python-sdk wheel bundles it)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import helm_python as helm
import yaml

from switchboard import components

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "deploy" / "helm" / "switchboard"
PRODUCTION_VALUES = CHART / "ci" / "production-values.yaml"
RELEASE, NAMESPACE = "sb", "switchboard"
FULLNAME = f"{RELEASE}-switchboard"
# What `switchboard serve` runs; the chart must run the same (a test holds them equal).
COMPONENTS, SERVICES = components.COMPONENTS, components.SERVICES


def values_of(profile: str) -> dict[str, Any] | None:
    return yaml.safe_load(PRODUCTION_VALUES.read_text()) if profile == "production" else None


def render(values: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Every rendered object, NOTES.txt left out."""
    with helm.Chart.load(CHART) as chart:
        rendered = chart.render(values, name=RELEASE, namespace=NAMESPACE, is_install=True)
    return [doc for path, text in sorted(rendered.items()) if not path.endswith("NOTES.txt")
            for doc in yaml.safe_load_all(text) if doc]


@cache
def rendered(profile: str) -> tuple[dict[str, Any], ...]:
    return tuple(render(values_of(profile)))


def find(objects: tuple[dict[str, Any], ...], kind: str, name: str | None = None) -> list[dict[str, Any]]:
    return [o for o in objects if o["kind"] == kind and (name is None or o["metadata"]["name"] == name)]


def one(objects: tuple[dict[str, Any], ...], kind: str, name: str) -> dict[str, Any]:
    found = find(objects, kind, name)
    assert len(found) == 1, f"expected one {kind} {name}, found {len(found)}"
    return found[0]


def pod_specs(objects: tuple[dict[str, Any], ...]) -> list[tuple[str, dict[str, Any]]]:
    return [(o["metadata"]["name"], o["spec"]["template"]["spec"])
            for o in objects if o["kind"] in ("Deployment", "Job")]
