# mypy: disable-error-code="misc,list-item,dict-item"
# (factory_boy instances are seen as factories, not models)
"""Downloading the grant workbook: page, API and command, who may, bad input,
and the audit record each export leaves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from crm.models import AuditEvent, User
from reports.workbook import XLSX_CONTENT_TYPE
from tests.conftest import client_for
from tests.reports.workbook_helpers import engagement_story, open_workbook, records

pytestmark = pytest.mark.django_db

PAGE = reverse("reports:grant-workbook")
API = "/api/v1/reports/grant-workbook/"
MARCH = "start=2026-03-01&end=2026-03-31"


def body(response: object) -> bytes:
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def test_anonymous_people_are_sent_to_log_in_from_the_workbook_page():
    for url in (PAGE, f"{PAGE}?{MARCH}"):
        response = client_for(None).get(url)

        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_organizers_without_export_reports_are_refused_the_workbook(
    organizer: User,
):
    client = client_for(organizer)

    assert client.get(PAGE).status_code == 403
    assert client.get(f"{PAGE}?{MARCH}&external=true").status_code == 403
    assert client.get(f"{API}?{MARCH}").status_code == 403
    assert not AuditEvent.objects.exists()


def test_anonymous_api_clients_are_refused_the_workbook():
    response = client_for(None).get(f"{API}?{MARCH}")

    assert response.status_code in (401, 403)


def test_leadership_sees_the_page_with_both_download_buttons(leadership: User):
    response = client_for(leadership).get(PAGE)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="external" value="true"' in html
    assert 'name="external" value="false"' in html
    assert 'name="start"' in html and 'name="grant"' in html


def test_the_page_fills_dates_as_browsers_read_them_in_any_language(
    leadership: User,
):
    response = client_for(leadership).get(PAGE, HTTP_ACCEPT_LANGUAGE="es")

    html = response.content.decode()
    assert 'lang="es"' in html
    assert re.search(r'name="end" value="\d{4}-\d\d-\d\d"', html)


def test_the_dashboard_links_the_workbook_only_for_those_who_may_export(
    leadership: User, organizer: User
):
    dashboard = reverse("reports:dashboard")

    assert PAGE in client_for(leadership).get(dashboard).content.decode()
    assert PAGE not in client_for(organizer).get(dashboard).content.decode()


def test_data_staff_download_the_external_workbook_and_the_export_is_recorded(
    data_staff: User,
):
    story = engagement_story()

    response = client_for(data_staff).get(
        f"{PAGE}?{MARCH}&grant={story.grant.pk}&external=true"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    filename = f"grant-report-2026-03-01-to-2026-03-31-grant-{story.grant.pk}-external"
    assert f'filename="{filename}.xlsx"' in response["Content-Disposition"]
    book = open_workbook(body(response))
    assert records(book["Summary"])[0]["Value"] == "External"
    event = AuditEvent.objects.get()
    assert event.actor == data_staff
    assert event.action == AuditEvent.Action.EXPORT
    assert event.object_type == "reports.grant"
    assert event.object_id == str(story.grant.pk)
    assert event.details["variant"] == "external"
    assert event.details["channel"] == "web"
    assert "2026-03-01 to 2026-03-31" in event.summary


def test_the_internal_variant_says_so_in_its_name_and_summary(leadership: User):
    response = client_for(leadership).get(f"{PAGE}?{MARCH}&external=false")

    assert response.status_code == 200
    assert "-internal.xlsx" in response["Content-Disposition"]
    book = open_workbook(body(response))
    assert records(book["Summary"])[0]["Value"] == "Internal"
    assert AuditEvent.objects.get().details["variant"] == "internal"


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("start=2026-13-01&end=2026-03-31", "start", "first day as a date"),
        ("start=2026-03-01", "end", "last day of the period"),
        ("start=2026-03-31&end=2026-03-01", "end", "on or after its start"),
        (f"{MARCH}&grant=999999", "grant", "no grant with that id"),
        (f"{MARCH}&grant=abc", "grant", "no grant with that id"),
    ],
)
def test_bad_input_on_the_page_is_a_clear_400_naming_the_field(
    leadership: User, query: str, field: str, message: str
):
    response = client_for(leadership).get(f"{PAGE}?{query}")

    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert message in html
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("start=yesterday&end=2026-03-31", "start"),
        ("start=2026-03-01", "end"),
        ("start=2026-03-31&end=2026-03-01", "end"),
        (f"{MARCH}&grant=999999", "grant"),
        (f"{MARCH}&external=maybe", "external"),
    ],
)
def test_bad_input_to_the_api_is_a_400_naming_the_field(
    leadership: User, query: str, field: str
):
    response = client_for(leadership).get(f"{API}?{query}")

    assert response.status_code == 400
    error = response.json()["error"]
    assert list(error["fields"]) == [field]
    assert error["fields"][field][0]


def test_the_api_returns_the_workbook_and_records_the_export(leadership: User):
    story = engagement_story()

    response = client_for(leadership).get(
        f"{API}?{MARCH}&grant={story.grant.pk}&external=true"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    book = open_workbook(body(response))
    assert "Targets and progress" in book.sheetnames
    assert AuditEvent.objects.get().details["channel"] == "api"


def test_the_api_schema_documents_the_workbook_download(leadership: User):
    schema = client_for(leadership).get("/api/schema/?format=json").json()

    operation = schema["paths"][API]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"start", "end", "grant", "external"} <= names
    assert XLSX_CONTENT_TYPE in operation["responses"]["200"]["content"]
    assert "400" in operation["responses"]


def test_the_command_writes_the_workbook_and_records_the_export(tmp_path: Path):
    story = engagement_story()
    target = tmp_path / "report.xlsx"

    call_command(
        "export_grant_report",
        "--start",
        "2026-03-01",
        "--end",
        "2026-03-31",
        "--grant",
        str(story.grant.pk),
        "--external",
        "-o",
        str(target),
    )

    book = open_workbook(target.read_bytes())
    assert records(book["Summary"])[0]["Value"] == "External"
    event = AuditEvent.objects.get()
    assert event.actor is None and event.details["channel"] == "command"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--start", "2026-02-30", "--end", "2026-03-31"], "--start: Enter the first"),
        (["--start", "2026-03-01", "--end", "March"], "--end: Enter the last"),
        (["--start", "2026-03-31", "--end", "2026-03-01"], "--end: The period must"),
        (
            ["--start", "2026-03-01", "--end", "2026-03-31", "--grant", "424242"],
            "--grant: There is no grant with that id",
        ),
    ],
)
def test_the_command_refuses_bad_dates_and_unknown_grants_clearly(
    tmp_path: Path, args: list[str], message: str
):
    target = tmp_path / "report.xlsx"

    with pytest.raises(CommandError, match=message):
        call_command("export_grant_report", *args, "-o", str(target))

    assert not target.exists()
    assert not AuditEvent.objects.exists()
