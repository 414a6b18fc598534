import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from contacts.models import Contact
from demo.seeding import DEMO_LOGINS, ensure_demo_users, seed


class Command(BaseCommand):
    help = "Load deterministic, realistic synthetic demo data and print demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--contacts", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--engagement-per-contact",
            type=float,
            default=3.0,
            help="Attendance plus outreach records per person (default 3).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing but print logins if people already exist.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        contacts = options["contacts"]
        if contacts < 0 or contacts > 5_000_000:
            raise CommandError("--contacts must be between 0 and 5,000,000.")
        if options["if_empty"] and Contact.objects.exists():
            ensure_demo_users()
            self.stdout.write("Demo data already loaded; leaving it as it is.")
        else:
            started = time.perf_counter()
            report = seed(
                contacts=contacts,
                seed=options["seed"],
                engagement_per_contact=options["engagement_per_contact"],
            )
            elapsed = time.perf_counter() - started
            summary = ", ".join(f"{n:,} {name}" for name, n in report.counts.items())
            self.stdout.write(f"Loaded {summary} in {elapsed:.1f} s.")
        self.stdout.write("")
        self.stdout.write("Demo logins (username / password):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.role:<14} {login.username} / {login.password}")
