"""Figures of a bench run -> `latest.json` and a Markdown table (`latest.md`)."""

from __future__ import annotations

import json
import operator
import statistics
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt}


@dataclass
class Figure:
    """One measured figure. `samples` are the repeats (the value is their median); `limit` is
    the machine's limit measured in the same run (ratio = value / limit); `target` is e.g.
    ("<=", 25.0) checked against the value, or ("ratio>=", 0.6) checked against the ratio."""

    scenario: str
    name: str
    unit: str
    samples: list[float]
    limit: float | None = None
    limit_name: str = ""
    target: tuple[str, float] | None = None
    note: str = ""
    value: float = field(init=False)

    def __post_init__(self) -> None:
        self.value = statistics.median(self.samples) if self.samples else float("nan")

    @property
    def ratio(self) -> float | None:
        if self.limit is None or not self.limit or not self.samples:
            return None
        return self.value / self.limit

    @property
    def met(self) -> bool | None:
        if self.target is None or not self.samples:
            return None
        op, bound = self.target
        if op.startswith("ratio"):
            ratio = self.ratio
            return None if ratio is None else _OPS[op[5:]](ratio, bound)
        return _OPS[op](self.value, bound)

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.update(value=self.value, ratio=self.ratio, met=self.met,
                 min=min(self.samples) if self.samples else None,
                 max=max(self.samples) if self.samples else None,
                 target=None if self.target is None else f"{self.target[0]} {self.target[1]:g}")
        return d


def _num(v: float | None) -> str:
    if v is None or v != v:
        return "—"
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}"


def markdown_table(figures: Sequence[Figure]) -> str:
    lines = ["| scenario | figure | value (median) | min / max | limit (same run) | ratio | target | met? |",
             "|---|---|---|---|---|---|---|---|"]
    for f in figures:
        spread = f"{_num(min(f.samples))} / {_num(max(f.samples))} (n={len(f.samples)})" \
            if f.samples else "—"
        limit = f"{_num(f.limit)} {f.unit} ({f.limit_name})" if f.limit is not None else "—"
        ratio = f"{f.ratio:.2f}" if f.ratio is not None else "—"
        target = f"{f.target[0]} {f.target[1]:g}" if f.target else "—"
        met = {True: "yes", False: "**no**", None: "—"}[f.met]
        name = f.name + (f" ({f.note})" if f.note else "")
        lines.append(f"| {f.scenario} | {name} | {_num(f.value)} {f.unit} | {spread} | {limit} "
                     f"| {ratio} | {target} | {met} |")
    return "\n".join(lines) + "\n"


def write_results(out_dir: Path, figures: Sequence[Figure], meta: dict[str, Any],
                  details: dict[str, Any]) -> str:
    """Write latest.json and latest.md into `out_dir`; return the Markdown."""
    out_dir.mkdir(parents=True, exist_ok=True)
    table = markdown_table(figures)
    doc = {"meta": meta, "figures": [f.as_dict() for f in figures], "details": details}
    (out_dir / "latest.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False, default=str))
    header = f"# Switchboard bench — {meta.get('started_at', '')}\n\n" \
             f"{meta.get('machine', '')}; mode: {meta.get('mode', '')}\n\n"
    (out_dir / "latest.md").write_text(header + table)
    return table
