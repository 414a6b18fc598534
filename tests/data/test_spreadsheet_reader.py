"""Reading uploads: the fast sheet reader gives what openpyxl gives, and streamed
tables read the file as they go, refusing what is over the limits on the way."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from contacts.spreadsheets import SpreadsheetError, _Source, _xlsx_rows, read_table
from tests.data.helpers import csv_bytes, xlsx_bytes


def openpyxl_rows(content: bytes) -> list[tuple[int, list[Any]]]:
    """Rows as openpyxl's read-only mode gives them (trailing blanks dropped)."""
    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    rows = []
    for number, row in enumerate(
        workbook.worksheets[0].iter_rows(values_only=True), start=1
    ):
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        rows.append((number, values))
    workbook.close()
    return rows


def fast_rows(content: bytes) -> list[tuple[int, list[Any]]]:
    return list(_xlsx_rows(io.BytesIO(content), _Source()))


def with_sheet(content: bytes, sheet: bytes) -> bytes:
    """The workbook with its first sheet's XML replaced."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = sheet
            archive.writestr(info, data)
    return out.getvalue()


def test_cells_of_every_kind_read_as_openpyxl_reads_them():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "First name",
            12,
            3.5,
            True,
            dt.date(2026, 3, 1),
            dt.datetime(2026, 3, 1, 9, 30),
            dt.time(9, 30),
            "=1+2",
            "  spaced  ",
            "ünïcode ß & <tags>",
            None,
            "last",
        ]
    )
    sheet.append([])
    sheet["C5"] = "after a gap"
    sheet["A7"] = 1e20
    sheet["B7"] = -0.0001
    sheet["D7"] = "line\nbreak"
    sheet["AB7"] = 2065550101
    buffer = io.BytesIO()
    workbook.save(buffer)
    content = buffer.getvalue()

    assert fast_rows(content) == openpyxl_rows(content)


def test_inline_strings_from_a_streamed_writer_read_as_openpyxl_reads_them():
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["a", 1, None, "b"])
    sheet.append([None])
    sheet.append(["c", dt.date(2020, 1, 1)])
    buffer = io.BytesIO()
    workbook.save(buffer)

    assert fast_rows(buffer.getvalue()) == openpyxl_rows(buffer.getvalue())


def test_rich_text_errors_formulas_and_cells_without_references():
    sheet = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<sheetData>
<row r="2"><c r="B2" t="inlineStr"><is><r><t>Ri</t></r><r><rPr/><t
 xml:space="preserve">ch </t></r><rPh sb="0" eb="1"><t>PHONETIC</t></rPh></is></c
><c t="e"><v>#N/A</v></c><c t="str"><f>A1</f><v>formula text</v></c><c t="b"
><v>1</v></c><c t="d"><v>2026-03-01T10:00:00</v></c></row>
<row><c><v>7</v></c><c r="D3" t="inlineStr"><is><t>plain</t></is></c><c r="E3"
 t="inlineStr"/><c r="F3" t="inlineStr"><is/></c><c r="G3"><v></v></c></row>
<row r="5"><c r="AA5" t="inlineStr"><is><t>&amp;&lt;x&gt; &#233;</t></is></c></row>
<row r="4"><c r="A4"><v>1</v></c></row>
</sheetData></worksheet>"""
    content = with_sheet(xlsx_bytes([["x"]]), sheet)

    rows = fast_rows(content)
    assert rows == openpyxl_rows(content)
    assert rows[1] == (
        2,
        [None, "Rich ", "#N/A", "formula text", True, dt.datetime(2026, 3, 1, 10)],
    )
    assert [number for number, _values in rows] == [1, 2, 3, 4, 5]


def test_a_sheet_declaring_entities_is_refused():
    sheet = b"""<?xml version="1.0"?>
<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<sheetData><row r="1"><c t="inlineStr"><is><t>&a;</t></is></c></row></sheetData>
</worksheet>"""
    content = with_sheet(xlsx_bytes([["x"]]), sheet)
    with pytest.raises(SpreadsheetError, match="not a readable spreadsheet"):
        fast_rows(content)


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_streamed_table_reads_every_row_once(kind: str):
    rows = [["First name", "Email"]] + [
        [f"P{i}", f"p{i}@example.org"] for i in range(50)
    ]
    content = xlsx_bytes(rows) if kind == "xlsx" else csv_bytes(rows)
    table = read_table(
        io.BytesIO(content),
        filename=f"people.{kind}",
        known_headers={"firstname"},
        stream=True,
    )

    assert table.headers == ["First name", "Email"]
    assert len(table.rows) == 1  # only the first row is read up front
    assert 40 <= table.size_hint <= 60
    assert [number for number, _values in table.iter_rows()] == list(range(2, 52))
    assert list(table.iter_rows()) == [(2, ["P0", "p0@example.org"])]


def test_a_streamed_table_refuses_rows_over_the_limit_as_it_reaches_them(settings):
    settings.IMPORT_MAX_ROWS = 3
    rows = [["First name"]] + [[f"P{i}"] for i in range(5)]
    table = read_table(io.BytesIO(csv_bytes(rows)), stream=True)
    seen = []
    with pytest.raises(SpreadsheetError, match="more than 3 rows"):
        for number, _values in table.iter_rows():
            seen.append(number)
    assert seen == [2, 3, 4]
