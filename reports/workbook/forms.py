"""What a grant workbook is about: a period, optionally a grant, and a variant.

One form parses the download page, the API query and the command's options, so
all three refuse bad input with the same messages, each naming its field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.models import Program
from reports.forms import MAX_PERIOD_DAYS
from reports.metrics import Filters
from reports.models import Grant

BOOLEAN_WORDS = {"", "true", "false", "1", "0", "on", "off", "yes", "no"}


@dataclass(frozen=True)
class WorkbookRequest:
    """A grant workbook to build: period (local dates, inclusive), grant, variant."""

    start: dt.date
    end: dt.date
    grant: Grant | None = None
    external: bool = False

    @property
    def variant(self) -> str:
        return "external" if self.external else "internal"

    @cached_property
    def programs(self) -> tuple[Program, ...]:
        """The grant's programs (one query, then remembered)."""
        if self.grant is None:
            return ()
        return tuple(self.grant.programs.all())

    @property
    def program_ids(self) -> tuple[int, ...]:
        return tuple(sorted(p.pk for p in self.programs))

    def filters(self) -> Filters:
        """The counting engine's filters: the period and the grant's programs."""
        return Filters(start=self.start, end=self.end, programs=self.program_ids)

    def filename(self) -> str:
        grant = f"-grant-{self.grant.pk}" if self.grant is not None else ""
        return (
            f"grant-report-{self.start:%Y-%m-%d}-to-{self.end:%Y-%m-%d}"
            f"{grant}-{self.variant}.xlsx"
        )


class GrantWorkbookForm(forms.Form):
    start = forms.DateField(
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Choose the first day of the period."),
            "invalid": _("Enter the first day as a date (YYYY-MM-DD)."),
        },
    )
    end = forms.DateField(
        label=_("To"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Choose the last day of the period."),
            "invalid": _("Enter the last day as a date (YYYY-MM-DD)."),
        },
    )
    grant = forms.ModelChoiceField(
        label=_("Grant"),
        queryset=Grant.objects.all(),
        required=False,
        empty_label=_("No grant: all programs"),
        help_text=_(
            "Counts only engagement in the grant's programs and adds its targets."
        ),
        error_messages={"invalid_choice": _("There is no grant with that id.")},
    )
    external = forms.BooleanField(
        label=_("External (suppress small numbers for sharing outside)"),
        required=False,
    )

    def clean_external(self) -> bool:
        # A checkbox turns any text into True; an API client's typo must not
        # silently pick a variant.
        raw = str(self.data.get("external", "")).strip().lower()
        if raw not in BOOLEAN_WORDS:
            raise forms.ValidationError(_("Use true or false."))
        return bool(self.cleaned_data.get("external"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The period must end on or after its start."))
        elif start and end and (end - start).days > MAX_PERIOD_DAYS:
            self.add_error("end", _("Choose a period of ten years or less."))
        return data

    def to_request(self) -> WorkbookRequest:
        data = self.cleaned_data
        return WorkbookRequest(
            start=data["start"],
            end=data["end"],
            grant=data.get("grant"),
            external=bool(data.get("external")),
        )

    def errors_by_field(self) -> dict[str, list[str]]:
        """Messages per field name ("__all__" for the form), for the API and CLI."""
        return {
            name: [str(error["message"]) for error in errors]
            for name, errors in self.errors.get_json_data().items()
        }
