# mypy: disable-error-code="misc,list-item,dict-item"
# (factory_boy instances are seen as factories, not models)
"""The grant report workbook: its numbers are the counting engine's, its cells
are typed and safe, and the external variant hides small numbers."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl.workbook.workbook import Workbook

from contacts.models import Contact
from events.models import Attendance
from reports import metrics, summary
from reports.metrics import Filters, fast
from reports.models import Tabulation
from reports.workbook import WorkbookRequest, build_grant_workbook, sheet_titles
from reports.workbook.events import checkins_per_event
from tests.factories import ContactFactory
from tests.reports.helpers import event_on
from tests.reports.workbook_helpers import (
    END,
    HOSTILE,
    START,
    engagement_story,
    header_row,
    open_workbook,
    records,
)

pytestmark = pytest.mark.django_db

SHEETS = [
    "Summary",
    "Race and ethnicity",
    "County",
    "Language",
    "Events",
    "Technical assistance",
    "Targets and progress",
    "Definitions and notes",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def workbook(**kwargs: Any) -> Workbook:
    return open_workbook(
        build_grant_workbook(WorkbookRequest(start=START, end=END, **kwargs))
    )


def summary_values(book: Workbook) -> dict[str, Any]:
    return {r["Item"]: r["Value"] for r in records(book["Summary"])}


def by_code(rows: list[dict[str, Any]], *, tabulation: str = "") -> dict[str, Any]:
    return {
        r["Code"]: r for r in rows if not tabulation or r["Tabulation"] == tabulation
    }


def assert_rows_match(rows: dict[str, Any], table: metrics.Table) -> None:
    expected = {row.key: row for row in table.rows}
    assert set(rows) == set(expected) | {"TOTAL"}
    for key, row in expected.items():
        assert rows[key]["Engaged people"] == row.people, key
        assert rows[key]["Check-ins"] == row.attendance, key
        assert rows[key]["Share of engaged people"] == pytest.approx(row.share), key
    assert rows["TOTAL"]["Engaged people"] == table.total_people
    assert rows["TOTAL"]["Check-ins"] == table.total_attendance


@pytest.mark.parametrize("with_grant", [False, True])
def test_every_number_in_the_internal_workbook_is_the_engines(with_grant: bool):
    story = engagement_story()
    grant = story.grant if with_grant else None
    f = Filters(start=START, end=END, programs=(story.youth.pk,) if grant else ())

    book = workbook(grant=grant)

    headline = metrics.headline(f)
    assert headline.engaged_people > 0 and headline.attendance > 0
    summary = summary_values(book)
    assert summary["Engaged people"] == headline.engaged_people
    assert summary["Attendance (check-ins)"] == headline.attendance
    assert (
        summary["Attendees (unique people per event, summed over events)"]
        == headline.attendees
    )
    assert summary["Unique people at events"] == headline.unique_attendees
    assert summary["People reached by outreach"] == headline.people_reached
    assert summary["Events with check-ins"] == headline.events
    race = records(book["Race and ethnicity"])
    for method in Tabulation:
        assert_rows_match(
            by_code(race, tabulation=str(method.label)),
            metrics.breakdown(f, "race_ethnicity", method.value),
        )
    assert_rows_match(by_code(records(book["County"])), metrics.breakdown(f, "county"))
    assert_rows_match(
        by_code(records(book["Language"])), metrics.breakdown(f, "language")
    )
    events = records(book["Events"])
    assert sum(r["Check-ins"] for r in events) == headline.attendance
    assert sum(1 for r in events if r["Check-ins"]) == headline.events


def test_targets_and_progress_are_the_engines_as_of_the_period_end():
    story = engagement_story()

    rows = records(workbook(grant=story.grant)["Targets and progress"])

    progress = metrics.grant_progress(metrics.grants_for_progress(), END)
    assert [(r["Target"], r["So far"], r["Target number"]) for r in rows] == [
        (p.label, p.value, p.target) for p in progress
    ]
    assert all(r["Counted to"].date() == END for r in rows)
    assert [r["Status"] for r in rows] == [p.status_label for p in progress]
    assert {r["So far"] for r in rows} != {0}


def test_events_held_target_counts_the_events_the_events_sheet_lists():
    story = engagement_story()

    book = workbook(grant=story.grant)

    held = next(
        r for r in records(book["Targets and progress"]) if r["Target"] == "Events held"
    )
    # Grant progress counts from the grant's start; the report starts 1 March
    # and the grant on 1 January with nothing before March.
    assert held["So far"] == len(records(book["Events"]))


def test_the_workbook_has_exactly_the_sheets_with_bold_frozen_filtered_headers():
    engagement_story()

    book = workbook()

    assert book.sheetnames == SHEETS == sheet_titles()
    for ws in book.worksheets:
        top = header_row(ws)
        assert ws.freeze_panes == f"A{top + 1}", ws.title
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith(f"A{top}:")
        assert all(cell.font.bold for cell in ws[top] if cell.value), ws.title
        assert ws["A1"].value == ws.title
        assert ws.column_dimensions["A"].width and ws.column_dimensions["A"].width > 8
        notes = " ".join(str(ws.cell(row=r, column=1).value) for r in range(1, top))
        assert "Period: 2026-03-01 to 2026-03-31" in notes, ws.title
        assert "Filters:" in notes and "internal variant" in notes, ws.title
        assert "Method:" in notes, ws.title


def test_cells_are_typed_never_numbers_or_dates_stored_as_text():
    engagement_story()

    book = workbook()

    numeric_columns = {
        "Engaged people",
        "Share of engaged people",
        "Check-ins",
        "Head count",
        "TA hours",
        "So far",
        "Target number",
    }
    for ws in book.worksheets:
        for row in records(ws):
            for column, value in row.items():
                if column in numeric_columns and value is not None:
                    assert isinstance(value, int | float), (ws.title, column, value)
                if isinstance(value, str):
                    assert not re.fullmatch(r"[\d.,%\s-]+", value), (ws.title, value)
                    assert not re.fullmatch(r"\d{4}-\d\d-\d\d.*", value), value
    summary = summary_values(book)
    assert summary["Period start"] == dt.datetime(2026, 3, 1)
    assert isinstance(summary["Engaged people"], int)
    first_event = records(book["Events"])[0]
    assert first_event["Starts"] == dt.datetime(2026, 3, 3, 18, 0)
    assert first_event["Virtual"] is False
    ta = records(book["Technical assistance"])
    assert [r["TA hours"] for r in ta] == [2.5]


def test_no_cell_is_a_formula_and_hostile_names_come_out_neutralised():
    story = engagement_story()

    book = workbook(grant=story.grant)

    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_START), (
                        ws.title,
                        cell.coordinate,
                        cell.value,
                    )
    event = records(book["Events"])[0]
    assert event["Event"] == "'" + HOSTILE["event"]
    assert event["Host organizations"] == "'" + HOSTILE["host"]
    assert event["Program"] == "'" + HOSTILE["program"]
    ta = records(book["Technical assistance"])[0]
    assert ta["Organizations receiving TA"] == "'" + HOSTILE["recipient"]
    target = records(book["Targets and progress"])[0]
    assert target["Grant"] == "'" + HOSTILE["grant"]
    # XML stores a carriage return as a line feed; the apostrophe still leads.
    assert target["Funder"].startswith("'")
    assert target["Funder"][1:].strip() == HOSTILE["funder"].strip()


def test_the_workbook_names_no_person():
    engagement_story()
    named = ContactFactory(first_name="Zebulon", last_name="Quixote", email="zq@ex.org")
    Attendance.objects.create(contact=named, event=event_on(20), status="attended")

    book = workbook()

    text = " ".join(
        str(value)
        for ws in book.worksheets
        for row in ws.iter_rows(values_only=True)
        for value in row
        if value is not None
    )
    assert "Zebulon" not in text and "Quixote" not in text and "zq@ex.org" not in text


def test_internal_workbook_shows_small_numbers_and_says_it_is_internal():
    engagement_story()

    book = workbook()

    assert summary_values(book)["Variant"] == "Internal"
    assert any(r["Engaged people"] in range(1, 10) for r in records(book["County"]))


# ---------------------------------------------------------------- suppression

COUNT_COLUMNS = {"Engaged people", "Check-ins", "Head count", "So far", "Value"}


def suppression_story() -> None:
    """Twelve Asian people at one event, eleven Hispanic at another, three
    Black at a third: only the 3 is small, but complementary suppression must
    hide another count in each column that adds up to a total."""
    for code, n, day in (("ASIAN", 12, 3), ("HISPANIC", 11, 5), ("BLACK", 3, 7)):
        event = event_on(day, head_count=n + 2)
        for _ in range(n):
            person = ContactFactory(categories=[code])
            Attendance.objects.create(contact=person, event=event, status="attended")


def test_external_workbook_shows_no_count_from_1_to_9_and_says_why():
    suppression_story()

    book = workbook(external=True)

    shown = []
    for ws in book.worksheets:
        for row in records(ws):
            for column in COUNT_COLUMNS & set(row):
                value = row[column]
                if isinstance(value, int) and not isinstance(value, bool):
                    assert not 1 <= value <= 9, (ws.title, row, column)
                    shown.append(value)
    # Suppression leaves the big numbers visible: it is not hiding everything.
    assert 12 in shown and 26 in shown
    race = by_code(
        records(book["Race and ethnicity"]), tabulation=str(Tabulation.SINGLE.label)
    )
    assert race["BLACK"]["Engaged people"] is None
    assert race["HISPANIC"]["Engaged people"] is None  # complementary
    assert race["BLACK"]["Share of engaged people"] is None
    assert race["BLACK"]["Note"].startswith("Hidden")
    events = records(book["Events"])
    assert [r["Check-ins"] for r in events] == [12, None, None]
    assert summary_values(book)["Variant"] == "External"
    definitions = {
        r["Term"]: r["Definition"] for r in records(book["Definitions and notes"])
    }
    assert "Counts from 1 to 9 are hidden" in definitions["Small-number suppression"]
    for ws in book.worksheets:
        assert "counts from 1 to 9 are hidden" in str(ws["A6"].value or "") + str(
            ws["A5"].value or ""
        ), ws.title


def test_external_workbook_hides_small_headline_and_target_values():
    story = engagement_story()

    book = workbook(grant=story.grant, external=True)

    summary = records(book["Summary"])
    reached = next(r for r in summary if r["Item"] == "People reached by outreach")
    assert reached["Value"] is None and reached["Note"].startswith("Hidden")
    for row in records(book["Targets and progress"]):
        if row["So far"] is None:
            assert row["Share of target"] is None and row["Note"].startswith("Hidden")


# ---------------------------------------------------------------- queries


def engine_queries(wanted: WorkbookRequest) -> int:
    """Queries the counting engine itself makes for the workbook's numbers."""
    f = wanted.filters()
    with CaptureQueriesContext(connection) as context:
        metrics.headline(f)
        for method in Tabulation.values:
            metrics.breakdown(f, "race_ethnicity", method)
        metrics.breakdown(f, "county")
        metrics.breakdown(f, "language")
        metrics.grant_progress(metrics.grants_for_progress(), wanted.end)
    return len(context.captured_queries)


