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
import math
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any
from xml.parsers import expat

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.numbers import BUILTIN_FORMATS_REVERSE
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel, from_ISO8601

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
    # About how many rows there are (from the file's own count when streamed).
    size_hint: int = 0
    # Streamed tables: the rows after `rows`, read as they are iterated.
    rest: Iterator[tuple[int, list[Any]]] | None = field(default=None, repr=False)

    def iter_rows(self) -> Iterator[tuple[int, list[Any]]]:
        """Every row under the header, in order (a streamed table only once)."""
        yield from self.rows
        if self.rest is not None:
            rest, self.rest = self.rest, None
            yield from rest

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

NumberedRow = tuple[int, list[Any]]


def read_table(
    data: IO[bytes],
    *,
    filename: str = "",
    known_headers: Iterable[str] = (),
    header_only: bool = False,
    stream: bool = False,
) -> Table:
    """Read the first sheet of an .xlsx or a .csv upload into a `Table`.

    `known_headers` (normalised) help find the header row when a title sits above
    it, as on many sign-in sheets. `header_only` stops after the header and the
    first row (a quick check at upload; the full read happens in the background).
    `stream` reads only the header and the first row now and the rest as
    `Table.iter_rows()` goes (once; `data` must stay open until then), so a large
    file is never held in memory; limits found later raise from the iteration.
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
    source = _Source()
    if head.startswith(ZIP_MAGIC):
        raw_rows = _xlsx_rows(data, source)
    else:
        if filename.lower().endswith((".xlsx", ".xlsm", ".xls", ".ods")):
            raise SpreadsheetError(
                _("The file is not a readable spreadsheet (is it damaged?).")
            )
        raw_rows = _csv_rows(data, source)
    return _build_table(
        raw_rows, set(known_headers), source, header_only=header_only, stream=stream
    )


@dataclass
class _Source:
    """What a reader learns about its file on the way (for progress)."""

    size_hint: int = 0


def _xlsx_rows(data: IO[bytes], source: _Source) -> Iterator[NumberedRow]:
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
        workbook = _WorkbookParts(data)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise SpreadsheetError(
            _("The file is not a readable spreadsheet (is it damaged?).")
        ) from exc
    try:
        parser = SheetParser(
            workbook.shared_strings,
            workbook.date_styles,
            workbook.duration_styles,
            workbook.epoch,
        )
        with workbook.open_first_sheet() as handle:
            yield from parser.rows(handle, source, workbook.sheet_size)
    except SpreadsheetError:
        raise
    except Exception as exc:
        raise SpreadsheetError(
            _("The workbook could not be read to the end (is it damaged?).")
        ) from exc
    finally:
        workbook.close()


class _WorkbookParts:
    """What reading a workbook's first sheet needs, found by openpyxl's reader:
    which part is that sheet, the shared strings, the styles that are dates.

    openpyxl's `load_workbook` would also read every sheet once through just to
    size it when the file does not say its size (many generated files do not);
    the sheet's cells are read by `SheetParser` instead.
    """

    def __init__(self, data: IO[bytes]) -> None:
        reader = ExcelReader(data, read_only=True, data_only=True)
        self.archive = reader.archive
        try:
            reader.read_manifest()
            reader.read_strings()
            reader.read_workbook()
            apply_stylesheet(reader.archive, reader.wb)
        except Exception:
            self.close()
            raise
        self.shared_strings: list[str] = reader.shared_strings
        self.date_styles: set[int] = set(reader.wb._date_formats)
        self.duration_styles: set[int] = set(reader.wb._timedelta_formats)
        self.epoch: datetime = reader.wb.epoch
        # The first worksheet, as openpyxl's `workbook.worksheets[0]`.
        self.sheet_path = next(
            (
                rel.target
                for _sheet, rel in reader.parser.find_sheets()
                if rel.target in reader.valid_files and "chartsheet" not in rel.Type
            ),
            None,
        )

    @property
    def sheet_size(self) -> int:
        """The first sheet's part, uncompressed, in bytes."""
        if self.sheet_path is None:
            return 0
        return self.archive.getinfo(self.sheet_path).file_size

    def open_first_sheet(self) -> IO[bytes]:
        if self.sheet_path is None:
            raise SpreadsheetError(_("The file is empty."))
        return self.archive.open(self.sheet_path)

    def close(self) -> None:
        self.archive.close()


