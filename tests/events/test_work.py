"""Outreach, follow-ups, "My work", listening sessions, programs and topics."""

from datetime import timedelta

import pytest
from django.urls import NoReverseMatch
from django.utils import timezone

from crm.models import Program, Topic
from events.models import Comment, FollowUp, Outreach
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
    UserFactory,
    language,
)

pytestmark = pytest.mark.django_db


def test_quick_log_records_outreach_and_a_follow_up(organizer):
    person = ContactFactory(first_name="Amina")
    topic = TopicFactory()
    due = timezone.localdate() + timedelta(days=2)
    response = client_for(organizer).post(
        "/events/outreach/new/",
        {
            "contact": person.pk,
            "channel": "phone",
            "outcome": "committed",
            "purpose": "invite",
            "topics": [topic.pk],
            "notes": "Coming with her sister",
            "follow_up_date": due.isoformat(),
            "next": f"/people/{person.pk}/",
        },
    )
    assert (
        response.status_code == 302 and response["Location"] == f"/people/{person.pk}/"
    )
    outreach = Outreach.objects.get(contact=person)
    assert outreach.organizer == organizer and outreach.is_reached
    assert list(outreach.topics.all()) == [topic]
    follow_up = FollowUp.objects.get(outreach=outreach)
    assert follow_up.assigned_to == organizer and follow_up.due_date == due


def test_quick_log_without_a_person_says_to_choose_one(organizer):
    response = client_for(organizer).post(
        "/events/outreach/new/",
        {"channel": "phone", "outcome": "reached", "purpose": "other"},
    )
    assert response.status_code == 200
    assert "Find and choose the person first." in response.content.decode()
    assert not Outreach.objects.exists()


