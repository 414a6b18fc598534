"""Reading spreadsheets people bring in, and writing ones that open cleanly.

Shared by imports and exports (people lists, rosters, report workbooks):

- `read_table()` turns an uploaded .xlsx or .csv (UTF-8 with or without BOM, or
  Windows-1252; comma, semicolon or tab) into a header and numbered rows, refusing
  bad files with a `SpreadsheetError` whose message says what is wrong and the
  limit involved.
- `neutralise()` stops a cell from being run as a formula by a spreadsheet.
- `XlsxWriter`/`csv_rows()` write typed, neutralised cells in bounded memory.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

# Defaults; each can be overridden in settings.
DEFAULT_MAX_BYTES = 30 * 1024 * 1024
DEFAULT_MAX_ROWS = 100_000
DEFAULT_MAX_UNCOMPRESSED_BYTES = 300 * 1024 * 1024

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
HEADER_SCAN_ROWS = 10


def max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_FILE_BYTES", DEFAULT_MAX_BYTES))


def max_rows() -> int:
    return int(getattr(settings, "IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def max_uncompressed_bytes() -> int:
    return int(
        getattr(
            settings, "IMPORT_MAX_UNCOMPRESSED_BYTES", DEFAULT_MAX_UNCOMPRESSED_BYTES
        )
    )


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.0f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


class SpreadsheetError(Exception):
    """The file cannot be read as a table; the message is shown to the person."""


def column_letter(index: int) -> str:
    """Spreadsheet column name for a 0-based index (0 -> A)."""
    return get_column_letter(index + 1)


@dataclass
class Table:
    """A header and the rows under it, numbered as the spreadsheet numbers them."""

    headers: list[str]
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    header_row: int = 1

    def column_name(self, index: int) -> str:
        header = self.headers[index] if index < len(self.headers) else ""
        letter = column_letter(index)
        return f"{letter} ({header})" if header else letter


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def normalise_header(text: str) -> str:
    """Header as compared: lower case, letters and digits only."""
    return re.sub(r"[^0-9a-z]+", "", text.casefold())


# --------------------------------------------------------------------------- reading


def read_table(
    data: IO[bytes],
    *,
    filename: str = "",
    known_headers: Iterable[str] = (),
    header_only: bool = False,
) -> Table:
    """Read the first sheet of an .xlsx or a .csv upload into a `Table`.

    `known_headers` (normalised) help find the header row when a title sits above
    it, as on many sign-in sheets. `header_only` stops after the header and the
    first row (a quick check at upload; the full read happens in the background).
    """
    data.seek(0, io.SEEK_END)
    size = data.tell()
    data.seek(0)
    limit = max_bytes()
    if size > limit:
        raise SpreadsheetError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": human_size(size), "limit": human_size(limit)}
        )
    if size == 0:
        raise SpreadsheetError(_("The file is empty."))
    head = data.read(8)
    data.seek(0)
    if head.startswith(OLE_MAGIC):
        raw = data.read()
        data.seek(0)
        if "EncryptedPackage".encode("utf-16-le") in raw:
            raise SpreadsheetError(
                _(
                    "The workbook is password-protected. Remove the password "
                    "(or save a copy without one) and upload it again."
                )
            )
        raise SpreadsheetError(
            _(
                "This is an old Excel (.xls) file. Save it as .xlsx or .csv and "
                "upload it again."
            )
        )
    if head.startswith(ZIP_MAGIC):
        raw_rows = _xlsx_rows(data)
    else:
        if filename.lower().endswith((".xlsx", ".xlsm", ".xls", ".ods")):
            raise SpreadsheetError(
                _("The file is not a readable spreadsheet (is it damaged?).")
            )
        raw_rows = _csv_rows(data)
    return _build_table(raw_rows, set(known_headers), header_only=header_only)


def _xlsx_rows(data: IO[bytes]) -> Iterator[list[Any]]:
    try:
        archive = zipfile.ZipFile(data)
    except (zipfile.BadZipFile, OSError) as exc:
        raise SpreadsheetError(
            _("The file is not a readable spreadsheet (is it damaged?).")
        ) from exc
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names:
        raise SpreadsheetError(
            _(
                "The file is a compressed archive, not an Excel workbook. Upload an "
                ".xlsx or .csv file."
            )
        )
    expanded = sum(info.file_size for info in archive.infolist())
    limit = max_uncompressed_bytes()
    if expanded > limit:
        raise SpreadsheetError(
            _(
                "The workbook expands to %(size)s when opened; the limit is "
                "%(limit)s. Split it into smaller files."
            )
            % {"size": human_size(expanded), "limit": human_size(limit)}
        )
    data.seek(0)
    try:
        workbook = load_workbook(data, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise SpreadsheetError(
            _("The file is not a readable spreadsheet (is it damaged?).")
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    except SpreadsheetError:
        raise
    except Exception as exc:
        raise SpreadsheetError(
            _("The workbook could not be read to the end (is it damaged?).")
        ) from exc
    finally:
        workbook.close()


def decode_text(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252."""
    if b"\x00" in raw[:4096]:
        raise SpreadsheetError(
            _("The file is not a spreadsheet. Upload an .xlsx or .csv file.")
        )
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise SpreadsheetError(
            _(
                "The file's text encoding is not recognised. Save it as CSV "
                "(UTF-8) and upload it again."
            )
        ) from exc


