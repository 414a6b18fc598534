"""What a count is about: a period and optional filters, and the rows they select."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, replace
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from contacts.models import Contact
from events.models import Attendance, Event, Outreach


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def start_of_day(day: dt.date) -> dt.datetime:
    """Local midnight at the start of a day (America/Los_Angeles)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=local_zone())


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` months earlier (clamped to the month's end)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Filters:
    """A period (both ends inclusive, local dates) and the optional filters.

    - programs: the event's program for attendance, the outreach's program;
    - county: the person's county;
    - event_kind: only attendance at events of that kind (outreach drops out);
    - organizer: attendance at events they organize, outreach they logged;
    - community: people who chose that minimum category (alone or in
      combination), by its code, e.g. "ASIAN".
    """

    start: dt.date
    end: dt.date
    programs: tuple[int, ...] = ()
    county: int | None = None
    event_kind: str = ""
    organizer: int | None = None
    community: str = ""

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) as aware datetimes: local midnight to the midnight after."""
        return start_of_day(self.start), start_of_day(self.end + dt.timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Filters:
        """The same filters over the equally long period just before this one."""
        end = self.start - dt.timedelta(days=1)
        return replace(self, start=end - dt.timedelta(days=self.days - 1), end=end)

    def with_period(self, start: dt.date, end: dt.date) -> Filters:
        """The same filters over another period."""
        return replace(self, start=start, end=end)

    def replace(self, **changes: Any) -> Filters:
        """A copy with some fields changed."""
        return replace(self, **changes)


def _in_community(code: str, contact_ref: str) -> Exists:
    through = Contact.race_categories.through
    return Exists(
        through.objects.filter(
            contact_id=OuterRef(contact_ref), raceethnicitycategory__code=code
        )
    )


def attendance_q(f: Filters) -> Q:
    """Attendance rows counted as check-ins under the filters."""
    lo, hi = f.bounds()
    q = Q(
        status=Attendance.Status.ATTENDED,
        event__starts_at__gte=lo,
        event__starts_at__lt=hi,
        contact__archived_at__isnull=True,
        contact__merged_into__isnull=True,
    ) & ~Q(event__status=Event.Status.CANCELLED)
    if f.programs:
        q &= Q(event__program__in=f.programs)
    if f.county:
        q &= Q(contact__county=f.county)
    if f.event_kind:
        q &= Q(event__kind=f.event_kind)
    if f.organizer:
        q &= Q(
            Exists(
                Event.organizers.through.objects.filter(
                    event_id=OuterRef("event_id"), user_id=f.organizer
                )
            )
        )
    if f.community:
        q &= Q(_in_community(f.community, "contact_id"))
    return q


def outreach_q(f: Filters) -> Q:
    """Outreach rows in which the person was reached, under the filters."""
    lo, hi = f.bounds()
    q = Q(
        outcome__in=Outreach.REACHED_OUTCOMES,
        occurred_at__gte=lo,
        occurred_at__lt=hi,
        contact__archived_at__isnull=True,
        contact__merged_into__isnull=True,
    )
    if f.programs:
        q &= Q(program__in=f.programs)
    if f.county:
        q &= Q(contact__county=f.county)
    if f.event_kind:
        # Outreach happens outside events: an event-kind filter leaves none.
        q &= Q(pk__isnull=True)  # always false, but still valid SQL
    if f.organizer:
        q &= Q(organizer=f.organizer)
    if f.community:
        q &= Q(_in_community(f.community, "contact_id"))
    return q


def attendance_records(f: Filters) -> QuerySet[Attendance]:
    """Check-ins (attended Attendance of non-archived, unmerged people)."""
    return Attendance.objects.filter(attendance_q(f)).order_by()


def outreach_records(f: Filters) -> QuerySet[Outreach]:
    """Outreach with a reached outcome (Outreach.REACHED_OUTCOMES)."""
    return Outreach.objects.filter(outreach_q(f)).order_by()


def engaged_q(f: Filters) -> Q:
    """On Contact: engaged in the period (checked in, or reached by outreach)."""
    attended = Exists(attendance_records(f).filter(contact_id=OuterRef("pk")))
    reached = Exists(outreach_records(f).filter(contact_id=OuterRef("pk")))
    return Q(attended) | Q(reached)


def engaged_people(f: Filters) -> QuerySet[Contact]:
    """Non-archived, unmerged people engaged in the period, each once."""
    return Contact.objects.active().filter(engaged_q(f)).order_by()