_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_ROW, _CELL, _VALUE, _INLINE, _TEXT, _PHONETIC, _DIMENSION = (
    f"{_MAIN_NS} {name}" for name in ("row", "c", "v", "is", "t", "rPh", "dimension")
)
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz$"
_DIGITS = "0123456789"


class SheetParser:
    """Reads a worksheet part's rows with expat, as openpyxl's read-only mode would
    give them with `values_only=True` and `data_only=True` (cached formula results,
    dates as dates, shared and inline strings as text; phonetic guides left out).
    """

    def __init__(
        self,
        shared_strings: Sequence[str],
        date_styles: Iterable[int],
        duration_styles: Iterable[int],
        epoch: datetime,
    ) -> None:
        self.shared_strings = shared_strings
        self.date_styles = set(date_styles)
        self.duration_styles = set(duration_styles)
        self.epoch = epoch
        self.columns: dict[str, int] = {}

    def column(self, reference: str) -> int:
        """0-based column of a cell reference ("C7" -> 2)."""
        letters = reference.rstrip(_DIGITS)
        index = self.columns.get(letters)
        if index is None:
            index = 0
            for letter in letters.upper():
                index = index * 26 + ord(letter) - 64
            self.columns[letters] = index = index - 1
        return index

    def value(self, kind: str, style: str | None, text: str) -> Any:
        if kind == "n":
            number: int | float = (
                float(text)
                if ("." in text or "e" in text or "E" in text)
                else int(text)
            )
            if style and int(style) in self.date_styles:
                try:
                    return from_excel(
                        number,
                        self.epoch,
                        timedelta=int(style) in self.duration_styles,
                    )
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if kind == "s":
            return self.shared_strings[int(text)]
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            return from_ISO8601(text)
        return text  # "str" (a formula's text), "e" (an error such as #N/A)

    def rows(
        self, handle: IO[bytes], source: _Source | None = None, size: int = 0
    ) -> Iterator[NumberedRow]:
        """Every row number from 1 to the last, with its values (none if empty).

        `source.size_hint` is set to the sheet's last row as the file states it,
        else to an estimate from the part's `size` in bytes.
        """
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        parser.buffer_size = 1 << 16
        # A worksheet never declares entities; refusing them rules out entity
        # expansion attacks whatever the expat version.
        parser.StartDoctypeDeclHandler = _refuse_doctype
        parser.EntityDeclHandler = _refuse_doctype

        done: list[NumberedRow] = []
        row: list[Any] = []
        row_number = 0
        last_yielded = 0
        column = -1
        kind = "n"
        style: str | None = None
        text: list[str] | None = None  # collecting a <v> or <t>
        parts: list[str] = []
        cell_text: str | None = None
        inline = False
        phonetic = False
        column_of = self.column

        def start(name: str, attrs: dict[str, str]) -> None:
            nonlocal row, row_number, column, kind, style, text, parts
            nonlocal cell_text, inline, phonetic
            if name == _CELL:
                reference = attrs.get("r")
                column = column_of(reference) if reference else column + 1
                kind = attrs.get("t", "n")
                style = attrs.get("s")
                cell_text = None
                inline = False
            elif name == _VALUE:
                text = parts = []
            elif name == _TEXT:
                if inline and not phonetic:
                    text = parts
            elif name == _INLINE:
                inline = True
                parts = []
            elif name == _PHONETIC:
                phonetic = True
            elif name == _DIMENSION and source is not None:
                last = attrs.get("ref", "").rpartition(":")[2].lstrip(_LETTERS)
                if last.isdigit():
                    source.size_hint = int(last)
            elif name == _ROW:
                number = attrs.get("r")
                row_number = int(float(number)) if number else row_number + 1
                row = []
                column = -1

        def end(name: str) -> None:
            nonlocal text, cell_text, inline, phonetic, last_yielded
            if name == _CELL:
                if inline:
                    value: Any = "".join(parts)
                elif cell_text:
                    value = self.value(kind, style, cell_text)
                else:
                    value = None
                if value is not None:
                    if column >= len(row):
                        row.extend([None] * (column + 1 - len(row)))
                    row[column] = value
                inline = False
            elif name == _VALUE:
                cell_text = "".join(parts)
                text = None
            elif name == _TEXT:
                text = None
            elif name == _PHONETIC:
                phonetic = False
            elif name == _ROW and row_number > last_yielded:
                for gap in range(last_yielded + 1, row_number):
                    done.append((gap, []))
                done.append((row_number, row))
                last_yielded = row_number

        def characters(data: str) -> None:
            if text is not None:
                text.append(data)

        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = characters
        try:
            while chunk := handle.read(1 << 16):
                parser.Parse(chunk, False)
                if source is not None and not source.size_hint and done and size:
                    per_row = parser.CurrentByteIndex / done[-1][0]
                    source.size_hint = round(size / per_row)
                yield from done
                done.clear()
            parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise SpreadsheetError(
                _("The workbook could not be read to the end (is it damaged?).")
            ) from exc
        yield from done


