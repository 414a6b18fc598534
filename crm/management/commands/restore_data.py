"""Restore a backup written by backup_data, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from crm.backup import BackupError, restore_from_file


class Command(BaseCommand):
    help = (
        "Restore a backup into an empty, migrated database in one transaction. "
        "Refuses a database that already holds data unless --force is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", help="A file written by backup_data.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the data already in the database.",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["backup"])
        if not path.is_file():
            raise CommandError(f"No backup file at {path}.")
        try:
            result = restore_from_file(
                path, using=options["database"], force=options["force"]
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {result.total} rows into {len(result.rows)} tables."
            )
        )
