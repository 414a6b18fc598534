"""Saving one field never silently wipes another."""

from __future__ import annotations

import pytest

from tests.conftest import client_for
from tests.factories import ContactFactory


@pytest.mark.django_db
def test_patching_gender_through_the_api_keeps_race_categories(data_staff):
    contact = ContactFactory(categories=["ASIAN", "WHITE"])
    response = client_for(data_staff).patch(
        f"/api/v1/contacts/{contact.pk}/",
        {"gender": "Woman", "version": contact.version},
        content_type="application/json",
    )
    assert response.status_code == 200
    codes = sorted(contact.race_categories.values_list("code", flat=True))
    assert codes == ["ASIAN", "WHITE"]


@pytest.mark.django_db
def test_adding_a_write_in_through_the_api_keeps_race_categories(data_staff):
    contact = ContactFactory(categories=["ASIAN"])
    response = client_for(data_staff).patch(
        f"/api/v1/contacts/{contact.pk}/",
        {"race_write_in": "Hmong American", "version": contact.version},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert list(contact.race_categories.values_list("code", flat=True)) == ["ASIAN"]


@pytest.mark.django_db
def test_patching_a_phone_keeps_race_categories(data_staff):
    contact = ContactFactory(categories=["ASIAN"])
    response = client_for(data_staff).patch(
        f"/api/v1/contacts/{contact.pk}/",
        {"phone": "206-555-0101", "version": contact.version},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert list(contact.race_categories.values_list("code", flat=True)) == ["ASIAN"]


@pytest.mark.django_db
def test_declining_through_the_api_clears_stored_categories(data_staff):
    contact = ContactFactory(categories=["BLACK"])
    response = client_for(data_staff).patch(
        f"/api/v1/contacts/{contact.pk}/",
        {"race_ethnicity_status": "declined", "version": contact.version},
        content_type="application/json",
    )
    assert response.status_code == 200
    contact.refresh_from_db()
    assert contact.race_ethnicity_status == "declined"
    assert not contact.race_categories.exists()
