"""Writes through the API follow the screens' rules; filters are the screens'."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from contacts.models import Contact
from crm.models import User
from crm.roles import Role, role_permissions
from events.models import Attendance, Outreach
from reports.models import PopulationBaseline
from tests.conftest import client_for
from tests.factories import ContactFactory, EventFactory, county

pytestmark = pytest.mark.django_db


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_creating_a_contact_normalises_email_and_phone_as_the_screen_does(
    organizer: User,
) -> None:
    response = post(
        client_for(organizer),
        "/api/v1/contacts/",
        {"first_name": "Ana", "email": " Ana@Example.ORG ", "phone": "(206) 555-0100"},
    )
    assert response.status_code == 201, response.content
    contact = Contact.objects.get(pk=response.json()["id"])
    assert contact.email == "ana@example.org"
    assert contact.phone == "+12065550100"
    assert contact.history.count() == 1  # type: ignore[attr-defined]


def test_a_stale_version_is_refused_with_409(organizer: User) -> None:
    contact = ContactFactory()
    response = client_for(organizer).patch(
        f"/api/v1/contacts/{contact.pk}/",
        json.dumps({"first_name": "New", "version": contact.version - 1}),
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "stale_version"


def test_attendance_is_created_in_bulk_all_or_nothing(organizer: User) -> None:
    event = EventFactory()
    people = ContactFactory.create_batch(3)
    client = client_for(organizer)
    rows = [{"event": event.pk, "contact": person.pk} for person in people]
    bad = [*rows[:2], {"event": event.pk, "contact": 10**9}]
    refused = post(client, "/api/v1/attendance/", bad)
    assert refused.status_code == 400
    assert list(refused.json()["error"]["fields"]) == ["row 3"]
    assert not Attendance.objects.exists()
    created = post(client, "/api/v1/attendance/", rows)
    assert created.status_code == 201, created.content
    assert Attendance.objects.filter(event=event).count() == 3


def test_outreach_is_logged_in_bulk_by_the_signed_in_organizer(
    organizer: User,
) -> None:
    people = ContactFactory.create_batch(2)
    rows = [
        {
            "contact": person.pk,
            "occurred_at": "2026-11-02T10:00:00-08:00",
            "channel": "phone",
            "outcome": "reached",
        }
        for person in people
    ]
    response = post(client_for(organizer), "/api/v1/outreach/", rows)
    assert response.status_code == 201, response.content
    assert set(Outreach.objects.values_list("organizer", flat=True)) == {organizer.pk}


def test_a_baseline_is_created_with_its_figures_and_importer(
    data_staff: User,
) -> None:
    body = {
        "name": "OSPI 2025",
        "source": "OSPI Report Card",
        "year": 2025,
        "method": "single",
        "level": "state",
        "figures": [
            {"geography": "WA", "group": "ASIAN", "population": 120},
            {"geography": "WA", "group": "TOTAL", "population": 1000},
        ],
    }
    response = post(client_for(data_staff), "/api/v1/baselines/", body)
    assert response.status_code == 201, response.content
    baseline = PopulationBaseline.objects.get()
    assert baseline.imported_by == data_staff
    assert baseline.figures.count() == 2


def test_a_baseline_with_an_unknown_group_names_the_row(data_staff: User) -> None:
    body = {
        "name": "OSPI",
        "source": "OSPI",
        "year": 2025,
        "method": "combination",
        "level": "state",
        "figures": [
            {"geography": "WA", "group": "ASIAN", "population": 1},
            {"geography": "WA", "group": "TWO_OR_MORE", "population": 1},
        ],
    }
    response = post(client_for(data_staff), "/api/v1/baselines/", body)
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["figures row 2"]


WRITES = {
    "contacts": ("/api/v1/contacts/", "contacts.add_contact"),
    "attendance": ("/api/v1/attendance/", "events.add_attendance"),
    "outreach": ("/api/v1/outreach/", "events.add_outreach"),
    "programs": ("/api/v1/programs/", "crm.add_program"),
    "topics": ("/api/v1/topics/", "crm.add_topic"),
    "baselines": ("/api/v1/baselines/", "reports.add_populationbaseline"),
    "grants": ("/api/v1/grants/", "reports.add_grant"),
}


@pytest.mark.parametrize("name", WRITES)
@pytest.mark.parametrize("role", Role.ALL)
def test_each_role_lacking_the_add_permission_is_refused_a_write(
    name: str, role: str, user_for_role: Any
) -> None:
    url, permission = WRITES[name]
    _user, client = user_for_role(role)
    response = post(client, url, {})
    if permission in role_permissions(role):
        assert response.status_code == 400  # allowed in, then the empty body
    else:
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "permission_denied"


def test_the_contact_list_filters_with_the_screens_filterset(
    leadership: User,
) -> None:
    king = ContactFactory(county=county("king"))
    ContactFactory(county=county("spokane"))
    body = (
        client_for(leadership)
        .get(f"/api/v1/contacts/?county={county('king').pk}")
        .json()
    )
    assert [row["id"] for row in body["results"]] == [king.pk]


def test_self_identification_is_hidden_from_roles_without_the_permission(
    user_for_role: Any,
) -> None:
    ContactFactory(categories=["ASIAN"])
    for role in Role.ALL:
        _user, client = user_for_role(role)
        person = client.get("/api/v1/contacts/").json()["results"][0]
        allowed = "crm.view_self_identification" in role_permissions(role)
        assert ("race_categories" in person) is allowed, role
