"""Parsers (every format, broken files with clear errors) and chunking. No database needed."""

from __future__ import annotations

import io
import itertools
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest

from services.agent.knowledge import office
from services.agent.knowledge.chunking import TARGET_CHARS, chunk, split_text
from services.agent.knowledge.domain import (
    ChunkKind,
    DocumentKind,
    ParsedDocument,
    ParseError,
    QAPair,
    Section,
)
from services.agent.knowledge.parsers import detect_kind, parse

FIXTURES = Path(__file__).parents[2] / "fixtures" / "agent"


def _docx(build) -> bytes:  # type: ignore[no-untyped-def]
    document = docx.Document()
    build(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _xlsx(*sheets: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    for i, rows in enumerate(sheets):
        sheet = workbook.active if i == 0 else workbook.create_sheet(f"Лист{i + 1}")
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _pdf(lines: list[str]) -> bytes:
    """A minimal one-page PDF with a text layer (Helvetica, Latin text), offsets computed."""
    text = " ".join(f"({line}) Tj 0 -20 Td" for line in lines)
    stream = f"BT /F1 12 Tf 50 750 Td {text} ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# -- plain text and Markdown ---------------------------------------------------------------

def test_plain_text_utf8_and_cp1251() -> None:
    text = "Доставка в Казань занимает 3 дня.\n\nОплата при получении."
    for encoded in (text.encode("utf-8"), text.encode("utf-8-sig"), text.encode("cp1251")):
        parsed = parse("notes.txt", "text/plain", encoded)
        assert parsed.kind is DocumentKind.TEXT
        assert parsed.sections == [Section("", text)]


def test_markdown_splits_on_headings_with_their_path() -> None:
    md = ("Вступление.\n\n# Доставка\nОтправляем СДЭК.\n\n## Казань\n2–4 дня.\n\n"
          "```\n# не заголовок\n```\n# Оплата\nКартой или наличными.\n")
    parsed = parse("faq.md", "", md.encode())
    assert [(s.heading, s.text.split("\n")[0]) for s in parsed.sections] == [
        ("", "Вступление."), ("Доставка", "Отправляем СДЭК."), ("Доставка / Казань", "2–4 дня."),
        ("Оплата", "Картой или наличными.")]
    assert "# не заголовок" in parsed.sections[2].text  # a code block is not a heading


# -- CSV -----------------------------------------------------------------------------------

def test_the_faq_fixture_parses_into_pairs() -> None:
    parsed = parse("faq_ru.csv", "text/csv", (FIXTURES / "faq_ru.csv").read_bytes())
    assert parsed.kind is DocumentKind.FAQ_CSV
    assert len(parsed.faq) >= 40
    assert parsed.faq[0].question == "Есть ли доставка в Казань?"


@pytest.mark.parametrize(("header", "delimiter", "encoding"), [
    ("question,answer", ",", "utf-8"), ("Вопрос;Ответ", ";", "cp1251"),
    ("№;Вопрос клиента;Ответ продавца", ";", "utf-8"), ("вопрос\tответ", "\t", "utf-8")])
def test_csv_headers_delimiters_and_encodings(header: str, delimiter: str, encoding: str) -> None:
    numbered = header.startswith("№")
    rows = [["1", "Есть доставка?", "Да — СДЭК"], ["2", "Торг?", "Небольшой"], ["3", "", "пусто"]]
    body = "\n".join(delimiter.join(r if numbered else r[1:]) for r in rows)
    parsed = parse("faq.csv", "", f"{header}\n{body}\n".encode(encoding))
    assert parsed.faq == [QAPair("Есть доставка?", "Да — СДЭК"), QAPair("Торг?", "Небольшой")]


def test_csv_quoted_cells_keep_delimiters_and_newlines() -> None:
    data = 'вопрос;ответ\n"Сроки; цены?";"Строка 1\nСтрока 2; и ещё"\n'
    assert parse("faq.csv", "", data.encode()).faq == [
        QAPair("Сроки; цены?", "Строка 1\nСтрока 2; и ещё")]


def test_csv_without_question_answer_columns_names_what_it_found() -> None:
    with pytest.raises(ParseError, match="CSV has no question/answer columns: found 'Товар', 'Цена'"):
        parse("prices.csv", "", "Товар;Цена\nДиван;34990\n".encode())


def test_csv_with_headers_only_is_an_error() -> None:
    with pytest.raises(ParseError, match="no filled rows"):
        parse("faq.csv", "", "вопрос;ответ\n;\n".encode())


# -- DOCX ----------------------------------------------------------------------------------

def test_docx_headings_paragraphs_and_a_qa_table() -> None:
    def build(d: docx.Document) -> None:  # type: ignore[name-defined]
        d.add_paragraph("Общие сведения о магазине.")
        d.add_heading("Доставка", level=1)
        d.add_paragraph("Отправляем по всей России.")
        table = d.add_table(rows=2, cols=2)
        for cell, value in zip(table.rows[0].cells, ["Вопрос", "Ответ"], strict=True):
            cell.text = value
        table.rows[1].cells[0].text = "В Казань везёте?"
        table.rows[1].cells[1].text = "Да, 2–4 дня."
        d.add_heading("Оплата", level=1)
        d.add_paragraph("Картой или наличными.")

    parsed = parse("shop.docx", "", _docx(build))
    assert parsed.kind is DocumentKind.DOCX
    assert parsed.faq == [QAPair("В Казань везёте?", "Да, 2–4 дня.")]
    assert [(s.heading, s.text) for s in parsed.sections] == [
        ("", "Общие сведения о магазине."), ("Доставка", "Отправляем по всей России."),
        ("Оплата", "Картой или наличными.")]


def test_docx_other_tables_become_text_rows() -> None:
    def build(d: docx.Document) -> None:  # type: ignore[name-defined]
        table = d.add_table(rows=2, cols=2)
        for cell, value in zip(table.rows[0].cells, ["Товар", "Цена"], strict=True):
            cell.text = value
        table.rows[1].cells[0].text = "Диван"
        table.rows[1].cells[1].text = "34 990 ₽"

    assert parse("prices.docx", "", _docx(build)).sections == [
        Section("", "Товар: Диван — Цена: 34 990 ₽")]


def test_broken_and_bomb_office_files_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ParseError, match="damaged"):
        parse("shop.docx", "", b"PK\x03\x04 definitely not a zip")
    monkeypatch.setattr(office, "MAX_UNPACKED_BYTES", 2 * 1024 * 1024)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"0" * (3 * 1024 * 1024))
    with pytest.raises(ParseError, match="unpacks to more than 2 MB"):
        parse("bomb.docx", "", bomb.getvalue())


