"""Representation index against a population baseline (DESIGN.md principle 5).

index = (group's people / engaged people who chose at least one category)
        / (group's population / the geography's total population).

Computed only when the baseline's tabulation equals the table's and its
geography equals the filters' (the state when no county is chosen, the county
when one is); otherwise the table says why. People in the unknown buckets and
write-in-only reporters are left out of the denominator: a baseline has no such
group. Groups whose index is under CRM_UNDERREPRESENTED_THRESHOLD (default 0.8)
are flagged.
"""

from __future__ import annotations

from dataclasses import replace

from django.conf import settings
from django.utils.translation import gettext as _

from crm.models import County
from reports.metrics import race
from reports.metrics.filters import Filters
from reports.metrics.tables import Table
from reports.models import BaselineFigure, PopulationBaseline, Tabulation

STATE = "WA"


def under_threshold() -> float:
    return float(getattr(settings, "CRM_UNDERREPRESENTED_THRESHOLD", 0.8))


def baseline_geography(
    baseline: PopulationBaseline, f: Filters, county_code: str | None
) -> tuple[str | None, str]:
    """The geography code of the baseline to compare with, or None and why not."""
    level = PopulationBaseline.Level
    if baseline.level == level.STATE:
        if f.county:
            return None, _(
                "This baseline covers the whole state but the figures are filtered "
                "to one county; choose a county baseline or clear the county filter."
            )
        return STATE, ""
    if baseline.level == level.COUNTY:
        if not f.county or not county_code:
            return None, _(
                "This baseline is by county; choose a county to compare with it."
            )
        return county_code, ""
    return None, _(
        "This baseline is by %(level)s, but the figures cannot be filtered to that "
        "geography; use a state or county baseline."
    ) % {"level": baseline.get_level_display().lower()}


def apply_baseline(table: Table, baseline: PopulationBaseline, f: Filters) -> Table:
    """The table with baseline share, index and flags (one or two queries)."""
    info = {
        "id": baseline.pk,
        "name": baseline.name,
        "source": baseline.source,
        "year": baseline.year,
        "method": baseline.method,
        "level": baseline.level,
    }
    if table.by != "race_ethnicity":
        return replace(
            table,
            baseline=info,
            representation_reason=_(
                "Representation is measured for race/ethnicity breakdowns only."
            ),
        )
    if baseline.method != table.method:
        return replace(
            table,
            baseline=info,
            representation_reason=_(
                "The baseline is tabulated as “%(baseline)s” but this table uses "
                "“%(table)s”; switch the method to compare."
            )
            % {
                "baseline": baseline.get_method_display(),
                "table": Tabulation(table.method).label,
            },
        )
    county_code = (
        County.objects.filter(pk=f.county).values_list("code", flat=True).first()
        if f.county
        else None
    )
    geography, reason = baseline_geography(baseline, f, county_code)
    if geography is None:
        return replace(table, baseline=info, representation_reason=reason)
    info["geography"] = geography
    figures = dict(
        BaselineFigure.objects.filter(
            baseline=baseline, geography__iexact=geography
        ).values_list("group", "population")
    )
    if not figures:
        return replace(
            table,
            baseline=info,
            representation_reason=_("The baseline has no figures for %(geography)s.")
            % {"geography": geography},
        )
    total_population = figures.get(BaselineFigure.TOTAL)
    if total_population is None:
        total_population = sum(figures.values())
    excluded = sum(
        row.people or 0
        for row in table.rows
        if row.key in race.UNKNOWN_KEYS or row.key == race.WRITE_IN_ONLY
    )
    reported = (table.total_people or 0) - excluded
    limit = under_threshold()
    rows = []
    for row in table.rows:
        row = replace(row)
        population = figures.get(row.key)
        if population is not None and total_population:
            row.baseline_share = population / total_population
            if reported and row.people is not None:
                row.share_of_reported = row.people / reported
                if row.baseline_share:
                    row.index = row.share_of_reported / row.baseline_share
                    row.under_represented = row.index < limit
        rows.append(row)
    notes = [
        *table.notes,
        _(
            "Representation index = share among engaged people who chose a "
            "category ÷ share of the baseline population. Under %(limit)s is "
            "flagged as under-represented."
        )
        % {"limit": limit},
    ]
    return replace(table, rows=rows, baseline=info, notes=notes)
