"""Import people from an .xlsx or .csv file, all rows or none (or --dry-run)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from contacts.imports import services
from contacts.imports.engine import ImportBlocked
from contacts.models import ImportBatch, ImportRow
from contacts.spreadsheets import SpreadsheetError


def report_rows(command: BaseCommand, batch: ImportBatch) -> None:
    """Print the counts and every row with an error (row number and column)."""
    counts = batch.counts
    command.stdout.write(
        f"{counts.get('create', 0)} to create, {counts.get('update', 0)} to update, "
        f"{counts.get('skip', 0)} skipped as duplicates, "
        f"{counts.get('error', 0)} with errors."
    )
    errors = batch.rows.filter(action=ImportRow.Action.ERROR).order_by("row_number")
    for row in errors.iterator():
        command.stderr.write(f"Row {row.row_number}: {row.message}")


def run_import(
    command: BaseCommand,
    *,
    path: str,
    kind: str,
    dry_run: bool,
    event_pk: int | None = None,
    name: str = "",
) -> ImportBatch:
    file_path = Path(path)
    if not file_path.is_file():
        raise CommandError(f"No such file: {path}")
    try:
        with file_path.open("rb") as handle:
            batch = services.create_batch(
                upload=handle,
                filename=file_path.name,
                kind=kind,
                created_by=None,
                name=name,
                event_pk=event_pk,
            )
    except SpreadsheetError as exc:
        raise CommandError(str(exc)) from exc
    batch = services.preview_batch(batch=batch)
    if batch.status == ImportBatch.Status.FAILED:
        raise CommandError(batch.error)
    report_rows(command, batch)
    if dry_run:
        command.stdout.write("Dry run: nothing was imported.")
        services.discard_file(batch)
        batch.delete()
        return batch
    try:
        batch = services.commit_batch(batch=batch, committed_by=None)
    except ImportBlocked as exc:
        raise CommandError(str(exc)) from exc
    command.stdout.write(
        command.style.SUCCESS(
            f"Imported as batch {batch.pk} (“{batch.name}”); undo it from the "
            "Import & export page."
        )
    )
    return batch


class Command(BaseCommand):
    help = "Import people from an .xlsx or .csv file, all rows or none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Path to an .xlsx or .csv file")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check every row and report; import nothing.",
        )
        parser.add_argument("--name", default="", help="Name for the import batch")

    def handle(self, *args: Any, **options: Any) -> None:
        run_import(
            self,
            path=options["file"],
            kind=ImportBatch.Kind.CONTACTS,
            dry_run=options["dry_run"],
            name=options["name"],
        )
