"""A person's story in one list: outreach, attendance, comments, follow-ups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.utils import timezone

from contacts.models import Contact
from events.models import Attendance, Comment, FollowUp, Outreach

TIMELINE_LIMIT = 50


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime
    kind: str  # "outreach", "attendance", "comment" or "follow_up"
    item: Any


def _at_start_of(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def contact_timeline(contact: Contact, *, limit: int = TIMELINE_LIMIT) -> list[Any]:
    """The latest entries of each kind, newest first, in four queries."""
    entries = [
        TimelineEntry(o.occurred_at, "outreach", o)
        for o in Outreach.objects.filter(contact=contact)
        .select_related("organizer", "program")
        .order_by("-occurred_at", "-id")[:limit]
    ]
    entries += [
        TimelineEntry(a.checked_in_at or a.event.starts_at, "attendance", a)
        for a in Attendance.objects.filter(contact=contact)
        .select_related("event")
        .order_by("-event__starts_at", "-id")[:limit]
    ]
    entries += [
        TimelineEntry(c.created_at, "comment", c)
        for c in Comment.objects.filter(contact=contact)
        .select_related("event")
        .order_by("-created_at", "-id")[:limit]
    ]
    entries += [
        TimelineEntry(_at_start_of(f.due_date), "follow_up", f)
        for f in FollowUp.objects.filter(contact=contact)
        .select_related("assigned_to")
        .order_by("-due_date", "-id")[:limit]
    ]
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:limit]
