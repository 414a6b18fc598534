"""Events, check-in at the door and review of self sign-in answers, through HTTP."""

from datetime import timedelta

import pytest
from django.utils import timezone

from contacts.models import Contact
from crm.roles import Role
from events.models import Attendance, Event
from tests.conftest import client_for
from tests.factories import (
    AttendanceFactory,
    ContactFactory,
    EventFactory,
    UserFactory,
    county,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_event(organizer):
    event = EventFactory(name="Parent night")
    event.organizers.add(organizer)
    return event


@pytest.fixture
def others_event():
    event = EventFactory(name="Someone else's meeting")
    event.organizers.add(UserFactory(role=Role.ORGANIZER))
    return event


def event_data(**overrides):
    start = timezone.localtime() + timedelta(days=3)
    data = {
        "name": "Listening session in Yakima",
        "kind": Event.Kind.LISTENING_SESSION,
        "status": Event.Status.SCHEDULED,
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "county": county("yakima").pk,
        "signin_opens_minutes_before": 120,
        "signin_closes_minutes_after": 240,
        "head_count": 40,
        "childcare_provided": "on",
    }
    data.update(overrides)
    return data


def test_an_organizer_creates_an_event_and_organizes_it(organizer):
    response = client_for(organizer).post("/events/new/", event_data())
    assert response.status_code == 302
    event = Event.objects.get(name="Listening session in Yakima")
    assert list(event.organizers.all()) == [organizer]
    assert event.childcare_provided and event.head_count == 40


def test_an_event_ending_before_it_starts_is_refused_naming_the_end(organizer):
    start = timezone.localtime() + timedelta(days=3)
    response = client_for(organizer).post(
        "/events/new/",
        event_data(ends_at=(start - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")),
    )
    assert response.status_code == 200
    assert "ends_at" in response.context["form"].errors
    assert not Event.objects.exists()


def test_an_organizer_edits_their_own_event(organizer, own_event):
    data = event_data(name="Renamed", version=own_event.version)
    response = client_for(organizer).post(f"/events/{own_event.pk}/edit/", data)
    assert response.status_code == 302
    own_event.refresh_from_db()
    assert own_event.name == "Renamed" and own_event.version == 2


def test_a_stale_event_edit_is_refused(organizer, own_event):
    data = event_data(
        name="Late", version=own_event.version - 1 if own_event.version > 1 else 0
    )
    response = client_for(organizer).post(f"/events/{own_event.pk}/edit/", data)
    assert response.status_code == 200
    own_event.refresh_from_db()
    assert own_event.name == "Parent night"


def test_an_organizer_may_not_edit_someone_elses_event(organizer, others_event):
    client = client_for(organizer)
    assert client.get(f"/events/{others_event.pk}/edit/").status_code == 403
    assert (
        client.post(f"/events/{others_event.pk}/edit/", event_data()).status_code == 403
    )
    assert client.post(f"/events/{others_event.pk}/cancel/").status_code == 403
    assert (
        client.post(f"/events/{others_event.pk}/summary/", {"summary": "x"}).status_code
        == 403
    )
    assert client.post(f"/events/{others_event.pk}/sign-in/reset/").status_code == 403
    others_event.refresh_from_db()
    assert others_event.status == Event.Status.SCHEDULED


def test_data_staff_may_edit_any_event(data_staff, others_event):
    response = client_for(data_staff).post(f"/events/{others_event.pk}/cancel/")
    assert response.status_code == 302
    others_event.refresh_from_db()
    assert others_event.status == Event.Status.CANCELLED


def test_leadership_reads_events_but_may_not_run_them(leadership, others_event):
    client = client_for(leadership)
    assert client.get(f"/events/{others_event.pk}/").status_code == 200
    assert client.get("/events/new/").status_code == 403
    assert client.get(f"/events/{others_event.pk}/check-in/").status_code == 403
    assert client.post(f"/events/{others_event.pk}/cancel/").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(own_event):
    from django.test import Client

    for path in (
        "/events/",
        f"/events/{own_event.pk}/",
        f"/events/{own_event.pk}/check-in/",
        f"/events/{own_event.pk}/qr.svg",
        "/events/outreach/new/",
        "/events/follow-ups/",
        "/events/programs/",
    ):
        response = Client().get(path)
        assert (
            response.status_code == 302 and "/accounts/login/" in response["Location"]
        )


def test_an_organizer_cancels_their_event(organizer, own_event):
    client_for(organizer).post(f"/events/{own_event.pk}/cancel/")
    own_event.refresh_from_db()
    assert own_event.status == Event.Status.CANCELLED


def test_event_lists_filter_upcoming_and_past(organizer):
    EventFactory(name="Next week")
    past = timezone.now() - timedelta(days=30)
    EventFactory(name="Last month", starts_at=past, ends_at=past + timedelta(hours=1))
    client = client_for(organizer)
    upcoming = client.get("/events/").content.decode()
    assert "Next week" in upcoming and "Last month" not in upcoming
    earlier = client.get("/events/?when=past").content.decode()
    assert "Last month" in earlier and "Next week" not in earlier


def test_event_lists_filter_by_kind_county_and_language(organizer):
    from tests.factories import language

    event = EventFactory(name="Vietnamese meeting", kind=Event.Kind.TRAINING)
    event.languages_offered.add(language("vi"))
    EventFactory(name="Other", county=county("spokane"))
    body = (
        client_for(organizer)
        .get(f"/events/?kind=training&county={county('king').pk}&language=vi")
        .content.decode()
    )
    assert "Vietnamese meeting" in body and "Other" not in body


def test_the_qr_code_is_drawn_locally_as_svg_and_png(organizer, own_event):
    client = client_for(organizer)
    svg = client.get(f"/events/{own_event.pk}/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    png = client.get(f"/events/{own_event.pk}/qr.png")
    assert png["Content-Type"] == "image/png" and png.content[:4] == b"\x89PNG"


def test_the_sign_in_sheet_shows_the_unguessable_link(organizer, own_event):
    body = (
        client_for(organizer).get(f"/events/{own_event.pk}/sign-in/").content.decode()
    )
    assert f"/s/{own_event.signin_token}/" in body
    assert len(own_event.signin_token) >= 32


def test_a_new_link_stops_the_old_one(organizer, own_event):
    old = own_event.signin_token
    client_for(organizer).post(f"/events/{own_event.pk}/sign-in/reset/")
    own_event.refresh_from_db()
    assert own_event.signin_token != old
    from django.test import Client

    assert Client().get(f"/s/{old}/").status_code == 404


# Check-in ---------------------------------------------------------------------


def test_check_in_search_finds_people_by_name_phone_and_email(organizer, own_event):
    ContactFactory(
        first_name="Amina",
        last_name="Yusuf",
        phone="+12065550111",
        email="amina@example.org",
    )
    client = client_for(organizer)
    for query in ("Ami", "Yusuf", "555-0111", "amina@ex"):
        body = client.get(
            f"/events/{own_event.pk}/check-in/search/?q={query}"
        ).content.decode()
        assert "Amina Yusuf" in body, query


def test_checking_in_with_htmx_returns_the_updated_roster(organizer, own_event):
    person = ContactFactory(first_name="Amina", last_name="Yusuf")
    response = client_for(organizer).post(
        f"/events/{own_event.pk}/check-in/mark/",
        {"contact": person.pk, "role": "speaker"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "checked-in"
    assert 'id="roster"' in response.content.decode()
    assert "Amina Yusuf" in response.content.decode()
    attendance = Attendance.objects.get(event=own_event, contact=person)
    assert attendance.role == "speaker" and attendance.checked_in_at is not None


def test_checking_in_twice_keeps_one_row(organizer, own_event):
    person = ContactFactory()
    client = client_for(organizer)
    for role in ("participant", "volunteer"):
        client.post(
            f"/events/{own_event.pk}/check-in/mark/",
            {"contact": person.pk, "role": role},
        )
    assert Attendance.objects.get(event=own_event, contact=person).role == "volunteer"


def test_an_organizer_helps_check_in_at_a_colleagues_event(organizer, others_event):
    person = ContactFactory()
    response = client_for(organizer).post(
        f"/events/{others_event.pk}/check-in/mark/",
        {"contact": person.pk, "role": "participant"},
    )
    assert response.status_code == 302
    assert Attendance.objects.filter(event=others_event).count() == 1


def test_checking_in_without_a_person_says_what_is_missing(organizer, own_event):
    response = client_for(organizer).post(
        f"/events/{own_event.pk}/check-in/mark/",
        {"role": "participant"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert b"Choose a person" in response.content


def test_no_check_in_at_a_cancelled_event(organizer, own_event):
    own_event.status = Event.Status.CANCELLED
    own_event.save()
    person = ContactFactory()
    response = client_for(organizer).post(
        f"/events/{own_event.pk}/check-in/mark/",
        {"contact": person.pk, "role": "participant"},
    )
    assert response.status_code == 403


def test_a_walk_in_is_added_and_checked_in_with_self_identification(
    organizer, own_event
):
    response = client_for(organizer).post(
        f"/events/{own_event.pk}/check-in/walk-in/",
        {
            "first_name": "Hodan",
            "phone": "206-555-0199",
            "role": "participant",
            "race_categories": [
                __import__("tests.factories", fromlist=["category"])
                .category("BLACK")
                .pk
            ],
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "walk-in-saved"
    person = Contact.objects.get(first_name="Hodan")
    assert person.phone == "+12065550199"
    assert (
        person.race_ethnicity_status == "reported" and person.self_id_source == "staff"
    )
    assert Attendance.objects.filter(event=own_event, contact=person).exists()


def test_a_walk_in_with_a_known_phone_uses_the_stored_person(organizer, own_event):
    person = ContactFactory(first_name="Hodan", phone="+12065550199")
    client_for(organizer).post(
        f"/events/{own_event.pk}/check-in/walk-in/",
        {"first_name": "Someone", "phone": "2065550199", "role": "participant"},
    )
    person.refresh_from_db()
    assert person.first_name == "Hodan"
    assert Contact.objects.count() == 1
    assert Attendance.objects.filter(event=own_event, contact=person).exists()


def test_a_walk_in_without_a_first_name_is_refused_naming_the_field(
    organizer, own_event
):
    response = client_for(organizer).post(
        f"/events/{own_event.pk}/check-in/walk-in/",
        {"first_name": "", "phone": "nonsense", "role": "participant"},
        HTTP_HX_REQUEST="true",
    )
    assert response["HX-Retarget"] == "#walk-in"
    body = response.content.decode()
    assert "first_name_error" in body and "phone_error" in body
    assert not Attendance.objects.exists()


def test_only_data_staff_remove_attendance(organizer, data_staff, own_event):
    row = AttendanceFactory(event=own_event)
    assert (
        client_for(organizer).post(f"/events/attendance/{row.pk}/remove/").status_code
        == 403
    )
    assert Attendance.objects.filter(pk=row.pk).exists()
    assert (
        client_for(data_staff).post(f"/events/attendance/{row.pk}/remove/").status_code
        == 302
    )
    assert not Attendance.objects.filter(pk=row.pk).exists()


# Reviewing self sign-in answers ------------------------------------------------


def test_staff_accept_chosen_answers_and_discard_the_rest(organizer, own_event):
    person = ContactFactory(first_name="Lan", last_name="Tran", zip_code="98101")
    row = AttendanceFactory(
        event=own_event,
        contact=person,
        pending_changes={
            "last_name": "Nguyen",
            "zip_code": "98118",
            "consent_sms": True,
        },
    )
    client = client_for(organizer)
    page = client.get(f"/events/attendance/{row.pk}/review/").content.decode()
    assert "Nguyen" in page and "Tran" in page
    client.post(
        f"/events/attendance/{row.pk}/review/", {"accept": ["zip_code", "consent_sms"]}
    )
    person.refresh_from_db()
    row.refresh_from_db()
    assert person.zip_code == "98118" and person.last_name == "Tran"
    assert person.consent_sms and person.consent_source == "self_sign_in"
    assert row.pending_changes == {}


def test_self_identification_answers_stay_for_someone_allowed_to_see_them(
    organizer, data_staff, own_event
):
    person = ContactFactory(first_name="Lan")
    row = AttendanceFactory(
        event=own_event,
        contact=person,
        pending_changes={
            "race_ethnicity_status": "reported",
            "race_categories": ["ASIAN"],
            "race_write_in": "",
        },
    )
    client_for(organizer).post(
        f"/events/attendance/{row.pk}/review/", {"accept": ["race_categories"]}
    )
    row.refresh_from_db()
    assert row.pending_changes["race_categories"] == ["ASIAN"]
    client_for(data_staff).post(
        f"/events/attendance/{row.pk}/review/",
        {"accept": ["race_categories", "race_ethnicity_status"]},
    )
    person.refresh_from_db()
    assert list(person.race_categories.values_list("code", flat=True)) == ["ASIAN"]
    assert person.self_id_source == "self_sign_in"


def test_leadership_may_not_review_answers(leadership, own_event):
    row = AttendanceFactory(event=own_event, pending_changes={"zip_code": "98118"})
    assert (
        client_for(leadership).get(f"/events/attendance/{row.pk}/review/").status_code
        == 403
    )


def test_the_check_in_roster_refreshes_itself_for_other_phones(organizer, own_event):
    body = (
        client_for(organizer).get(f"/events/{own_event.pk}/check-in/").content.decode()
    )
    assert f'hx-get="/events/{own_event.pk}/roster/"' in body
    assert 'hx-trigger="every 15s"' in body


def test_check_in_search_works_without_javascript(organizer, own_event):
    ContactFactory(first_name="Amina", last_name="Yusuf")
    response = client_for(organizer).get(f"/events/{own_event.pk}/check-in/?q=Amina")
    assert "Amina Yusuf" in response.content.decode()


def test_check_in_search_leaves_out_archived_people(organizer, own_event):
    ContactFactory(first_name="Gone", archived_at=timezone.now())
    body = (
        client_for(organizer)
        .get(f"/events/{own_event.pk}/check-in/search/?q=Gone")
        .content.decode()
    )
    assert "Nobody found" in body


def test_events_are_filtered_by_organizer(organizer, own_event, others_event):
    body = (
        client_for(organizer).get(f"/events/?organizer={organizer.pk}").content.decode()
    )
    assert "Parent night" in body and "Someone else" not in body


def test_sign_ins_to_review_are_listed_across_events(
    organizer, own_event, others_event
):
    waiting = AttendanceFactory(
        event=others_event, pending_changes={"zip_code": "98118"}
    )
    AttendanceFactory(event=own_event)
    response = client_for(organizer).get("/events/sign-ins-to-review/")
    assert [row.pk for row in response.context["page"]] == [waiting.pk]


def test_leadership_may_not_list_sign_ins_to_review(leadership):
    assert client_for(leadership).get("/events/sign-ins-to-review/").status_code == 403


def test_follow_ups_can_start_from_a_roster_row_and_a_logged_outreach(
    organizer, own_event
):
    from tests.factories import OutreachFactory

    row = AttendanceFactory(event=own_event)
    outreach = OutreachFactory(contact=row.contact)
    client = client_for(organizer)
    assert (
        f"?attendance={row.pk}"
        in client.get(f"/events/{own_event.pk}/").content.decode()
    )
    person_page = client.get(f"/people/{row.contact_id}/").content.decode()
    assert f"?outreach={outreach.pk}" in person_page


def test_an_impossible_record_number_is_refused_as_a_choice_not_a_crash(organizer):
    response = client_for(organizer).post(
        "/events/new/", event_data(topics=["99999999999999999999999"])
    )
    assert response.status_code == 200
    assert "topics" in response.context["form"].errors
