# mypy: disable-error-code="misc,list-item,dict-item"
# (factory_boy instances are seen as factories, not models)
"""The engagement ladder, grant progress and themes, on hand-built data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from contacts.models import Contact
from crm.models import Topic
from events.models import Attendance, Event, Outreach
from reports.metrics import (
    grant_progress,
    grants_for_progress,
    ladder_by_community,
    ladder_movement,
    ladder_snapshot,
    themes_by,
)
from reports.metrics.filters import Filters
from reports.models import Grant, GrantTarget
from tests.factories import (
    CommentFactory,
    ContactFactory,
    OutreachFactory,
    ProgramFactory,
    TopicFactory,
    UserFactory,
    category,
    county,
)
from tests.reports.helpers import MARCH, at, attend, event_on

pytestmark = pytest.mark.django_db

END_OF_MARCH = dt.date(2026, 3, 31)


def known_since_2025() -> None:
    Contact.objects.update(created_at=at(1, month=1, year=2025))


def test_ladder_snapshot_puts_each_person_on_their_highest_rung():
    ContactFactory()  # known
    old = ContactFactory()  # attended, but before the 12-month window: known
    for day in (1, 2, 3):
        Attendance.objects.create(
            contact=old, event=event_on_year(day, 2025), status="attended"
        )
    messaged = ContactFactory()  # a message left is not "reached": known
    OutreachFactory(
        contact=messaged, occurred_at=at(4), outcome=Outreach.Outcome.LEFT_MESSAGE
    )
    OutreachFactory(contact=ContactFactory(), occurred_at=at(5))  # reached
    attend(ContactFactory(), 6)  # participant
    regular = ContactFactory()
    for day in (7, 8, 9):
        attend(regular, day)
    attend(ContactFactory(), 10, role=Attendance.Role.SPEAKER)  # leader
    attend(ContactFactory(archived_at=timezone.now()), 10)  # not counted
    known_since_2025()

    snapshot = ladder_snapshot(END_OF_MARCH)

    assert snapshot.counts == {
        "known": 3,
        "reached": 1,
        "participant": 1,
        "regular": 1,
        "leader": 1,
    }
    assert snapshot.total == 7


def event_on_year(day: int, year: int) -> Event:
    start = at(day, month=2, year=year)
    from tests.factories import EventFactory

    return EventFactory(starts_at=start, ends_at=start + dt.timedelta(hours=1))


def test_ladder_thresholds_are_settings(settings):
    person = ContactFactory()
    for day in (7, 8):
        attend(person, day)
    known_since_2025()

    assert ladder_snapshot(END_OF_MARCH).counts["participant"] == 1
    settings.CRM_LADDER_REGULAR_MIN = 2
    assert ladder_snapshot(END_OF_MARCH).counts["regular"] == 1


def test_people_added_after_the_day_are_not_on_the_ladder_yet():
    ContactFactory()  # created now, after March 2026

    assert ladder_snapshot(END_OF_MARCH).total == 0


def test_ladder_by_community_counts_each_chosen_community_and_unknowns():
    attend(ContactFactory(categories=["ASIAN"]), 6, role=Attendance.Role.HOST)
    both = ContactFactory(categories=["ASIAN", "BLACK"])
    for day in (7, 8, 9):
        attend(both, day)
    ContactFactory(race_ethnicity_status=Contact.SelfIdStatus.NOT_ASKED)
    known_since_2025()

    by = ladder_by_community(END_OF_MARCH)

    assert by.counts[("ASIAN", "leader")] == 1
    assert by.counts[("ASIAN", "regular")] == 1
    assert by.counts[("BLACK", "regular")] == 1
    assert by.counts[("not_asked", "known")] == 1
    assert "untracked" in [key for key, _label in by.communities]
    single = ladder_by_community(END_OF_MARCH, method="single")
    assert single.counts[("TWO_OR_MORE", "regular")] == 1


def test_ladder_movement_between_two_days():
    climber = ContactFactory()
    attend(climber, 10, month=1)
    attend(climber, 5)
    attend(climber, 6)
    faded = ContactFactory()
    OutreachFactory(contact=faded, occurred_at=at(15, year=2025))
    known_since_2025()
    newcomer = ContactFactory()
    Contact.objects.filter(pk=newcomer.pk).update(created_at=at(1))
    attend(newcomer, 20)

    movement = ladder_movement(dt.date(2026, 1, 31), END_OF_MARCH)

    assert movement.counts[("participant", "regular")] == 1
    assert movement.counts[("reached", "known")] == 1
    assert movement.counts[("not_known", "participant")] == 1
    assert movement.summary() == {"up": 1, "same": 0, "down": 1, "new": 1}


def test_grant_progress_and_on_track_against_the_elapsed_share():
    youth, other = ProgramFactory(), ProgramFactory()
    grant = Grant.objects.create(
        funder="Foundation",
        name="Youth voice",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    grant.programs.set([youth])
    engaged = GrantTarget.objects.create(
        grant=grant, metric=GrantTarget.Metric.ENGAGED_PEOPLE, target=10
    )
    asian_checkins = GrantTarget.objects.create(
        grant=grant,
        metric=GrantTarget.Metric.ATTENDANCE,
        target=4,
        community=category("ASIAN"),
    )
    events = GrantTarget.objects.create(
        grant=grant, metric=GrantTarget.Metric.EVENTS_HELD, target=4
    )
    king_reached = GrantTarget.objects.create(
        grant=grant,
        metric=GrantTarget.Metric.PEOPLE_REACHED,
        target=1,
        county=county("yakima"),
    )
    a1, a2, a3 = (ContactFactory(categories=["ASIAN"]) for _ in range(3))
    black = ContactFactory(categories=["BLACK"])
    first = event_on(3, program=youth)
    second = event_on(5, month=4, program=youth)
    for person in (a1, a2, black):
        Attendance.objects.create(contact=person, event=first, status="attended")
    for person in (a1, a3):
        Attendance.objects.create(contact=person, event=second, status="attended")
    elsewhere = event_on(6, program=other)
    for _ in range(5):
        Attendance.objects.create(
            contact=ContactFactory(categories=["ASIAN"]), event=elsewhere
        )
    OutreachFactory(contact=black, occurred_at=at(7), program=youth)
    Grant.objects.create(
        funder="Later",
        name="Next year",
        starts_on=dt.date(2027, 1, 1),
        ends_on=dt.date(2027, 12, 31),
    ).targets.create(metric=GrantTarget.Metric.ENGAGED_PEOPLE, target=5)
    today = dt.date(2026, 7, 1)  # 182 of 365 days: 49.9 % elapsed

    progress = {p.target_id: p for p in grant_progress(grants_for_progress(), today)}

    assert progress[engaged.pk].value == 4  # a1, a2, a3, black
    assert progress[engaged.pk].elapsed_share == pytest.approx(182 / 365)
    assert progress[engaged.pk].status == "behind"  # 4 < 10 * 0.499
    assert progress[asian_checkins.pk].value == 4  # a1 twice, a2, a3
    assert progress[asian_checkins.pk].status == "met"
    assert progress[events.pk].value == 2
    assert progress[events.pk].status == "on_track"  # 2 >= 4 * 0.499
    assert progress[king_reached.pk].value == 0  # black lives in King
    statuses = [p.status for p in progress.values() if p.grant_id != grant.pk]
    assert statuses == ["not_started"]


def test_grant_progress_takes_a_fixed_number_of_queries(django_assert_num_queries):
    grant = Grant.objects.create(
        funder="F",
        name="G",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    for metric in GrantTarget.Metric.values:
        grant.targets.create(metric=metric, target=3)
        grant.targets.create(metric=metric, target=3, county=county("king"))
    # grants, programs, targets, their counties (no communities to fetch),
    # then people, check-ins and events: one aggregate each.
    with django_assert_num_queries(7):
        grant_progress(grants_for_progress(), dt.date(2026, 6, 1))


def test_themes_by_community_and_county_with_an_unknown_speaker_row():
    safety = TopicFactory(name="Safety", kind=Topic.Kind.THEME)
    language_access = TopicFactory(name="Language access", kind=Topic.Kind.THEME)
    session = event_on(5, kind=Event.Kind.LISTENING_SESSION)
    asian = ContactFactory(categories=["ASIAN"], county=county("king"))
    declined = ContactFactory(
        race_ethnicity_status=Contact.SelfIdStatus.DECLINED, county=county("yakima")
    )
    CommentFactory(event=session, contact=asian).themes.set([safety, language_access])
    CommentFactory(event=session, contact=None).themes.set([safety])
    CommentFactory(event=session, contact=declined).themes.set([safety])
    CommentFactory(event=event_on(5, month=4), contact=asian).themes.set([safety])
    CommentFactory(event=session, contact=asian)  # no theme: not counted

    by_community = themes_by(MARCH, "community")
    by_county = themes_by(MARCH, "county")

    assert [name for _pk, name in by_community.themes] == ["Safety", "Language access"]
    assert by_community.totals[safety.pk] == 3
    assert by_community.counts[(safety.pk, "ASIAN")] == 1
    assert by_community.counts[(safety.pk, "unknown_speaker")] == 1
    assert by_community.counts[(safety.pk, "declined")] == 1
    assert by_community.counts[(language_access.pk, "ASIAN")] == 1
    assert by_county.counts[(safety.pk, "king")] == 1
    assert by_county.counts[(safety.pk, "yakima")] == 1
    assert by_county.counts[(safety.pk, "unknown_speaker")] == 1
    assert by_county.groups[-1][0] == "unknown_speaker"


def test_themes_follow_the_period_and_each_filter(django_assert_num_queries):
    safety = TopicFactory(name="Safety", kind=Topic.Kind.THEME)
    housing = TopicFactory(name="Housing", kind=Topic.Kind.THEME)
    program = ProgramFactory()
    organizer = UserFactory()
    led = event_on(5, kind=Event.Kind.LISTENING_SESSION, program=program)
    led.organizers.add(organizer)
    other = event_on(9, kind=Event.Kind.COMMUNITY_MEETING)
    cancelled = event_on(12, status=Event.Status.CANCELLED)
    # Two categories: one comment each, never twice through the categories.
    mixed = ContactFactory(categories=["ASIAN", "WHITE"], county=county("king"))
    latina = ContactFactory(categories=["HISPANIC"], county=county("yakima"))
    CommentFactory(event=led, contact=mixed).themes.set([safety, housing])
    CommentFactory(event=led, contact=latina).themes.set([safety])
    CommentFactory(event=led, contact=None).themes.set([housing])
    CommentFactory(event=other, contact=mixed).themes.set([safety])
    CommentFactory(event=cancelled, contact=latina).themes.set([safety, housing])
    CommentFactory(event=event_on(2, month=4), contact=latina).themes.set([safety])

    def totals(f: Filters) -> dict[str, int]:
        table = themes_by(f, "community")
        return {name: table.totals.get(pk, 0) for pk, name in table.themes}

    assert totals(MARCH) == {"Safety": 3, "Housing": 2}
    assert totals(Filters(MARCH.start, MARCH.end, programs=(program.pk,))) == {
        "Safety": 2,
        "Housing": 2,
    }
    assert totals(Filters(MARCH.start, MARCH.end, organizer=organizer.pk)) == {
        "Safety": 2,
        "Housing": 2,
    }
    kind = Event.Kind.COMMUNITY_MEETING
    assert totals(Filters(MARCH.start, MARCH.end, event_kind=kind)) == {"Safety": 1}
    king = county("king").pk
    assert totals(Filters(MARCH.start, MARCH.end, county=king)) == {
        "Safety": 2,
        "Housing": 1,
    }
    assert totals(Filters(MARCH.start, MARCH.end, community="ASIAN")) == {
        "Safety": 2,
        "Housing": 1,
    }
    assert totals(Filters(MARCH.start, MARCH.end, community="HISPANIC")) == {
        "Safety": 1
    }
    by_county = themes_by(Filters(MARCH.start, MARCH.end, community="WHITE"), "county")
    assert by_county.counts == {(safety.pk, "king"): 2, (housing.pk, "king"): 1}
    with django_assert_num_queries(3):
        themes_by(MARCH, "county")


def test_the_links_read_as_packed_pairs_are_their_rows(monkeypatch):
    from reports.metrics import fast
    from reports.metrics.themes import _links

    themes = TopicFactory.create_batch(3, kind=Topic.Kind.THEME)
    session = event_on(5, kind=Event.Kind.LISTENING_SESSION)
    for index in range(7):
        speaker = ContactFactory() if index % 3 else None
        comment = CommentFactory(event=session, contact=speaker)
        comment.themes.set(themes[: 1 + index % 3])
    links = _links(MARCH)
    rows = sorted((row["speaker"], row["theme"]) for row in links)
    assert len(rows) == 13 and (0, themes[0].pk) in rows  # anonymous: 0
    for bits in (fast.PAIR_BITS, 1):  # packed, and too large to pack
        monkeypatch.setattr(fast, "PAIR_BITS", bits)
        monkeypatch.setattr(fast, "PAIR_SHIFT", 1 << bits)
        speakers, topics = fast.whole_number_pairs(links, ("speaker", "theme"))
        assert sorted(zip(speakers.tolist(), topics.tolist(), strict=True)) == rows
    # A period without comments: two empty columns.
    speakers, topics = fast.whole_number_pairs(
        _links(Filters(dt.date(2020, 1, 1), dt.date(2020, 1, 31))), ("speaker", "theme")
    )
    assert (len(speakers), len(topics)) == (0, 0)
