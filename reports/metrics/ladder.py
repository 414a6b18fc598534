"""The engagement ladder (DESIGN.md "Counting definitions").

As of a moment, over the rolling window before it (CRM_LADDER_WINDOW_MONTHS,
default 12), each non-archived, unmerged person stands on their highest rung:

- leader: attended in a leading role (Attendance.LEADER_ROLES) at least once;
- regular: attended CRM_LADDER_REGULAR_MIN (default 3) events or more;
- participant: attended CRM_LADDER_PARTICIPANT_MIN (default 1) event or more;
- reached: an outreach reached them (Outreach.REACHED_OUTCOMES);
- known: in the CRM by then, none of the above.

People filters (county, community) apply; program, event kind and organizer do
not: the ladder is about a person's whole relationship with the coalition.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from contacts.models import Contact
from events.models import Attendance, Event, Outreach
from reports.metrics import fast, race
from reports.metrics.filters import Filters, months_before, start_of_day
from reports.models import Tabulation

KNOWN, REACHED, PARTICIPANT, REGULAR, LEADER = (
    "known",
    "reached",
    "participant",
    "regular",
    "leader",
)
NOT_KNOWN = "not_known"
RUNGS = (KNOWN, REACHED, PARTICIPANT, REGULAR, LEADER)
RUNG_LABELS: dict[str, Any] = {
    NOT_KNOWN: _("Not yet known"),
    KNOWN: _("Known"),
    REACHED: _("Reached"),
    PARTICIPANT: _("Participant"),
    REGULAR: _("Regular"),
    LEADER: _("Leader"),
}


def window_months() -> int:
    return int(getattr(settings, "CRM_LADDER_WINDOW_MONTHS", 12))


def regular_min() -> int:
    return int(getattr(settings, "CRM_LADDER_REGULAR_MIN", 3))


def participant_min() -> int:
    return int(getattr(settings, "CRM_LADDER_PARTICIPANT_MIN", 1))


def _window(on: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """(start, end) of the rolling window ending at the end of `on`."""
    end = start_of_day(on + dt.timedelta(days=1))
    return start_of_day(months_before(on, window_months()) + dt.timedelta(days=1)), end


def rung_expression(on: dt.date) -> Case:
    """On Contact: the rung as of the end of `on`, or NOT_KNOWN."""
    lo, hi = _window(on)
    attended = Attendance.objects.filter(
        contact_id=OuterRef("pk"),
        status=Attendance.Status.ATTENDED,
        event__starts_at__gte=lo,
        event__starts_at__lt=hi,
    ).exclude(event__status=Event.Status.CANCELLED)
    n_attended = Coalesce(
        Subquery(
            attended.order_by()
            .values("contact_id")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )
    led = Exists(attended.filter(role__in=Attendance.LEADER_ROLES))
    reached = Exists(
        Outreach.objects.filter(
            contact_id=OuterRef("pk"),
            outcome__in=Outreach.REACHED_OUTCOMES,
            occurred_at__gte=lo,
            occurred_at__lt=hi,
        )
    )
    from django.db.models.lookups import GreaterThanOrEqual

    return Case(
        When(led, then=Value(LEADER)),
        When(GreaterThanOrEqual(n_attended, regular_min()), then=Value(REGULAR)),
        When(
            GreaterThanOrEqual(n_attended, participant_min()), then=Value(PARTICIPANT)
        ),
        When(reached, then=Value(REACHED)),
        When(created_at__lt=hi, then=Value(KNOWN)),
        default=Value(NOT_KNOWN),
        output_field=CharField(),
    )


def ladder_people(county: int | None = None, community: str = "") -> QuerySet[Contact]:
    """The people the ladder is about: non-archived, unmerged, filtered."""
    people = Contact.objects.active().order_by()
    if county:
        people = people.filter(county=county)
    if community:
        through = Contact.race_categories.through
        people = people.filter(
            Exists(
                through.objects.filter(
                    contact_id=OuterRef("pk"), raceethnicitycategory__code=community
                )
            )
        )
    return people


@dataclass
class LadderSnapshot:
    on: dt.date
    counts: dict[str, int]
    total: int
    labels: dict[str, str] = field(default_factory=dict)

    def rows(self) -> list[dict[str, Any]]:
        return [
            {"rung": rung, "label": str(RUNG_LABELS[rung]), "people": self.counts[rung]}
            for rung in RUNGS
        ]


def ladder_snapshot(
    on: dt.date, *, county: int | None = None, community: str = ""
) -> LadderSnapshot:
    """People per rung as of the end of a day (one query, or the summary)."""
    if fast.covers(Filters(start=on, end=on, county=county, community=community)):
        counts = fast.ladder_counts(on, county, community)
        return LadderSnapshot(on=on, counts=counts, total=sum(counts.values()))
    rows = (
        ladder_people(county, community)
        .annotate(rung=rung_expression(on))
        .values("rung")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = dict.fromkeys(RUNGS, 0)
    for row in rows:
        if row["rung"] in counts:
            counts[row["rung"]] = row["n"]
    return LadderSnapshot(on=on, counts=counts, total=sum(counts.values()))


@dataclass
class LadderByCommunity:
    on: dt.date
    method: str
    communities: list[tuple[str, str]]
    counts: dict[tuple[str, str], int]

    def matrix(self) -> list[list[int]]:
        return [
            [self.counts.get((key, rung), 0) for rung in RUNGS]
            for key, _label in self.communities
        ]


def ladder_by_community(
    on: dt.date,
    *,
    method: str = Tabulation.COMBINATION.value,
    county: int | None = None,
) -> LadderByCommunity:
    """People per rung per community, with the unknown buckets (two queries)."""
    if fast.covers(Filters(start=on, end=on, county=county)):
        return LadderByCommunity(
            on=on,
            method=method,
            communities=race.race_row_order(method, race.category_labels()),
            counts=fast.ladder_by_community_counts(on, method, county),
        )
    rows = (
        ladder_people(county)
        .annotate(rung=rung_expression(on), k=race.race_key(method))
        .values("k", "rung")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    counts = {(str(r["k"]), r["rung"]): r["n"] for r in rows if r["rung"] in RUNGS}
    communities = race.race_row_order(method, race.category_labels())
    return LadderByCommunity(
        on=on, method=method, communities=communities, counts=counts
    )


@dataclass
class LadderMovement:
    start: dt.date
    end: dt.date
    counts: dict[tuple[str, str], int]

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for origin in (NOT_KNOWN, *RUNGS):
            for destination in RUNGS:
                n = self.counts.get((origin, destination), 0)
                if n:
                    out.append(
                        {
                            "from": origin,
                            "from_label": str(RUNG_LABELS[origin]),
                            "to": destination,
                            "to_label": str(RUNG_LABELS[destination]),
                            "people": n,
                            "direction": _direction(origin, destination),
                        }
                    )
        return out

    def summary(self) -> dict[str, int]:
        out = {"up": 0, "same": 0, "down": 0, "new": 0}
        for row in self.rows():
            out[row["direction"]] += row["people"]
        return out


def _direction(origin: str, destination: str) -> str:
    if origin == NOT_KNOWN:
        return "new"
    a, b = RUNGS.index(origin), RUNGS.index(destination)
    return "up" if b > a else "down" if b < a else "same"


def ladder_movement(
    start: dt.date, end: dt.date, *, county: int | None = None, community: str = ""
) -> LadderMovement:
    """How many people moved from rung to rung between two days (one query)."""
    if fast.covers(Filters(start=start, end=end, county=county, community=community)):
        return LadderMovement(
            start=start,
            end=end,
            counts=fast.ladder_movement_counts(start, end, county, community),
        )
    rows = (
        ladder_people(county, community)
        .annotate(a=rung_expression(start), b=rung_expression(end))
        .values("a", "b")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {(r["a"], r["b"]): r["n"] for r in rows}
    return LadderMovement(start=start, end=end, counts=counts)


__all__ = [
    "RUNGS",
    "ladder_by_community",
    "ladder_movement",
    "ladder_snapshot",
]
