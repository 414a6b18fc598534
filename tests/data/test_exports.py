"""Exports: typed cells, no formulas from data, the filters on the sheet."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from contacts.spreadsheets import FORMULA_TRIGGERS, neutralise
from tests.conftest import client_for
from tests.factories import (
    AttendanceFactory,
    ContactFactory,
    EventFactory,
    TagFactory,
    county,
)

pytestmark = pytest.mark.django_db

HOSTILE = ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR"]


def _download(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _export(user, query: str = ""):
    response = client_for(user).get(f"/data/export/people/?{query}")
    assert response.status_code == 200, response.content[:500]
    return response


@pytest.mark.parametrize("value", HOSTILE)
def test_neutralise_prefixes_anything_a_spreadsheet_would_run(value):
    assert neutralise(value) == "'" + value
    assert neutralise("Ana") == "Ana"
    assert neutralise(-5) == -5


def test_hostile_cells_come_out_neutralised_in_xlsx_and_csv(data_staff):
    for index, value in enumerate(HOSTILE):
        ContactFactory(first_name=value, last_name=f"Hostile{index}", notes=value)

    workbook = load_workbook(io.BytesIO(_download(_export(data_staff))))
    sheet = workbook.active
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
            if isinstance(cell.value, str):
                assert not cell.value.startswith(FORMULA_TRIGGERS), cell.value
    first_names = [
        sheet.cell(row=r, column=2).value for r in range(7, sheet.max_row + 1)
    ]
    # XML turns a lone carriage return into a line feed; it stays neutralised.
    assert set(first_names) == {"'" + v.replace("\r", "\n") for v in HOSTILE}

    text = _download(_export(data_staff, "format=csv")).decode("utf-8-sig")
    for row in csv.reader(io.StringIO(text)):
        for value in row:
            assert not value.startswith(FORMULA_TRIGGERS), value


def test_exported_workbook_has_typed_cells_bold_frozen_header_and_the_filters(
    data_staff,
):
    person = ContactFactory(
        first_name="Ana",
        last_name="García",
        legislative_district=37,
        consent_email=True,
        consent_date=date(2026, 3, 1),
        county=county("king"),
    )
    person.tags.add(TagFactory(name="parents"))
    ContactFactory(first_name="Yakima", county=county("yakima"))
    king = county("king").pk

    response = _export(data_staff, f"county={king}&format=xlsx")
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(_download(response))).active

    assert sheet["A1"].value == "People"
    assert sheet["A2"].value == "Filters: County: King"
    header_row = 6
    headers = [c.value for c in sheet[header_row]]
    assert headers[:3] == ["ID", "First name", "Last name"]
    assert all(c.font.b for c in sheet[header_row] if c.value)
    assert sheet.freeze_panes == f"A{header_row + 1}"
    assert sheet.auto_filter.ref.startswith(f"A{header_row}:")
    assert sheet.column_dimensions["F"].width >= 20  # email
    data = {h: c.value for h, c in zip(headers, sheet[header_row + 1], strict=False)}
    assert sheet.max_row == header_row + 1  # only the King County person
    assert data["ID"] == person.pk
    assert data["Legislative district"] == 37
    assert data["May email"] is True
    assert data["Consent date"].date() == date(2026, 3, 1)
    assert sheet.cell(
        row=header_row + 1, column=headers.index("Consent date") + 1
    ).is_date
    assert data["Tags"] == "parents"


def test_self_identification_is_exported_only_to_roles_that_may_see_it(
    data_staff, administrator
):
    ContactFactory(categories=["ASIAN"])
    sheet = load_workbook(io.BytesIO(_download(_export(data_staff)))).active
    assert "Race/ethnicity categories" in [c.value for c in sheet[6]]


def test_exporting_people_takes_the_same_queries_however_many_rows(
    data_staff, django_assert_num_queries, monkeypatch
):
    from contacts import exports
    from contacts.exports import contact_columns, contact_rows, export_queryset
    from contacts.models import Contact

    def run() -> int:
        columns = contact_columns(include_self_id=True)
        queryset = export_queryset(Contact.objects.all(), include_self_id=True)
        return len(list(contact_rows(queryset, [g for _c, g in columns])))

    # Read in chunks of 5, so 22 people are five chunks.
    monkeypatch.setattr(exports, "CHUNK", 5)
    ContactFactory.create_batch(2)
    # people, then other languages, roles, tags, categories, groups, each read
    # alongside the people in their order
    with django_assert_num_queries(6):
        assert run() == 2
    ContactFactory.create_batch(20)
    with django_assert_num_queries(6):
        assert run() == 22


def test_event_roster_and_attendance_lists_export_as_xlsx_and_csv(data_staff):
    event = EventFactory(name="Spring meeting")
    came = AttendanceFactory(event=event, contact=ContactFactory(first_name="=Ana"))
    AttendanceFactory(event=event, status="registered")
    client = client_for(data_staff)

    roster = client.get(f"/events/{event.pk}/data/export/roster/")
    assert roster.status_code == 200
    sheet = load_workbook(io.BytesIO(_download(roster))).active
    assert sheet["A1"].value == "Roster: Spring meeting"
    header_row = 6
    assert sheet.max_row == header_row + 2
    attended = client.get(f"/events/{event.pk}/data/export/attendance/?format=csv")
    lines = list(csv.reader(io.StringIO(_download(attended).decode("utf-8-sig"))))
    assert len(lines) == 2
    assert lines[1][0] == str(came.contact_id)
    assert lines[1][1] == "'=Ana"
    assert client.get(f"/events/{event.pk}/data/export/other/").status_code == 404
