"""Archives, merges, imports and exports leave an audit entry; pages link to history."""

from __future__ import annotations

import pytest

from contacts.merge import merge_contacts
from crm.models import AuditEvent
from tests.conftest import client_for
from tests.factories import ContactFactory, EventFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_archiving_and_restoring_a_person_is_audited(data_staff):
    contact = ContactFactory()
    client = client_for(data_staff)
    client.post(f"/people/{contact.pk}/archive/")
    client.post(f"/people/{contact.pk}/restore/")
    actions = list(
        AuditEvent.objects.filter(object_id=str(contact.pk))
        .order_by("pk")
        .values_list("action", "actor")
    )
    assert actions == [("archive", data_staff.pk), ("restore", data_staff.pk)]


def test_a_merge_is_audited_on_the_kept_person(data_staff):
    keep, duplicate = ContactFactory(), ContactFactory()
    merge_contacts(keep=keep, duplicate=duplicate, choices={}, merged_by=data_staff)
    event = AuditEvent.objects.get(action="merge")
    assert event.object_id == str(keep.pk)
    assert event.details["merged_id"] == duplicate.pk


def test_exporting_people_is_audited_without_personal_data(data_staff):
    ContactFactory(first_name="Secretname")
    response = client_for(data_staff).get("/data/export/people/?format=csv&q=Secret")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="export")
    assert event.details["filters"] == ["q"]
    assert "Secret" not in str(event.details) + event.summary


def test_exporting_a_roster_is_audited(data_staff):
    event = EventFactory()
    client_for(data_staff).get(f"/events/{event.pk}/data/export/roster/?format=csv")
    assert AuditEvent.objects.filter(action="export", object_id=str(event.pk)).exists()


def test_record_pages_link_to_their_history_for_those_allowed(data_staff, organizer):
    contact, org, event = ContactFactory(), OrganizationFactory(), EventFactory()
    pages = {
        f"/people/{contact.pk}/": f"/history/contact/{contact.pk}/",
        f"/people/organizations/{org.pk}/": f"/history/organization/{org.pk}/",
        f"/events/{event.pk}/": f"/history/event/{event.pk}/",
    }
    for page, link in pages.items():
        assert link in client_for(data_staff).get(page).content.decode()
        assert link not in client_for(organizer).get(page).content.decode()


def test_only_administrators_see_the_erase_action(administrator, data_staff):
    contact = ContactFactory()
    erase = f"/privacy/people/{contact.pk}/erase/"
    assert (
        erase
        in client_for(administrator).get(f"/people/{contact.pk}/").content.decode()
    )
    assert (
        erase
        not in client_for(data_staff).get(f"/people/{contact.pk}/").content.decode()
    )
