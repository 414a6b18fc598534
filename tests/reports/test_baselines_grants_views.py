# mypy: disable-error-code="misc,list-item,dict-item"
# (factory_boy instances are seen as factories, not models)
"""Importing a baseline (preview, then save) and managing grants, by role."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports.models import Grant, GrantTarget, PopulationBaseline
from tests.conftest import client_for
from tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db

IMPORT = reverse("reports:baseline-import")
CONFIRM = reverse("reports:baseline-confirm")


def upload(content: bytes, name: str = "ospi.csv", **extra: str) -> dict[str, object]:
    return {
        "name": "OSPI enrollment",
        "source": "OSPI Report Card",
        "year": "2025",
        "method": "single",
        "level": "county",
        "file": SimpleUploadedFile(name, content),
        **extra,
    }


GOOD = b"geography,group,population\nKing,Asian,120\nKing,Total,500\n"


def test_a_baseline_is_previewed_before_anything_is_saved_then_saved(data_staff):
    client = client_for(data_staff)

    preview = client.post(IMPORT, upload(GOOD))

    assert preview.status_code == 200
    assert "Preview: nothing is saved yet" in preview.content.decode()
    assert PopulationBaseline.objects.count() == 0

    saved = client.post(CONFIRM, {"payload": preview.context["payload"]})

    baseline = PopulationBaseline.objects.get()
    assert saved.status_code == 302
    assert saved["Location"] == baseline.get_absolute_url()
    assert (baseline.method, baseline.level, baseline.year) == (
        "single",
        "county",
        2025,
    )
    assert sorted(baseline.figures.values_list("geography", "group", "population")) == [
        ("king", "ASIAN", 120),
        ("king", "TOTAL", 500),
    ]
    assert baseline.imported_by == data_staff


def test_row_errors_are_listed_and_nothing_can_be_saved(data_staff):
    response = client_for(data_staff).post(
        IMPORT, upload(b"geography,group,population\nKing,Asian,lots\n")
    )

    content = response.content.decode()
    assert "Row 2, column population" in content
    assert "payload" not in response.context or not response.context.get("payload")
    assert PopulationBaseline.objects.count() == 0


def test_an_altered_preview_is_refused(data_staff):
    response = client_for(data_staff).post(CONFIRM, {"payload": "forged"})

    assert response.status_code == 302
    assert response["Location"] == IMPORT
    assert PopulationBaseline.objects.count() == 0


def test_only_data_staff_import_baselines_and_leadership_reads_them(
    organizer, leadership, data_staff
):
    assert client_for(organizer).get(IMPORT).status_code == 403
    assert client_for(leadership).get(IMPORT).status_code == 403
    assert client_for(leadership).post(CONFIRM, {"payload": "x"}).status_code == 403
    assert client_for(None).get(IMPORT).status_code == 302
    assert client_for(data_staff).get(IMPORT).status_code == 200
    listing = reverse("reports:baseline-list")
    assert client_for(leadership).get(listing).status_code == 200
    assert client_for(organizer).get(listing).status_code == 403


def grant_post(program_id: int) -> dict[str, str]:
    return {
        "funder": "Community Foundation",
        "name": "Family voice",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "programs": [str(program_id)],
        "targets-TOTAL_FORMS": "2",
        "targets-INITIAL_FORMS": "0",
        "targets-MIN_NUM_FORMS": "0",
        "targets-MAX_NUM_FORMS": "1000",
        "targets-0-metric": "engaged_people",
        "targets-0-target": "200",
        "targets-0-community": "",
        "targets-0-county": "",
        "targets-0-event_kind": "",
        "targets-1-metric": "",
        "targets-1-target": "",
    }


def test_leadership_creates_a_grant_with_targets(leadership):
    program = ProgramFactory()

    response = client_for(leadership).post(
        reverse("reports:grant-create"), grant_post(program.pk)
    )

    grant = Grant.objects.get()
    assert response.status_code == 302
    assert list(grant.programs.all()) == [program]
    assert list(grant.targets.values_list("metric", "target")) == [
        (GrantTarget.Metric.ENGAGED_PEOPLE, 200)
    ]
    detail = client_for(leadership).get(grant.get_absolute_url())
    assert "Engaged people" in detail.content.decode()


def test_a_grant_ending_before_it_starts_is_refused_with_a_message(leadership):
    data = grant_post(ProgramFactory().pk) | {"ends_on": "2025-01-01"}

    response = client_for(leadership).post(reverse("reports:grant-create"), data)

    assert response.status_code == 200
    assert "The grant must end on or after it starts." in response.content.decode()
    assert Grant.objects.count() == 0


def test_organizers_cannot_manage_grants(organizer):
    grant = Grant.objects.create(
        funder="F", name="G", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 2, 1)
    )

    assert client_for(organizer).get(reverse("reports:grant-create")).status_code == 403
    edit = reverse("reports:grant-edit", args=[grant.pk])
    assert client_for(organizer).get(edit).status_code == 403
    assert client_for(organizer).get(reverse("reports:grant-list")).status_code == 403


def test_grant_list_shows_progress(leadership):
    grant = Grant.objects.create(
        funder="F", name="G", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 2, 1)
    )
    grant.targets.create(metric=GrantTarget.Metric.ATTENDANCE, target=5)

    response = client_for(leadership).get(reverse("reports:grant-list"))

    assert response.status_code == 200
    assert "Attendance (check-ins)" in response.content.decode()
    missing = client_for(leadership).get(reverse("reports:grant-detail", args=[999]))
    assert missing.status_code == 404


def test_editing_a_grant_changes_deletes_and_adds_targets(leadership):
    grant = Grant.objects.create(
        funder="F", name="G", starts_on="2026-01-01", ends_on="2026-12-31"
    )
    kept = grant.targets.create(metric=GrantTarget.Metric.ATTENDANCE, target=5)
    dropped = grant.targets.create(metric=GrantTarget.Metric.EVENTS_HELD, target=3)
    data = grant_post(ProgramFactory().pk) | {
        "targets-TOTAL_FORMS": "3",
        "targets-INITIAL_FORMS": "2",
        "targets-0-id": str(kept.pk),
        "targets-0-metric": "attendance",
        "targets-0-target": "50",
        "targets-1-id": str(dropped.pk),
        "targets-1-metric": "events_held",
        "targets-1-target": "3",
        "targets-1-DELETE": "on",
        "targets-2-metric": "people_reached",
        "targets-2-target": "70",
    }

    response = client_for(leadership).post(
        reverse("reports:grant-edit", args=[grant.pk]), data
    )

    assert response.status_code == 302
    assert list(grant.targets.values_list("pk", "metric", "target")) == [
        (kept.pk, "attendance", 50),
        (grant.targets.get(metric="people_reached").pk, "people_reached", 70),
    ]
