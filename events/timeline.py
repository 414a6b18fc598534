"""A person's story in one list: outreach, attendance, comments, follow-ups.

The person's page shows the latest entries and a link to the older ones, page by
page, so every entry stays reachable while the page costs the same however long
the story is. Pages are cut by key (the last entry shown), never by offset.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import formats, timezone

from contacts.models import Contact
from events.models import Attendance, Comment, Event, FollowUp, Outreach

TIMELINE_LIMIT = 50

# Entries at the same moment come in this order: outreach, attendance, comments,
# follow-ups (then the newest record first). Higher sorts first.
KIND_ORDER = {"outreach": 3, "attendance": 2, "comment": 1, "follow_up": 0}

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime
    kind: str  # "outreach", "attendance", "comment" or "follow_up"
    item: Any
    # The item's choices as shown ("channel": "Phone call"), translated once.
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> tuple[datetime, int, int]:
        """Where the entry sorts: by time, then kind, then record."""
        return (self.when, KIND_ORDER[self.kind], self.item.pk)

    # What the `date` filter would show, without its template work per row.
    @property
    def local_iso(self) -> str:
        """The time in ISO 8601, local time (the `date:"c"` filter)."""
        return timezone.localtime(self.when).isoformat()

    @property
    def local_day(self) -> str:
        """The day in the reader's format (the `date:"DATE_FORMAT"` filter)."""
        return formats.date_format(timezone.localtime(self.when), "DATE_FORMAT")


@dataclass(frozen=True)
class Cursor:
    """The last entry shown: the next page starts just after it."""

    when: datetime
    kind: str
    pk: int

    def __str__(self) -> str:
        return f"{(self.when - _EPOCH) // _MICROSECOND}.{self.kind}.{self.pk}"

    @classmethod
    def parse(cls, value: str) -> Cursor | None:
        """The cursor written by `str()`, or None if `value` is not one."""
        micros, _, rest = value.partition(".")
        kind, _, pk = rest.partition(".")
        if kind not in KIND_ORDER or not pk.isdigit() or len(pk) > 18:
            return None
        if not micros.removeprefix("-").isdigit() or len(micros) > 19:
            return None
        try:
            when = _EPOCH + int(micros) * _MICROSECOND
        except OverflowError:
            return None
        return cls(when, kind, int(pk))

    @classmethod
    def after(cls, entry: TimelineEntry) -> Cursor:
        return cls(entry.when, entry.kind, entry.item.pk)


@dataclass(frozen=True)
class TimelinePage:
    entries: list[TimelineEntry]
    older: Cursor | None  # where the next page starts; None when this is the last