# -- XLSX ----------------------------------------------------------------------------------

def test_xlsx_qa_sheet_and_a_table_sheet() -> None:
    content = _xlsx([["Вопрос", "Ответ"], ["Торг уместен?", "Небольшой"], [None, None],
                     ["Гарантия?", "12 месяцев"]],
                    [["Товар", "Цена", "Наличие"], ["Диван", 34990, "да"], ["Стол", 7500.0, None]])
    parsed = parse("faq.xlsx", "", content)
    assert parsed.kind is DocumentKind.XLSX
    assert parsed.faq == [QAPair("Торг уместен?", "Небольшой"), QAPair("Гарантия?", "12 месяцев")]
    assert parsed.sections == [Section("Лист2", "Товар: Диван — Цена: 34990 — Наличие: да\n"
                                                "Товар: Стол — Цена: 7500")]


def test_xlsx_detected_by_content_when_unnamed() -> None:
    content = _xlsx([["вопрос", "ответ"], ["Самовывоз?", "Да"]])
    assert detect_kind("upload", "application/octet-stream", content) is DocumentKind.XLSX


# -- PDF -----------------------------------------------------------------------------------

def test_pdf_text_layer() -> None:
    parsed = parse("terms.pdf", "application/pdf", _pdf(["Delivery to Kazan takes 3 days.",
                                                         "Returns within 14 days."]))
    assert parsed.kind is DocumentKind.PDF
    assert "Delivery to Kazan takes 3 days." in parsed.sections[0].text
    assert "Returns within 14 days." in parsed.sections[0].text


def test_pdf_without_text_or_broken() -> None:
    with pytest.raises(ParseError, match="no text layer"):
        parse("scan.pdf", "", _pdf([]))
    with pytest.raises(ParseError, match="cannot be read"):
        parse("broken.pdf", "", b"%PDF-1.4\n garbage")


# -- what is refused -----------------------------------------------------------------------

@pytest.mark.parametrize(("name", "mime", "content", "message"), [
    ("old.doc", "", b"\xd0\xcf\x11\xe0", r"\.doc files are not supported: save it as \.docx"),
    ("photo.jpg", "image/jpeg", b"\xff\xd8\xff\xe0", "unsupported file type .jpg"),
    ("empty.txt", "text/plain", b"", "the file is empty"),
    ("blank.txt", "text/plain", b"  \n\n ", "no text found"),
    ("binary.txt", "text/plain", b"ab\x00\x01cd", "binary file"),
])
def test_unsupported_and_empty_files(name: str, mime: str, content: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse(name, mime, content)


# -- chunking ------------------------------------------------------------------------------

def test_faq_pairs_become_one_chunk_each() -> None:
    chunks = chunk(ParsedDocument(DocumentKind.FAQ_CSV, faq=[QAPair("Торг?", "Небольшой")]))
    assert [(c.kind, c.question, c.answer, c.text) for c in chunks] == [
        (ChunkKind.FAQ, "Торг?", "Небольшой", "Торг?\nНебольшой")]
    assert chunks[0].embedding_input == "Торг?"


def test_text_is_cut_on_sentences_with_overlap_and_heading() -> None:
    sentences = [f"Пункт {i}: доставка и оплата описаны подробно в этом предложении." for i in range(60)]
    parsed = ParsedDocument(DocumentKind.MARKDOWN, sections=[Section("Условия", " ".join(sentences))])
    chunks = chunk(parsed)
    assert len(chunks) > 3
    assert all(c.kind is ChunkKind.TEXT and c.text.startswith("Условия\n") for c in chunks)
    assert all(len(c.text) <= TARGET_CHARS + 20 for c in chunks)
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))
    for before, after in itertools.pairwise(chunks):  # the last sentence repeats
        last = before.text.rsplit(". ", 1)[-1]
        assert after.text.removeprefix("Условия\n").startswith(last.rstrip("."))
    assert all(s in " ".join(c.text for c in chunks) for s in sentences)


def test_paragraphs_stay_whole_when_they_fit_and_giant_words_are_cut() -> None:
    assert split_text("Первый абзац.\n\nВторой абзац.") == ["Первый абзац. Второй абзац."]
    pieces = split_text("x" * 2000)
    assert all(len(p) <= TARGET_CHARS for p in pieces) and "".join(pieces) == "x" * 2000


def test_listing_is_one_chunk() -> None:
    parsed = ParsedDocument(DocumentKind.LISTING, sections=[Section("", "Диван — 34 990 ₽")])
    assert [(c.kind, c.text) for c in chunk(parsed)] == [(ChunkKind.LISTING, "Диван — 34 990 ₽")]