def _refuse_doctype(*_args: Any) -> None:
    raise SpreadsheetError(
        _("The file is not a readable spreadsheet (is it damaged?).")
    )


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


def _csv_rows(data: IO[bytes], source: _Source) -> Iterator[NumberedRow]:
    text = decode_text(data.read())
    source.size_hint = text.count("\n")
    first_line = text.split("\n", 1)[0]
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: counts[d])
    if counts[delimiter] == 0:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        raise SpreadsheetError(
            _("The CSV file could not be read: %(error)s") % {"error": exc}
        ) from exc


def _build_table(
    raw_rows: Iterator[NumberedRow],
    known: set[str],
    source: _Source,
    *,
    header_only: bool = False,
    stream: bool = False,
) -> Table:
    leading: list[NumberedRow] = []
    # Find the header: the first row naming two known columns within the first
    # few rows, else the first non-empty row.
    header_at: int | None = None
    for number, values in raw_rows:
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
    data_rows = _data_rows(_chain(leading[header_at + 1 :], raw_rows))
    table = Table(headers=headers, header_row=header_number)
    first = next(data_rows, None)
    if first is None:
        raise SpreadsheetError(_("The file has a header row but no rows under it."))
    table.rows.append(first)
    if header_only:
        return table
    if stream:
        table.size_hint = max(source.size_hint - header_number, 1)
        table.rest = data_rows
    else:
        table.rows.extend(data_rows)
        table.size_hint = len(table.rows)
    return table


def _data_rows(rows: Iterator[NumberedRow]) -> Iterator[NumberedRow]:
    """The rows that hold something, refusing more than the limit."""
    limit = max_rows()
    count = 0
    for number, values in rows:
        if all(_blank(v) for v in values):
            continue
        count += 1
        if count > limit:
            raise SpreadsheetError(
                _("The file has more than %(limit)s rows; split it into smaller files.")
                % {"limit": f"{limit:,}"}
            )
        yield number, values


def _chain(
    first: Iterable[NumberedRow], second: Iterator[NumberedRow]
) -> Iterator[NumberedRow]:
    yield from first
    yield from second


# --------------------------------------------------------------------------- writing

# Characters XML 1.0 cannot hold (dropped), and text Excel would read as an
# escape of its own (_x0041_ is "A" to Excel; its underscore is escaped).
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_EXCEL_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
# Anything but plain text (checked before writing a cell as it is); with a
# "_x" in it, _text_cell writes it (one character class is quicker to search).
_NEEDS_ESCAPING = re.compile(r"[&<>\x00-\x1f\ud800-\udfff\ufffe\uffff]")
_TRIGGER_CHARS = frozenset(FORMULA_TRIGGERS)
_XML_SPACE = " \t\n\r"  # what XML may trim from the ends of a text
MAX_CELL_CHARS = 32_767  # Excel's limit for one cell
EXCEL_EPOCH = date(1899, 12, 30).toordinal()
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
SHEET_TITLE_FORBIDDEN = re.compile(r"[\\*?:/\[\]]")


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


