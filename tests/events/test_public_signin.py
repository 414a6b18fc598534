"""The public self sign-in form: no login, several languages, nothing revealed."""

from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from contacts.models import Contact
from events.models import Attendance, Event
from tests.factories import ContactFactory, EventFactory, category, language

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    now = timezone.now()
    return EventFactory(
        starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(hours=1)
    )


def url(event, lang=""):
    return f"/s/{event.signin_token}/" + (f"?lang={lang}" if lang else "")


def answers(**overrides):
    data = {
        "first_name": "Lan",
        "last_name": "Nguyen",
        "email": "lan@example.org",
        "phone": "",
        "zip_code": "98118",
        "consent": "on",
        "lang": "en",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_form_opens_without_a_login(event):
    response = Client().get(url(event))
    assert response.status_code == 200
    assert event.name in response.content.decode()


@pytest.mark.parametrize(
    ("lang", "phrase"),
    [
        ("en", "First name"),
        ("es", "Nombre"),
        ("vi", "Tên"),
        ("ru", "Имя"),
        ("uk", "Прізвище"),
        ("so", "Magaca hore"),
        ("zh-hans", "姓"),
    ],
)
def test_the_form_speaks_each_public_language(event, lang, phrase):
    response = Client().get(url(event, lang))
    body = response.content.decode()
    assert phrase in body
    assert f'lang="{lang}"' in body
    assert response["Content-Language"] == lang


def test_the_browser_language_is_used_when_none_is_chosen(event):
    response = Client().get(url(event), HTTP_ACCEPT_LANGUAGE="so,en;q=0.5")
    assert "Magaca hore" in response.content.decode()


def test_the_staff_language_switcher_still_offers_only_english_and_spanish(organizer):
    from tests.conftest import client_for

    body = client_for(organizer).get("/").content.decode()
    assert 'value="es"' in body
    assert 'value="so"' not in body and 'value="vi"' not in body


def test_a_new_person_is_created_with_attendance_from_self_sign_in(event):
    response = Client().post(
        url(event),
        answers(race_categories=["ASIAN"], preferred_language=language("vi").pk),
    )
    assert response.status_code == 302
    person = Contact.objects.get(email="lan@example.org")
    assert person.consent_email and person.consent_source == "self_sign_in"
    assert person.preferred_language.code == "vi"
    assert list(person.race_categories.values_list("code", flat=True)) == ["ASIAN"]
    assert person.self_id_source == "self_sign_in"
    attendance = Attendance.objects.get(event=event, contact=person)
    assert attendance.source == Attendance.Source.SELF_SIGN_IN
    assert attendance.status == Attendance.Status.ATTENDED


def test_an_existing_person_is_matched_by_email_and_left_unchanged(event):
    person = ContactFactory(first_name="Lan", last_name="Tran", email="lan@example.org")
    Client().post(url(event), answers(email="LAN@example.org ", last_name="Nguyen"))
    person.refresh_from_db()
    assert person.last_name == "Tran"
    assert Contact.objects.count() == 1
    attendance = Attendance.objects.get(event=event, contact=person)
    assert attendance.pending_changes["last_name"] == "Nguyen"


def test_an_existing_person_is_matched_by_phone(event):
    person = ContactFactory(email="", phone="+12065550123")
    Client().post(url(event), answers(email="", phone="(206) 555-0123"))
    assert Contact.objects.count() == 1
    assert Attendance.objects.filter(event=event, contact=person).exists()


def test_signing_in_twice_creates_no_duplicate(event):
    Client().post(url(event), answers())
    Client().post(url(event), answers(zip_code="98101"))
    assert Contact.objects.filter(email="lan@example.org").count() == 1
    attendance = Attendance.objects.get(event=event)
    assert attendance.pending_changes == {"zip_code": "98101"}


def test_the_answer_is_identical_whether_or_not_the_person_was_known(event):
    ContactFactory(first_name="Secret", last_name="Stored", email="known@example.org")
    known = Client().post(url(event), answers(email="known@example.org"))
    unknown = Client().post(url(event), answers(email="new@example.org"))
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    thanks = Client().get(known["Location"]).content.decode()
    assert "Secret" not in thanks and "Stored" not in thanks
    assert "known@example.org" not in thanks


def test_the_form_never_shows_stored_data(event):
    ContactFactory(first_name="Secret", email="known@example.org")
    body = Client().get(url(event)).content.decode()
    assert "Secret" not in body and "known@example.org" not in body


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"first_name": ""}, "first_name", "This field is required."),
        ({"email": "", "phone": ""}, "email", "Enter an email or a phone number."),
        ({"email": "not-an-email"}, "email", "Enter a valid email address."),
        ({"phone": "12"}, "phone", "Enter a valid phone number"),
        ({"zip_code": "9810"}, "zip_code", "Enter a 5-digit ZIP code"),
    ],
)
def test_invalid_answers_are_refused_naming_the_field(event, overrides, field, message):
    response = Client().post(url(event), answers(**overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert message in response.content.decode()
    assert not Attendance.objects.exists()


def test_errors_are_shown_in_the_chosen_language(event):
    response = Client().post(url(event), answers(email="", lang="es"))
    assert "Escriba un correo electrónico o un número de teléfono." in (
        response.content.decode()
    )


def test_a_closed_window_says_so_and_records_nothing(event):
    event.starts_at = timezone.now() - timedelta(days=2)
    event.ends_at = event.starts_at + timedelta(hours=2)
    event.save()
    assert "closed" in Client().get(url(event)).content.decode()
    response = Client().post(url(event), answers())
    assert response.status_code == 403
    assert not Contact.objects.exists()


def test_a_window_not_yet_open_says_when_it_opens(event):
    event.starts_at = timezone.now() + timedelta(days=2)
    event.ends_at = event.starts_at + timedelta(hours=2)
    event.save()
    assert "not open yet" in Client().get(url(event)).content.decode()


def test_a_cancelled_event_says_so_and_records_nothing(event):
    event.status = Event.Status.CANCELLED
    event.save()
    assert "cancelled" in Client().get(url(event)).content.decode()
    Client().post(url(event), answers())
    assert not Attendance.objects.exists()


def test_an_unknown_link_is_not_found():
    assert Client().get("/s/not-a-real-token/").status_code == 404


def test_csrf_is_enforced(event):
    response = Client(enforce_csrf_checks=True).post(url(event), answers())
    assert response.status_code == 403
    assert not Contact.objects.exists()


def test_a_form_with_its_csrf_token_is_accepted(event):
    client = Client(enforce_csrf_checks=True)
    page = client.get(url(event))
    token = page.context["csrf_token"]
    response = client.post(url(event), answers(csrfmiddlewaretoken=str(token)))
    assert response.status_code == 302


@override_settings(PUBLIC_SIGNIN_MAX_POSTS=2)
def test_too_many_posts_from_one_address_are_slowed_down(event):
    client = Client()
    for n in range(2):
        client.post(url(event), answers(email=f"p{n}@example.org"))
    response = client.post(url(event), answers(email="p9@example.org"))
    assert response.status_code == 429
    assert not Contact.objects.filter(email="p9@example.org").exists()


def test_a_filled_trap_field_is_thanked_but_not_recorded(event):
    response = Client().post(url(event), answers(website="http://spam.example"))
    assert response.status_code == 302
    assert not Contact.objects.exists()


def test_self_identification_answers_for_a_match_wait_for_review(event):
    person = ContactFactory(email="lan@example.org", categories=["WHITE"])
    Client().post(url(event), answers(race_categories=["ASIAN", "NHPI"]))
    person.refresh_from_db()
    assert list(person.race_categories.values_list("code", flat=True)) == ["WHITE"]
    pending = Attendance.objects.get(event=event).pending_changes
    assert pending["race_categories"] == ["ASIAN", "NHPI"]
    assert category("ASIAN")
