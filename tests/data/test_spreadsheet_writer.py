"""The streamed .xlsx writer and the CSV lines: files that open cleanly, typed
cells, and text that can never run as a formula."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from xml.etree import ElementTree

from django.utils import timezone
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from contacts.spreadsheets import (
    FORMULA_TRIGGERS,
    MAX_CELL_CHARS,
    Column,
    XlsxWriter,
    csv_rows,
)

HOSTILE = [
    "=1+2",
    "+SUM(A1)",
    "-2+3",
    "@cmd",
    "\tTAB",
    "\rCR",
    '=HYPERLINK("http://evil.example","x")',
    " =spaced",
]


def workbook_bytes(*sheets: tuple[str, list[Column], list[list], list[str]]) -> bytes:
    writer = XlsxWriter()
    for title, columns, rows, notes in sheets:
        writer.sheet(title, columns, rows, notes=notes)
    return writer.save_to_tempfile().read()


def test_every_part_is_well_formed_xml_and_declared():
    data = workbook_bytes(
        (
            "People & <friends>",
            [Column("A"), Column("B", 20, "0.0%")],
            [[1, 0.5]],
            ["t"],
        ),
        ("Second", [Column("C")], [["x"]], []),
    )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        for name in names:
            ElementTree.fromstring(archive.read(name))  # noqa: S314 - our own file
        types = archive.read("[Content_Types].xml").decode()
    assert {"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"} <= set(names)
    for part in ("workbook", "styles", "worksheets/sheet1", "worksheets/sheet2"):
        assert f'PartName="/xl/{part}.xml"' in types
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["People & <friends>", "Second"]
    assert load_workbook(io.BytesIO(data), read_only=True).sheetnames == [
        "People & <friends>",
        "Second",
    ]


def test_cells_keep_their_types_and_formats(settings):
    settings.TIME_ZONE = "America/Los_Angeles"
    aware = datetime(2026, 3, 1, 20, 30, tzinfo=UTC)
    columns = [
        Column("Number", 10),
        Column("Count", 10, "#,##0"),
        Column("Share", 10, "0.0%"),
        Column("Text"),
        Column("When"),
        Column("Day"),
    ]
    rows = [
        [7, 1234, 0.25, "plain", aware, date(2026, 3, 1)],
        [True, Decimal("2.5"), 1.5, gettext_lazy("Roster"), None, ""],
        [False, None, float("nan"), object(), datetime(2026, 1, 2, 3, 4), 3],
    ]
    sheet = load_workbook(
        io.BytesIO(workbook_bytes(("Data", columns, rows, [])))
    ).active
    assert [c.value for c in sheet[1]] == [str(c.heading) for c in columns]
    first, second, third = sheet[2], sheet[3], sheet[4]
    assert first[0].value == 7 and first[0].data_type == "n"
    assert first[1].value == 1234 and first[1].number_format == "#,##0"
    assert first[2].value == 0.25 and first[2].number_format == "0.0%"
    assert first[3].value == "plain"
    # Local time, as the people list shows it.
    assert first[4].value == timezone.localtime(aware).replace(tzinfo=None)
    assert first[4].number_format == "yyyy-mm-dd hh:mm"
    assert first[5].is_date and first[5].value.date() == date(2026, 3, 1)
    assert first[5].number_format == "yyyy-mm-dd"
    assert second[0].value is True and second[0].data_type == "b"
    assert second[1].value == 2.5 and second[1].number_format == "#,##0"
    assert second[3].value == "Roster"
    assert second[4].value is None and second[5].value is None
    assert third[0].value is False and third[1].value is None
    assert third[2].value == "nan"  # not a number Excel could hold: text
    assert third[3].value.startswith("<object object")
    assert third[4].value == datetime(2026, 1, 2, 3, 4)
    assert third[5].value == 3


def test_every_text_cell_is_neutralised_escaped_and_kept_whole():
    awkward = [
        "a & b < c > d",
        "bell\x07and\x00nul",
        "  both ends  ",
        "tab\tinside",
        "line\nbreak",
        "émoji 🎉 ünïcödé",
        "x" * (MAX_CELL_CHARS + 10),
    ]
    values = HOSTILE + awkward
    data = workbook_bytes(
        ("Sheet", [Column("Value")], [[value] for value in values], ["=note", "n"])
    )
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["A1"].value == "'=note" and sheet["A1"].font.b
    read = [sheet.cell(row=r, column=1).value for r in range(5, 5 + len(values))]
    for cell in sheet.iter_rows():
        for c in cell:
            assert c.data_type != "f", c.coordinate
            if isinstance(c.value, str):
                assert not c.value.startswith(FORMULA_TRIGGERS), c.value
    # XML reads a carriage return as a line feed; it stays neutralised.
    assert read[: len(HOSTILE)] == [
        ("'" + v if v.startswith(FORMULA_TRIGGERS) else v).replace("\r", "\n")
        for v in HOSTILE
    ]
    assert read[len(HOSTILE) :] == [
        "a & b < c > d",
        "bellandnul",  # characters XML cannot hold are dropped
        "  both ends  ",
        "tab\tinside",
        "line\nbreak",
        "émoji 🎉 ünïcödé",
        "x" * MAX_CELL_CHARS,
    ]


def test_header_notes_widths_filter_and_frozen_rows():
    columns = [Column("ID", 8), Column("Email", 28)]
    data = workbook_bytes(
        ("People", columns, [[1, "a@example.org"], [2, "b@example.org"]], ["T", "F"])
    )
    sheet = load_workbook(io.BytesIO(data)).active
    header = 4  # two notes, a blank row
    assert sheet["A1"].font.b and not sheet["A2"].font.b
    assert [c.value for c in sheet[header]] == ["ID", "Email"]
    assert all(c.font.b for c in sheet[header])
    assert sheet.freeze_panes == f"A{header + 1}"
    assert sheet.auto_filter.ref == f"A{header}:B{header + 2}"
    assert sheet.column_dimensions["B"].width == 28
    assert sheet.max_row == header + 2


def test_sheet_titles_are_ones_excel_accepts():
    data = workbook_bytes(
        ("What? [draft]: a/b", [Column("A")], [], []),
        ("What? [draft]: a/b", [Column("A")], [], []),
        ("A" * 40, [Column("A")], [], []),
    )
    titles = load_workbook(io.BytesIO(data)).sheetnames
    assert titles[0] == "What- -draft-- a-b"
    assert titles[1] == "What- -draft-- a-b1"
    assert titles[2] == "A" * 31


def test_an_empty_workbook_still_opens():
    data = XlsxWriter().save_to_tempfile().read()
    assert load_workbook(io.BytesIO(data)).sheetnames == ["Sheet"]


def test_rows_wider_than_the_columns_are_written_whole():
    data = workbook_bytes(("S", [Column("A")], [[1, "b", date(2026, 1, 1)]], []))
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["B2"].value == "b" and sheet["C2"].is_date


def test_csv_lines_quote_and_neutralise_like_the_csv_module(settings):
    settings.TIME_ZONE = "UTC"
    columns = [Column("A"), Column("=B"), Column("C")]
    rows = [
        ["plain", 1, True],
        ["comma, inside", 'a "quote"', False],
        ["line\nbreak", "\rCR", None],
        [*HOSTILE[:3]],
        [datetime(2026, 3, 1, 20, 30, tzinfo=UTC), date(2026, 3, 1), 2.5],
        ["", Decimal("1.10"), gettext_lazy("Roster")],
    ]
    text = "".join(csv_rows(columns, rows))
    assert text.startswith("\ufeff")
    read = list(csv.reader(io.StringIO(text[1:], newline="")))
    assert read == [
        ["A", "'=B", "C"],
        ["plain", "1", "Yes"],
        ["comma, inside", 'a "quote"', "No"],
        ["line\nbreak", "'\rCR", ""],
        ["'=1+2", "'+SUM(A1)", "'-2+3"],
        ["2026-03-01 20:30", "2026-03-01", "2.5"],
        ["", "1.10", "Roster"],
    ]
    expected = io.StringIO()
    csv.writer(expected).writerows(read)
    assert text[1:] == expected.getvalue()


def test_text_that_looks_like_excels_own_escapes_stays_as_typed():
    # Excel reads _x0041_ in a cell's text as "A"; escaping its underscore
    # (_x005F_) keeps the text as typed.
    data = workbook_bytes(("S", [Column("A")], [["x_x0041_y"], ["max_x"]], []))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<t>x_x005F_x0041_y</t>" in sheet
    assert "<t>max_x</t>" in sheet