def excel_serial(value: date) -> float | int:
    """A date or (naive) datetime as Excel's day number (1900 date system)."""
    days = value.toordinal() - EXCEL_EPOCH
    if 0 < days <= 60:  # Excel counts a 29 February 1900 that never was
        days -= 1
    if isinstance(value, datetime):
        seconds = value.hour * 3600 + value.minute * 60 + value.second
        return days + (seconds * 1_000_000 + value.microsecond) / 86_400_000_000
    return days


def _escape(text: str) -> str:
    """Text made safe as the content of an XML element or attribute."""
    text = _XML_ILLEGAL.sub("", text)
    text = _EXCEL_ESCAPE.sub(r"_x005F_\1", text)
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
    )


def _text_cell(ref: str, style: str, text: str) -> str:
    """A text cell (inline string), neutralised; empty text writes nothing.

    The row writer inlines the common case (nothing to neutralise or escape).
    """
    text = neutralise(_XML_ILLEGAL.sub("", text))[:MAX_CELL_CHARS]
    if not text:
        return ""
    space = ""
    if text[0] in _XML_SPACE or text[-1] in _XML_SPACE:
        space = ' xml:space="preserve"'
    return (
        f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{_escape(text)}</t></is></c>'
    )


def _cell(
    ref: str, value: Any, style: str, dates: str, datetimes: str, local: Any
) -> str:
    """Any value but text, whole numbers and true/false (written inline):
    dates and times (local time), decimals, fractions, lazy text, objects."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(local).replace(tzinfo=None)
        return f'<c r="{ref}"{style or datetimes}><v>{excel_serial(value)}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}"{style or dates}><v>{excel_serial(value)}</v></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{style} t="b"><v>{1 if value else 0}</v></c>'
    if isinstance(value, int):
        return f'<c r="{ref}"{style}><v>{int(value)}</v></c>'
    if isinstance(value, float) and math.isfinite(value):
        return f'<c r="{ref}"{style}><v>{value!r}</v></c>'
    if isinstance(value, Decimal) and value.is_finite():
        return f'<c r="{ref}"{style}><v>{value}</v></c>'
    text = str(value)
    return _text_cell(ref, style, text) if text else ""


def _sheet_title(title: str, taken: set[str]) -> str:
    """A title Excel accepts: no []:*?/\\, at most 31 characters, not repeated."""
    title = SHEET_TITLE_FORBIDDEN.sub("-", _XML_ILLEGAL.sub("", title)).strip("'")
    title = title[:31] or "Sheet"
    candidate, number = title, 1
    while candidate.casefold() in taken:
        suffix = str(number)
        candidate = title[: 31 - len(suffix)] + suffix
        number += 1
    taken.add(candidate.casefold())
    return candidate


@dataclass
class _Sheet:
    title: str
    filter_range: str  # $A$6:$H$106, the header row and the rows under it

    def filter_name(self) -> str:
        """The filtered range as Excel names it: 'People'!$A$6:$H$106."""
        return "'{}'!{}".format(self.title.replace("'", "''"), self.filter_range)


XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"


class XlsxWriter:
    """A streamed .xlsx workbook: rows go to disk as written (bounded memory).

    Each sheet gets its notes (title, filters, method) on top, then a bold,
    frozen header row with a filter, sensible widths and typed cells: numbers,
    true/false and dates (local time) stay typed; every text cell is
    neutralised. The cells are written as XML straight away (tens of times
    faster than a general-purpose library cell by cell), text inline so nothing
    accumulates in memory.
    """

    def __init__(self) -> None:
        self.handle: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - returned
        self.archive = zipfile.ZipFile(
            self.handle, "w", zipfile.ZIP_DEFLATED, compresslevel=1
        )
        self.sheets: list[_Sheet] = []
        self.titles: set[str] = set()
        # Cell formats: (bold, number format) -> index in styles.xml.
        self.styles: dict[tuple[bool, str | None], int] = {(False, None): 0}

    def style(self, *, bold: bool = False, number_format: str | None = None) -> str:
        """The s="..." attribute of a cell in this format ("" for the default)."""
        key = (bold, number_format)
        if key not in self.styles:
            self.styles[key] = len(self.styles)
        index = self.styles[key]
        return f' s="{index}"' if index else ""

    def sheet(
        self,
        title: str,
        columns: Sequence[Column],
        rows: Iterable[Sequence[Any]],
        *,
        notes: Sequence[str] = (),
    ) -> int:
        """Write a sheet; returns how many data rows were written."""
        title = _sheet_title(str(title), self.titles)
        letters = [column_letter(index) for index in range(max(len(columns), 1))]
        bold = self.style(bold=True)
        header_row = len(notes) + (2 if notes else 1)
        top: list[str] = []
        for number, note in enumerate(notes, start=1):
            cell = _text_cell(f"A{number}", bold if number == 1 else "", str(note))
            top.append(f'<row r="{number}">{cell}</row>')
        heading = "".join(
            _text_cell(f"{letters[index]}{header_row}", bold, str(column.heading))
            for index, column in enumerate(columns)
        )
        top.append(f'<row r="{header_row}">{heading}</row>')
        with tempfile.TemporaryFile() as body:
            body.write("".join(top).encode())
            count = self._write_rows(body, rows, columns, letters, header_row + 1)
            last_row = header_row + count
            last = letters[len(columns) - 1] if columns else "A"
            filter_ref = f"A{header_row}:{last}{last_row}"
            head = self._sheet_head(
                columns, header_row, f"A1:{last}{last_row}", first=not self.sheets
            )
            tail = (
                f'</sheetData><autoFilter ref="{filter_ref}"/>'
                '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" '
                'header="0.3" footer="0.3"/></worksheet>'
            ).encode()
            self.sheets.append(_Sheet(title, f"$A${header_row}:${last}${last_row}"))
            info = zipfile.ZipInfo(
                f"xl/worksheets/sheet{len(self.sheets)}.xml", (1980, 1, 1, 0, 0, 0)
            )
            info.compress_type = zipfile.ZIP_DEFLATED
            info.file_size = len(head) + body.tell() + len(tail)
            body.seek(0)
            with self.archive.open(info, "w") as part:
                part.write(head)
                shutil.copyfileobj(body, part, 1 << 20)
                part.write(tail)
        return count

    def _write_rows(
        self,
        out: IO[bytes],
        rows: Iterable[Sequence[Any]],
        columns: Sequence[Column],
        letters: list[str],
        first: int,
    ) -> int:
        """The data rows as XML; the common cells (text, whole numbers,
        true/false, empty) are written inline, the rest by `_cell`."""
        formats = [self.style(number_format=c.number_format) for c in columns]
        width = len(formats)
        letters = letters[:width]
        dates = self.style(number_format=DATE_FORMAT)
        datetimes = self.style(number_format=DATETIME_FORMAT)
        local = timezone.get_current_timezone()
        needs_escaping = _NEEDS_ESCAPING.search
        # Text starting with these is neutralised or keeps its spaces, text
        # ending in a space keeps it (tabs and line ends are caught as control
        # characters): they go through _text_cell.
        special_start = _TRIGGER_CHARS | frozenset(_XML_SPACE)
        pending: list[str] = []
        count = 0
        for count, row in enumerate(rows, start=1):
            if len(row) > width:  # more values than columns: no heading, no format
                letters += [column_letter(i) for i in range(width, len(row))]
                formats += [""] * (len(row) - width)
                width = len(row)
            r = str(first + count - 1)
            cells = [f'<row r="{r}">']
            add = cells.append
            for index, value in enumerate(row):
                kind = type(value)
                if kind is str:
                    if not value:
                        continue
                    if (
                        value[0] in special_start
                        or value[-1] == " "
                        or len(value) > MAX_CELL_CHARS
                        or needs_escaping(value)
                        or "_x" in value
                    ):
                        add(_text_cell(letters[index] + r, formats[index], value))
                    else:
                        add(
                            f'<c r="{letters[index]}{r}"{formats[index]} '
                            f't="inlineStr"><is><t>{value}</t></is></c>'
                        )
                elif value is None:
                    continue
                elif kind is int:
                    add(
                        f'<c r="{letters[index]}{r}"{formats[index]}><v>{value}</v></c>'
                    )
                elif kind is bool:
                    add(
                        f'<c r="{letters[index]}{r}"{formats[index]} t="b">'
                        f"<v>{1 if value else 0}</v></c>"
                    )
                elif kind is date and value.toordinal() - EXCEL_EPOCH > 60:
                    add(
                        f'<c r="{letters[index]}{r}"{formats[index] or dates}>'
                        f"<v>{value.toordinal() - EXCEL_EPOCH}</v></c>"
                    )
                else:
                    add(
                        _cell(
                            letters[index] + r,
                            value,
                            formats[index],
                            dates,
                            datetimes,
                            local,
                        )
                    )
            add("</row>")
            pending.append("".join(cells))
            if len(pending) >= 500:
                out.write("".join(pending).encode("utf-8", "replace"))
                pending.clear()
        out.write("".join(pending).encode("utf-8", "replace"))
        return count

    def _sheet_head(
        self, columns: Sequence[Column], header_row: int, dimension: str, *, first: bool
    ) -> bytes:
        widths = "".join(
            f'<col min="{index}" max="{index}" width="{column.width}" customWidth="1"/>'
            for index, column in enumerate(columns, start=1)
        )
        below = f"A{header_row + 1}"
        selected = ' tabSelected="1"' if first else ""
        return (
            f'{XML_HEAD}<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
            f'<dimension ref="{dimension}"/>'
            f'<sheetViews><sheetView{selected} workbookViewId="0">'
            f'<pane ySplit="{header_row}" topLeftCell="{below}" '
            'activePane="bottomLeft" state="frozen"/>'
            f'<selection pane="bottomLeft" activeCell="{below}" sqref="{below}"/>'
            "</sheetView></sheetViews>"
            '<sheetFormatPr defaultRowHeight="15"/>'
            f"{f'<cols>{widths}</cols>' if widths else ''}<sheetData>"
        ).encode()

    def save_to_tempfile(self) -> IO[bytes]:
        """Finish the workbook and return it: an open temporary file positioned
        at the start."""
        if not self.sheets:
            self.sheet("Sheet", [], [])
        write = self.archive.writestr
        write("[Content_Types].xml", self._content_types())
        write("_rels/.rels", self._package_rels())
        write("docProps/core.xml", self._core())
        write("xl/workbook.xml", self._workbook())
        write("xl/_rels/workbook.xml.rels", self._workbook_rels())
        write("xl/styles.xml", self._styles())
        self.archive.close()
        self.handle.seek(0)
        return self.handle

    def _content_types(self) -> str:
        sheets = "".join(
            f'<Override PartName="/xl/worksheets/sheet{number}.xml" '
            f'ContentType="{CONTENT_TYPE}.worksheet+xml"/>'
            for number in range(1, len(self.sheets) + 1)
        )
        return (
            f"{XML_HEAD}<Types "
            'xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            f'ContentType="{CONTENT_TYPE}.sheet.main+xml"/>'
            f"{sheets}"
            '<Override PartName="/xl/styles.xml" '
            f'ContentType="{CONTENT_TYPE}.styles+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            "</Types>"
        )

    def _package_rels(self) -> str:
        return (
            f'{XML_HEAD}<Relationships xmlns="{PACKAGE_REL_NS}">'
            f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" '
            'Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/'
            'package/2006/relationships/metadata/core-properties" '
            'Target="docProps/core.xml"/>'
            "</Relationships>"
        )

    def _core(self) -> str:
        now = f"{timezone.now():%Y-%m-%dT%H:%M:%SZ}"
        return (
            f"{XML_HEAD}<cp:coreProperties "
            'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified>'
            "</cp:coreProperties>"
        )

    def _workbook(self) -> str:
        sheets = "".join(
            f'<sheet name="{_escape(sheet.title)}" sheetId="{number}" '
            f'r:id="rId{number}"/>'
            for number, sheet in enumerate(self.sheets, start=1)
        )
        filters = "".join(
            '<definedName name="_xlnm._FilterDatabase" '
            f'localSheetId="{index}" hidden="1">'
            f"{_escape(sheet.filter_name())}</definedName>"
            for index, sheet in enumerate(self.sheets)
        )
        return (
            f'{XML_HEAD}<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
            '<workbookPr/><bookViews><workbookView activeTab="0"/></bookViews>'
            f"<sheets>{sheets}</sheets><definedNames>{filters}</definedNames>"
            '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
        )

    def _workbook_rels(self) -> str:
        sheets = "".join(
            f'<Relationship Id="rId{number}" Type="{REL_NS}/worksheet" '
            f'Target="worksheets/sheet{number}.xml"/>'
            for number in range(1, len(self.sheets) + 1)
        )
        styles = len(self.sheets) + 1
        return (
            f'{XML_HEAD}<Relationships xmlns="{PACKAGE_REL_NS}">{sheets}'
            f'<Relationship Id="rId{styles}" Type="{REL_NS}/styles" '
            'Target="styles.xml"/></Relationships>'
        )

    def _styles(self) -> str:
        custom: dict[str, int] = {}
        formats = []
        for bold, number_format in self.styles:
            number = 0
            if number_format is not None:
                number = BUILTIN_FORMATS_REVERSE.get(number_format, -1)
                if number < 0:
                    number = custom.setdefault(number_format, 164 + len(custom))
            formats.append(
                f'<xf numFmtId="{number}" fontId="{1 if bold else 0}" fillId="0" '
                f'borderId="0" xfId="0"{' applyNumberFormat="1"' if number else ""}'
                f"{' applyFont="1"' if bold else ''}/>"
            )
        number_formats = "".join(
            f'<numFmt numFmtId="{number}" formatCode="{_escape(code)}"/>'
            for code, number in custom.items()
        )
        font = '<sz val="11"/><name val="Calibri"/><family val="2"/>'
        return (
            f'{XML_HEAD}<styleSheet xmlns="{MAIN_NS}">'
            + (
                f'<numFmts count="{len(custom)}">{number_formats}</numFmts>'
                if custom
                else ""
            )
            + f'<fonts count="2"><font>{font}</font><font><b/>{font}</font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/>'
            "</border></borders>"
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
            'borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(formats)}">{"".join(formats)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
            "</cellStyles></styleSheet>"
        )


def csv_rows(columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """CSV text (UTF-8 BOM first, so Excel reads accents), neutralised cells.

    Yields the BOM, the header line, then the rows a few hundred lines at a
    time (fewer, larger pieces for the streamed response). A line with nothing
    to quote is joined directly (several times faster than the csv module);
    the csv module writes the others.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    writer.writerow([neutralise(str(column.heading)) for column in columns])
    yield _take(buffer)
    yes_no = {True: str(_("Yes")), False: str(_("No"))}  # translated once
    local = timezone.get_current_timezone()

    triggers = _TRIGGER_CHARS
    write = buffer.write
    pending = 0
    for row in rows:
        # Text, true/false, whole numbers and blanks inline; the rest by _csv_cell.
        cells = [
            (value if value[:1] not in triggers else "'" + value)
            if (kind := type(value)) is str
            else yes_no[value]
            if kind is bool
            else str(value)
            if kind is int
            else ""
            if value is None
            else value.isoformat()
            if kind is date
            else _csv_cell(value, yes_no, local)
            for value in row
        ]
        line = ",".join(cells)
        if (
            '"' in line
            or "\n" in line
            or "\r" in line
            or line.count(",") != len(cells) - 1
            or len(cells) < 2
        ):
            writer.writerow(cells)  # quotes what needs quoting
        else:
            write(line)
            write("\r\n")
        pending += 1
        if pending >= 500:
            yield _take(buffer)
            pending = 0
    if pending:
        yield _take(buffer)


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _csv_cell(
    value: Any, yes_no: dict[bool, str] | None = None, local: Any = None
) -> str:
    """A cell as CSV text: Yes/No, dates as 2026-03-01 (times in local time,
    to the minute), numbers as written, other text neutralised."""
    kind = type(value)
    if kind is int:
        return str(value)
    if value is None:
        return ""
    if kind is bool:
        if yes_no is not None:
            return yes_no[value]
        return str(_("Yes") if value else _("No"))
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(local or timezone.get_current_timezone())
        # "2026-03-01 14:05", as strftime("%Y-%m-%d %H:%M") but several times faster.
        return value.replace(tzinfo=None).isoformat(" ", "minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float, Decimal)):
        return repr(value) if isinstance(value, float) else str(value)
    return str(neutralise(str(value)))