def _csv_rows(data: IO[bytes]) -> Iterator[list[Any]]:
    text = decode_text(data.read())
    first_line = text.split("\n", 1)[0]
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: counts[d])
    if counts[delimiter] == 0:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as exc:
        raise SpreadsheetError(
            _("The CSV file could not be read: %(error)s") % {"error": exc}
        ) from exc


def _build_table(
    raw_rows: Iterator[list[Any]], known: set[str], *, header_only: bool = False
) -> Table:
    limit = max_rows()
    leading: list[tuple[int, list[Any]]] = []
    rows_iter = enumerate(raw_rows, start=1)
    # Find the header: the first row naming two known columns within the first
    # few rows, else the first non-empty row.
    header_at: int | None = None
    for number, values in rows_iter:
        leading.append((number, values))
        if known and sum(
            1 for v in values if not _blank(v) and normalise_header(str(v)) in known
        ) >= min(2, len(known)):
            header_at = len(leading) - 1
            break
        if len(leading) >= HEADER_SCAN_ROWS:
            break
    if header_at is None:
        header_at = next(
            (i for i, (_n, v) in enumerate(leading) if any(not _blank(x) for x in v)),
            None,
        )
    if header_at is None:
        raise SpreadsheetError(_("The file is empty."))
    header_number, header_values = leading[header_at]
    headers = [
        "" if _blank(v) else str(v).strip().lstrip("\ufeff") for v in header_values
    ]
    while headers and not headers[-1]:
        headers.pop()
    if not any(headers):
        raise SpreadsheetError(_("The file has no header row."))
    if known and not any(normalise_header(h) in known for h in headers):
        looks_like_data = next(
            (h for h in headers if "@" in h or re.fullmatch(r"[\d\s()+.-]{5,}", h)),
            None,
        )
        if looks_like_data:
            raise SpreadsheetError(
                _(
                    "The file has no header row: the first row holds data "
                    "(“%(value)s”), not column names. Add a row of column names "
                    "at the top."
                )
                % {"value": looks_like_data}
            )
    seen: dict[str, str] = {}
    for index, header in enumerate(headers):
        if not header:
            continue
        key = normalise_header(header) or header
        if key in seen:
            raise SpreadsheetError(
                _(
                    "The header row repeats a column name: “%(name)s” appears in "
                    "column %(first)s and column %(second)s. Give each column its "
                    "own name."
                )
                % {"name": header, "first": seen[key], "second": column_letter(index)}
            )
        seen[key] = column_letter(index)
    table = Table(headers=headers, header_row=header_number)
    remaining: Iterable[tuple[int, list[Any]]] = leading[header_at + 1 :]
    for number, values in _chain(remaining, rows_iter):
        if all(_blank(v) for v in values):
            continue
        table.rows.append((number, values))
        if header_only:
            break
        if len(table.rows) > limit:
            raise SpreadsheetError(
                _("The file has more than %(limit)s rows; split it into smaller files.")
                % {"limit": f"{limit:,}"}
            )
    if not table.rows:
        raise SpreadsheetError(_("The file has a header row but no rows under it."))
    return table


