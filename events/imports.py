"""Attendance from a sign-in sheet: match or create each person, record attendance.

Built on the people import (contacts.imports): the same preview, all-or-nothing
commit and undo; each row also records the person at the event, source "import".
"""

from __future__ import annotations

from datetime import datetime
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from contacts.imports import services as import_services
from contacts.imports.engine import ContactImporter, RowPlan
from contacts.imports.fields import (
    ATTENDANCE_FIELDS,
    CONTACT_FIELDS,
    CellError,
    parse_choice,
    parse_datetime,
)
from contacts.models import ImportBatch, ImportRow
from crm.changes import attendance_changed
from crm.models import User
from events.models import Attendance, Event

_parse_status = parse_choice(Attendance.Status.choices)
_parse_role = parse_choice(Attendance.Role.choices)


class AttendanceImporter(ContactImporter):
    kind = ImportBatch.Kind.ATTENDANCE
    specs = CONTACT_FIELDS + ATTENDANCE_FIELDS
    # A sign-in sheet fills gaps in what we know; it does not overwrite it.
    overwrite = False
    batch: ImportBatch

    def _event(self) -> Event:
        if not hasattr(self, "_event_obj"):
            self._event_obj = Event.objects.get(pk=self.batch.event_pk or 0)
        return self._event_obj

    def mapping_problems(self) -> list[str]:
        problems = super().mapping_problems()
        if not Event.objects.filter(pk=self.batch.event_pk or 0).exists():
            problems.append(_("The event this sheet is for no longer exists."))
        return problems

    def parse_extra(self, plan: RowPlan, name: str, value: Any) -> None:
        if name == "attendance_status":
            if status := _parse_status(value):
                plan.extra["status"] = status
        elif name == "attendance_role":
            if role := _parse_role(value):
                plan.extra["role"] = role
        elif name == "checked_in_at":
            moment = parse_datetime(value)
            if moment is not None:
                if moment.year == 1900:  # a time of day only: on the event's day
                    start = timezone.localtime(self._event().starts_at)
                    moment = datetime.combine(start.date(), moment.time())
                if timezone.is_naive(moment):
                    moment = timezone.make_aware(moment)
                plan.extra["checked_in_at"] = moment
        else:
            raise CellError(_("is not a field this import knows"))

    def prepare(self, plans: list[RowPlan]) -> None:
        ids = [p.contact.pk for p in plans if p.contact is not None]
        self.attending: set[int] = set(
            Attendance.objects.filter(
                event_id=self.batch.event_pk or 0, contact_id__in=ids
            ).values_list("contact_id", flat=True)
        )

    def decide_extra(self, plan: RowPlan) -> None:
        if plan.action == ImportRow.Action.CREATE:
            plan.messages.append(_("attendance recorded"))
            return
        assert plan.contact is not None  # noqa: S101
        if plan.contact.pk in self.attending:
            plan.messages.append(_("already on the attendance list"))
            plan.extra["skip_attendance"] = True
            return
        # The person exists; the row adds their attendance (and fills gaps).
        plan.action = ImportRow.Action.UPDATE
        plan.messages.append(_("attendance recorded"))

    def apply_extra_all(self, plans: list[RowPlan], rows: list[ImportRow]) -> None:
        event = self._event()
        wanted = [
            (plan, row)
            for plan, row in zip(plans, rows, strict=True)
            if row.contact is not None and not plan.extra.get("skip_attendance")
        ]
        created = bulk_create_with_history(
            [
                Attendance(
                    event=event,
                    contact=row.contact,
                    status=plan.extra.get("status", Attendance.Status.ATTENDED),
                    role=plan.extra.get("role", Attendance.Role.PARTICIPANT),
                    checked_in_at=plan.extra.get("checked_in_at"),
                    source=Attendance.Source.IMPORT,
                    recorded_by=self.user,
                )
                for plan, row in wanted
            ],
            Attendance,
            batch_size=1000,
            default_user=self.user,
        )
        attendance_changed(attendance.pk for attendance in created)
        for (_plan, row), attendance in zip(wanted, created, strict=True):
            row.attendance_pk = attendance.pk


def create_attendance_batch(
    *,
    event: Event,
    upload: IO[bytes],
    filename: str,
    created_by: User | None,
    name: str = "",
) -> ImportBatch:
    """Store a sign-in sheet upload for an event (raises SpreadsheetError)."""
    return import_services.create_batch(
        upload=upload,
        filename=filename,
        kind=ImportBatch.Kind.ATTENDANCE,
        created_by=created_by,
        name=name or _("Sign-in sheet for %(event)s") % {"event": event.name},
        event_pk=event.pk,
    )


@transaction.atomic
def undo_attendance_batch(*, batch: ImportBatch, undone_by: User | None) -> ImportBatch:
    """Remove the attendance the import recorded, then undo its people changes."""
    pks = [
        pk
        for pk in batch.rows.values_list("attendance_pk", flat=True)
        if pk is not None
    ]
    Attendance.objects.filter(pk__in=pks, event_id=batch.event_pk or 0).delete()
    return import_services.undo_batch(batch=batch, undone_by=undone_by)