# The workbook's own queries on top of the engine's: 1 the grant's programs;
# check-ins per event 2 (counted live: every check-in, less those of people
# not counted); external suppression of check-ins per event 1; the events
# sheet 1 + 3 lists (languages offered, interpretation, hosts); the TA sheet
# 1 + 2 lists (TA recipients, hosts).
OWN_QUERIES = 11


def test_building_the_workbook_takes_a_fixed_number_of_queries(
    django_assert_num_queries: Any,
):
    story = engagement_story()

    def wanted() -> WorkbookRequest:
        # A fresh request each time, as each download parses its own.
        return WorkbookRequest(start=START, end=END, grant=story.grant, external=True)

    build_grant_workbook(wanted())  # warm caches (content types)
    expected = engine_queries(wanted()) + OWN_QUERIES

    with django_assert_num_queries(expected):
        build_grant_workbook(wanted())
    for day in (4, 5, 6):
        event = event_on(day, program=story.youth)
        for _ in range(3):
            Attendance.objects.create(
                contact=ContactFactory(categories=["WHITE"]),
                event=event,
                status="attended",
            )
    with django_assert_num_queries(expected):
        build_grant_workbook(wanted())


# ---------------------------------------------------------------- summary


def merged_attendee(story: Any) -> None:
    """Someone merged into another person whose check-in stayed behind (as
    after raw SQL): the engine does not count it."""
    event = event_on(15, program=story.youth)
    kept, merged = ContactFactory(), ContactFactory()
    for person in (kept, merged):
        Attendance.objects.create(contact=person, event=event, status="attended")
    Contact.objects.filter(pk=merged.pk).update(merged_into=kept)


