"""The import commands: dry runs change nothing; errors name the row and column."""
# mypy: disable-error-code="misc"

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from contacts.models import Contact, ImportBatch
from events.models import Attendance
from tests.data.helpers import PEOPLE, csv_bytes, xlsx_bytes
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_import_contacts_dry_run_reports_and_imports_nothing(tmp_path):
    path = tmp_path / "people.xlsx"
    path.write_bytes(xlsx_bytes(PEOPLE))
    out = StringIO()
    call_command("import_contacts", str(path), "--dry-run", stdout=out)
    assert "3 to create" in out.getvalue()
    assert Contact.objects.count() == 0
    assert ImportBatch.objects.count() == 0


def test_import_contacts_imports_and_refuses_a_file_with_a_bad_row(tmp_path):
    good = tmp_path / "people.csv"
    good.write_bytes(csv_bytes(PEOPLE))
    call_command("import_contacts", str(good), stdout=StringIO())
    assert Contact.objects.count() == 3

    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([["First name", "Email"], ["Dee", "nope"]]))
    err = StringIO()
    with pytest.raises(CommandError, match=r"row 2: column B \(Email\)"):
        call_command("import_contacts", str(bad), stdout=StringIO(), stderr=err)
    assert "Row 2: column B (Email)" in err.getvalue()
    assert Contact.objects.count() == 3


def test_import_contacts_names_a_missing_file():
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_contacts", "/nonexistent/people.csv")


def test_import_attendance_records_attendance_with_source_import(tmp_path):
    event = EventFactory()
    path = tmp_path / "signin.csv"
    path.write_bytes(csv_bytes(PEOPLE))
    call_command("import_attendance", str(event.pk), str(path), stdout=StringIO())
    rows = Attendance.objects.filter(event=event)
    assert rows.count() == 3
    assert set(rows.values_list("source", flat=True)) == {Attendance.Source.IMPORT}


def test_import_attendance_dry_run_and_unknown_event(tmp_path):
    event = EventFactory()
    path = tmp_path / "signin.csv"
    path.write_bytes(csv_bytes(PEOPLE))
    call_command(
        "import_attendance", str(event.pk), str(path), "--dry-run", stdout=StringIO()
    )
    assert not Attendance.objects.exists()
    with pytest.raises(CommandError, match="No event"):
        call_command("import_attendance", "999999", str(path))
