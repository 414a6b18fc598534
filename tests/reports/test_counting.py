# mypy: disable-error-code="misc,list-item,dict-item"
# (factory_boy instances are seen as factories, not models)
"""The counting definitions, on hand-built data whose answers are worked out here."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from contacts.models import Contact
from events.models import Attendance, Event, Outreach
from reports.metrics import breakdown, engaged_people, headline
from tests.factories import (
    ContactFactory,
    OutreachFactory,
    ProgramFactory,
    UserFactory,
    county,
    group,
    language,
)
from tests.reports.helpers import MARCH, at, attend, event_on, rows_by_key

pytestmark = pytest.mark.django_db


def test_a_person_attending_three_events_counts_three_check_ins_and_one_person():
    person = ContactFactory()
    for day in (2, 9, 16):
        attend(person, day)

    figures = headline(MARCH)

    assert figures.attendance == 3
    assert figures.attendees == 3  # one per event
    assert figures.unique_attendees == 1
    assert figures.engaged_people == 1
    assert figures.events == 3


def test_attendees_are_unique_per_event_and_unique_people_across_events():
    ana, ben = ContactFactory(), ContactFactory()
    first = event_on(3)
    second = event_on(10)
    for event in (first, second):
        for person in (ana, ben):
            attend_at(person, event)

    figures = headline(MARCH)

    assert (figures.attendance, figures.attendees, figures.unique_attendees) == (
        4,
        4,
        2,
    )


def attend_at(person: Contact, event: Event) -> None:
    Attendance.objects.create(
        contact=person, event=event, status=Attendance.Status.ATTENDED
    )


def test_engaged_people_are_checked_in_or_reached_and_counted_once():
    checked_in = ContactFactory()
    reached = ContactFactory()
    both = ContactFactory()
    left_message = ContactFactory()
    registered_only = ContactFactory()
    attend(checked_in, 4)
    OutreachFactory(contact=reached, occurred_at=at(5))
    attend(both, 6)
    OutreachFactory(contact=both, occurred_at=at(7))
    OutreachFactory(
        contact=left_message, occurred_at=at(8), outcome=Outreach.Outcome.LEFT_MESSAGE
    )
    attend(registered_only, 9, status=Attendance.Status.REGISTERED)

    engaged = set(engaged_people(MARCH).values_list("pk", flat=True))

    assert engaged == {checked_in.pk, reached.pk, both.pk}
    assert headline(MARCH).people_reached == 2


def test_archived_and_merged_people_and_other_periods_are_never_counted():
    kept = ContactFactory()
    archived = ContactFactory(archived_at=timezone.now())
    merged = ContactFactory(merged_into=kept)
    for person in (kept, archived, merged):
        attend(person, 10)
    attend(ContactFactory(), 10, month=4)  # outside the period
    attend(ContactFactory(), 11, event__status=Event.Status.CANCELLED)

    figures = headline(MARCH)

    assert figures.engaged_people == 1
    assert figures.attendance == 1


def test_period_bounds_are_local_days():
    person = ContactFactory()
    # 31 March 23:30 in Washington is 1 April in UTC: still March here.
    late = event_on(31)
    late.starts_at = at(31, hour=23) + dt.timedelta(minutes=30)
    late.ends_at = late.starts_at + dt.timedelta(hours=1)
    late.save()
    attend_at(person, late)

    assert headline(MARCH).attendance == 1


def test_combination_counts_a_two_category_person_in_both_and_single_as_two_or_more():
    ContactFactory(categories=["ASIAN", "BLACK"])
    ContactFactory(categories=["ASIAN"])
    for person in Contact.objects.all():
        attend(person, 12)

    combination = rows_by_key(breakdown(MARCH, "race_ethnicity", "combination"))
    single = rows_by_key(breakdown(MARCH, "race_ethnicity", "single"))

    assert combination["ASIAN"].people == 2
    assert combination["BLACK"].people == 1
    assert "TWO_OR_MORE" not in combination
    assert single["ASIAN"].people == 1
    assert single["BLACK"].people == 0
    assert single["TWO_OR_MORE"].people == 1
    assert sum(row.people for row in single.values()) == 2


def test_a_hispanic_person_of_any_race_counts_as_hispanic_under_single():
    ContactFactory(categories=["HISPANIC", "WHITE"])
    ContactFactory(categories=["HISPANIC", "BLACK", "AIAN"])
    for person in Contact.objects.all():
        attend(person, 12)

    single = rows_by_key(breakdown(MARCH, "race_ethnicity", "single"))
    combination = rows_by_key(breakdown(MARCH, "race_ethnicity", "combination"))

    assert single["HISPANIC"].people == 2
    assert single["TWO_OR_MORE"].people == 0
    assert single["WHITE"].people == 0
    assert combination["HISPANIC"].people == 2
    assert combination["WHITE"].people == 1
    assert combination["AIAN"].people == 1


def test_unknown_buckets_always_appear_and_each_is_its_own_row():
    statuses = Contact.SelfIdStatus
    ContactFactory(race_ethnicity_status=statuses.DECLINED)
    ContactFactory(race_ethnicity_status=statuses.DECLINED)
    ContactFactory(race_ethnicity_status=statuses.NOT_ASKED)
    ContactFactory(race_ethnicity_status=statuses.REPORTED, race_write_in="Kurdish")
    for person in Contact.objects.all():
        attend(person, 12)

    for method in ("single", "combination"):
        table = breakdown(MARCH, "race_ethnicity", method)
        rows = rows_by_key(table)
        assert rows["declined"].people == 2
        assert rows["not_asked"].people == 1
        assert rows["untracked"].people == 0  # shown though empty
        assert rows["WRITE_IN_ONLY"].people == 1
        assert rows["declined"].is_unknown
        assert str(rows["declined"].label) == "Prefer not to say"
        assert table.total_people == 4
        assert table.method == method
        assert table.method_label


def test_unknown_buckets_show_even_with_no_data():
    table = breakdown(MARCH, "race_ethnicity", "single")

    keys = [row.key for row in table.rows]
    assert keys[-4:] == ["WRITE_IN_ONLY", "declined", "not_asked", "untracked"]
    assert table.total_people == 0
    assert all(row.share is None for row in table.rows)


def test_a_declined_person_with_stale_categories_counts_only_as_declined():
    person = ContactFactory(categories=["ASIAN"])
    person.race_ethnicity_status = Contact.SelfIdStatus.DECLINED
    person.save()
    attend(person, 12)

    rows = rows_by_key(breakdown(MARCH, "race_ethnicity", "combination"))

    assert rows["ASIAN"].people == 0
    assert rows["declined"].people == 1


def test_breakdown_counts_check_ins_per_group_and_shares_of_everyone():
    asian = ContactFactory(categories=["ASIAN"])
    black = ContactFactory(categories=["BLACK"])
    unknown = ContactFactory()
    for day in (2, 9, 16):
        attend(asian, day)
    attend(black, 2)
    OutreachFactory(contact=unknown, occurred_at=at(3))

    table = breakdown(MARCH, "race_ethnicity", "single")
    rows = rows_by_key(table)

    assert (rows["ASIAN"].people, rows["ASIAN"].attendance) == (1, 3)
    assert (rows["untracked"].people, rows["untracked"].attendance) == (1, 0)
    assert rows["ASIAN"].share == pytest.approx(1 / 3)
    assert (table.total_people, table.total_attendance) == (3, 4)


def test_detailed_groups_count_each_chosen_group():
    person = ContactFactory(categories=["ASIAN"])
    person.race_groups.set([group("HMONG"), group("VIETNAMESE")])
    other = ContactFactory(categories=["ASIAN"])
    other.race_groups.set([group("HMONG")])
    ContactFactory(categories=["BLACK"])
    for contact in Contact.objects.all():
        attend(contact, 12)

    table = breakdown(MARCH, "race_group")
    rows = rows_by_key(table)

    assert rows["HMONG"].people == 2
    assert rows["VIETNAMESE"].people == 1
    assert rows["NO_GROUP"].people == 1
    assert table.method == "combination"


def test_county_district_and_language_breakdowns_have_a_not_recorded_row():
    ContactFactory(
        county=county("king"),
        legislative_district=37,
        preferred_language=language("es"),
    )
    ContactFactory(county=county("yakima"), legislative_district=None)
    ContactFactory(county=None)
    for person in Contact.objects.all():
        attend(person, 12)

    by_county = rows_by_key(breakdown(MARCH, "county"))
    by_district = rows_by_key(breakdown(MARCH, "legislative_district"))
    by_language = rows_by_key(breakdown(MARCH, "language"))

    assert (by_county["king"].people, by_county["yakima"].people) == (1, 1)
    assert by_county["none"].people == 1
    assert by_district["37"].people == 1
    assert by_district["none"].people == 2
    assert by_language["es"].people == 1
    assert by_language["none"].people == 2


def test_record_breakdowns_count_a_person_once_per_program_month_and_kind():
    youth, policy = ProgramFactory(), ProgramFactory()
    person = ContactFactory()
    attend(person, 2, event__program=youth)
    attend(person, 9, event__program=youth)
    OutreachFactory(contact=person, occurred_at=at(4), program=youth)
    OutreachFactory(contact=person, occurred_at=at(5), program=policy)
    attend(ContactFactory(), 9, event__program=policy, event__kind=Event.Kind.TRAINING)
    f = MARCH.with_period(dt.date(2026, 2, 1), dt.date(2026, 3, 31))
    OutreachFactory(contact=person, occurred_at=at(20, month=2))

    by_program = rows_by_key(breakdown(f, "program"))
    by_month = rows_by_key(breakdown(f, "month"))
    by_kind = rows_by_key(breakdown(f, "event_kind"))
    by_quarter = rows_by_key(breakdown(f, "quarter"))

    assert (by_program[str(youth.pk)].people, by_program[str(youth.pk)].attendance) == (
        1,
        2,
    )
    assert (
        by_program[str(policy.pk)].people,
        by_program[str(policy.pk)].attendance,
    ) == (2, 1)
    assert by_program["none"].people == 1
    assert [r.label for r in by_month.values()] == ["2026-02", "2026-03"]
    assert (by_month["202602"].people, by_month["202603"].people) == (1, 2)
    assert by_month["202603"].attendance == 3
    assert by_kind["community_meeting"].people == 1
    assert by_kind["training"].people == 1
    assert by_kind["outreach"].people == 1
    assert by_quarter["20261"].people == 2


def test_organizer_breakdown_and_filter_credit_each_organizer():
    alice, bob = UserFactory(), UserFactory()
    event = event_on(5)
    event.organizers.set([alice, bob])
    attend_at(ContactFactory(), event)
    OutreachFactory(contact=ContactFactory(), organizer=bob, occurred_at=at(6))

    rows = rows_by_key(breakdown(MARCH, "organizer"))

    assert rows[str(alice.pk)].people == 1
    assert rows[str(bob.pk)].people == 2
    assert headline(MARCH.replace(organizer=alice.pk)).engaged_people == 1
    assert headline(MARCH.replace(organizer=bob.pk)).engaged_people == 2


def test_filters_select_program_county_kind_and_community():
    youth = ProgramFactory()
    asian_in_king = ContactFactory(categories=["ASIAN", "WHITE"], county=county("king"))
    black_in_yakima = ContactFactory(categories=["BLACK"], county=county("yakima"))
    attend(asian_in_king, 3, event__program=youth, event__kind=Event.Kind.TRAINING)
    attend(black_in_yakima, 3)
    OutreachFactory(contact=black_in_yakima, occurred_at=at(4), program=youth)

    def engaged(**kwargs: object) -> int:
        return headline(MARCH.replace(**kwargs)).engaged_people

    assert engaged() == 2
    assert engaged(programs=(youth.pk,)) == 2
    assert engaged(county=county("king").pk) == 1
    assert engaged(event_kind=Event.Kind.TRAINING) == 1
    assert engaged(event_kind=Event.Kind.TRAINING, programs=(youth.pk,)) == 1
    assert engaged(community="WHITE") == 1
    assert engaged(community="HISPANIC") == 0
