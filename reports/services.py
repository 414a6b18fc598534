"""Writes: saving an imported baseline."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from reports.models import BaselineFigure, Grant, PopulationBaseline


@transaction.atomic
def import_baseline(
    *,
    name: str,
    source: str,
    year: int,
    method: str,
    level: str,
    figures: Iterable[dict[str, Any]],
    notes: str = "",
    user: Any = None,
) -> PopulationBaseline:
    """Save a previewed baseline and its figures, all or nothing."""
    baseline = PopulationBaseline.objects.create(
        name=name,
        source=source,
        year=year,
        method=method,
        level=level,
        notes=notes,
        imported_by=user if user is not None and user.is_authenticated else None,
    )
    BaselineFigure.objects.bulk_create(
        BaselineFigure(
            baseline=baseline,
            geography=str(f["geography"]),
            group=str(f["group"]),
            population=int(f["population"]),
        )
        for f in figures
    )
    return baseline


@transaction.atomic
def save_grant(*, form: Any, formset: Any) -> Grant:
    """Save a validated grant form and its targets formset together."""
    grant: Grant = form.save()
    formset.instance = grant
    formset.save()
    return grant
