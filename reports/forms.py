"""Input parsing: the metrics filters (shared by the dashboard and the API),
baseline uploads and grants."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from contacts.models import RaceEthnicityCategory
from crm.models import County, Program
from crm.widgets import quicken_selects
from events.models import Event
from reports.metrics import DIMENSION_LABELS, DIMENSIONS, Filters
from reports.models import Grant, GrantTarget, PopulationBaseline, Tabulation

MAX_PERIOD_DAYS = 366 * 10


class Period:
    LAST_30 = "30d"
    LAST_90 = "90d"
    THIS_QUARTER = "quarter"
    YEAR_TO_DATE = "ytd"
    LAST_12_MONTHS = "12m"
    CUSTOM = "custom"

    CHOICES = [
        (LAST_30, _("Last 30 days")),
        (LAST_90, _("Last 90 days")),
        (THIS_QUARTER, _("This quarter")),
        (YEAR_TO_DATE, _("Year to date")),
        (LAST_12_MONTHS, _("Last 12 months")),
        (CUSTOM, _("Custom dates")),
    ]


def preset_range(period: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The (start, end) days of a period preset ending today."""
    if period == Period.LAST_30:
        return today - dt.timedelta(days=29), today
    if period == Period.THIS_QUARTER:
        first_month = 3 * ((today.month - 1) // 3) + 1
        return dt.date(today.year, first_month, 1), today
    if period == Period.YEAR_TO_DATE:
        return dt.date(today.year, 1, 1), today
    if period == Period.LAST_12_MONTHS:
        return today - dt.timedelta(days=364), today
    return today - dt.timedelta(days=89), today


class OrganizerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class MetricsFilterForm(forms.Form):
    """What a dashboard or metrics request is about. GET parameters, so a view
    can be shared by its URL."""

    period = forms.ChoiceField(
        label=_("Period"), choices=Period.CHOICES, required=False
    )
    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    program = forms.ModelChoiceField(
        label=_("Program"), queryset=Program.objects.all(), required=False
    )
    county = forms.ModelChoiceField(
        label=_("County"),
        queryset=County.objects.all(),
        to_field_name="code",
        required=False,
    )
    event_kind = forms.ChoiceField(
        label=_("Event kind"),
        choices=[("", _("All kinds")), *Event.Kind.choices],
        required=False,
    )
    community = forms.ModelChoiceField(
        label=_("Community"),
        queryset=RaceEthnicityCategory.objects.all(),
        to_field_name="code",
        required=False,
    )
    organizer = OrganizerChoiceField(
        label=_("Organizer"),
        queryset=get_user_model().objects.filter(is_active=True),
        required=False,
    )
    method = forms.ChoiceField(
        label=_("Race/ethnicity tabulation"),
        choices=Tabulation.choices,
        required=False,
    )
    by = forms.ChoiceField(
        label=_("Break down by"),
        choices=[(d, DIMENSION_LABELS[d]) for d in DIMENSIONS],
        required=False,
    )
    baseline = forms.ModelChoiceField(
        label=_("Compare with baseline"),
        queryset=PopulationBaseline.objects.all(),
        required=False,
    )
    external = forms.BooleanField(
        label=_("Prepare for sharing outside (suppress small numbers)"),
        required=False,
    )

    def __init__(self, *args: Any, today: dt.date | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        from django.utils import timezone

        self.today = today or timezone.localdate()
        quicken_selects(self.fields.values())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        period = data.get("period") or ""
        start, end = data.get("start"), data.get("end")
        if period == Period.CUSTOM or (not period and (start or end)):
            if not start:
                self.add_error("start", _("Choose the first day of the period."))
            if not end:
                self.add_error("end", _("Choose the last day of the period."))
            if start and end and end < start:
                self.add_error("end", _("The period must end on or after its start."))
            if start and end and (end - start).days > MAX_PERIOD_DAYS:
                self.add_error("end", _("Choose a period of ten years or less."))
        else:
            data["start"], data["end"] = preset_range(period, self.today)
            if not period:
                data["period"] = Period.LAST_90
        data["method"] = data.get("method") or Tabulation.SINGLE.value
        data["by"] = data.get("by") or "race_ethnicity"
        return data

    def to_filters(self) -> Filters:
        """The engine's filters from the cleaned data."""
        data = self.cleaned_data
        program = data.get("program")
        county = data.get("county")
        organizer = data.get("organizer")
        community = data.get("community")
        return Filters(
            start=data["start"],
            end=data["end"],
            programs=(program.pk,) if program else (),
            county=county.pk if county else None,
            event_kind=data.get("event_kind") or "",
            organizer=organizer.pk if organizer else None,
            community=community.code if community else "",
        )


class BaselineUploadForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    source = forms.CharField(
        label=_("Source"),
        max_length=300,
        help_text=_("Where the figures come from, e.g. OSPI Report Card."),
    )
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    method = forms.ChoiceField(label=_("Tabulation method"), choices=Tabulation.choices)
    level = forms.ChoiceField(
        label=_("Geography"), choices=PopulationBaseline.Level.choices
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea)
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx or .csv)"),
        help_text=_("Columns: geography, group, population."),
    )


class GrantForm(forms.ModelForm):
    class Meta:
        model = Grant
        fields = ["funder", "name", "starts_on", "ends_on", "programs", "notes"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "programs": forms.CheckboxSelectMultiple,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The grant must end on or after it starts."))
        return data


GrantTargetFormSet = inlineformset_factory(
    Grant,
    GrantTarget,
    fields=["metric", "target", "county", "community", "event_kind"],
    extra=2,
    can_delete=True,
    # A posted form count cannot make the page build more than this many forms.
    max_num=50,
    absolute_max=50,
    validate_max=True,
)
