"""The shared core: users and the vocabulary every app speaks."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

LEGISLATIVE_DISTRICT_VALIDATORS = [MinValueValidator(1), MaxValueValidator(49)]


class User(AbstractUser):
    """A staff member who signs in. Roles are Django groups (see crm.roles)."""

    class Meta(AbstractUser.Meta):
        ordering = ["first_name", "last_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class ArchivableQuerySet(models.QuerySet):
    def active(self) -> ArchivableQuerySet:
        """Rows that are not archived."""
        return self.filter(is_archived=False)


class County(models.Model):
    """One of Washington's 39 counties (reference data seeded by a migration)."""

    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=64, unique=True)
    fips = models.CharField(max_length=5, unique=True)
    population = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "counties"

    def __str__(self) -> str:
        return self.name


class Language(models.Model):
    """A spoken or signed language (ISO 639 code)."""

    code = models.CharField(max_length=8, unique=True)
    name = models.CharField(max_length=64)
    native_name = models.CharField(max_length=64, blank=True)
    sort = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["sort", "name"]

    def __str__(self) -> str:
        return str(self.name)


class Program(models.Model):
    """An initiative the work is counted under ("Technical assistance", ...)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    is_archived = models.BooleanField(_("archived"), default=False)

    objects = ArchivableQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Topic(models.Model):
    """A policy area, a bill, or a listening-session theme."""

    class Kind(models.TextChoices):
        POLICY_AREA = "policy_area", _("Policy area")
        BILL = "bill", _("Bill")
        THEME = "theme", _("Listening theme")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    bill_number = models.CharField(
        _("bill number"), max_length=32, blank=True, help_text=_("For example HB 1234")
    )
    legislative_session = models.CharField(
        _("legislative session"), max_length=32, blank=True, help_text=_("e.g. 2027")
    )
    description = models.TextField(_("description"), blank=True)
    is_archived = models.BooleanField(_("archived"), default=False)

    objects = ArchivableQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "name", "legislative_session"], name="unique_topic"
            ),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.BILL and self.bill_number:
            session = (
                f" ({self.legislative_session})" if self.legislative_session else ""
            )
            return f"{self.bill_number}{session}: {self.name}"
        return self.name


class Access(models.Model):
    """Holder of the app-wide permissions that belong to no single table.

    Unmanaged: it has no table, only permissions that roles grant.
    """

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_dashboard", "Can view engagement dashboards and metrics"),
            ("export_reports", "Can export aggregate reports and grant workbooks"),
            ("export_personal_data", "Can export people's personal data"),
            ("import_data", "Can import spreadsheets"),
            ("merge_contacts", "Can review duplicates and merge people"),
            ("view_self_identification", "Can view a person's self-identification"),
            ("erase_personal_data", "Can carry out erasure requests"),
            ("view_audit_log", "Can view the change history of records"),
        ]

    def __str__(self) -> str:
        return "access"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def for_object(self, object_type: str, object_id: object) -> AuditEventQuerySet:
        """Events about one record ("contacts.contact", 42)."""
        return self.filter(object_type=object_type, object_id=str(object_id))


class AuditEvent(models.Model):
    """Something done to data that a row's own history does not show.

    Exports, merges, erasures, access reports, imports. Recorded with
    `crm.audit.record_audit_event`. The summary never holds personal data (an
    erasure must not leave the erased name behind in the log).
    """

    class Action(models.TextChoices):
        EXPORT = "export", _("Export")
        ACCESS_REPORT = "access_report", _("Access report")
        MERGE = "merge", _("Merge")
        ERASURE = "erasure", _("Erasure")
        IMPORT = "import", _("Import")
        ARCHIVE = "archive", _("Archive")
        RESTORE = "restore", _("Restore")
        BACKUP = "backup", _("Backup")
        OTHER = "other", _("Other")

    actor = models.ForeignKey(
        User,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=24, choices=Action.choices)
    object_type = models.CharField(_("record type"), max_length=100, blank=True)
    object_id = models.CharField(_("record"), max_length=64, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        default_permissions = ("view",)
        indexes = [models.Index(fields=["object_type", "object_id", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_type} {self.object_id}"
