"""What the coalition measures against: population baselines and grants."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from contacts.models import RaceEthnicityCategory
from crm.models import County, Program
from events.models import Event


class Tabulation(models.TextChoices):
    """The two race/ethnicity tabulations (DESIGN.md principle 3)."""

    COMBINATION = "combination", _("Alone or in combination")
    SINGLE = "single", _("Single category (Hispanic or Latino of any race)")


class PopulationBaselineQuerySet(models.QuerySet["PopulationBaseline"]):
    def latest_first(self) -> PopulationBaselineQuerySet:
        """Baselines, newest data year first."""
        return self.order_by("-year", "-imported_at")


class PopulationBaseline(models.Model):
    """A population to compare the people we engage against (OSPI, OFM...)."""

    class Level(models.TextChoices):
        STATE = "state", _("State")
        COUNTY = "county", _("County")
        SCHOOL_DISTRICT = "school_district", _("School district")
        LEGISLATIVE_DISTRICT = "legislative_district", _("Legislative district")

    name = models.CharField(_("name"), max_length=200)
    source = models.CharField(
        _("source"), max_length=300, help_text=_("For example OSPI Report Card")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    method = models.CharField(
        _("tabulation method"), max_length=16, choices=Tabulation.choices
    )
    level = models.CharField(_("geography"), max_length=24, choices=Level.choices)
    notes = models.TextField(_("notes"), blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    objects = PopulationBaselineQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    def get_absolute_url(self) -> str:
        return reverse("reports:baseline-detail", args=[self.pk])


class BaselineFigure(models.Model):
    """One group's population in one geography of a baseline.

    `group` is a minimum category code (ASIAN...), TWO_OR_MORE (single
    tabulation only) or TOTAL (the whole population of the geography).
    `geography` is "WA" for the state, a county code ("king"), an OSPI district
    code or a legislative district number.
    """

    TOTAL = "TOTAL"
    TWO_OR_MORE = "TWO_OR_MORE"

    baseline = models.ForeignKey(
        PopulationBaseline, on_delete=models.CASCADE, related_name="figures"
    )
    geography = models.CharField(_("geography"), max_length=32)
    group = models.CharField(_("group"), max_length=16)
    population = models.PositiveIntegerField(_("population"))

    class Meta:
        ordering = ["baseline", "geography", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["baseline", "geography", "group"],
                name="one_figure_per_group_per_geography",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.geography} {self.group}: {self.population}"


class Grant(models.Model):
    """Funding with a period, the programs it pays for and targets to meet."""

    funder = models.CharField(_("funder"), max_length=200)
    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    programs = models.ManyToManyField(
        Program,
        verbose_name=_("programs"),
        blank=True,
        related_name="grants",
        help_text=_("Only engagement in these programs counts. Leave empty for all."),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-ends_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="grant_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.funder}: {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("reports:grant-detail", args=[self.pk])


class GrantTarget(models.Model):
    """A number the grant promises: a metric, optional filters, a target."""

    class Metric(models.TextChoices):
        ENGAGED_PEOPLE = "engaged_people", _("Engaged people")
        ATTENDANCE = "attendance", _("Attendance (check-ins)")
        UNIQUE_ATTENDEES = "unique_attendees", _("Unique people at events")
        PEOPLE_REACHED = "people_reached", _("People reached by outreach")
        EVENTS_HELD = "events_held", _("Events held")

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="targets")
    metric = models.CharField(_("metric"), max_length=24, choices=Metric.choices)
    target = models.PositiveIntegerField(_("target"), validators=[MinValueValidator(1)])
    county = models.ForeignKey(
        County,
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    community = models.ForeignKey(
        RaceEthnicityCategory,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    event_kind = models.CharField(
        _("event kind"), max_length=24, choices=Event.Kind.choices, blank=True
    )
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["grant", "sort", "id"]

    def __str__(self) -> str:
        return f"{self.get_metric_display()}: {self.target}"


# The engagement summary tables (reports.summary).
from reports.summary.models import (  # noqa: E402, F401
    SummaryBlock,
    SummaryChange,
    SummaryState,
)
