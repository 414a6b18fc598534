"""The rows of the Events and Technical assistance sheets, in a fixed number of
queries whatever the number of events.

- `period_events(f, kind)`: non-cancelled events starting in the period (in
  the grant's programs), the events the engine counts check-ins at;
- `checkins_per_event(f)`: each of those events' check-ins as the engine
  counts them (attended, person neither archived nor merged), from the
  engagement summary when the engine counts from it, else live;
- `names_per_event(f, relation)`: the names linked to each event through a
  many-to-many relation (languages, host organizations, ...), joined with "; ".

Why not annotate each event with a correlated COUNT subquery: at scale that is
one probe per event over the attendance of all its people, and on PostgreSQL
without fresh statistics the planner nests a scan of every active person
inside it (seconds per event). The live count here is two grouped queries
driven by indexes: every attended row per event (index on event and status),
minus the attended rows of people not counted, found from those few people
(contacts' partial index of people archived or merged, whose condition is
the OR written here, then the index on contact and status).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from django.db.models import Count, Q, QuerySet

from contacts.models import Contact
from events.models import Attendance, Event
from reports import summary
from reports.metrics import Filters, fast
from reports.summary.store import ATTENDANCE, ATTENDED, PERSON

NAME_RELATIONS = (
    "languages_offered",
    "interpretation_provided",
    "host_organizations",
    "ta_recipients",
)


def period_events(f: Filters, kind: str = "") -> QuerySet[Event]:
    """Non-cancelled events starting in the period (in f.programs), unordered."""
    lo, hi = f.bounds()
    qs = Event.objects.not_cancelled().filter(starts_at__gte=lo, starts_at__lt=hi)
    if f.programs:
        qs = qs.filter(program__in=f.programs)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by()


def checkins_per_event(f: Filters) -> dict[int, int]:
    """{event pk: check-ins} for the period's events (events without any are
    left out). The same numbers as metrics.attendance_records(f) grouped by
    event; the workbook's filters carry no person filters."""
    if f.county or f.community or f.event_kind or f.organizer:
        raise ValueError("Per-event check-ins take period and programs only.")
    if fast.covers(f):
        return _from_summary(f)
    return _live(f)


def _live(f: Filters) -> dict[int, int]:
    """Counted live, in two queries."""
    attended = Attendance.objects.attended().order_by()
    counts = dict(
        attended.filter(event__in=period_events(f).values("pk"))
        .values_list("event_id")
        .annotate(n=Count("pk"))
    )
    not_counted = Contact.objects.filter(
        Q(archived_at__isnull=False) | Q(merged_into__isnull=False)
    )
    # Over all events (few rows: only the people not counted), so that both
    # databases start from those people rather than from the events.
    for event_id, n in (
        attended.filter(contact__in=not_counted.values("pk"))
        .values_list("event_id")
        .annotate(n=Count("pk"))
    ):
        if event_id in counts:
            counts[event_id] -= n
    return {pk: n for pk, n in counts.items() if n}


def _from_summary(f: Filters) -> dict[int, int]:
    """Check-ins per event from the engagement summary's attendance and person
    stores: attended rows of active people, counted by event (one query, for
    the period's events)."""
    ids = list(period_events(f).values_list("pk", flat=True))
    if not ids:
        return {}
    stores = summary.load()
    active = np.ascontiguousarray(stores[PERSON]["active"]) == 1
    attendance = stores[ATTENDANCE]
    event = np.ascontiguousarray(attendance["event"])
    wanted = np.zeros(max(int(event.max(initial=0)), max(ids)) + 1, dtype=bool)
    wanted[ids] = True
    attended = (np.ascontiguousarray(attendance["flags"]) & ATTENDED) != 0
    rows = np.flatnonzero(wanted[event] & attended)
    contact = attendance["contact"][rows]
    known = contact < len(active)
    rows, contact = rows[known], contact[known]
    counts = np.bincount(event[rows[active[contact]]], minlength=len(wanted))
    return {pk: int(counts[pk]) for pk in ids if counts[pk]}


def names_per_event(f: Filters, relation: str, kind: str = "") -> dict[int, str]:
    """{event pk: the linked names, sorted, joined with "; "} (one query)."""
    if relation not in NAME_RELATIONS:
        raise ValueError(f"Not a name relation: {relation}")
    names: dict[int, list[str]] = defaultdict(list)
    rows = (
        period_events(f, kind)
        .filter(**{f"{relation}__isnull": False})
        .values_list("pk", f"{relation}__name")
    )
    for pk, name in rows:
        names[pk].append(str(name))
    return {pk: "; ".join(sorted(values)) for pk, values in names.items()}
