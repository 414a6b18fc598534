import time
from typing import Any

from django.core.management.base import BaseCommand

from reports import summary


class Command(BaseCommand):
    help = (
        "Rebuild the engagement summary the dashboard counts from, from the "
        "tables of record (after a restore, raw SQL, or turning it on)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        filled = summary.rebuild()
        elapsed = time.perf_counter() - started
        counts = ", ".join(f"{n:,} {store}" for store, n in filled.items())
        self.stdout.write(f"Engagement summary rebuilt ({counts}) in {elapsed:.1f} s.")
