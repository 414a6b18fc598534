"""The roster, "My work" and the timeline run a fixed number of queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import client_for
from tests.factories import (
    AttendanceFactory,
    CommentFactory,
    ContactFactory,
    EventFactory,
    FollowUpFactory,
    OutreachFactory,
)

pytestmark = pytest.mark.django_db


def test_the_roster_runs_a_fixed_number_of_queries(
    organizer, django_assert_num_queries
):
    event = EventFactory()
    AttendanceFactory(event=event, pending_changes={"zip_code": "98118"})
    client = client_for(organizer)
    client.get(f"/events/{event.pk}/roster/")  # warm the session
    # session, user, user permissions, group permissions, the event, the roster
    with django_assert_num_queries(6):
        client.get(f"/events/{event.pk}/roster/")
    AttendanceFactory.create_batch(15, event=event)
    with django_assert_num_queries(6):
        response = client.get(f"/events/{event.pk}/roster/")
    assert len(response.context["roster"]) == 16


def test_the_event_page_does_not_grow_with_its_roster(organizer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    event = EventFactory()
    event.organizers.add(organizer)
    AttendanceFactory(event=event)
    client = client_for(organizer)
    with CaptureQueriesContext(connection) as few:
        client.get(f"/events/{event.pk}/")
    AttendanceFactory.create_batch(12, event=event)
    with CaptureQueriesContext(connection) as many:
        client.get(f"/events/{event.pk}/")
    assert len(many) == len(few)


def test_my_work_runs_a_fixed_number_of_queries(organizer, django_assert_num_queries):
    today = timezone.localdate()

    def add_rows():
        FollowUpFactory(assigned_to=organizer, due_date=today - timedelta(days=1))
        FollowUpFactory(assigned_to=organizer, due_date=today)
        event = EventFactory()
        event.organizers.add(organizer)
        OutreachFactory(organizer=organizer)

    add_rows()
    client = client_for(organizer)
    client.get("/")
    # session, user, user permissions, group permissions, leadership check,
    # overdue, due today, my events, my outreach
    with django_assert_num_queries(9):
        client.get("/")
    for _ in range(8):
        add_rows()
    with django_assert_num_queries(9):
        response = client.get("/")
    assert len(response.context["my_outreach"]) == 9


def test_the_timeline_runs_a_fixed_number_of_queries(organizer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from events.timeline import contact_timeline

    person = ContactFactory()

    def add_rows():
        OutreachFactory(contact=person)
        AttendanceFactory(contact=person)
        CommentFactory(contact=person)
        FollowUpFactory(contact=person)

    add_rows()
    # outreach, attendance, comments, follow-ups
    with CaptureQueriesContext(connection) as captured:
        entries = contact_timeline(person)
    assert len(captured) == 4 and len(entries) == 4
    for _ in range(6):
        add_rows()
    with CaptureQueriesContext(connection) as captured:
        entries = contact_timeline(person)
    assert len(captured) == 4 and len(entries) == 28


def test_the_person_page_does_not_grow_with_the_timeline(
    organizer, django_assert_num_queries
):
    from events.timeline import TIMELINE_LIMIT

    person = ContactFactory()
    OutreachFactory(contact=person)
    client = client_for(organizer)
    client.get(f"/people/{person.pk}/")
    # session, user, user's and group permissions; the person (county,
    # language, owner, school district and merged-into joined), their other
    # languages, roles, tags, affiliations, relationships from and to them;
    # the timeline's outreach, attendance, comments and follow-ups; the
    # organizations to affiliate with
    with django_assert_num_queries(16) as few:
        client.get(f"/people/{person.pk}/")
    for _ in range(TIMELINE_LIMIT // 4 + 5):
        OutreachFactory(contact=person)
        AttendanceFactory(contact=person)
        CommentFactory(contact=person)
        FollowUpFactory(contact=person)
    with django_assert_num_queries(len(few.captured_queries)):
        body = client.get(f"/people/{person.pk}/").content.decode()
    assert "Show older entries" in body


def test_older_timeline_entries_run_a_fixed_number_of_queries(
    organizer, django_assert_num_queries
):
    from events.timeline import Cursor

    person = ContactFactory()
    client = client_for(organizer)
    older = f"/people/{person.pk}/?older={Cursor(timezone.now(), 'outreach', 0)}"
    for _ in range(3):
        OutreachFactory(contact=person)
    # session, user, user's and group permissions, the person; the timeline's
    # outreach, attendance, comments and follow-ups
    with django_assert_num_queries(9):
        client.get(older, headers={"HX-Request": "true"})
    for _ in range(30):
        OutreachFactory(contact=person)
        AttendanceFactory(contact=person)
        CommentFactory(contact=person)
        FollowUpFactory(contact=person)
    with django_assert_num_queries(9):
        client.get(older, headers={"HX-Request": "true"})


@pytest.mark.parametrize(
    "url",
    [
        "/events/?when=all",
        "/events/outreach/",
        "/events/follow-ups/?status=open",
        "/events/sign-ins-to-review/",
    ],
)
def test_lists_do_not_grow_with_their_rows(organizer, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add_rows():
        event = EventFactory()
        OutreachFactory(organizer=organizer)
        FollowUpFactory(assigned_to=organizer, event=event)
        AttendanceFactory(event=event, pending_changes={"zip_code": "98118"})

    add_rows()
    client = client_for(organizer)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(6):
        add_rows()
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