def _chain(
    first: Iterable[tuple[int, list[Any]]], second: Iterator[tuple[int, list[Any]]]
) -> Iterator[tuple[int, list[Any]]]:
    yield from first
    yield from second


# --------------------------------------------------------------------------- writing


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def excel_value(value: Any) -> Any:
    """A value as a typed, safe spreadsheet cell (dates and numbers stay typed)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float, Decimal)):
        return value
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return value
    return neutralise(str(value))


@dataclass
class Column:
    """One output column: its heading and approximate width in characters."""

    heading: str | Promise
    width: int = 16
    number_format: str | None = None


class XlsxWriter:
    """A write-only .xlsx workbook: rows go to disk as written (bounded memory).

    Each sheet gets its notes (title, filters, method) on top, then a bold,
    frozen header row with a filter, sensible widths and typed cells.
    """

    def __init__(self) -> None:
        self.workbook = Workbook(write_only=True)
        self.bold = Font(bold=True)
        self.wrap = Alignment(wrap_text=False)

    def sheet(
        self,
        title: str,
        columns: Sequence[Column],
        rows: Iterable[Sequence[Any]],
        *,
        notes: Sequence[str] = (),
    ) -> int:
        """Write a sheet; returns how many data rows were written."""
        ws = self.workbook.create_sheet(title=title[:31])
        for index, column in enumerate(columns):
            ws.column_dimensions[column_letter(index)].width = column.width
        header_row = len(notes) + (2 if notes else 1)
        ws.freeze_panes = f"A{header_row + 1}"
        for note_index, note in enumerate(notes):
            cell = WriteOnlyCell(ws, value=neutralise(note))
            if note_index == 0:
                cell.font = self.bold
            ws.append([cell])
        if notes:
            ws.append([])
        header_cells = []
        for column in columns:
            cell = WriteOnlyCell(ws, value=neutralise(str(column.heading)))
            cell.font = self.bold
            header_cells.append(cell)
        ws.append(header_cells)
        formats = [column.number_format for column in columns]
        count = 0
        for row in rows:
            out: list[Any] = []
            for index, value in enumerate(row):
                value = excel_value(value)
                fmt = formats[index] if index < len(formats) else None
                if fmt is None and isinstance(value, datetime):
                    fmt = "yyyy-mm-dd hh:mm"
                elif fmt is None and isinstance(value, date):
                    fmt = "yyyy-mm-dd"
                if fmt and value is not None:
                    cell = WriteOnlyCell(ws, value=value)
                    cell.number_format = fmt
                    out.append(cell)
                else:
                    out.append(value)
            ws.append(out)
            count += 1
        last_column = column_letter(max(len(columns), 1) - 1)
        ws.auto_filter.ref = f"A{header_row}:{last_column}{header_row + count}"
        return count

    def save_to_tempfile(self) -> IO[bytes]:
        """Save and return an open temporary file positioned at the start."""
        handle = tempfile.TemporaryFile()  # noqa: SIM115 - returned to the caller
        self.workbook.save(handle)
        handle.seek(0)
        return handle


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_rows(columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """CSV lines (UTF-8 BOM first, so Excel reads accents), neutralised cells."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow([neutralise(str(column.heading)) for column in columns])
    yes_no = {True: str(_("Yes")), False: str(_("No"))}  # translated once
    for row in rows:
        yield writer.writerow([_csv_cell(value, yes_no) for value in row])


def _csv_cell(value: Any, yes_no: dict[bool, str] | None = None) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        if yes_no is not None:
            return yes_no[value]
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float, Decimal)):
        return value
    return neutralise(str(value))