@pytest.mark.parametrize("from_summary", [False, True])
def test_check_ins_per_event_are_the_engines_check_ins_grouped_by_event(
    settings: Any, from_summary: bool
):
    story = engagement_story()
    merged_attendee(story)
    if from_summary:
        settings.CRM_ENGAGEMENT_SUMMARY = True
        summary.rebuild()

    for programs in ((), (story.youth.pk,), (story.other.pk,)):
        f = Filters(start=START, end=END, programs=programs)
        assert fast.covers(f) is from_summary
        with summary.live_counts():
            expected = dict(
                metrics.attendance_records(f)
                .values_list("event_id")
                .annotate(n=Count("pk"))
                .order_by()
            )
        assert expected
        assert checkins_per_event(f) == expected, programs


def sheet_values(book: Workbook) -> dict[str, list[tuple[Any, ...]]]:
    return {
        ws.title: [tuple(row) for row in ws.iter_rows(values_only=True)]
        for ws in book.worksheets
    }


@pytest.mark.parametrize("external", [False, True])
def test_the_workbook_counted_from_the_summary_is_the_live_workbook(
    settings: Any, external: bool
):
    story = engagement_story()
    merged_attendee(story)
    suppression_story()
    now = timezone.now()

    def build() -> dict[str, list[tuple[Any, ...]]]:
        wanted = WorkbookRequest(
            start=START, end=END, grant=story.grant, external=external
        )
        return sheet_values(open_workbook(build_grant_workbook(wanted, now=now)))

    live = build()
    settings.CRM_ENGAGEMENT_SUMMARY = True
    summary.rebuild()
    f = Filters(start=START, end=END)
    assert fast.covers(f)

    assert build() == live
    events = records(workbook()["Events"])
    assert sum(r["Check-ins"] for r in events) == metrics.headline(f).attendance > 0
