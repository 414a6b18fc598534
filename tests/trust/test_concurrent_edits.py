"""Two people editing the same record never silently overwrite each other."""

from __future__ import annotations

import re

import pytest

from contacts.models import Contact
from crm.roles import Role
from events.models import Event
from tests.conftest import client_for
from tests.factories import ContactFactory, EventFactory, UserFactory
from tests.trust.forms import form_data


@pytest.fixture
def two_organizers(db):
    return (
        UserFactory(username="ana", role=Role.ORGANIZER),
        UserFactory(username="ben", role=Role.ORGANIZER),
    )


@pytest.mark.django_db
def test_second_html_save_of_a_contact_is_refused_and_names_what_changed(
    two_organizers,
):
    contact = ContactFactory(first_name="Mai", city="Kent")
    ana, ben = (client_for(user) for user in two_organizers)
    url = f"/people/{contact.pk}/edit/"
    ana_form = ana.get(url).context["form"]
    ben_form = ben.get(url).context["form"]

    first = ana.post(url, form_data(ana_form, city="Auburn"))
    second = ben.post(url, form_data(ben_form, city="Tukwila", notes="Met at PTA"))

    assert first.status_code == 302
    assert second.status_code == 200
    body = second.content.decode()
    assert "Someone else saved this person while you were editing" in body
    # Names the field the other person changed (today it also lists the
    # editor's own unsaved changes, which is noisy but not wrong).
    assert re.search(r"Changed: [^<]*city", body)
    contact.refresh_from_db()
    assert contact.city == "Auburn"
    assert contact.notes == ""


@pytest.mark.django_db
def test_a_refused_html_save_can_be_made_again_from_the_current_record(
    two_organizers,
):
    contact = ContactFactory(first_name="Mai", city="Kent")
    ana, ben = (client_for(user) for user in two_organizers)
    url = f"/people/{contact.pk}/edit/"
    ben_form = ben.get(url).context["form"]
    ana.post(url, form_data(ana.get(url).context["form"], city="Auburn"))
    ben.post(url, form_data(ben_form, notes="Met at PTA"))

    fresh = ben.get(url).context["form"]
    again = ben.post(url, form_data(fresh, notes="Met at PTA"))

    assert again.status_code == 302
    contact.refresh_from_db()
    assert (contact.city, contact.notes) == ("Auburn", "Met at PTA")


@pytest.mark.django_db
def test_second_api_update_of_a_contact_gets_409_naming_the_changed_fields(
    two_organizers,
):
    contact = ContactFactory(first_name="Mai", city="Kent")
    ana, ben = (client_for(user) for user in two_organizers)
    url = f"/api/v1/contacts/{contact.pk}/"
    version = ana.get(url).json()["version"]
    assert ben.get(url).json()["version"] == version

    first = ana.patch(
        url, {"city": "Auburn", "version": version}, content_type="application/json"
    )
    second = ben.patch(
        url, {"city": "Tukwila", "version": version}, content_type="application/json"
    )

    assert first.status_code == 200
    assert second.status_code == 409
    error = second.json()["error"]
    assert error["status"] == 409
    assert "city" in error["message"]
    contact.refresh_from_db()
    assert contact.city == "Auburn"
    assert contact.version == version + 1


@pytest.mark.django_db
def test_html_and_api_edits_of_one_contact_guard_each_other(two_organizers):
    contact = ContactFactory(first_name="Mai", city="Kent")
    ana, ben = (client_for(user) for user in two_organizers)
    form = ana.get(f"/people/{contact.pk}/edit/").context["form"]
    api = ben.patch(
        f"/api/v1/contacts/{contact.pk}/",
        {"phone": "206-555-0199", "version": contact.version},
        content_type="application/json",
    )
    assert api.status_code == 200

    html = ana.post(f"/people/{contact.pk}/edit/", form_data(form, city="Auburn"))

    assert html.status_code == 200
    assert re.search(r"Changed: [^<]*phone", html.content.decode())
    contact.refresh_from_db()
    assert contact.city == "Kent"
    assert contact.phone == "+12065550199"


@pytest.mark.django_db
def test_second_api_update_of_an_event_gets_409(two_organizers):
    ana_user, ben_user = two_organizers
    event = EventFactory(name="Kent meeting")
    event.organizers.add(ana_user, ben_user)
    ana, ben = client_for(ana_user), client_for(ben_user)
    url = f"/api/v1/events/{event.pk}/"
    version = ana.get(url).json()["version"]

    first = ana.patch(
        url, {"venue": "Library", "version": version}, content_type="application/json"
    )
    second = ben.patch(
        url, {"venue": "School", "version": version}, content_type="application/json"
    )

    assert first.status_code == 200, first.content
    assert second.status_code == 409
    assert Event.objects.get(pk=event.pk).venue == "Library"


@pytest.mark.django_db
def test_second_html_save_of_an_event_is_refused(two_organizers):
    ana_user, ben_user = two_organizers
    event = EventFactory(name="Kent meeting")
    event.organizers.add(ana_user, ben_user)
    ana, ben = client_for(ana_user), client_for(ben_user)
    url = f"/events/{event.pk}/edit/"
    ana_form = ana.get(url).context["form"]
    ben_form = ben.get(url).context["form"]

    first = ana.post(url, form_data(ana_form, venue="Library"))
    second = ben.post(url, form_data(ben_form, venue="School"))

    assert first.status_code == 302, first.context["form"].errors
    assert second.status_code == 200
    assert "Someone else" in second.content.decode()
    assert Event.objects.get(pk=event.pk).venue == "Library"


@pytest.mark.django_db
def test_a_save_without_a_version_is_not_checked_but_never_loses_the_counter(
    two_organizers,
):
    contact = ContactFactory(first_name="Mai")
    ana = client_for(two_organizers[0])
    response = ana.patch(
        f"/api/v1/contacts/{contact.pk}/",
        {"city": "Kent"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert Contact.objects.get(pk=contact.pk).version == contact.version + 1
