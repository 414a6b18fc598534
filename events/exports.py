"""An event's roster (everyone on it) and attendance list (who came) as files."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contacts.normalize import format_phone
from contacts.spreadsheets import Column, XlsxWriter, csv_rows
from events.models import Attendance, Event

CHUNK = 2000
LISTS = ("roster", "attendance")

Getter = Callable[[Attendance], Any]

COLUMNS: list[tuple[Column, Getter]] = [
    (Column(gettext_lazy("Person ID"), 10), lambda a: a.contact_id),
    (Column(gettext_lazy("First name"), 16), lambda a: a.contact.first_name),
    (Column(gettext_lazy("Last name"), 18), lambda a: a.contact.last_name),
    (Column(gettext_lazy("Email"), 28), lambda a: a.contact.email),
    (Column(gettext_lazy("Phone"), 16), lambda a: format_phone(a.contact.phone)),
    (Column(gettext_lazy("ZIP code"), 10), lambda a: a.contact.zip_code),
    (
        Column(gettext_lazy("County"), 14),
        lambda a: a.contact.county.name if a.contact.county else "",
    ),
    (
        Column(gettext_lazy("Preferred language"), 16),
        lambda a: (
            str(a.contact.preferred_language) if a.contact.preferred_language else ""
        ),
    ),
    (Column(gettext_lazy("Status"), 12), lambda a: str(a.get_status_display())),
    (Column(gettext_lazy("Role"), 12), lambda a: str(a.get_role_display())),
    (Column(gettext_lazy("Checked in"), 18), lambda a: a.checked_in_at),
    (Column(gettext_lazy("Source"), 14), lambda a: str(a.get_source_display())),
]


def attendance_queryset(event: Event, which: str) -> QuerySet[Attendance]:
    """The roster (every status) or the attendance list (attended only)."""
    rows = Attendance.objects.filter(event=event).select_related(
        "contact", "contact__county", "contact__preferred_language"
    )
    if which == "attendance":
        rows = rows.filter(status=Attendance.Status.ATTENDED)
    return rows.order_by("contact__last_name", "contact__first_name", "id")


def _rows(queryset: QuerySet[Attendance]) -> Iterator[list[Any]]:
    for attendance in queryset.iterator(chunk_size=CHUNK):
        yield [get(attendance) for _column, get in COLUMNS]


def title(event: Event, which: str) -> str:
    if which == "attendance":
        return _("Attendance list")
    return _("Roster")


def notes(event: Event, which: str, user: Any) -> list[str]:
    start = timezone.localtime(event.starts_at)
    scope = (
        _("People who attended")
        if which == "attendance"
        else _("Everyone on the event: registered, attended, no-show, cancelled")
    )
    return [
        f"{title(event, which)}: {event.name}",
        _("Event: %(kind)s, %(when)s")
        % {
            "kind": event.get_kind_display(),
            "when": f"{start:%Y-%m-%d %H:%M}",
        },
        _("Filters: %(scope)s") % {"scope": scope},
        _("Exported %(when)s by %(who)s")
        % {"when": f"{timezone.localtime():%Y-%m-%d %H:%M}", "who": user},
    ]


def event_xlsx(event: Event, which: str, user: Any) -> IO[bytes]:
    writer = XlsxWriter()
    writer.sheet(
        title(event, which),
        [c for c, _g in COLUMNS],
        _rows(attendance_queryset(event, which)),
        notes=notes(event, which, user),
    )
    return writer.save_to_tempfile()


def event_csv(event: Event, which: str) -> Iterator[str]:
    return csv_rows([c for c, _g in COLUMNS], _rows(attendance_queryset(event, which)))
