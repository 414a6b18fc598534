"""Grant progress: each target's metric counted over the grant period so far.

Every target of every grant is counted in three queries whatever their number
(conditional aggregates over people, check-ins and events). On track means the
count has reached the elapsed share of the period times the target.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from contacts.models import Contact
from events.models import Attendance, Event
from reports.metrics import fast
from reports.metrics.filters import (
    Filters,
    _in_community,
    attendance_q,
    engaged_q,
    outreach_records,
)
from reports.models import Grant, GrantTarget

Metric = GrantTarget.Metric

# Targets the engagement summary can count (fast.headline's figure for each).
FROM_HEADLINE: dict[str, str] = {
    Metric.ENGAGED_PEOPLE: "engaged_people",
    Metric.ATTENDANCE: "attendance",
    Metric.UNIQUE_ATTENDEES: "unique_attendees",
    Metric.PEOPLE_REACHED: "people_reached",
}

STATUS_LABELS: dict[str, Any] = {
    "met": _("Met"),
    "on_track": _("On track"),
    "behind": _("Behind"),
    "not_started": _("Not started"),
}


@dataclass
class TargetProgress:
    target_id: int
    grant_id: int
    label: str
    metric: str
    target: int
    value: int
    expected: float
    elapsed_share: float
    status: str

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.value / self.target)) if self.target else 0

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    def as_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["percent"] = self.percent
        data["status_label"] = self.status_label
        return data


def target_filters(target: GrantTarget, grant: Grant, today: dt.date) -> Filters:
    """The filters a target is counted under (programs come from the grant)."""
    return Filters(
        start=grant.starts_on,
        end=min(today, grant.ends_on),
        programs=tuple(p.pk for p in grant.programs.all()),
        county=target.county_id,
        event_kind=target.event_kind,
        community=target.community.code if target.community else "",
    )


def elapsed_share(grant: Grant, today: dt.date) -> float:
    """Share of the grant period that has passed by the end of `today`."""
    if today < grant.starts_on:
        return 0.0
    total = (grant.ends_on - grant.starts_on).days + 1
    done = (min(today, grant.ends_on) - grant.starts_on).days + 1
    return done / total


def _event_q(f: Filters) -> Q:
    lo, hi = f.bounds()
    q = Q(starts_at__gte=lo, starts_at__lt=hi) & ~Q(status=Event.Status.CANCELLED)
    if f.programs:
        q &= Q(program__in=f.programs)
    if f.county:
        q &= Q(county=f.county)
    if f.event_kind:
        q &= Q(kind=f.event_kind)
    return q


def grant_progress(grants: Iterable[Grant], today: dt.date) -> list[TargetProgress]:
    """Progress of every target of the grants (grants prefetched with
    programs and targets: see `grants_for_progress`)."""
    people_aggs: dict[str, Any] = {}
    attendance_aggs: dict[str, Any] = {}
    event_aggs: dict[str, Any] = {}
    values: dict[str, int] = {}
    plan = []
    for grant in grants:
        for target in grant.targets.all():
            key = f"t{target.pk}"
            plan.append((grant, target, key))
            if today < grant.starts_on:
                continue
            f = target_filters(target, grant, today)
            if target.metric in FROM_HEADLINE and fast.covers(f):
                values[key] = getattr(fast.headline(f), FROM_HEADLINE[target.metric])
            elif target.metric == Metric.ENGAGED_PEOPLE:
                people_aggs[key] = Count("pk", filter=engaged_q(f) & _people_q(f))
            elif target.metric == Metric.PEOPLE_REACHED:
                people_aggs[key] = Count(
                    "pk",
                    filter=Q(pk__in=outreach_records(f).values("contact_id")),
                )
            elif target.metric == Metric.ATTENDANCE:
                attendance_aggs[key] = Count("pk", filter=attendance_q(f))
            elif target.metric == Metric.UNIQUE_ATTENDEES:
                attendance_aggs[key] = Count(
                    "contact_id", filter=attendance_q(f), distinct=True
                )
            elif target.metric == Metric.EVENTS_HELD:
                event_aggs[key] = Count("pk", filter=_event_q(f))
    if people_aggs:
        values |= Contact.objects.active().order_by().aggregate(**people_aggs)
    if attendance_aggs:
        values |= Attendance.objects.order_by().aggregate(**attendance_aggs)
    if event_aggs:
        values |= Event.objects.order_by().aggregate(**event_aggs)
    out = []
    for grant, target, key in plan:
        share = elapsed_share(grant, today)
        value = int(values.get(key) or 0)
        expected = target.target * share
        if today < grant.starts_on:
            status = "not_started"
        elif value >= target.target:
            status = "met"
        elif value >= expected:
            status = "on_track"
        else:
            status = "behind"
        out.append(
            TargetProgress(
                target_id=target.pk,
                grant_id=grant.pk,
                label=target_label(target),
                metric=target.metric,
                target=target.target,
                value=value,
                expected=expected,
                elapsed_share=share,
                status=status,
            )
        )
    return out


def _people_q(f: Filters) -> Q:
    q = Q()
    if f.county:
        q &= Q(county=f.county)
    if f.community:
        # Exists, not a join: a join would repeat people with several
        # categories in every other target counted by the same query.
        q &= Q(_in_community(f.community, "pk"))
    return q


def target_label(target: GrantTarget) -> str:
    parts = [str(target.get_metric_display())]
    if target.community:
        parts.append(str(target.community))
    if target.county:
        parts.append(str(target.county))
    if target.event_kind:
        parts.append(str(target.get_event_kind_display()))
    return " · ".join(parts)


def grants_for_progress(active_on: dt.date | None = None) -> list[Grant]:
    """Grants with programs and targets loaded (four queries), optionally
    only those whose period includes a day."""
    grants = Grant.objects.prefetch_related(
        "programs", "targets__county", "targets__community"
    )
    if active_on:
        grants = grants.filter(starts_on__lte=active_on, ends_on__gte=active_on)
    return list(grants)
