"""What the operations need beyond seed_demo's data: a grant, a busy person."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count
from django.utils import timezone

TIMELINE_ENTRIES = 200


def ensure(meta: dict[str, Any]) -> dict[str, Any]:
    from contacts.models import Contact
    from crm import changes
    from crm.models import Program, User
    from events.models import Attendance, Outreach
    from reports.models import Grant, GrantTarget

    out: dict[str, Any] = {}
    if not Grant.objects.exists():
        today = timezone.localdate()
        grant = Grant.objects.create(
            funder="Bench Foundation",
            name="Family engagement (bench)",
            starts_on=today - dt.timedelta(days=364),
            ends_on=today + dt.timedelta(days=365),
        )
        grant.programs.set(Program.objects.all()[:2])
        for sort, metric in enumerate(GrantTarget.Metric.values):
            GrantTarget.objects.create(
                grant=grant, metric=metric, target=50_000, sort=sort
            )
    busy = meta.get("busy_contact")
    if (
        not busy
        or meta.get("busy_contact_entries", 0) > 2 * TIMELINE_ENTRIES
        or not Contact.objects.filter(pk=busy).exists()
    ):
        # A busy person with about TIMELINE_ENTRIES records (topped up below).
        near = (
            Attendance.objects.values("contact")
            .annotate(n=Count("pk"))
            .filter(n__lte=TIMELINE_ENTRIES)
            .order_by("-n")
            .first()
        )
        busy = near["contact"] if near else Contact.objects.order_by("pk").first().pk
    have = (
        Attendance.objects.filter(contact_id=busy).count()
        + Outreach.objects.filter(contact_id=busy).count()
    )
    if have < TIMELINE_ENTRIES:
        organizer = User.objects.get(username="organizer")
        now = timezone.now()
        created = Outreach.objects.bulk_create(
            Outreach(
                contact_id=busy,
                organizer=organizer,
                occurred_at=now - dt.timedelta(days=i),
                channel=Outreach.Channel.PHONE,
                outcome=Outreach.Outcome.REACHED,
            )
            for i in range(TIMELINE_ENTRIES - have)
        )
        changes.outreach_changed(o.pk for o in created)
        have = TIMELINE_ENTRIES
    out["busy_contact"] = busy
    out["busy_contact_entries"] = have
    out["records"] = {
        "contacts": Contact.objects.count(),
        "attendance": Attendance.objects.count(),
        "outreach": Outreach.objects.count(),
    }
    return out
