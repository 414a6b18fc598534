"""The person's page: what it offers, at a cost that does not grow."""

from __future__ import annotations

import pytest

from contacts.models import Affiliation
from tests.conftest import client_for
from tests.factories import ContactFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_the_person_page_offers_the_active_organizations_to_affiliate_with(
    organizer,
):
    person = ContactFactory()
    partner = OrganizationFactory(name="Familias Unidas")
    OrganizationFactory(name="Closed Coalition", is_archived=True)
    page = client_for(organizer).get(f"/people/{person.pk}/").content.decode()

    assert '<label for="id_organization">Organization' in page
    assert '<select name="organization" required id="id_organization">' in page
    assert f'<option value="{partner.pk}">Familias Unidas</option>' in page
    assert "Closed Coalition" not in page
    assert 'name="start_date"' in page and 'name="title"' in page

    client_for(organizer).post(
        f"/people/{person.pk}/affiliations/new/",
        {"organization": partner.pk, "title": "Parent leader"},
    )
    assert Affiliation.objects.get(contact=person).organization == partner


def test_self_identification_is_not_loaded_for_those_who_may_not_see_it(
    organizer, data_staff
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    person = ContactFactory(categories=["ASIAN"])

    def tables_read(user):
        client = client_for(user)
        with CaptureQueriesContext(connection) as captured:
            body = client.get(f"/people/{person.pk}/").content.decode()
        return " ".join(q["sql"] for q in captured), body

    sql, body = tables_read(organizer)
    assert "Self-identification" not in body
    assert "contacts_contact_race_categories" not in sql
    assert "contacts_contact_race_groups" not in sql
    sql, body = tables_read(data_staff)
    assert "Self-identification" in body and "Asian" in body
    assert "contacts_contact_race_categories" in sql
