"""Reading an exported grant workbook back, and data to put in it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import IO, Any

from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from contacts.models import Contact
from events.models import Attendance, Event
from reports.models import Grant, GrantTarget
from tests.factories import (
    ContactFactory,
    OrganizationFactory,
    OutreachFactory,
    ProgramFactory,
    category,
    county,
    language,
)
from tests.reports.helpers import at, event_on

START = dt.date(2026, 3, 1)
END = dt.date(2026, 3, 31)
HOSTILE = {
    "event": '=HYPERLINK("http://evil.example","click")',
    "host": "+SUM(1,2)",
    "recipient": "@cmd|' /C calc'!A0",
    "program": "-2+3",
    "grant": "\tGrant with a tab",
    "funder": "\rFunder with a carriage return",
}


def open_workbook(handle: IO[bytes] | bytes) -> Workbook:
    """Open as Excel would: normal (not read-only) mode, formulas kept."""
    import io

    data = handle if isinstance(handle, bytes) else handle.read()
    return load_workbook(io.BytesIO(data))


def header_row(ws: Worksheet) -> int:
    """The header sits under the notes and one blank row."""
    for row in ws.iter_rows(min_col=1, max_col=1):
        if row[0].value is None:
            return row[0].row + 1
    raise AssertionError(f"No header row on {ws.title}")


def records(ws: Worksheet) -> list[dict[str, Any]]:
    """The sheet's data rows as dicts keyed by the header."""
    top = header_row(ws)
    headers = [cell.value for cell in ws[top]]
    return [
        dict(zip(headers, values, strict=False))
        for values in ws.iter_rows(min_row=top + 1, values_only=True)
    ]


@dataclass
class Story:
    grant: Grant
    youth: Any
    other: Any


def engagement_story() -> Story:
    """People of several communities, counties and languages at events of two
    programs, outreach, a TA session, a cancelled event and hostile names."""
    youth = ProgramFactory(name=HOSTILE["program"])
    other = ProgramFactory(name="Other program")
    grant = Grant.objects.create(
        funder=HOSTILE["funder"],
        name=HOSTILE["grant"],
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    grant.programs.set([youth])
    GrantTarget.objects.create(
        grant=grant, metric=GrantTarget.Metric.ENGAGED_PEOPLE, target=40
    )
    GrantTarget.objects.create(
        grant=grant,
        metric=GrantTarget.Metric.ATTENDANCE,
        target=20,
        community=category("ASIAN"),
    )
    GrantTarget.objects.create(
        grant=grant, metric=GrantTarget.Metric.EVENTS_HELD, target=6
    )
    GrantTarget.objects.create(
        grant=grant,
        metric=GrantTarget.Metric.PEOPLE_REACHED,
        target=3,
        county=county("yakima"),
    )
    host = OrganizationFactory(name=HOSTILE["host"])
    recipient = OrganizationFactory(name=HOSTILE["recipient"])
    meeting = event_on(3, program=youth, name=HOSTILE["event"], head_count=30)
    meeting.host_organizations.set([host])
    meeting.languages_offered.set([language("en"), language("es")])
    session = event_on(10, program=youth, kind=Event.Kind.TA_SESSION, ta_hours=2.5)
    session.ta_recipients.set([recipient])
    elsewhere = event_on(12, program=other)
    cancelled = event_on(14, program=youth, status=Event.Status.CANCELLED)
    april = event_on(2, month=4, program=youth)

    people = [
        *(
            ContactFactory(categories=["ASIAN"], preferred_language=language("vi"))
            for _ in range(4)
        ),
        ContactFactory(categories=["ASIAN", "BLACK"], county=county("yakima")),
        ContactFactory(categories=["HISPANIC", "WHITE"], county=None),
        ContactFactory(
            categories=["MENA"], preferred_language=language("es"), county=None
        ),
        ContactFactory(race_ethnicity_status=Contact.SelfIdStatus.DECLINED),
        ContactFactory(race_ethnicity_status=Contact.SelfIdStatus.NOT_ASKED),
    ]
    for person in people:
        Attendance.objects.create(contact=person, event=meeting, status="attended")
    for person in people[:3]:
        Attendance.objects.create(contact=person, event=session, status="attended")
        Attendance.objects.create(contact=person, event=elsewhere, status="attended")
    for person in people[3:6]:
        Attendance.objects.create(contact=person, event=cancelled, status="attended")
        Attendance.objects.create(contact=person, event=april, status="attended")
    Attendance.objects.create(contact=people[6], event=session, status="registered")
    reached = ContactFactory(categories=["NHPI"], county=county("yakima"))
    OutreachFactory(contact=reached, occurred_at=at(8), program=youth)
    OutreachFactory(contact=people[0], occurred_at=at(9), program=other)
    archived = ContactFactory(categories=["AIAN"], archived_at=at(1))
    Attendance.objects.create(contact=archived, event=meeting, status="attended")
    return Story(grant=grant, youth=youth, other=other)
