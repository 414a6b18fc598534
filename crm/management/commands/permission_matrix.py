from typing import Any

from django.core.management.base import BaseCommand

from crm.matrix import matrix_markdown


class Command(BaseCommand):
    help = "Print the role permission matrix as a Markdown table (for the README)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(matrix_markdown())
