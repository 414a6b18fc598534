from django.apps import AppConfig


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = "CRM core"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from crm.roles import sync_roles_after_migrate

        # Permissions only exist once every app has migrated, so the role groups are
        # brought in line with the matrix after each migrate (and by `sync_roles`).
        post_migrate.connect(sync_roles_after_migrate, sender=self)
