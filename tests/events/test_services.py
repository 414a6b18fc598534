"""The rules behind the screens, without HTTP."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from contacts.models import Contact
from events import services
from events.models import Attendance, FollowUp
from tests.factories import (
    AttendanceFactory,
    ContactFactory,
    EventFactory,
    UserFactory,
    category,
)

pytestmark = pytest.mark.django_db


def test_a_registered_person_who_signs_in_is_marked_attended():
    event = EventFactory()
    person = ContactFactory(email="reg@example.org")
    AttendanceFactory(
        event=event,
        contact=person,
        status=Attendance.Status.REGISTERED,
        checked_in_at=None,
    )
    services.self_sign_in(
        event=event,
        answers=services.SignInAnswers(
            first_name=person.first_name, email="reg@example.org"
        ),
    )
    row = Attendance.objects.get(event=event, contact=person)
    assert row.status == Attendance.Status.ATTENDED and row.checked_in_at is not None


def test_a_blank_answer_never_asks_to_clear_what_is_stored():
    event = EventFactory()
    person = ContactFactory(email="a@example.org", zip_code="98101", last_name="Tran")
    services.self_sign_in(
        event=event,
        answers=services.SignInAnswers(
            first_name=person.first_name, email="a@example.org"
        ),
    )
    assert Attendance.objects.get(event=event, contact=person).pending_changes == {}


def test_prefer_not_to_say_is_stored_for_new_people_and_reviewed_for_matches():
    event = EventFactory()
    services.self_sign_in(
        event=event,
        answers=services.SignInAnswers(
            first_name="New", email="new@example.org", race_ethnicity_status="declined"
        ),
    )
    assert (
        Contact.objects.get(email="new@example.org").race_ethnicity_status == "declined"
    )
    known = ContactFactory(email="known@example.org", categories=["ASIAN"])
    services.self_sign_in(
        event=event,
        answers=services.SignInAnswers(
            first_name="K", email="known@example.org", race_ethnicity_status="declined"
        ),
    )
    known.refresh_from_db()
    assert known.race_ethnicity_status == "reported"
    assert (
        Attendance.objects.get(contact=known).pending_changes["race_ethnicity_status"]
        == "declined"
    )


def test_a_merged_away_person_is_never_matched():
    kept = ContactFactory(email="kept@example.org")
    ContactFactory(email="same@example.org", merged_into=kept)
    assert services.find_person(email="same@example.org") is None


def test_the_oldest_person_wins_when_two_share_an_email():
    first = ContactFactory(email="twin@example.org")
    ContactFactory(email="twin@example.org")
    assert services.find_person(email="twin@example.org") == first


def test_accepting_categories_marks_the_person_as_reporting():
    person = ContactFactory()
    row = AttendanceFactory(
        contact=person,
        pending_changes={
            "race_categories": ["HISPANIC"],
            "race_write_in": "Guatemalan",
        },
    )
    services.review_pending_changes(
        attendance=row, accept=["race_categories"], reviewed_by=None
    )
    person.refresh_from_db()
    assert person.race_ethnicity_status == "reported"
    assert list(person.race_categories.all()) == [category("HISPANIC")]
    assert person.race_write_in == "Guatemalan"


def test_an_outreach_batch_is_all_or_nothing():
    organizer = UserFactory()
    good, bad = ContactFactory(), ContactFactory()
    with pytest.raises(ValidationError):
        services.log_outreach_batch(
            organizer=organizer,
            rows=[
                {"contact": good, "outcome": "reached"},
                {"contact": bad, "outcome": "maybe"},
            ],
            channel="phone",
        )
    assert not good.outreach.exists()


def test_reopening_a_follow_up_clears_its_completion_time():
    follow_up = services.create_follow_up(
        title="Call",
        assigned_to=UserFactory(),
        due_date=timezone.localdate(),
        created_by=None,
    )
    services.close_follow_up(follow_up=follow_up, status=FollowUp.Status.DONE)
    assert follow_up.completed_at is not None
    services.close_follow_up(follow_up=follow_up, status=FollowUp.Status.OPEN)
    assert follow_up.completed_at is None


def test_an_empty_set_of_comments_is_refused():
    with pytest.raises(ValidationError) as error:
        services.add_comments(event=EventFactory(), texts=["  ", ""], created_by=None)
    assert "text" in error.value.message_dict


def test_an_event_cannot_end_before_it_starts():
    start = timezone.now()
    with pytest.raises(ValidationError) as error:
        services.create_event(
            created_by=None,
            name="x",
            kind="training",
            starts_at=start,
            ends_at=start - timedelta(hours=1),
        )
    assert "ends_at" in error.value.message_dict
