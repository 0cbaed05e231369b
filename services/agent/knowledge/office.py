"""DOCX (python-docx), XLSX (openpyxl) and PDF (pypdf) into FAQ pairs and text sections.

DOCX and XLSX are zip archives: their unpacked size is checked first, so a small upload cannot
expand into gigabytes in memory.
"""

from __future__ import annotations

import io
import logging
import zipfile
from typing import Any

from services.agent.knowledge.domain import DocumentKind, ParsedDocument, ParseError, QAPair, Section
from services.agent.knowledge.tabular import clean, qa_columns, qa_pairs, row_text

log = logging.getLogger(__name__)

MAX_UNPACKED_BYTES = 200 * 1024 * 1024
_HEADING_STYLES = ("heading", "title", "заголовок", "название")


def sniff_zip(content: bytes) -> DocumentKind:
    """A zip is DOCX or XLSX by what it holds."""
    names = set(_open_zip(content).namelist())
    if "word/document.xml" in names:
        return DocumentKind.DOCX
    if "xl/workbook.xml" in names:
        return DocumentKind.XLSX
    raise ParseError("this zip archive is neither a .docx nor an .xlsx file")


def _open_zip(content: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile as exc:
        raise ParseError("the file is damaged: not a valid Office (zip) file") from exc
    if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
        raise ParseError(f"the file unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MB")
    return archive


def parse_docx(content: bytes) -> ParsedDocument:
    import docx  # imported here: parsing libraries load only when such a file arrives
    from docx.table import Table

    _open_zip(content)
    try:
        document = docx.Document(io.BytesIO(content))
    except Exception as exc:  # python-docx raises many types for a broken package
        raise ParseError(f"the .docx file cannot be read: {exc}") from exc
    sections: list[Section] = []
    faq: list[QAPair] = []
    heading, lines = "", []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            faq_rows, text_rows = _table(block)
            faq += faq_rows
            lines += text_rows
            continue
        text = clean(block.text).strip()
        style = (block.style.name if block.style is not None else "").lower()
        if text and style.startswith(_HEADING_STYLES):
            _flush(sections, heading, lines)
            heading, lines = text, []
        elif text:
            lines.append(text)
    _flush(sections, heading, lines)
    return ParsedDocument(DocumentKind.DOCX, faq=faq, sections=sections)


def _table(table: Any) -> tuple[list[QAPair], list[str]]:
    """A table headed «вопрос | ответ» is FAQ; any other becomes one text line per row."""
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    if not rows:
        return [], []
    question_col, answer_col = qa_columns(rows[0])
    if question_col is not None and answer_col is not None:
        return qa_pairs(rows[1:], question_col, answer_col), []
    lines = [row_text(row, rows[0]) for row in rows[1:]] if len(rows) > 1 else [row_text(rows[0])]
    return [], [line for line in lines if line]


def _flush(sections: list[Section], heading: str, lines: list[str]) -> None:
    if lines:
        sections.append(Section(heading, "\n\n".join(lines)))


def parse_xlsx(content: bytes) -> ParsedDocument:
    import openpyxl

    _open_zip(content)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        raise ParseError(f"the .xlsx file cannot be read: {exc}") from exc
    faq: list[QAPair] = []
    sections: list[Section] = []
    try:
        for sheet in workbook.worksheets:
            rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            rows = [row for row in rows if any(v.strip() for v in row)]
            if not rows:
                continue
            question_col, answer_col = qa_columns(rows[0][:2])
            if (question_col, answer_col) == (0, 1):  # the first two columns, headed so
                faq += qa_pairs(rows[1:], 0, 1)
                continue
            lines = [row_text(row, rows[0]) for row in rows[1:]] or [row_text(rows[0])]
            sections.append(Section(sheet.title, "\n".join(line for line in lines if line)))
    finally:
        workbook.close()
    return ParsedDocument(DocumentKind.XLSX, faq=faq, sections=sections)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_pdf(content: bytes) -> ParsedDocument:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ParseError("the PDF is password-protected")
        pages = [clean(page.extract_text() or "") for page in reader.pages]
    except ParseError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ParseError(f"the PDF cannot be read: {exc}") from exc
    text = "\n\n".join(page.strip() for page in pages if page.strip())
    if not text:
        raise ParseError("the PDF has no text layer (a scan?): export it with text, or upload .docx")
    return ParsedDocument(DocumentKind.PDF, sections=[Section("", text)])
