"""Import a sign-in sheet: `manage.py import_attendance EVENT_ID FILE [--dry-run]`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from contacts.management.commands.import_contacts import run_import
from contacts.models import ImportBatch
from events.models import Event


class Command(BaseCommand):
    help = (
        "Record attendance for an event from a sign-in sheet (.xlsx or .csv): "
        "people are matched by email, phone, or name and ZIP, or added."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("event_id", type=int, help="The event's id")
        parser.add_argument("file", help="Path to an .xlsx or .csv file")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check every row and report; import nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        event = Event.objects.filter(pk=options["event_id"]).first()
        if event is None:
            raise CommandError(f"No event with id {options['event_id']}.")
        run_import(
            self,
            path=options["file"],
            kind=ImportBatch.Kind.ATTENDANCE,
            dry_run=options["dry_run"],
            event_pk=event.pk,
            name=f"Sign-in sheet for {event.name}",
        )
