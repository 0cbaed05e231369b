"""The labelled evaluation set: one YAML file per shop (`shops/`), each with its FAQ entries by
id and buyer questions labelled with the id of the entry that answers them, or `handoff`.

Two parts per shop, fixed in the data: `tuning` (look at it, tune on it) and `holdout` (only
ever measured; no threshold, word list or rule is chosen by looking at it).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import yaml

SHOPS_DIR = Path(__file__).parent / "shops"
HANDOFF = "handoff"
PARTS = ("tuning", "holdout")


@dataclass(frozen=True)
class Entry:
    id: str
    question: str
    answer: str


@dataclass(frozen=True)
class Question:
    text: str
    expected: str  # an entry id, or HANDOFF
    part: str  # "tuning" | "holdout"

    @property
    def answerable(self) -> bool:
        return self.expected != HANDOFF


@dataclass(frozen=True)
class Shop:
    name: str
    kind: str
    entries: tuple[Entry, ...]
    questions: tuple[Question, ...]

    def faq_csv(self) -> bytes:
        """The FAQ as a seller uploads it: «вопрос;ответ» CSV."""
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["вопрос", "ответ"])
        writer.writerows((e.question, e.answer) for e in self.entries)
        return out.getvalue().encode()

    def entry_by_question(self) -> dict[str, str]:
        return {e.question: e.id for e in self.entries}


def load_shop(path: Path) -> Shop:
    """One shop's file, checked: every label names an entry or `handoff`."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = tuple(Entry(id_, e["q"], e["a"]) for id_, e in doc["entries"].items())
    ids = {e.id for e in entries}
    questions = []
    for part in PARTS:
        for expected, text in doc[part]:
            if expected != HANDOFF and expected not in ids:
                raise ValueError(f"{path.name}: {text!r} is labelled {expected!r}, not an entry")
            questions.append(Question(text, expected, part))
    return Shop(doc["shop"], doc["kind"], entries, tuple(questions))


def load_shops(directory: Path = SHOPS_DIR) -> list[Shop]:
    return [load_shop(p) for p in sorted(directory.glob("*.yaml"))]
