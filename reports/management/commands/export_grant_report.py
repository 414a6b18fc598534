"""Write the grant report workbook to a file.

    python manage.py export_grant_report --start 2026-07-01 --end 2026-09-30 \
        [--grant 3] [--external] -o report.xlsx
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reports.workbook import GrantWorkbookForm, export_grant_workbook

OPTION_NAMES = {"start": "--start", "end": "--end", "grant": "--grant"}


class Command(BaseCommand):
    help = (
        "Export the grant report workbook (.xlsx) for a period and optionally a "
        "grant. --external hides small numbers for sharing outside."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--start", required=True, help="First day of the period (YYYY-MM-DD)."
        )
        parser.add_argument(
            "--end", required=True, help="Last day of the period (YYYY-MM-DD)."
        )
        parser.add_argument(
            "--grant", help="Grant id: count only its programs, add its targets."
        )
        parser.add_argument(
            "--external",
            action="store_true",
            help="The external variant: counts from 1 to 9 suppressed.",
        )
        parser.add_argument(
            "-o", "--output", required=True, help="Where to write the .xlsx file."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        form = GrantWorkbookForm(
            {
                "start": options["start"],
                "end": options["end"],
                "grant": options.get("grant") or "",
                "external": "true" if options["external"] else "",
            }
        )
        if not form.is_valid():
            problems = [
                f"{OPTION_NAMES.get(name, name)}: {message}"
                for name, messages in form.errors_by_field().items()
                for message in messages
            ]
            raise CommandError(" ".join(problems))
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(f"-o: the folder {output.parent} does not exist.")
        wanted = form.to_request()
        handle = export_grant_workbook(request=wanted, actor=None, channel="command")
        try:
            with output.open("wb") as target:
                shutil.copyfileobj(handle, target)
        except OSError as exc:
            raise CommandError(f"-o: could not write {output}: {exc}") from exc
        finally:
            handle.close()
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote the {wanted.variant} grant workbook for "
                f"{wanted.start:%Y-%m-%d} to {wanted.end:%Y-%m-%d} to {output}."
            )
        )
