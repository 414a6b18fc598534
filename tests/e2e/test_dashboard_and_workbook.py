"""Leadership read the dashboard, narrow it down, and download the grant workbook."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from crm.models import AuditEvent
from crm.roles import Role
from tests.e2e.conftest import log_in
from tests.factories import AttendanceFactory, ContactFactory, EventFactory, UserFactory
from tests.factories import county as county_named


def people_in(table, group: str):
    """The "Unique people" cell of a group's row."""
    return table.get_by_role("row", name=group).locator("td").first


def chart_text(page, chart_id: str) -> str:
    return page.locator(f"svg.chart:has(#{chart_id}-title)").text_content() or ""


def test_leadership_change_the_period_and_a_filter_then_download_the_workbook(
    browsing, axe_check
):
    leader = UserFactory(username="lee", role=Role.LEADERSHIP)
    now = timezone.now()
    recent = EventFactory(starts_at=now - timedelta(days=10))
    older = EventFactory(starts_at=now - timedelta(days=200))
    spokane = county_named("spokane")
    AttendanceFactory(event=recent, contact=ContactFactory(categories=["HISPANIC"]))
    AttendanceFactory(
        event=recent, contact=ContactFactory(categories=["ASIAN"], county=spokane)
    )
    AttendanceFactory(
        event=older, contact=ContactFactory(categories=["ASIAN"], county=spokane)
    )
    page = browsing.page(accept_downloads=True)
    log_in(page, "lee")

    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Who we reach")).to_be_visible()
    engaged = page.locator('li.figure[data-key="engaged_people"] .number')
    expect(engaged).to_have_text("2")
    community_table = page.get_by_role("table", name="Engaged people by race/ethnicity")
    expect(people_in(community_table, "Asian")).to_have_text("1")
    expect(people_in(community_table, "Hispanic or Latino")).to_have_text("1")
    chart_before = chart_text(page, "chart-community")
    axe_check(page)

    page.get_by_label("Period", exact=True).select_option(label="Last 12 months")
    page.get_by_role("button", name="Apply").click()
    expect(engaged).to_have_text("3")
    expect(people_in(community_table, "Asian")).to_have_text("2")
    chart_year = chart_text(page, "chart-community")
    assert chart_year != chart_before
    axe_check(page)

    page.get_by_label("Community", exact=True).select_option(label="Asian")
    page.get_by_role("button", name="Apply").click()
    expect(engaged).to_have_text("2")
    expect(people_in(community_table, "Hispanic or Latino")).to_have_text("0")
    assert chart_text(page, "chart-community") != chart_year
    axe_check(page)

    page.get_by_role("link", name="Download grant workbook").click()
    expect(page.get_by_role("heading", name="Grant report workbook")).to_be_visible()
    axe_check(page)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download internal workbook").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as handle:
        workbook = load_workbook(handle)
    assert len(workbook.sheetnames) > 3

    export = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert export.actor == leader
    assert export.details["report"] == "grant_workbook"
    assert export.details["variant"] == "internal"
    assert export.details["channel"] == "web"