def _at_start_of(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _older_than(cursor: Cursor, kind: str, *, lt: Q, lte: Q, eq: Q) -> Q:
    """Entries of `kind` that sort after the cursor, given how to compare times.

    `lt`, `lte` and `eq` say that an entry's time is before, not after, or the
    same as the cursor's.
    """
    rank, cursor_rank = KIND_ORDER[kind], KIND_ORDER[cursor.kind]
    if rank < cursor_rank:
        return lte
    if rank > cursor_rank:
        return lt
    return lt | (eq & Q(pk__lt=cursor.pk))


def _by_time(column: str, cursor: Cursor | None, kind: str) -> Q:
    """Entries of `kind` after the cursor, by their time in `column`."""
    if cursor is None:
        return Q()
    at = cursor.when
    return _older_than(
        cursor,
        kind,
        lt=Q(**{f"{column}__lt": at}),
        lte=Q(**{f"{column}__lte": at}),
        eq=Q(**{column: at}),
    )


def _by_day(column: str, cursor: Cursor | None, kind: str) -> Q:
    """As `_by_time` for a date, which is shown at the start of its day."""
    if cursor is None:
        return Q()
    day = timezone.localtime(cursor.when).date()
    at_midnight = _at_start_of(day) == cursor.when
    return _older_than(
        cursor,
        kind,
        lt=Q(**{f"{column}__lt" if at_midnight else f"{column}__lte": day}),
        lte=Q(**{f"{column}__lte": day}),
        eq=Q(**{column: day}) if at_midnight else Q(pk__in=[]),  # never the same
    )


def _labels(choices: Any) -> Callable[[str], str]:
    """A choice's label, each translated once per timeline rather than per row."""
    labels = {value: str(label) for value, label in choices}
    return lambda value: labels.get(value, value)


def timeline_page(
    contact: Contact, *, before: Cursor | None = None, limit: int = TIMELINE_LIMIT
) -> TimelinePage:
    """The person's entries newest first, `limit` of them after `before`.

    Four queries whatever the length of the story; each reads only the
    person's rows, through an index on the person.
    """
    more = limit + 1
    channel = _labels(Outreach.Channel.choices)
    outcome = _labels(Outreach.Outcome.choices)
    purpose = _labels(Outreach.Purpose.choices)
    status = _labels(Attendance.Status.choices)
    role = _labels(Attendance.Role.choices)
    follow_up_status = _labels(FollowUp.Status.choices)

    entries = []
    for o in (
        Outreach.objects.filter(contact=contact)
        .filter(_by_time("occurred_at", before, "outreach"))
        .select_related("organizer", "program")
        .only(
            "occurred_at",
            "channel",
            "purpose",
            "outcome",
            "notes",
            "organizer__username",
            "organizer__first_name",
            "organizer__last_name",
            "program__name",
        )
        .order_by("-occurred_at", "-id")[:more]
    ):
        labels = {
            "channel": channel(o.channel),
            "outcome": outcome(o.outcome),
            "purpose": purpose(o.purpose),
        }
        entries.append(TimelineEntry(o.occurred_at, "outreach", o, labels))

    # Attendance and comments look their event up row by row (a primary key
    # each) rather than joining events: a join lets the database walk every
    # event looking for the person's rows, which grows with the events.
    event = Event.objects.filter(pk=OuterRef("event_id")).order_by()
    event_name = Subquery(event.values("name"))
    # Ordered by the time shown: the check-in, else the event's start.
    for a in (
        Attendance.objects.filter(contact=contact)
        .annotate(
            when=Coalesce("checked_in_at", Subquery(event.values("starts_at"))),
            event_name=event_name,
        )
        .filter(_by_time("when", before, "attendance"))
        .only("event_id", "status", "role", "source")
        .order_by(F("when").desc(), "-id")[:more]
    ):
        labels = {"status": status(a.status)}
        if a.role != Attendance.Role.PARTICIPANT:
            labels["role"] = role(a.role)
        entries.append(TimelineEntry(a.when, "attendance", a, labels))

    entries += [
        TimelineEntry(c.created_at, "comment", c)
        for c in Comment.objects.filter(contact=contact)
        .filter(_by_time("created_at", before, "comment"))
        .annotate(event_name=event_name)
        .only("event_id", "text", "created_at")
        .order_by("-created_at", "-id")[:more]
    ]

    for f in (
        FollowUp.objects.filter(contact=contact)
        .filter(_by_day("due_date", before, "follow_up"))
        .select_related("assigned_to")
        .only(
            "title",
            "due_date",
            "status",
            "assigned_to__username",
            "assigned_to__first_name",
            "assigned_to__last_name",
        )
        .order_by("-due_date", "-id")[:more]
    ):
        labels = {"status": follow_up_status(f.status)}
        entries.append(TimelineEntry(_at_start_of(f.due_date), "follow_up", f, labels))

    entries.sort(key=lambda entry: entry.key, reverse=True)
    older = Cursor.after(entries[limit - 1]) if len(entries) > limit else None
    return TimelinePage(entries[:limit], older)


def contact_timeline(contact: Contact, *, limit: int = TIMELINE_LIMIT) -> list[Any]:
    """The latest entries, newest first, in four queries."""
    return timeline_page(contact, limit=limit).entries
