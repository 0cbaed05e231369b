"""The export files, written row by row in constant memory and handed out in chunks as they
fill (CSV) or once the workbook is closed (XLSX: openpyxl's write-only mode keeps each sheet in
a temporary file, zipped at the end into another one read back chunk by chunk)."""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import re
import tempfile
from collections.abc import Iterator, Sequence
from typing import Protocol

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from gateway.exports.rows import CONVERSATION_HEADER, MESSAGE_HEADER, Cell

CHUNK_BYTES = 1 << 20  # the size of a stored chunk of a file (export_chunks.data)
# A cell a spreadsheet would run as a formula (CSV injection): CSV prefixes it with "'".
_FORMULA = re.compile(r"^[=+\-@\t\r]")
MEDIA_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "csv": "text/csv; charset=utf-8"}


class ExportWriter(Protocol):
    def message(self, row: Sequence[Cell]) -> None: ...
    def conversation(self, row: Sequence[Cell]) -> None: ...
    def ready(self) -> Iterator[bytes]: ...  # full chunks written so far
    def finish(self) -> Iterator[bytes]: ...  # the rest of the file
    def discard(self) -> None: ...  # a job that failed: its temporary files removed


class CsvWriter:
    """One file of messages: UTF-8 with a BOM (Excel then reads Cyrillic), `;` between fields
    (Excel's list separator in Russian locales), fields with `;`, quotes or line breaks
    quoted; times as YYYY-MM-DD HH:MM:SS in the export's zone."""

    def __init__(self) -> None:
        self._text = io.StringIO()
        self._csv = csv.writer(self._text, delimiter=";", lineterminator="\r\n")
        self._out = bytearray(codecs.BOM_UTF8)
        self._csv.writerow(MESSAGE_HEADER)

    def message(self, row: Sequence[Cell]) -> None:
        self._csv.writerow([_csv_cell(v) for v in row])
        if self._text.tell() >= CHUNK_BYTES // 4:
            self._move()

    def conversation(self, row: Sequence[Cell]) -> None:
        """CSV holds messages only: each row names its conversation's buyer and listing."""

    def _move(self) -> None:
        self._out += self._text.getvalue().encode()
        self._text.seek(0)
        self._text.truncate()

    def ready(self) -> Iterator[bytes]:
        while len(self._out) >= CHUNK_BYTES:
            yield bytes(self._out[:CHUNK_BYTES])
            del self._out[:CHUNK_BYTES]

    def finish(self) -> Iterator[bytes]:
        self._move()
        yield from self.ready()
        if self._out:
            yield bytes(self._out)
            self._out.clear()


    def discard(self) -> None:
        self._out.clear()


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if _FORMULA.match(value) else value
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


class XlsxWriter:
    """Two sheets, "Диалоги" (a conversation a row) and "Сообщения" (a message a row), with
    frozen headers; every text cell is a string (never a formula), stripped of the control
    characters XML cannot hold."""

    def __init__(self) -> None:
        self._book = Workbook(write_only=True)
        self._conversations = self._sheet("Диалоги", CONVERSATION_HEADER, [38, 38, 24, 40, 12])
        self._messages = self._sheet("Сообщения", MESSAGE_HEADER, [20, 38, 38, 24, 40, 12, 14, 80])

    def _sheet(self, title: str, header: Sequence[str], widths: list[int]) -> WriteOnlyWorksheet:
        sheet = self._book.create_sheet(title)
        sheet.freeze_panes = "A2"
        for i, width in enumerate(widths):
            sheet.column_dimensions[chr(ord("A") + i)].width = width
        sheet.append(list(header))
        return sheet

    def _cells(self, sheet: WriteOnlyWorksheet, row: Sequence[Cell]) -> list[object]:
        cells: list[object] = []
        for value in row:
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", value))
                cell.data_type = "s"  # "=..." from a buyer stays text
            elif hasattr(value, "strftime"):
                cell = WriteOnlyCell(sheet, value)
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
            else:
                cell = WriteOnlyCell(sheet, value)
            cells.append(cell)
        return cells

    def message(self, row: Sequence[Cell]) -> None:
        self._messages.append(self._cells(self._messages, row))

    def conversation(self, row: Sequence[Cell]) -> None:
        self._conversations.append(self._cells(self._conversations, row))

    def ready(self) -> Iterator[bytes]:
        return iter(())  # a zip is only whole at the end

    def finish(self) -> Iterator[bytes]:
        with tempfile.TemporaryFile() as file:
            self._book.save(file)
            file.seek(0)
            while chunk := file.read(CHUNK_BYTES):
                yield chunk


    def discard(self) -> None:
        """openpyxl removes a sheet's temporary file when it saves, else at exit only."""
        for sheet in (self._conversations, self._messages):
            if sheet._writer is None:
                continue
            with contextlib.suppress(Exception):  # closed already (a save that failed)
                sheet.close()  # ends the sheet's XML and closes its file
            with contextlib.suppress(OSError, ValueError):
                sheet._writer.cleanup()


def writer_for(fmt: str) -> ExportWriter:
    return XlsxWriter() if fmt == "xlsx" else CsvWriter()
