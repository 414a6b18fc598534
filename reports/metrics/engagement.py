"""Engaged people, attendance, attendees and unique people, whole or broken down."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import (
    CharField,
    Count,
    Expression,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import (
    Cast,
    Coalesce,
    Concat,
    ExtractMonth,
    ExtractQuarter,
    ExtractYear,
)
from django.utils.translation import gettext_lazy as _

from contacts.models import Contact
from crm.models import County, Language, Program
from events.models import Attendance, Event
from reports.metrics import fast, race
from reports.metrics.filters import (
    Filters,
    attendance_records,
    engaged_people,
    outreach_records,
)
from reports.metrics.tables import Row, Table
from reports.models import Tabulation

# Breakdowns by something about the person (each person has one value, except
# race/ethnicity under "combination" and detailed groups).
PERSON_DIMENSIONS = (
    "race_ethnicity",
    "race_group",
    "county",
    "legislative_district",
    "language",
)
# Breakdowns by something about the engagement record: a person counts once in
# every program, kind, organizer or month they engaged in.
RECORD_DIMENSIONS = ("program", "event_kind", "organizer", "month", "quarter")
DIMENSIONS = PERSON_DIMENSIONS + RECORD_DIMENSIONS

DIMENSION_LABELS: dict[str, Any] = {
    "race_ethnicity": _("Race/ethnicity"),
    "race_group": _("Detailed group"),
    "county": _("County"),
    "legislative_district": _("Legislative district"),
    "language": _("Preferred language"),
    "program": _("Program"),
    "event_kind": _("Event kind"),
    "organizer": _("Organizer"),
    "month": _("Month"),
    "quarter": _("Quarter"),
}

NONE_KEY = "none"
OUTREACH_KEY = "outreach"


@dataclass
class Headline:
    """The headline figures of a period.

    - engaged_people: people checked in at an event or reached by outreach;
    - attendance: check-ins (attended Attendance rows);
    - attendees: unique people per event, summed over events;
    - unique_attendees: unique people across all events;
    - people_reached: unique people reached by outreach;
    - events: events with at least one check-in.
    """

    engaged_people: int
    attendance: int
    attendees: int
    unique_attendees: int
    people_reached: int
    events: int

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def headline(f: Filters) -> Headline:
    """The headline figures (three queries, or from the engagement summary)."""
    if fast.covers(f):
        return fast.headline(f)  # type: ignore[no-any-return]
    engaged = engaged_people(f).count()
    pair = Concat(
        Cast("event_id", CharField()), Value("-"), Cast("contact_id", CharField())
    )
    checkins = attendance_records(f).aggregate(
        attendance=Count("pk"),
        attendees=Count(pair, distinct=True),
        unique_attendees=Count("contact_id", distinct=True),
        events=Count("event_id", distinct=True),
    )
    reached = outreach_records(f).aggregate(n=Count("contact_id", distinct=True))
    return Headline(
        engaged_people=engaged,
        attendance=checkins["attendance"],
        attendees=checkins["attendees"],
        unique_attendees=checkins["unique_attendees"],
        people_reached=reached["n"],
        events=checkins["events"],
    )


def engaged_with_checkins(f: Filters) -> QuerySet[Contact]:
    """Engaged people annotated with `checkins`, their check-ins in the period."""
    per_person = (
        attendance_records(f)
        .filter(contact_id=OuterRef("pk"))
        .values("contact_id")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return engaged_people(f).annotate(
        checkins=Coalesce(Subquery(per_person, output_field=IntegerField()), 0)
    )


def _person_key(by: str, method: str) -> Expression:
    if by == "race_ethnicity":
        return race.race_key(method)
    if by == "race_group":
        return race.group_key()
    if by == "county":
        return Coalesce(F("county__code"), Value(NONE_KEY), output_field=CharField())
    if by == "legislative_district":
        return Coalesce(
            Cast("legislative_district", CharField()),
            Value(NONE_KEY),
            output_field=CharField(),
        )
    if by == "language":
        return Coalesce(
            F("preferred_language__code"), Value(NONE_KEY), output_field=CharField()
        )
    raise ValueError(f"Not a person dimension: {by}")


def _record_keys(by: str) -> tuple[Any, Any]:
    """The key expression on Attendance and on Outreach for a record dimension."""
    if by == "program":
        return (
            Coalesce(Cast("event__program_id", CharField()), Value(NONE_KEY)),
            Coalesce(Cast("program_id", CharField()), Value(NONE_KEY)),
        )
    if by == "event_kind":
        return F("event__kind"), Value(OUTREACH_KEY)
    if by == "organizer":
        return (
            Coalesce(Cast("event__organizers", CharField()), Value(NONE_KEY)),
            Cast("organizer_id", CharField()),
        )
    if by == "month":
        return (
            ExtractYear("event__starts_at") * 100 + ExtractMonth("event__starts_at"),
            ExtractYear("occurred_at") * 100 + ExtractMonth("occurred_at"),
        )
    if by == "quarter":
        return (
            ExtractYear("event__starts_at") * 10 + ExtractQuarter("event__starts_at"),
            ExtractYear("occurred_at") * 10 + ExtractQuarter("occurred_at"),
        )
    raise ValueError(f"Not a record dimension: {by}")


def _record_counts(f: Filters, by: str) -> dict[str, tuple[int, int]]:
    """{key: (unique people, check-ins)} over attendance and outreach together.

    One query: the two record sets are joined with UNION ALL and grouped, so a
    person engaged both ways in the same program or month counts once.
    """
    attendance_key, outreach_key = _record_keys(by)
    checkins = (
        attendance_records(f)
        .annotate(c=F("contact_id"), k=attendance_key, chk=Value(1))
        .values("c", "k", "chk")
    )
    outreach = (
        outreach_records(f)
        .annotate(c=F("contact_id"), k=outreach_key, chk=Value(0))
        .values("c", "k", "chk")
    )
    sql_a, params_a = checkins.query.sql_with_params()
    sql_o, params_o = outreach.query.sql_with_params()
    sql = (
        "SELECT u.k, COUNT(DISTINCT u.c), SUM(u.chk) FROM "  # noqa: S608
        f"({sql_a} UNION ALL {sql_o}) u GROUP BY u.k"
    )
    with connections[Attendance.objects.db].cursor() as cursor:
        cursor.execute(sql, [*params_a, *params_o])
        return {str(k): (int(n), int(a or 0)) for k, n, a in cursor.fetchall()}


def _month_keys(f: Filters) -> list[tuple[str, str]]:
    keys = []
    year, month = f.start.year, f.start.month
    while (year, month) <= (f.end.year, f.end.month):
        keys.append(
            (str(year * 100 + month), dt.date(year, month, 1).strftime("%Y-%m"))
        )
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys


def _quarter_keys(f: Filters) -> list[tuple[str, str]]:
    keys = []
    year, quarter = f.start.year, (f.start.month - 1) // 3 + 1
    last = (f.end.year, (f.end.month - 1) // 3 + 1)
    while (year, quarter) <= last:
        keys.append((str(year * 10 + quarter), f"{year} Q{quarter}"))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return keys


def _labels(by: str, keys: set[str], f: Filters, method: str) -> list[tuple[str, str]]:
    """(key, label) of every row to print, in order (at most one query)."""
    none_labels = {
        "county": _("No county recorded"),
        "legislative_district": _("No district recorded"),
        "language": _("No language recorded"),
        "program": _("No program"),
        "organizer": _("No organizer recorded"),
    }
    rows: list[tuple[str, str]] = []
    if by == "race_ethnicity":
        return race.race_row_order(method, race.category_labels())
    if by == "race_group":
        names = race.group_labels(keys)
        rows = sorted(((k, names[k]) for k in keys if k in names), key=lambda kv: kv[1])
        rows.append((race.NO_GROUP, str(race.EXTRA_LABELS[race.NO_GROUP])))
        rows += [(k, str(race.UNKNOWN_LABELS[k])) for k in race.UNKNOWN_KEYS]
        return rows
    if by == "county":
        rows = list(County.objects.filter(code__in=keys).values_list("code", "name"))
    elif by == "legislative_district":
        numbers = sorted(int(k) for k in keys if k != NONE_KEY)
        rows = [(str(n), str(_("District %(n)s") % {"n": n})) for n in numbers]
    elif by == "language":
        rows = list(Language.objects.filter(code__in=keys).values_list("code", "name"))
    elif by == "program":
        ids = [int(k) for k in keys if k != NONE_KEY]
        rows = [
            (str(pk), name)
            for pk, name in Program.objects.filter(pk__in=ids).values_list("pk", "name")
        ]
    elif by == "organizer":
        ids = [int(k) for k in keys if k != NONE_KEY]
        users = get_user_model().objects.filter(pk__in=ids)
        rows = [(str(u.pk), str(u)) for u in users]
    elif by == "event_kind":
        rows = [(k.value, str(k.label)) for k in Event.Kind]
        rows.append((OUTREACH_KEY, str(_("Outreach (not at an event)"))))
        return rows
    elif by == "month":
        return _month_keys(f)
    elif by == "quarter":
        return _quarter_keys(f)
    if by in none_labels:
        rows.append((NONE_KEY, str(none_labels[by])))
    return rows


def breakdown(f: Filters, by: str, method: str = Tabulation.SINGLE.value) -> Table:
    """Engaged people and check-ins per group (three or four queries).

    `by` is one of DIMENSIONS. `method` matters for race_ethnicity only
    (combination or single); detailed groups are always alone or in combination.
    Shares are of all engaged people, unknown buckets included.
    """
    if by not in DIMENSIONS:
        raise ValueError(f"Unknown breakdown: {by}")
    if method not in Tabulation.values:
        raise ValueError(f"Unknown tabulation method: {method}")
    counts: dict[str, tuple[int, int]]
    if fast.covers(f, by):
        counts, total_people, total_attendance = fast.breakdown_counts(f, by, method)
    else:
        if by in PERSON_DIMENSIONS:
            people = engaged_with_checkins(f)
            grouped = (
                people.annotate(k=_person_key(by, method))
                .values("k")
                .annotate(n=Count("pk", distinct=True), a=Sum("checkins"))
                .order_by()
            )
            counts = {str(r["k"]): (r["n"], r["a"] or 0) for r in grouped}
        else:
            counts = _record_counts(f, by)
        totals = engaged_with_checkins(f).aggregate(n=Count("pk"), a=Sum("checkins"))
        total_people = totals["n"]
        total_attendance = totals["a"] or 0
    rows = []
    for key, label in _labels(by, set(counts), f, method):
        n, a = counts.get(key, (0, 0))
        rows.append(
            Row(
                key=key,
                label=label,
                people=n,
                attendance=a,
                share=(n / total_people) if total_people else None,
                is_unknown=by in ("race_ethnicity", "race_group")
                and race.is_unknown(key),
            )
        )
    if by == "race_ethnicity":
        method_label = race.METHOD_LABELS[method]
        used = method
    elif by == "race_group":
        method_label = race.METHOD_LABELS["detailed"]
        used = Tabulation.COMBINATION.value
    else:
        method_label = (
            _("Each person counts once in every group they engaged in.")
            if by in RECORD_DIMENSIONS
            else _("Each person counts once.")
        )
        used = method
    return Table(
        by=by,
        method=used,
        method_label=method_label,
        rows=rows,
        total_people=total_people,
        total_attendance=total_attendance,
    )


__all__ = [
    "DIMENSIONS",
    "Headline",
    "breakdown",
    "engaged_with_checkins",
    "headline",
]
