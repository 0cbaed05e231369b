"""Question/answer tables, shared by the CSV, XLSX and DOCX parsers, and text hygiene."""

from __future__ import annotations

from services.agent.knowledge.domain import QAPair

QUESTION_HEADERS = ("вопрос", "question")
ANSWER_HEADERS = ("ответ", "answer")


def clean(text: str) -> str:
    """Normalise newlines and drop characters PostgreSQL text cannot hold (NUL)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def qa_columns(header: list[str]) -> tuple[int | None, int | None]:
    """Indexes of the question and answer columns, by their header names."""
    names = [cell.strip().lower() for cell in header]
    question = next((i for i, n in enumerate(names) if n.startswith(QUESTION_HEADERS)), None)
    answer = next((i for i, n in enumerate(names) if n.startswith(ANSWER_HEADERS)), None)
    return question, answer


def qa_pairs(rows: list[list[str]], question_col: int, answer_col: int) -> list[QAPair]:
    """Rows with both a question and an answer; half-filled rows are skipped."""
    pairs = []
    for row in rows:
        question = clean(row[question_col]).strip() if question_col < len(row) else ""
        answer = clean(row[answer_col]).strip() if answer_col < len(row) else ""
        if question and answer:
            pairs.append(QAPair(question, answer))
    return pairs


def row_text(row: list[str], header: list[str] | None = None) -> str:
    """A table row as one line: "Name: value — Name: value" when the columns are named."""
    parts = []
    for i, cell in enumerate(row):
        value = clean(cell).strip()
        if not value:
            continue
        name = header[i].strip() if header and i < len(header) else ""
        parts.append(f"{name}: {value}" if name else value)
    return " — ".join(parts)
