"""Listening-session themes by community or county over a period.

A comment counts once under each theme it carries, in the group of its speaker:
community (minimum categories, alone or in combination, or single) or county.
Anonymous comments count under "Unknown speaker".
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.utils.translation import gettext_lazy as _

from crm.models import County
from events.models import Comment, Event
from reports.metrics import fast, race
from reports.metrics.filters import Filters
from reports.models import Tabulation

NONE_KEY = "none"


@dataclass
class ThemeTable:
    by: str
    method: str
    groups: list[tuple[str, str]]
    themes: list[tuple[int, str]]
    counts: dict[tuple[int, str], int]
    totals: dict[int, int]

    def matrix(self) -> list[list[int]]:
        return [
            [self.counts.get((theme, key), 0) for key, _label in self.groups]
            for theme, _name in self.themes
        ]


def _comments(f: Filters) -> object:
    lo, hi = f.bounds()
    q = Q(event__starts_at__gte=lo, event__starts_at__lt=hi, themes__isnull=False)
    q &= ~Q(event__status=Event.Status.CANCELLED)
    if f.programs:
        q &= Q(event__program__in=f.programs)
    if f.event_kind:
        q &= Q(event__kind=f.event_kind)
    if f.organizer:
        q &= Q(event__organizers=f.organizer)
    if f.county:
        q &= Q(contact__county=f.county)
    if f.community:
        q &= Q(contact__race_categories__code=f.community)
    return Comment.objects.filter(q).order_by()


def themes_by(
    f: Filters,
    by: str = "community",
    method: str = Tabulation.COMBINATION.value,
    limit: int | None = None,
) -> ThemeTable:
    """Comments per theme per group (two queries), themes by total, descending."""
    if by == "county":
        key = Case(
            When(contact__isnull=True, then=Value(race.UNKNOWN_SPEAKER)),
            When(contact__county__isnull=True, then=Value(NONE_KEY)),
            default=F("contact__county__code"),
            output_field=CharField(),
        )
    else:
        inner = (
            race.single_key("contact_id", "contact__")
            if method == Tabulation.SINGLE
            else race.combination_key("contact__")
        )
        key = Case(
            When(contact__isnull=True, then=Value(race.UNKNOWN_SPEAKER)),
            default=inner,
            output_field=CharField(),
        )
    comments = _comments(f)
    counts: dict[tuple[int, str], int] = {}
    names: dict[int, str] = {}
    if by == "community" and fast.covers(f):
        # The speaker's buckets from the engagement summary, not per-row
        # subqueries (the same numbers: tests/summary).
        counts, names = fast.theme_counts(comments, method)
    else:
        rows = (
            comments.annotate(k=key)  # type: ignore[attr-defined]
            .values("themes__pk", "themes__name", "k")
            .annotate(n=Count("pk", distinct=True))
        )
        for row in rows:
            counts[(row["themes__pk"], str(row["k"]))] = row["n"]
            names[row["themes__pk"]] = row["themes__name"]
    totals_rows = comments.values("themes__pk").annotate(n=Count("pk", distinct=True))  # type: ignore[attr-defined]
    totals = {r["themes__pk"]: r["n"] for r in totals_rows}
    order = sorted(names, key=lambda pk: (-totals.get(pk, 0), names[pk]))
    if limit:
        order = order[:limit]
    if by == "county":
        keys = {k for _t, k in counts}
        groups = list(County.objects.filter(code__in=keys).values_list("code", "name"))
        groups.append((NONE_KEY, str(_("No county recorded"))))
    else:
        groups = race.race_row_order(method, race.category_labels())
    groups.append((race.UNKNOWN_SPEAKER, str(race.EXTRA_LABELS[race.UNKNOWN_SPEAKER])))
    return ThemeTable(
        by=by,
        method=method,
        groups=groups,
        themes=[(pk, names[pk]) for pk in order],
        counts=counts,
        totals=totals,
    )
