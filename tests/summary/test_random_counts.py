"""Random data: the summary's counting routines against plain definitions.

Two levels. Random column stores, counted by fast.py and by a direct reading
of the definitions (one record at a time, sets of people); and a random
coalition in the database, counted from the summary and live.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

import numpy as np
import pytest
from django.utils import timezone

from contacts.models import Contact, RaceEthnicityCategory
from events.models import Attendance, Event, Outreach
from reports.metrics import fast
from reports.metrics.filters import Filters
from reports.models import Tabulation
from reports.summary import store
from tests.factories import (
    AttendanceFactory,
    ContactFactory,
    EventFactory,
    OutreachFactory,
    ProgramFactory,
    UserFactory,
    county,
)
from tests.summary.test_summary import assert_summary_equals_live

pytestmark = pytest.mark.django_db

RECORD_DIMENSIONS = ("program", "event_kind", "organizer", "month", "quarter")
FIRST_DAY = dt.date(2023, 11, 20).toordinal()
DAYS = 800
PROGRAMS = 5
ORGANIZERS = 6
COUNTIES = 3


def _stores(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Random stores in the summary's layout (slot 0 stays empty, like pk 0)."""
    n_people, n_events = 250, 60
    people = np.zeros(n_people, dtype=store.DTYPES[store.PERSON])
    people["active"][1:] = rng.random(n_people - 1) < 0.85
    people["status"][1:] = rng.integers(0, 5, n_people - 1)
    people["county"][1:] = rng.integers(0, COUNTIES + 1, n_people - 1)
    # Categories 1 to 7, none to three of them.
    for i in range(1, n_people):
        for bit in rng.choice(np.arange(1, 8), rng.integers(0, 4), replace=False):
            people["cats"][i] |= 1 << int(bit)
    people["created"][1:] = FIRST_DAY + rng.integers(-100, DAYS, n_people - 1)
    events = np.zeros(n_events, dtype=store.DTYPES[store.EVENT])
    events["counted"][1:] = rng.random(n_events - 1) < 0.9
    events["kind"][1:] = rng.integers(1, len(store.KIND_CODES) + 1, n_events - 1)
    events["day"][1:] = FIRST_DAY + rng.integers(0, DAYS, n_events - 1)
    events["program"][1:] = rng.integers(0, PROGRAMS + 1, n_events - 1)
    attendance = np.zeros(1500, dtype=store.DTYPES[store.ATTENDANCE])
    attendance["flags"] = rng.choice([0, store.ATTENDED, 3], len(attendance))
    attendance["event"] = rng.integers(1, n_events, len(attendance))
    attendance["contact"] = rng.integers(1, n_people, len(attendance))
    outreach = np.zeros(700, dtype=store.DTYPES[store.OUTREACH])
    outreach["reached"] = rng.random(len(outreach)) < 0.7
    outreach["day"] = FIRST_DAY + rng.integers(0, DAYS, len(outreach))
    outreach["program"] = rng.integers(0, PROGRAMS + 1, len(outreach))
    outreach["organizer"] = rng.integers(0, ORGANIZERS + 1, len(outreach))
    outreach["contact"] = rng.integers(1, n_people, len(outreach))
    organizers = sorted(
        {
            (event, int(user))
            for event in range(1, n_events)
            for user in rng.choice(
                np.arange(1, ORGANIZERS + 1), rng.choice([0, 1, 1, 2, 3]), replace=False
            )
        }
    )
    pairs = np.zeros(len(organizers), dtype=store.DTYPES[store.EVENT_ORGANIZER])
    if organizers:
        pairs["owner"], pairs["value"] = np.array(organizers).T
    return {
        store.PERSON: people,
        store.EVENT: events,
        store.ATTENDANCE: attendance,
        store.OUTREACH: outreach,
        store.PERSON_GROUP: np.zeros(0, dtype=store.DTYPES[store.PERSON_GROUP]),
        store.EVENT_ORGANIZER: pairs,
    }