def test_quick_log_ignores_an_offsite_next_address(organizer):
    person = ContactFactory()
    response = client_for(organizer).post(
        "/events/outreach/new/",
        {
            "contact": person.pk,
            "channel": "text",
            "outcome": "reached",
            "purpose": "other",
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == f"/people/{person.pk}/"


def test_the_person_page_offers_the_quick_log(organizer):
    person = ContactFactory()
    body = client_for(organizer).get(f"/people/{person.pk}/").content.decode()
    assert f"/events/outreach/new/?contact={person.pk}" in body


def test_leadership_may_not_log_outreach(leadership):
    person = ContactFactory()
    response = client_for(leadership).post(
        "/events/outreach/new/",
        {"contact": person.pk, "channel": "phone", "outcome": "reached"},
    )
    assert response.status_code == 403
    assert client_for(leadership).get("/events/outreach/call-list/").status_code == 403


def test_a_call_list_logs_one_outcome_per_row_and_skips_the_rest(organizer):
    called = ContactFactory(first_name="Called")
    voicemail = ContactFactory(first_name="Voicemail")
    skipped = ContactFactory(first_name="Skipped")
    client = client_for(organizer)
    page = client.get("/events/outreach/call-list/?state=active").content.decode()
    assert "Called" in page and "Skipped" in page
    response = client.post(
        "/events/outreach/call-list/",
        {
            "channel": "phone",
            "purpose": "invite",
            "people": [called.pk, voicemail.pk, skipped.pk],
            f"outcome_{called.pk}": "reached",
            f"note_{called.pk}": "Will come",
            f"outcome_{voicemail.pk}": "left_message",
            f"outcome_{skipped.pk}": "",
        },
    )
    assert response.status_code == 302
    assert Outreach.objects.count() == 2
    assert Outreach.objects.get(contact=called).notes == "Will come"
    assert not Outreach.objects.filter(contact=skipped).exists()


def test_a_call_list_with_no_outcomes_says_so(organizer):
    person = ContactFactory()
    response = client_for(organizer).post(
        "/events/outreach/call-list/",
        {
            "channel": "phone",
            "purpose": "invite",
            "people": [person.pk],
            f"outcome_{person.pk}": "",
        },
    )
    assert response.status_code == 400
    assert "Choose an outcome for at least one person." in response.content.decode()


def test_a_call_list_row_with_a_bad_outcome_is_named(organizer):
    person = ContactFactory(first_name="Zed", last_name="Row")
    response = client_for(organizer).post(
        "/events/outreach/call-list/",
        {
            "channel": "phone",
            "purpose": "invite",
            "people": [person.pk],
            f"outcome_{person.pk}": "maybe",
        },
    )
    assert response.status_code == 400
    assert f"outcome_{person.pk}" in response.context["form"].errors
    assert not Outreach.objects.exists()


# Follow-ups -------------------------------------------------------------------


def test_a_follow_up_from_an_attendance_carries_the_person_and_event(organizer):
    row = AttendanceFactory()
    client = client_for(organizer)
    page = client.get(f"/events/follow-ups/new/?attendance={row.pk}")
    assert page.context["form"].initial["contact"] == row.contact_id
    response = client.post(
        "/events/follow-ups/new/",
        {
            "title": "Send the slides",
            "assigned_to": organizer.pk,
            "due_date": "2030-01-02",
            "contact": row.contact_id,
            "event": row.event_id,
            "attendance": row.pk,
        },
    )
    assert response.status_code == 302
    follow_up = FollowUp.objects.get()
    assert follow_up.event == row.event and follow_up.attendance == row


def test_a_standalone_follow_up_can_be_assigned_to_a_colleague(organizer):
    colleague = UserFactory()
    client_for(organizer).post(
        "/events/follow-ups/new/",
        {
            "title": "Book the room",
            "assigned_to": colleague.pk,
            "due_date": "2030-01-02",
        },
    )
    assert FollowUp.objects.get().assigned_to == colleague


def test_a_follow_up_without_a_due_date_is_refused_naming_the_field(organizer):
    response = client_for(organizer).post(
        "/events/follow-ups/new/", {"title": "x", "assigned_to": organizer.pk}
    )
    assert "due_date" in response.context["form"].errors


def test_follow_ups_are_marked_done_or_cancelled(organizer):
    done, dropped = (
        FollowUpFactory(assigned_to=organizer),
        FollowUpFactory(assigned_to=organizer),
    )
    client = client_for(organizer)
    client.post(f"/events/follow-ups/{done.pk}/close/", {"status": "done"})
    client.post(f"/events/follow-ups/{dropped.pk}/close/", {"status": "cancelled"})
    done.refresh_from_db()
    dropped.refresh_from_db()
    assert done.status == "done" and done.completed_at is not None
    assert dropped.status == "cancelled"


def test_leadership_may_not_close_follow_ups(leadership):
    follow_up = FollowUpFactory()
    assert (
        client_for(leadership)
        .post(f"/events/follow-ups/{follow_up.pk}/close/", {"status": "done"})
        .status_code
        == 403
    )


# My work ----------------------------------------------------------------------


def test_my_work_shows_overdue_and_due_today_follow_ups_my_events_and_outreach(
    organizer,
):
    today = timezone.localdate()
    FollowUpFactory(
        assigned_to=organizer, title="Late task", due_date=today - timedelta(days=2)
    )
    FollowUpFactory(assigned_to=organizer, title="Today task", due_date=today)
    FollowUpFactory(
        assigned_to=organizer, title="Later task", due_date=today + timedelta(days=5)
    )
    FollowUpFactory(title="Not mine", due_date=today)
    event = EventFactory(name="My rally")
    event.organizers.add(organizer)
    EventFactory(name="Not my event")
    OutreachFactory(organizer=organizer, contact=ContactFactory(first_name="Called"))
    response = client_for(organizer).get("/")
    body = response.content.decode()
    assert [f.title for f in response.context["overdue"]] == ["Late task"]
    assert [f.title for f in response.context["due_today"]] == ["Today task"]
    assert "Later task" not in body and "Not mine" not in body
    assert "My rally" in body and "Not my event" not in body
    assert "Called" in body


def test_leadership_land_on_the_dashboard_when_it_exists(leadership, monkeypatch):
    import crm.views

    monkeypatch.setattr(crm.views, "_dashboard_url", lambda: "/reports/")
    response = client_for(leadership).get("/")
    assert response.status_code == 302 and response["Location"] == "/reports/"


def test_leadership_see_a_home_page_while_the_dashboard_does_not_exist(
    leadership, monkeypatch
):
    import crm.views

    def missing():
        raise NoReverseMatch

    monkeypatch.setattr(crm.views, "reverse", lambda name: missing())
    assert client_for(leadership).get("/").status_code == 200


# Listening sessions -----------------------------------------------------------


def test_many_comments_are_captured_at_once_with_themes_and_language(organizer):
    event = EventFactory(kind="listening_session")
    theme = TopicFactory(kind="theme", name="School safety")
    speaker = AttendanceFactory(event=event).contact
    client = client_for(organizer)
    client.post(
        f"/events/{event.pk}/comments/",
        {
            "text": "Buses are late\nNo interpreters at conferences\n\n",
            "one_per_line": "on",
            "themes": [theme.pk],
            "language": language("es").pk,
        },
    )
    client.post(
        f"/events/{event.pk}/comments/",
        {"text": "My son feels unsafe", "contact": speaker.pk},
    )
    assert Comment.objects.filter(event=event).count() == 3
    assert Comment.objects.filter(themes=theme, language__code="es").count() == 2
    assert Comment.objects.get(text="My son feels unsafe").contact == speaker


def test_an_empty_comment_is_refused_naming_the_field(organizer):
    event = EventFactory(kind="listening_session")
    response = client_for(organizer).post(f"/events/{event.pk}/comments/", {"text": ""})
    assert response.status_code == 400
    assert "text" in response.context["form"].errors


def test_leadership_read_comments_but_may_not_add_them(leadership):
    event = EventFactory(kind="listening_session")
    client = client_for(leadership)
    assert client.get(f"/events/{event.pk}/comments/").status_code == 200
    assert (
        client.post(f"/events/{event.pk}/comments/", {"text": "x"}).status_code == 403
    )


def test_the_organizer_writes_what_we_heard(organizer):
    event = EventFactory(kind="listening_session")
    event.organizers.add(organizer)
    client_for(organizer).post(
        f"/events/{event.pk}/summary/", {"summary": "Transport is the barrier."}
    )
    event.refresh_from_db()
    assert event.summary == "Transport is the barrier."


def test_themes_are_tallied_per_session_and_across_sessions_in_a_period(organizer):
    safety, language_access = (
        TopicFactory(kind="theme", name="Safety"),
        TopicFactory(kind="theme", name="Language access"),
    )
    first, second = (
        EventFactory(kind="listening_session"),
        EventFactory(kind="listening_session"),
    )
    old = timezone.now() - timedelta(days=400)
    long_ago = EventFactory(
        kind="listening_session", starts_at=old, ends_at=old + timedelta(hours=1)
    )
    for event, themes in (
        (first, [safety]),
        (first, [safety, language_access]),
        (second, [safety]),
        (long_ago, [language_access]),
    ):
        CommentFactory(event=event).themes.set(themes)
    client = client_for(organizer)
    per_session = client.get(f"/events/{first.pk}/comments/").context["tally"]
    assert {row["themes__name"]: row["comment_count"] for row in per_session} == {
        "Safety": 2,
        "Language access": 1,
    }
    start = (timezone.localdate() - timedelta(days=30)).isoformat()
    across = client.get(f"/events/themes/?start={start}").context["tally"]
    assert [
        (r["themes__name"], r["comment_count"], r["session_count"]) for r in across
    ] == [("Safety", 3, 2), ("Language access", 1, 1)]


# The person's timeline ----------------------------------------------------------


def test_the_person_page_shows_one_timeline_of_everything(organizer):
    person = ContactFactory()
    OutreachFactory(contact=person, notes="Talked about buses")
    AttendanceFactory(contact=person, event=EventFactory(name="Town hall"))
    CommentFactory(contact=person, text="We need interpreters")
    FollowUpFactory(contact=person, title="Send notes")
    body = client_for(organizer).get(f"/people/{person.pk}/").content.decode()
    for text in (
        "Talked about buses",
        "Town hall",
        "We need interpreters",
        "Send notes",
    ):
        assert text in body


# Programs and topics ------------------------------------------------------------


def test_data_staff_create_edit_and_archive_programs(data_staff):
    client = client_for(data_staff)
    client.post("/events/programs/new/", {"name": "2027 legislative session"})
    program = Program.objects.get(name="2027 legislative session")
    client.post(f"/events/programs/{program.pk}/edit/", {"name": "2027 session"})
    client.post(f"/events/programs/{program.pk}/archive/", {"archived": "1"})
    program.refresh_from_db()
    assert program.name == "2027 session" and program.is_archived
    assert "2027 session" not in client.get("/events/programs/").content.decode()
    assert (
        "2027 session" in client.get("/events/programs/?archived=true").content.decode()
    )


def test_a_bill_needs_its_number(leadership):
    response = client_for(leadership).post(
        "/events/topics/new/", {"kind": "bill", "name": "Ethnic studies"}
    )
    assert "bill_number" in response.context["form"].errors
    client_for(leadership).post(
        "/events/topics/new/",
        {
            "kind": "bill",
            "name": "Ethnic studies",
            "bill_number": "HB 1234",
            "legislative_session": "2027",
        },
    )
    assert str(Topic.objects.get()) == "HB 1234 (2027): Ethnic studies"


def test_organizers_may_not_change_programs_or_topics(organizer):
    program, topic = ProgramFactory(), TopicFactory()
    client = client_for(organizer)
    assert client.get("/events/programs/").status_code == 200
    assert client.post("/events/programs/new/", {"name": "x"}).status_code == 403
    assert (
        client.post(f"/events/programs/{program.pk}/edit/", {"name": "x"}).status_code
        == 403
    )
    assert client.post(f"/events/programs/{program.pk}/archive/").status_code == 403
    assert (
        client.post("/events/topics/new/", {"name": "x", "kind": "theme"}).status_code
        == 403
    )
    assert client.post(f"/events/topics/{topic.pk}/archive/").status_code == 403


def test_follow_up_and_outreach_filters_take_a_record_number_not_a_list_of_everyone(
    organizer,
):
    person = ContactFactory(first_name="Zebedee")
    FollowUpFactory(assigned_to=organizer, contact=person, title="Call Zebedee")
    FollowUpFactory(assigned_to=organizer, title="Other task")
    client = client_for(organizer)
    body = client.get(f"/events/follow-ups/?contact={person.pk}").content.decode()
    assert "Call Zebedee" in body and "Other task" not in body
    listing = client.get("/events/outreach/").content.decode()
    assert "Zebedee" not in listing
