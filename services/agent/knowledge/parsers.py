"""Turn an uploaded file into FAQ pairs and text sections.

Formats: plain text, Markdown (split on headings), CSV of question/answer pairs, DOCX, XLSX and
PDF (see office.py). Every failure is a ParseError whose message is shown to the seller as is.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable

from services.agent.knowledge import office
from services.agent.knowledge.domain import (
    DocumentKind,
    ParsedDocument,
    ParseError,
    QAPair,
    Section,
)
from services.agent.knowledge.tabular import clean, qa_columns, qa_pairs

SUPPORTED = ".txt, .md, .csv, .docx, .xlsx, .pdf"

_EXTENSIONS = {
    ".txt": DocumentKind.TEXT, ".text": DocumentKind.TEXT,
    ".md": DocumentKind.MARKDOWN, ".markdown": DocumentKind.MARKDOWN,
    ".csv": DocumentKind.FAQ_CSV, ".docx": DocumentKind.DOCX,
    ".xlsx": DocumentKind.XLSX, ".pdf": DocumentKind.PDF,
}
_MIME_TYPES = {
    "text/plain": DocumentKind.TEXT, "text/markdown": DocumentKind.MARKDOWN,
    "text/x-markdown": DocumentKind.MARKDOWN, "text/csv": DocumentKind.FAQ_CSV,
    "application/csv": DocumentKind.FAQ_CSV, "application/pdf": DocumentKind.PDF,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": DocumentKind.DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": DocumentKind.XLSX,
}
_LEGACY = {".doc": "save it as .docx", ".xls": "save it as .xlsx", ".rtf": "save it as .docx"}

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")


def detect_kind(name: str, mime_type: str, content: bytes) -> DocumentKind:
    """The format, by extension first, then by declared type, then by the bytes themselves."""
    ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if ext in _LEGACY:
        raise ParseError(f"{ext} files are not supported: {_LEGACY[ext]} (supported: {SUPPORTED})")
    if ext in _EXTENSIONS:
        return _EXTENSIONS[ext]
    declared = mime_type.split(";", 1)[0].strip().lower()
    if declared in _MIME_TYPES:
        return _MIME_TYPES[declared]
    if content.startswith(b"%PDF"):
        return DocumentKind.PDF
    if content.startswith(b"PK\x03\x04"):
        return office.sniff_zip(content)
    if declared.startswith("text/") or (not declared and not ext and b"\x00" not in content[:4096]):
        return DocumentKind.TEXT
    raise ParseError(f"unsupported file type {ext or declared or 'unknown'} (supported: {SUPPORTED})")


def parse(name: str, mime_type: str, content: bytes,
          kind: DocumentKind | None = None) -> ParsedDocument:
    """Parse one upload (as `kind` when already known); raises ParseError for the seller."""
    if not content:
        raise ParseError("the file is empty")
    kind = kind or detect_kind(name, mime_type, content)
    parsed = _PARSERS[kind](content)
    if not parsed.faq and not any(s.text.strip() for s in parsed.sections):
        raise ParseError("no text found in the document")
    return parsed


def decode_text(content: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1251 (Russian Excel/Notepad)."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return clean(content.decode("utf-16"))
    if b"\x00" in content[:4096]:
        raise ParseError("this looks like a binary file, not text")
    try:
        return clean(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        pass
    try:
        return clean(content.decode("cp1251"))
    except UnicodeDecodeError as exc:
        raise ParseError("the text is neither UTF-8 nor Windows-1251") from exc


def _plain_text(content: bytes) -> ParsedDocument:
    return ParsedDocument(DocumentKind.TEXT, sections=[Section("", decode_text(content))])


def _listing(content: bytes) -> ParsedDocument:
    return ParsedDocument(DocumentKind.LISTING, sections=[Section("", decode_text(content))])


def _markdown(content: bytes) -> ParsedDocument:
    return ParsedDocument(DocumentKind.MARKDOWN, sections=markdown_sections(decode_text(content)))


def markdown_sections(text: str) -> list[Section]:
    """One section per heading; the heading path ("Доставка / Казань") names it."""
    sections: list[Section] = []
    path: list[tuple[int, str]] = []
    lines: list[str] = []
    fenced = False

    def flush() -> None:
        body = "\n".join(lines).strip()
        if body:
            sections.append(Section(" / ".join(title for _, title in path), body))
        lines.clear()

    for line in text.split("\n"):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        match = None if fenced else _HEADING.match(line)
        if match is None:
            lines.append(line)
            continue
        flush()
        level = len(match.group(1))
        path = [(lvl, title) for lvl, title in path if lvl < level] + [(level, match.group(2))]
    flush()
    return sections


def _faq_csv(content: bytes) -> ParsedDocument:
    return ParsedDocument(DocumentKind.FAQ_CSV, faq=faq_from_csv(decode_text(content)))


def faq_from_csv(text: str) -> list[QAPair]:
    rows = _csv_rows(text)
    if not rows:
        raise ParseError("the CSV file has no rows")
    question_col, answer_col = qa_columns(rows[0])
    if question_col is None or answer_col is None:
        found = ", ".join(repr(c.strip()) for c in rows[0] if c.strip()) or "nothing"
        raise ParseError("CSV has no question/answer columns: found " + found +
                         "; name them «вопрос» and «ответ» (or question and answer)")
    pairs = qa_pairs(rows[1:], question_col, answer_col)
    if not pairs:
        raise ParseError("CSV has question/answer columns but no filled rows")
    return pairs


def _csv_rows(text: str) -> list[list[str]]:
    """Rows with the delimiter that splits the header best: ';' (Russian Excel), ',' or tab."""
    first_line = next((line for line in text.split("\n") if line.strip()), "")
    delimiter = max((";", ",", "\t"), key=first_line.count)
    try:
        return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)
                if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise ParseError(f"the CSV file is malformed: {exc}") from exc


_PARSERS: dict[DocumentKind, Callable[[bytes], ParsedDocument]] = {
    DocumentKind.TEXT: _plain_text,
    DocumentKind.MARKDOWN: _markdown,
    DocumentKind.FAQ_CSV: _faq_csv,
    DocumentKind.DOCX: office.parse_docx,
    DocumentKind.XLSX: office.parse_xlsx,
    DocumentKind.PDF: office.parse_pdf,
    DocumentKind.LISTING: _listing,
}