def _random_filters(rng: np.random.Generator, bits: dict[str, int]) -> Filters:
    start = FIRST_DAY + int(rng.integers(-30, DAYS))
    end = start + int(rng.integers(0, 400))
    f = Filters(start=dt.date.fromordinal(start), end=dt.date.fromordinal(end))
    if rng.random() < 0.3:
        f = f.replace(county=int(rng.integers(1, COUNTIES + 1)))
    if rng.random() < 0.3:
        f = f.replace(community=str(rng.choice(sorted(bits))))
    if rng.random() < 0.3:
        chosen = rng.choice(np.arange(PROGRAMS + 1), rng.integers(1, 3), replace=False)
        f = f.replace(programs=tuple(sorted(int(p) for p in chosen)))
    if rng.random() < 0.2:
        f = f.replace(event_kind=str(rng.choice(sorted(store.KIND_CODES))))
    if rng.random() < 0.3:
        f = f.replace(organizer=int(rng.integers(1, ORGANIZERS + 1)))
    return f


def _plain_record_counts(
    stores: dict[str, np.ndarray], f: Filters, by: str, bits: dict[str, int]
) -> dict[str, tuple[int, int]]:
    """The definition, one record at a time."""
    people, events = stores[store.PERSON], stores[store.EVENT]
    organizers: dict[int, list[int]] = defaultdict(list)
    for event, user in stores[store.EVENT_ORGANIZER][["owner", "value"]].tolist():
        organizers[event].append(user)
    lo, hi = f.start.toordinal(), f.end.toordinal()
    kind = store.KIND_CODES.get(f.event_kind, -1)

    def counted_person(p: int) -> bool:
        person = people[p]
        if not person["active"]:
            return False
        if f.county and person["county"] != f.county:
            return False
        return not f.community or bool(person["cats"] & (1 << bits[f.community]))

    def period_key(day: int) -> str:
        date = dt.date.fromordinal(day)
        if by == "quarter":
            return str(date.year * 10 + (date.month - 1) // 3 + 1)
        return str(date.year * 100 + date.month)

    def name(pk: int) -> str:
        return "none" if pk == 0 else str(pk)

    found: dict[str, set[int]] = defaultdict(set)
    checkins: dict[str, int] = defaultdict(int)
    for flags, e, p in stores[store.ATTENDANCE][["flags", "event", "contact"]].tolist():
        event = events[e]
        if not (flags & store.ATTENDED and event["counted"] and counted_person(p)):
            continue
        if not lo <= event["day"] <= hi:
            continue
        if f.programs and event["program"] not in f.programs:
            continue
        if f.event_kind and event["kind"] != kind:
            continue
        if f.organizer and f.organizer not in organizers[e]:
            continue
        if by == "program":
            keys = [name(int(event["program"]))]
        elif by == "event_kind":
            keys = [store.KIND_VALUES[int(event["kind"])]]
        elif by == "organizer":
            keys = [name(u) for u in organizers[e]] or ["none"]
        else:
            keys = [period_key(int(event["day"]))]
        for key in keys:
            found[key].add(p)
            checkins[key] += 1
    for reached, day, program, organizer, p in stores[store.OUTREACH][
        ["reached", "day", "program", "organizer", "contact"]
    ].tolist():
        if not (reached and counted_person(p) and lo <= day <= hi):
            continue
        if f.event_kind or (f.programs and program not in f.programs):
            continue
        if f.organizer and organizer != f.organizer:
            continue
        if by == "program":
            keys = [name(program)]
        elif by == "event_kind":
            keys = ["outreach"]
        elif by == "organizer":
            keys = [str(organizer)] if organizer else []
        else:
            keys = [period_key(day)]
        for key in keys:
            found[key].add(p)
    return {key: (len(found[key]), checkins[key]) for key in found}


@pytest.mark.parametrize("seed", range(6))
def test_record_breakdowns_count_what_the_definition_counts(seed: int):
    rng = np.random.default_rng(seed)
    bits = dict(RaceEthnicityCategory.objects.values_list("code", "pk"))
    bits = {code: pk for code, pk in bits.items() if pk < 8}
    stores = _stores(rng)
    arrays = fast._build(stores)
    for _ in range(12):
        f = _random_filters(rng, bits)
        for by in RECORD_DIMENSIONS:
            expected = _plain_record_counts(stores, f, by, bits)
            assert fast._record_counts(arrays, f, by) == expected, (seed, f, by)


@pytest.mark.parametrize("seed", range(4))
def test_race_buckets_counted_per_class_equal_those_counted_per_person(seed: int):
    rng = np.random.default_rng(seed)
    arrays = fast._build(_stores(rng))
    bits = fast._category_bits()
    for method in Tabulation.values:
        dense, size, buckets = fast._class_buckets(arrays, method)
        idx = np.flatnonzero(rng.random(arrays.n) < 0.6)
        weights = rng.integers(0, 9, len(idx))
        per_class = np.bincount(dense[idx], minlength=size)
        weighted = np.bincount(dense[idx], weights=weights, minlength=size)
        expected = {
            key: (len(where), int(weights[where].sum()))
            for key, where in fast._race_buckets(arrays.people, idx, method, bits)
        }
        got = {
            key: (int(per_class[classes].sum()), round(float(weighted[classes].sum())))
            for key, classes in buckets
        }
        assert got == expected, method


def test_a_random_coalition_counts_the_same_from_the_summary_and_live(
    settings: Any,
):
    settings.CRM_ENGAGEMENT_SUMMARY = True
    pick = random.Random(8)
    now = timezone.now()
    programs = [ProgramFactory() for _ in range(3)]
    users = [UserFactory() for _ in range(4)]
    counties = [county("king"), county("spokane"), None]
    categories = ["HISPANIC", "WHITE", "ASIAN", "BLACK", "AIAN", "NHPI"]
    people = []
    for _ in range(30):
        chosen = pick.sample(categories, pick.choice([0, 1, 1, 2, 3]))
        person = ContactFactory(county=pick.choice(counties), categories=chosen)
        if not chosen:
            # Reported with no category chosen: a write-in only.
            person.race_ethnicity_status = pick.choice(list(Contact.SelfIdStatus))
            person.save(update_fields=["race_ethnicity_status"])
        people.append(person)
    events = []
    for _ in range(12):
        event = EventFactory(
            starts_at=now - dt.timedelta(days=pick.randrange(0, 500), hours=3),
            kind=pick.choice(list(Event.Kind)),
            program=pick.choice([*programs, None]),
            status=pick.choice([Event.Status.COMPLETED] * 5 + [Event.Status.CANCELLED]),
        )
        event.organizers.set(pick.sample(users, pick.choice([0, 1, 1, 2, 3])))
        events.append(event)
    for person in people:
        for event in pick.sample(events, pick.randrange(0, 5)):
            AttendanceFactory(
                event=event,
                contact=person,
                status=pick.choice(
                    [Attendance.Status.ATTENDED] * 4 + [Attendance.Status.NO_SHOW]
                ),
                role=pick.choice(
                    [Attendance.Role.PARTICIPANT] * 4 + [Attendance.Role.HOST]
                ),
            )
        for _ in range(pick.randrange(0, 3)):
            OutreachFactory(
                contact=person,
                organizer=pick.choice(users),
                program=pick.choice([*programs, None]),
                occurred_at=now - dt.timedelta(days=pick.randrange(0, 500)),
                outcome=pick.choice(list(Outreach.Outcome)),
            )
    for person in pick.sample(people, 4):
        person.archived_at = now
        person.save(update_fields=["archived_at"])
    store.rebuild()
    assert_summary_equals_live()
