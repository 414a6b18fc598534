"""The engagement API: same filters as the screens, writes through the services."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from crm.roles import Role
from events.models import Attendance, Comment, Event, FollowUp, Outreach
from tests.factories import (
    AttendanceFactory,
    ContactFactory,
    EventFactory,
    FollowUpFactory,
    ProgramFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_every_engagement_endpoint_is_listed_for_staff(data_staff):
    for path in (
        "events",
        "attendance",
        "outreach",
        "follow-ups",
        "comments",
        "programs",
        "topics",
    ):
        response = api(data_staff).get(f"/api/v1/{path}/")
        assert response.status_code == 200, path


def test_anonymous_api_calls_are_refused():
    assert api().get("/api/v1/events/").status_code in (401, 403)


def test_events_are_filtered_like_the_screen(organizer):
    EventFactory(name="Soon", kind=Event.Kind.TRAINING)
    past = timezone.now() - timedelta(days=10)
    EventFactory(name="Before", starts_at=past, ends_at=past + timedelta(hours=1))
    names = [
        e["name"]
        for e in api(organizer).get("/api/v1/events/?kind=training").json()["results"]
    ]
    assert names == ["Soon"]
    names = [
        e["name"]
        for e in api(organizer).get("/api/v1/events/?when=past").json()["results"]
    ]
    assert names == ["Before"]


def test_creating_an_event_through_the_api_makes_the_creator_an_organizer(organizer):
    start = timezone.now() + timedelta(days=1)
    response = api(organizer).post(
        "/api/v1/events/",
        {
            "name": "API event",
            "kind": "training",
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat(),
            "county": "king",
            "languages_offered": ["es"],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    event = Event.objects.get(name="API event")
    assert list(event.organizers.all()) == [organizer]


def test_an_event_ending_before_it_starts_is_refused_by_field(organizer):
    start = timezone.now() + timedelta(days=1)
    response = api(organizer).post(
        "/api/v1/events/",
        {
            "name": "Bad",
            "kind": "training",
            "starts_at": start.isoformat(),
            "ends_at": (start - timedelta(hours=1)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400
    assert "ends_at" in response.json()["error"]["fields"]


def test_organizers_may_not_change_others_events_through_the_api(organizer):
    event = EventFactory()
    event.organizers.add(UserFactory(role=Role.ORGANIZER))
    response = api(organizer).patch(
        f"/api/v1/events/{event.pk}/", {"name": "Mine now"}, format="json"
    )
    assert response.status_code == 403
    assert api(organizer).delete(f"/api/v1/events/{event.pk}/").status_code == 403


def test_a_stale_event_version_is_refused_with_409(organizer):
    event = EventFactory()
    event.organizers.add(organizer)
    response = api(organizer).patch(
        f"/api/v1/events/{event.pk}/", {"name": "x", "version": 99}, format="json"
    )
    assert response.status_code == 409


def test_attendance_is_created_in_bulk_without_duplicates(organizer):
    event = EventFactory()
    people = ContactFactory.create_batch(3)
    rows = [{"event": event.pk, "contact": p.pk, "role": "participant"} for p in people]
    response = api(organizer).post("/api/v1/attendance/", rows, format="json")
    assert response.status_code == 201, response.json()
    again = api(organizer).post("/api/v1/attendance/", rows[:1], format="json")
    assert again.status_code == 201
    assert Attendance.objects.filter(event=event).count() == 3
    assert set(Attendance.objects.values_list("source", flat=True)) == {"api"}


def test_a_bad_row_in_a_bulk_post_is_named_and_nothing_is_saved(organizer):
    event = EventFactory()
    person = ContactFactory()
    rows = [
        {"event": event.pk, "contact": person.pk},
        {"event": event.pk, "contact": 999999},
    ]
    response = api(organizer).post("/api/v1/attendance/", rows, format="json")
    assert response.status_code == 400
    assert "row 2" in response.json()["error"]["fields"]
    assert not Attendance.objects.exists()


def test_outreach_is_logged_in_bulk_by_the_caller(organizer):
    people = ContactFactory.create_batch(2)
    rows = [{"contact": p.pk, "channel": "phone", "outcome": "reached"} for p in people]
    rows[0]["follow_up_date"] = "2030-01-01"
    response = api(organizer).post("/api/v1/outreach/", rows, format="json")
    assert response.status_code == 201, response.json()
    assert Outreach.objects.filter(organizer=organizer).count() == 2
    assert FollowUp.objects.get().assigned_to == organizer


def test_outreach_is_filtered_like_the_screen(organizer):
    person = ContactFactory()
    api(organizer).post(
        "/api/v1/outreach/",
        {"contact": person.pk, "channel": "text", "outcome": "no_answer"},
        format="json",
    )
    api(organizer).post(
        "/api/v1/outreach/",
        {"contact": person.pk, "channel": "phone", "outcome": "reached"},
        format="json",
    )
    results = api(organizer).get("/api/v1/outreach/?channel=text").json()["results"]
    assert [r["outcome"] for r in results] == ["no_answer"]


def test_leadership_reads_but_may_not_write_engagement_records(leadership):
    person = ContactFactory()
    client = api(leadership)
    assert client.get("/api/v1/outreach/").status_code == 200
    assert (
        client.post(
            "/api/v1/outreach/",
            {"contact": person.pk, "channel": "phone", "outcome": "reached"},
            format="json",
        ).status_code
        == 403
    )
    assert (
        client.post(
            "/api/v1/attendance/",
            {"event": EventFactory().pk, "contact": person.pk},
            format="json",
        ).status_code
        == 403
    )


def test_organizers_may_not_delete_records_through_the_api(organizer):
    from tests.factories import CommentFactory, OutreachFactory

    row = AttendanceFactory()
    follow_up = FollowUpFactory()
    outreach = OutreachFactory(organizer=organizer)
    comment = CommentFactory()
    assert api(organizer).delete(f"/api/v1/outreach/{outreach.pk}/").status_code == 403
    assert api(organizer).delete(f"/api/v1/comments/{comment.pk}/").status_code == 403
    assert Outreach.objects.filter(pk=outreach.pk).exists()
    assert api(organizer).delete(f"/api/v1/attendance/{row.pk}/").status_code == 403
    assert (
        api(organizer).delete(f"/api/v1/follow-ups/{follow_up.pk}/").status_code == 403
    )


def test_follow_ups_are_closed_through_the_api(organizer):
    follow_up = FollowUpFactory(assigned_to=organizer)
    response = api(organizer).patch(
        f"/api/v1/follow-ups/{follow_up.pk}/", {"status": "done"}, format="json"
    )
    assert response.status_code == 200
    follow_up.refresh_from_db()
    assert follow_up.status == "done" and follow_up.completed_at is not None


def test_comments_are_added_and_filtered_by_theme(organizer):
    event = EventFactory(kind="listening_session")
    theme = TopicFactory(kind="theme")
    api(organizer).post(
        "/api/v1/comments/",
        {"event": event.pk, "text": "Heard", "themes": [theme.pk], "language": "es"},
        format="json",
    )
    api(organizer).post(
        "/api/v1/comments/", {"event": event.pk, "text": "Other"}, format="json"
    )
    results = (
        api(organizer).get(f"/api/v1/comments/?theme={theme.pk}").json()["results"]
    )
    assert [r["text"] for r in results] == ["Heard"]
    assert Comment.objects.count() == 2


def test_data_staff_may_delete_records_through_the_api(data_staff):
    row = AttendanceFactory()
    assert api(data_staff).delete(f"/api/v1/attendance/{row.pk}/").status_code == 204
    assert not Attendance.objects.filter(pk=row.pk).exists()


def test_programs_and_topics_are_written_by_permitted_roles_only(organizer, data_staff):
    assert (
        api(organizer)
        .post("/api/v1/programs/", {"name": "x"}, format="json")
        .status_code
        == 403
    )
    assert (
        api(data_staff)
        .post("/api/v1/programs/", {"name": "Capacity"}, format="json")
        .status_code
        == 201
    )
    response = api(data_staff).post(
        "/api/v1/topics/", {"name": "Ethnic studies", "kind": "bill"}, format="json"
    )
    assert (
        response.status_code == 400
        and "bill_number" in response.json()["error"]["fields"]
    )
    ProgramFactory(name="Old", is_archived=True)
    names = [
        p["name"] for p in api(organizer).get("/api/v1/programs/").json()["results"]
    ]
    assert "Old" not in names and "Capacity" in names
