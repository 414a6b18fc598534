"""Every screen renders for the roles that may see it."""

import pytest

from tests.conftest import client_for
from tests.factories import (
    AttendanceFactory,
    CommentFactory,
    ContactFactory,
    EventFactory,
    FollowUpFactory,
    OutreachFactory,
    ProgramFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(organizer):
    event = EventFactory(name="Parent night")
    event.organizers.add(organizer)
    person = ContactFactory(first_name="Amina", last_name="Yusuf")
    AttendanceFactory(event=event, contact=person)
    OutreachFactory(contact=person, organizer=organizer)
    FollowUpFactory(contact=person, assigned_to=organizer)
    theme = TopicFactory(name="Safety", kind="theme")
    comment = CommentFactory(event=event, contact=person)
    comment.themes.add(theme)
    ProgramFactory(name="Capacity")
    return {"event": event, "person": person}


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/events/",
        "/events/?when=past",
        "/events/{event}/",
        "/events/{event}/roster/",
        "/events/{event}/check-in/",
        "/events/{event}/check-in/?q=Ami",
        "/events/{event}/check-in/search/?q=Ami",
        "/events/{event}/sign-in/",
        "/events/{event}/qr.svg",
        "/events/{event}/qr.png",
        "/events/{event}/comments/",
        "/events/{event}/edit/",
        "/events/new/",
        "/events/themes/",
        "/events/outreach/",
        "/events/outreach/new/",
        "/events/outreach/new/?contact={person}",
        "/events/outreach/new/?q=Ami",
        "/events/outreach/call-list/",
        "/events/outreach/call-list/?q=Ami",
        "/events/people-search/?q=Ami",
        "/events/follow-ups/",
        "/events/follow-ups/new/?contact={person}",
        "/events/programs/",
        "/events/topics/",
        "/people/{person}/",
    ],
)
def test_screens_render_for_their_organizer(world, organizer, url):
    url = url.format(event=world["event"].pk, person=world["person"].pk)
    response = client_for(organizer).get(url)
    assert response.status_code == 200, response.content[:2000]
