"""The engagement summary always gives the live engine's numbers."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from contacts import merge, privacy, services
from contacts.models import Contact, RaceEthnicityGroup
from crm import changes
from crm.models import Topic
from events import services as event_services
from events.models import Attendance, Event, Outreach
from reports import metrics, summary
from reports.metrics import fast
from reports.models import SummaryChange, SummaryState, Tabulation
from tests.factories import (
    AttendanceFactory,
    CommentFactory,
    ContactFactory,
    EventFactory,
    OutreachFactory,
    ProgramFactory,
    TopicFactory,
    UserFactory,
    category,
    county,
    group,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def summary_on(settings: Any) -> None:
    settings.CRM_ENGAGEMENT_SUMMARY = True
    summary.rebuild()


def _filters(today: dt.date) -> list[metrics.Filters]:
    king = county("king").pk
    programs = tuple(
        Event.objects.exclude(program=None).values_list("program", flat=True)[:1]
    )
    base = [
        metrics.Filters(start=dt.date(2000, 1, 1), end=today + dt.timedelta(days=90)),
        metrics.Filters(start=today - dt.timedelta(days=364), end=today),
        metrics.Filters(start=today - dt.timedelta(days=89), end=today),
        metrics.Filters(start=today - dt.timedelta(days=9), end=today),
    ]
    year = base[1]
    organizer = (
        Event.organizers.through.objects.order_by("user_id")
        .values_list("user_id", flat=True)
        .first()
    )
    by_organizer = (
        [year.replace(organizer=organizer), base[0].replace(organizer=organizer)]
        if organizer
        else []
    )
    return [
        *base,
        year.replace(county=king),
        year.replace(community="HISPANIC"),
        year.replace(community="ASIAN", county=king),
        year.replace(programs=programs),
        year.replace(event_kind=Event.Kind.COMMUNITY_MEETING),
        *by_organizer,
    ]


def assert_summary_equals_live(today: dt.date | None = None) -> None:
    today = today or timezone.localdate()
    assert set(fast.FAST_DIMENSIONS) == set(metrics.DIMENSIONS)
    for f in _filters(today):
        assert fast.covers(f)
        with summary.live_counts():
            assert not fast.covers(f)
            live_headline = metrics.headline(f)
        assert metrics.headline(f) == live_headline, f
        for by in fast.FAST_DIMENSIONS:
            for method in Tabulation.values:
                with summary.live_counts():
                    live = metrics.breakdown(f, by, method).to_dict()
                assert metrics.breakdown(f, by, method).to_dict() == live, (f, by)
    for f in _filters(today):
        for method in Tabulation.values:
            with summary.live_counts():
                live_themes = metrics.themes_by(f, "community", method)
            assert metrics.themes_by(f, "community", method) == live_themes, f
    for on in (today, today - dt.timedelta(days=200)):
        for kwargs in ({}, {"county": county("king").pk}, {"community": "BLACK"}):
            with summary.live_counts():
                live_snapshot = metrics.ladder_snapshot(on, **kwargs)
                live_movement = metrics.ladder_movement(
                    on - dt.timedelta(days=90), on, **kwargs
                )
            assert metrics.ladder_snapshot(on, **kwargs) == live_snapshot
            assert (
                metrics.ladder_movement(on - dt.timedelta(days=90), on, **kwargs)
                == live_movement
            )
        for method in Tabulation.values:
            with summary.live_counts():
                live_matrix = metrics.ladder_by_community(on, method=method)
            assert metrics.ladder_by_community(on, method=method) == live_matrix


def _people(n: int, **kwargs: Any) -> list[Contact]:
    return [ContactFactory(**kwargs) for _ in range(n)]


@pytest.fixture
def world(summary_on: None) -> dict[str, Any]:
    """A small coalition: events over two years, attendance and outreach."""
    now = timezone.now()
    program = ProgramFactory()
    organizer, second = UserFactory(), UserFactory()
    hispanic = _people(4, categories=["HISPANIC", "WHITE"])
    asian = _people(3, categories=["ASIAN"], county=county("spokane"))
    mixed = _people(2, categories=["BLACK", "AIAN"])
    plain = _people(3)
    # Detailed groups: one, several, or none chosen (hispanic[3], asian[2]).
    for person, codes in (
        (hispanic[0], ["MEXICAN"]),
        (hispanic[1], ["MEXICAN"]),
        (hispanic[2], ["MEXICAN", "PUERTO_RICAN"]),
        (asian[0], ["VIETNAMESE"]),
        (asian[1], ["HMONG", "VIETNAMESE"]),
        (mixed[0], ["SOMALI"]),
    ):
        person.race_groups.set([group(code) for code in codes])
    events = [
        EventFactory(starts_at=now - dt.timedelta(days=d), program=program)
        for d in (3, 40, 100, 200, 400)
    ]
    events.append(
        EventFactory(
            starts_at=now - dt.timedelta(days=20),
            kind=Event.Kind.TRAINING,
            status=Event.Status.CANCELLED,
        )
    )
    # Organizers: two, one, the other one, none (events[3:]).
    events[0].organizers.set([organizer, second])
    events[1].organizers.set([organizer])
    events[2].organizers.set([second])
    for i, person in enumerate(hispanic + asian + mixed + plain):
        for event in events[: 1 + i % len(events)]:
            AttendanceFactory(
                event=event,
                contact=person,
                role=Attendance.Role.HOST if i == 2 else Attendance.Role.PARTICIPANT,
            )
        OutreachFactory(
            contact=person,
            organizer=organizer,
            program=program if i % 2 else None,
            occurred_at=now - dt.timedelta(days=5 + 30 * i),
            outcome=Outreach.Outcome.REACHED if i % 3 else Outreach.Outcome.NO_ANSWER,
        )
    themes = [TopicFactory(kind=Topic.Kind.THEME) for _ in range(3)]
    speakers = [*hispanic, *asian, *mixed, plain[0], None]
    for i, speaker in enumerate(speakers):
        comment = CommentFactory(event=events[i % 3], contact=speaker)
        comment.themes.set(themes[: 1 + i % 3])
    return {
        "events": events,
        "hispanic": hispanic,
        "asian": asian,
        "mixed": mixed,
        "plain": plain,
        "organizer": organizer,
        "second": second,
        "program": program,
    }


def test_a_fresh_build_counts_what_the_live_engine_counts(world: dict[str, Any]):
    summary.rebuild()
    assert_summary_equals_live()


def test_records_created_one_by_one_are_counted_at_the_next_read(
    world: dict[str, Any],
):
    person = ContactFactory(categories=["NHPI"])
    event_services.record_attendance(
        event=world["events"][0], contact=person, recorded_by=world["organizer"]
    )
    event_services.log_outreach(
        contact=person,
        organizer=world["organizer"],
        channel=Outreach.Channel.PHONE,
        outcome=Outreach.Outcome.COMMITTED,
    )
    assert SummaryChange.objects.exists()
    assert_summary_equals_live()
    assert not SummaryChange.objects.exists()


def test_edited_people_events_and_records_are_recounted(world: dict[str, Any]):
    person = world["hispanic"][0]
    services.update_contact(
        contact=person,
        changes={
            "county": county("yakima"),
            "race_categories": [category("ASIAN")],
        },
        updated_by=None,
    )
    event = world["events"][1]
    event_services.update_event(
        event=event,
        changes={
            "starts_at": event.starts_at - dt.timedelta(days=300),
            "ends_at": event.ends_at - dt.timedelta(days=300),
        },
        updated_by=None,
    )
    event_services.cancel_event(event=world["events"][2], cancelled_by=None)
    attendance = Attendance.objects.filter(contact=world["asian"][0]).first()
    assert attendance is not None
    event_services.remove_attendance(attendance=attendance)
    outreach = Outreach.objects.filter(contact=world["mixed"][0]).first()
    assert outreach is not None
    event_services.update_outreach(
        outreach=outreach,
        changes={"occurred_at": timezone.now() - dt.timedelta(days=1)},
    )
    assert_summary_equals_live()


def test_detailed_groups_added_and_removed_are_recounted(world: dict[str, Any]):
    plain, hispanic, asian = world["plain"], world["hispanic"], world["asian"]
    services.update_contact(
        contact=plain[0], changes={"race_groups": [group("HMONG")]}, updated_by=None
    )
    hispanic[3].race_groups.add(group("SAMOAN"), group("MEXICAN"))
    hispanic[2].race_groups.remove(group("PUERTO_RICAN"))
    hispanic[0].race_groups.clear()
    assert_summary_equals_live()
    services.update_contact(
        contact=asian[1], changes={"race_groups": []}, updated_by=None
    )
    assert_summary_equals_live()


def test_a_deleted_detailed_group_leaves_the_counts(world: dict[str, Any]):
    extra = RaceEthnicityGroup.objects.create(
        code="TEST_ONLY", name="A group for this test", category=category("ASIAN")
    )
    world["asian"][2].race_groups.add(extra)
    assert_summary_equals_live()
    extra.delete()  # the person's list row goes by cascade
    assert_summary_equals_live()


def test_organizers_added_and_removed_are_recounted(world: dict[str, Any]):
    events, organizer, second = world["events"], world["organizer"], world["second"]
    third = UserFactory()
    events[3].organizers.add(third)
    events[1].organizers.add(second, third)  # three organizers
    events[0].organizers.remove(organizer)
    event_services.update_event(
        event=events[4], changes={"organizers": [second, third]}, updated_by=None
    )
    assert_summary_equals_live()
    # From the user's side, then a user deleted (their rows go by cascade).
    second.organized_events.clear()
    organizer.organized_events.add(events[2])
    assert_summary_equals_live()
    third.delete()
    assert_summary_equals_live()


def test_archived_and_restored_people_leave_and_rejoin_the_counts(
    world: dict[str, Any],
):
    person = world["mixed"][1]
    services.archive_contact(contact=person, archived_by=None)
    assert_summary_equals_live()
    person.refresh_from_db()
    services.restore_contact(contact=person, restored_by=None)
    assert_summary_equals_live()


def test_themes_count_archived_speakers_under_the_county_and_community_filters(
    world: dict[str, Any],
):
    """A comment stays heard after its speaker is archived: both engines keep
    it under the speaker's county and community; anonymous comments drop out
    of either filter."""
    themes = list(Topic.objects.filter(kind=Topic.Kind.THEME))
    speaker = ContactFactory(categories=["HISPANIC"], county=county("king"))
    for event in world["events"][:2]:
        CommentFactory(event=event, contact=speaker).themes.set(themes[:2])
    CommentFactory(event=world["events"][0], contact=None).themes.set(themes)
    services.archive_contact(contact=speaker, archived_by=None)
    today = timezone.localdate()
    year = metrics.Filters(start=today - dt.timedelta(days=364), end=today)
    for f in (
        year.replace(county=county("king").pk),
        year.replace(community="HISPANIC"),
        year.replace(community="HISPANIC", county=county("king").pk),
        year.replace(community="NOT_A_CATEGORY"),
    ):
        with summary.live_counts():
            live = metrics.themes_by(f, "community")
        assert metrics.themes_by(f, "community") == live, f
        if f.community != "NOT_A_CATEGORY":
            assert sum(live.totals.values()) >= 4, f


def test_a_merge_moves_engagement_to_the_person_kept(world: dict[str, Any]):
    keep, duplicate = world["plain"][0], world["hispanic"][3]
    merge.merge_contacts(keep=keep, duplicate=duplicate, merged_by=None)
    assert_summary_equals_live()


@pytest.mark.parametrize("side", ["kept", "merged"])
def test_a_merge_of_people_in_different_groups_keeps_one_sides_groups(
    world: dict[str, Any], side: str
):
    keep, duplicate = world["hispanic"][2], world["asian"][1]
    merge.merge_contacts(
        keep=keep,
        duplicate=duplicate,
        choices={"race_ethnicity_status": side},
        merged_by=None,
    )
    expected = {"kept": {"MEXICAN", "PUERTO_RICAN"}, "merged": {"HMONG", "VIETNAMESE"}}
    assert set(keep.race_groups.values_list("code", flat=True)) == expected[side]
    assert_summary_equals_live()


def test_an_erasure_keeps_the_counts_exact(world: dict[str, Any]):
    staff = UserFactory()
    privacy.erase_personal_data(contact=world["asian"][1], erased_by=staff)
    assert_summary_equals_live()


def test_bulk_writes_announced_through_crm_changes_are_recounted(
    world: dict[str, Any],
):
    person = world["plain"][2]
    # A bulk update bypasses model signals; the writer announces it.
    Contact.objects.filter(pk=person.pk).update(county=county("clark"))
    changes.people_changed([person.pk])
    # Lists written in bulk, as an import does.
    Contact.objects.filter(pk=world["plain"][1].pk).update(
        race_ethnicity_status=Contact.SelfIdStatus.REPORTED
    )
    Contact.race_groups.through.objects.bulk_create(
        [
            Contact.race_groups.through(
                contact_id=world["plain"][1].pk, raceethnicitygroup_id=group(code).pk
            )
            for code in ("SAMOAN", "SOMALI")
        ]
    )
    changes.people_changed([world["plain"][1].pk])
    event = EventFactory(starts_at=timezone.now() - dt.timedelta(hours=1))
    created = Attendance.objects.bulk_create(
        [Attendance(event=event, contact=p) for p in world["mixed"]]
    )
    changes.attendance_changed(a.pk for a in created)
    assert_summary_equals_live()


def test_a_bulk_write_nobody_announces_is_caught_by_a_rebuild(
    world: dict[str, Any],
):
    Contact.objects.filter(pk=world["plain"][1].pk).update(archived_at=timezone.now())
    summary.rebuild()
    assert_summary_equals_live()


def test_the_seeded_demo_data_counts_the_same_both_ways(settings: Any):
    from demo.seeding import seed

    settings.CRM_ENGAGEMENT_SUMMARY = True
    seed(contacts=400, seed=3)
    assert summary.is_built()
    assert_summary_equals_live()


def test_the_rebuild_command_reports_what_it_built(summary_on: None):
    ContactFactory()
    out = StringIO()
    call_command("rebuild_engagement_summary", stdout=out)
    assert "Engagement summary rebuilt" in out.getvalue()
    assert "1 person" in out.getvalue()


def test_counts_are_live_until_the_summary_is_first_built(settings: Any):
    settings.CRM_ENGAGEMENT_SUMMARY = True
    f = metrics.Filters(start=dt.date(2020, 1, 1), end=timezone.localdate())
    assert not summary.is_built()
    assert not fast.covers(f)


def test_every_filter_and_breakdown_is_counted_from_the_summary(
    summary_on: None,
):
    f = metrics.Filters(start=dt.date(2020, 1, 1), end=timezone.localdate())
    assert fast.covers(f)
    assert fast.covers(f.replace(organizer=1))
    for by in metrics.DIMENSIONS:
        assert fast.covers(f, by)
        assert fast.covers(f.replace(organizer=1), by)


def test_a_summary_built_in_an_older_format_is_not_read_until_rebuilt(
    world: dict[str, Any],
):
    f = metrics.Filters(start=dt.date(2020, 1, 1), end=timezone.localdate())
    SummaryState.objects.update(format=summary.FORMAT - 1)
    assert not summary.is_built()
    assert not fast.covers(f, "race_group")
    # Marks still accumulate, and nothing is refreshed into the old blocks.
    world["plain"][0].race_groups.add(group("HMONG"))
    assert summary.refresh() == 0
    summary.rebuild()
    assert summary.is_built()
    assert fast.covers(f, "race_group")
    assert_summary_equals_live()


def test_nothing_is_marked_when_the_summary_is_off(settings: Any):
    settings.CRM_ENGAGEMENT_SUMMARY = False
    AttendanceFactory()
    assert not SummaryChange.objects.exists()


def test_grant_progress_counts_the_same_from_the_summary(world: dict[str, Any]):
    from reports.models import Grant, GrantTarget

    today = timezone.localdate()
    grant = Grant.objects.create(
        funder="Fund",
        name="Families",
        starts_on=today - dt.timedelta(days=300),
        ends_on=today + dt.timedelta(days=60),
    )
    grant.programs.set([world["program"]])
    for sort, metric in enumerate(GrantTarget.Metric.values):
        GrantTarget.objects.create(grant=grant, metric=metric, target=5, sort=sort)
    GrantTarget.objects.create(
        grant=grant,
        metric=GrantTarget.Metric.ENGAGED_PEOPLE,
        target=3,
        county=county("spokane"),
        community=category("ASIAN"),
    )
    grants = metrics.grants_for_progress()
    with summary.live_counts():
        live = metrics.grant_progress(grants, today)
    assert metrics.grant_progress(grants, today) == live
    assert any(p.value for p in live)


def test_each_request_counts_what_was_written_before_it(
    world: dict[str, Any], leadership: Any
):
    from tests.conftest import client_for

    client = client_for(leadership)
    url = "/api/v1/metrics/engagement/?period=12m&by=county"

    def engaged() -> int:
        response = client.get(url)
        assert response.status_code == 200
        return int(response.json()["totals"]["unique_people"])

    before = engaged()
    AttendanceFactory(
        event=world["events"][0], contact=ContactFactory(county=county("king"))
    )
    assert engaged() == before + 1
