"""Writes: saving an imported baseline, saving a grant and its targets."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from crm.models import Program
from reports.models import BaselineFigure, Grant, GrantTarget, PopulationBaseline


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


GRANT_FIELDS = ("funder", "name", "starts_on", "ends_on", "notes")
TARGET_FIELDS = ("metric", "target", "county", "community", "event_kind")
MAX_TARGETS = 50


@transaction.atomic
def save_grant(
    *,
    grant: Grant | None = None,
    fields: Mapping[str, Any],
    programs: Iterable[Program] | None = None,
    targets: Sequence[Mapping[str, Any]] | None = None,
) -> Grant:
    """Create or change a grant, its programs and its targets, all or nothing.

    `fields` holds any of GRANT_FIELDS (all of them for a new grant). `targets`
    replaces the grant's targets in the order given: an entry carrying the `id`
    of one of this grant's targets changes it, one without adds a target, and
    targets left out are deleted. `programs` or `targets` left as None stay as
    they are. Errors name the field (`ends_on`, `targets[2].target`).
    """
    unknown = set(fields) - set(GRANT_FIELDS)
    if unknown:
        raise ValueError(f"Not grant fields: {sorted(unknown)}")
    grant = grant if grant is not None else Grant()
    for name, value in fields.items():
        setattr(grant, name, value)
    if grant.starts_on and grant.ends_on and grant.ends_on < grant.starts_on:
        raise ValidationError(
            {"ends_on": [_("The grant must end on or after it starts.")]}
        )
    grant.full_clean()
    grant.save()
    if programs is not None:
        grant.programs.set(programs)
    if targets is not None:
        _replace_targets(grant, targets)
    return grant


def _replace_targets(grant: Grant, targets: Sequence[Mapping[str, Any]]) -> None:
    if len(targets) > MAX_TARGETS:
        raise ValidationError(
            {
                "targets": [
                    _("A grant has at most %(most)s targets.") % {"most": MAX_TARGETS}
                ]
            }
        )
    existing = {target.pk: target for target in grant.targets.all()}
    kept: list[GrantTarget] = []
    errors: dict[str, list[str]] = {}
    for index, data in enumerate(targets):
        target_id = data.get("id")
        if target_id is None:
            target = GrantTarget(grant=grant)
        elif target_id in existing:
            target = existing.pop(target_id)
        else:
            errors[f"targets[{index}].id"] = [
                _("This grant has no target with this id.")
            ]
            continue
        for name in TARGET_FIELDS:
            if name in data:
                setattr(target, name, data[name])
        target.sort = index
        try:
            target.full_clean(exclude=["grant"])
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors[f"targets[{index}].{name}"] = list(messages)
        kept.append(target)
    if errors:
        raise ValidationError(errors)
    GrantTarget.objects.filter(pk__in=list(existing)).delete()
    for target in kept:
        target.save()
