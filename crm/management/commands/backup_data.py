"""Write every row of the product's data to a portable, compressed backup file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from crm.backup import BackupError, backup_to_file


class Command(BaseCommand):
    help = (
        "Back up all data as gzip-compressed JSON lines (restores on SQLite or "
        "PostgreSQL with restore_data)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "-o",
            "--output",
            required=True,
            help="File to write, e.g. backups/crm-2026-11-29.jsonl.gz",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["output"])
        if not path.parent.is_dir():
            raise CommandError(f"The folder {path.parent} does not exist.")
        try:
            counts = backup_to_file(path)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        total = sum(counts.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {total} rows from {len(counts)} tables to {path}."
            )
        )
