"""Data staff import a sign-in sheet, fix the row it refuses, and see the attendance."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from contacts.models import Contact, ImportBatch
from crm.roles import Role
from events.models import Attendance
from tests.e2e.conftest import log_in
from tests.factories import ContactFactory, EventFactory, UserFactory

HEADER = "Name,Email,Phone,ZIP\n"
KNOWN = "Ana Garcia,ANA@example.org,,98101\n"
NEW = "Bao Nguyen,bao@example.org,,98118\n"


def upload(page, name: str, content: str) -> None:
    page.get_by_label("Spreadsheet (.xlsx or .csv)").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content.encode()}]
    )
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", name="Match the columns")).to_be_visible()
    page.get_by_role("button", name="Check every row").click()
    expect(page.get_by_role("heading", name="What each row would do")).to_be_visible()


def test_data_staff_fix_a_refused_row_import_the_sheet_and_see_the_attendance(
    browsing, axe_check
):
    UserFactory(username="dana", role=Role.DATA_STAFF, is_staff=True)
    known = ContactFactory(
        first_name="Ana", last_name="Garcia", email="ana@example.org"
    )
    event = EventFactory(name="School board watch party")
    page = browsing.page()
    log_in(page, "dana")

    page.goto(f"/events/{event.pk}/data/import/")
    expect(
        page.get_by_role("heading", name=re.compile("Import a sign-in sheet"))
    ).to_be_visible()
    axe_check(page)
    upload(page, "sheet.csv", HEADER + KNOWN + "Bao Nguyen,bao@example.org,,981\n")
    axe_check(page)

    expect(page.get_by_text(re.compile(r"1 with errors"))).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Bao Nguyen"))).to_contain_text(
        "“981” is not a ZIP code"
    )
    expect(page.get_by_role("button", name="Import all rows")).to_have_count(0)
    assert not Attendance.objects.filter(event=event).exists()

    page.goto(f"/events/{event.pk}/data/import/")
    upload(page, "sheet-fixed.csv", HEADER + KNOWN + NEW)
    expect(page.get_by_text(re.compile(r"0 with errors"))).to_be_visible()
    page.get_by_role("button", name="Import all rows").click()
    expect(page.get_by_role("heading", name="What each row did")).to_be_visible()
    axe_check(page)

    page.goto(f"/events/{event.pk}/")
    roster = page.locator("#roster")
    expect(roster).to_contain_text("Roster: 2 attended")
    expect(roster).to_contain_text("Ana Garcia")
    expect(roster).to_contain_text("Bao Nguyen")
    axe_check(page)

    batches = ImportBatch.objects.filter(event_pk=event.pk).order_by("pk")
    assert [b.status for b in batches] == [
        ImportBatch.Status.PREVIEWED,
        ImportBatch.Status.COMMITTED,
    ]
    rows = Attendance.objects.filter(event=event)
    assert {a.contact_id for a in rows} == {
        known.pk,
        Contact.objects.get(email="bao@example.org").pk,
    }
    assert {a.source for a in rows} == {Attendance.Source.IMPORT}
