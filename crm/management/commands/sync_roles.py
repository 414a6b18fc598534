from typing import Any

from django.core.management.base import BaseCommand

from crm.roles import sync_roles


class Command(BaseCommand):
    help = "Bring the role groups in line with the permission matrix in crm/roles.py."

    def handle(self, *args: Any, **options: Any) -> None:
        for role, count in sync_roles().items():
            self.stdout.write(f"{role}: {count} permissions")
