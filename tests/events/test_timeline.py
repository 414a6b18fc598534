"""The person's timeline: one story, newest first, every entry reachable."""

import re
from datetime import UTC, datetime, time, timedelta

import pytest
from django.utils import timezone

from events.models import Attendance, Comment
from events.timeline import TIMELINE_LIMIT, Cursor, timeline_page
from tests.conftest import client_for
from tests.factories import (
    AttendanceFactory,
    CommentFactory,
    ContactFactory,
    EventFactory,
    FollowUpFactory,
    OutreachFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _comment_at(person, when):
    comment = CommentFactory(contact=person)
    Comment.objects.filter(pk=comment.pk).update(created_at=when)
    return comment


def _keys(entries):
    return [(entry.kind, entry.item.pk) for entry in entries]


def _says(text, html):
    return re.search(rf"{text}\b", html) is not None


def _walk(person, *, limit):
    """Every page of the person's timeline, following "Show older entries"."""
    seen, before = [], None
    while True:
        page = timeline_page(person, before=before, limit=limit)
        assert len(page.entries) <= limit
        seen += page.entries
        if page.older is None:
            return seen
        assert len(page.entries) == limit
        before = Cursor.parse(str(page.older))


def test_the_timeline_is_newest_first_across_kinds(organizer):
    person = ContactFactory()
    now = timezone.now().replace(microsecond=0)
    today = timezone.localdate()
    outreach = OutreachFactory(contact=person, occurred_at=now - timedelta(hours=1))
    # Shown at its check-in, late in an event that started long before.
    late = AttendanceFactory(
        contact=person,
        event=EventFactory(starts_at=now - timedelta(days=30)),
        checked_in_at=now - timedelta(hours=2),
    )
    # Registered, never checked in: shown at the event's start.
    registered = AttendanceFactory(
        contact=person,
        event=EventFactory(starts_at=now - timedelta(days=3)),
        status=Attendance.Status.REGISTERED,
        checked_in_at=None,
    )
    comment = _comment_at(person, now - timedelta(days=2))
    follow_up = FollowUpFactory(contact=person, due_date=today - timedelta(days=10))
    later = FollowUpFactory(contact=person, due_date=today + timedelta(days=5))

    entries = timeline_page(person).entries

    assert _keys(entries) == [
        ("follow_up", later.pk),
        ("outreach", outreach.pk),
        ("attendance", late.pk),
        ("comment", comment.pk),
        ("attendance", registered.pk),
        ("follow_up", follow_up.pk),
    ]
    assert entries[2].when == now - timedelta(hours=2)
    assert entries[4].when == registered.event.starts_at
    assert entries[5].when == timezone.make_aware(
        datetime.combine(follow_up.due_date, time.min)
    )


def test_show_older_reaches_every_entry_once_in_order(organizer):
    person = ContactFactory()
    day = timezone.localdate() - timedelta(days=3)
    midnight = timezone.make_aware(datetime.combine(day, time.min))
    noon = midnight + timedelta(hours=12)
    # Ties everywhere: several kinds and records at the same moment, and an
    # outreach at the very start of the day a follow-up is due.
    for _ in range(3):
        OutreachFactory(contact=person, occurred_at=noon)
        AttendanceFactory(contact=person, checked_in_at=noon)
        _comment_at(person, noon)
        FollowUpFactory(contact=person, due_date=day)
    OutreachFactory(contact=person, occurred_at=midnight)
    for days in range(1, 6):
        OutreachFactory(contact=person, occurred_at=noon - timedelta(days=days))
        AttendanceFactory(
            contact=person,
            event=EventFactory(starts_at=noon - timedelta(days=days, hours=1)),
            checked_in_at=None,
        )
        FollowUpFactory(contact=person, due_date=day - timedelta(days=days))
    everything = timeline_page(person, limit=1000).entries
    assert len(everything) == 28

    for limit in (1, 2, 3, 5, 7):
        assert _keys(_walk(person, limit=limit)) == _keys(everything)
    assert [entry.key for entry in everything] == sorted(
        (entry.key for entry in everything), reverse=True
    )
    # At the start of the day, outreach comes before the follow-ups due then.
    at_midnight = [entry.kind for entry in everything if entry.when == midnight]
    assert at_midnight == ["outreach", "follow_up", "follow_up", "follow_up"]


def test_a_cursor_reads_back_what_it_wrote():
    for when in (
        datetime(2026, 3, 8, 10, 0, 0, 123456, tzinfo=UTC),
        datetime(1969, 7, 20, 20, 17, 40, tzinfo=UTC),
    ):
        cursor = Cursor(when, "follow_up", 42)
        assert Cursor.parse(str(cursor)) == cursor
    for garbage in (
        "",
        "1.outreach",
        "x.outreach.1",
        "1.meeting.1",
        "1.outreach.-1",
        "1.outreach.1e3",
        "9" * 40 + ".outreach.1",
        "1.outreach." + "9" * 40,
    ):
        assert Cursor.parse(garbage) is None


def test_the_person_page_shows_the_latest_entries_and_links_to_the_rest(organizer):
    person = ContactFactory()
    start = timezone.now() - timedelta(days=1)
    for minutes in range(TIMELINE_LIMIT + 5):
        OutreachFactory(
            contact=person,
            occurred_at=start - timedelta(minutes=minutes),
            notes=f"Call number {minutes}",
        )
    client = client_for(organizer)

    page = client.get(f"/people/{person.pk}/").content.decode()
    assert page.count("<time ") == TIMELINE_LIMIT
    assert _says(f"Call number {TIMELINE_LIMIT - 1}", page)
    assert not _says(f"Call number {TIMELINE_LIMIT}", page)
    older = re.search(r'href="(/people/\d+/\?older=[^"#]+)#timeline"', page)
    assert older is not None

    # Without JavaScript: the person's page, from there on.
    rest = client.get(older.group(1)).content.decode()
    assert rest.count("<time ") == 5
    assert _says(f"Call number {TIMELINE_LIMIT}", rest)
    assert "Back to the latest entries" in rest
    assert "Show older entries" not in rest

    # With htmx: just the entries, to append to the list.
    fragment = client.get(older.group(1), headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert fragment.status_code == 200
    assert "HX-Request" in fragment["Vary"]
    assert "<html" not in body and "<h2" not in body
    assert body.count("<time ") == 5
    assert _says(f"Call number {TIMELINE_LIMIT + 4}", body)


def test_a_made_up_place_in_the_timeline_is_refused(organizer):
    person = ContactFactory()
    client = client_for(organizer)
    assert client.get(f"/people/{person.pk}/?older=nonsense").status_code == 400
    assert (
        client.get(
            f"/people/{person.pk + 1000}/?older=1.outreach.1",
            headers={"HX-Request": "true"},
        ).status_code
        == 404
    )


def test_who_may_not_see_outreach_gets_no_older_entries_either():
    from django.contrib.auth.models import Permission

    person = ContactFactory()
    OutreachFactory(contact=person, notes="Talked about buses")
    viewer = UserFactory()
    viewer.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="contacts", codename="view_contact"
        )
    )
    client = client_for(viewer)
    for headers in ({}, {"HX-Request": "true"}):
        response = client.get(
            f"/people/{person.pk}/?older=1999999999999999.outreach.999999",
            headers=headers,
        )
        assert response.status_code == 200
        assert "Talked about buses" not in response.content.decode()
        assert 'id="timeline"' not in response.content.decode()


def test_the_way_to_older_entries_speaks_spanish(organizer):
    from django.conf import settings

    person = ContactFactory()
    for minutes in range(TIMELINE_LIMIT + 1):
        OutreachFactory(
            contact=person, occurred_at=timezone.now() - timedelta(minutes=minutes)
        )
    client = client_for(organizer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert "Ver entradas anteriores" in page
    older = re.search(r'href="(/people/\d+/\?older=[^"#]+)#timeline"', page)
    assert older is not None
    assert (
        "Volver a las entradas más recientes"
        in client.get(older.group(1)).content.decode()
    )
