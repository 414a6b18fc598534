"""Listening-session themes by community or county over a period.

A comment counts once under each theme it carries, in the group of its speaker:
community (minimum categories, alone or in combination, or single) or county.
Anonymous comments count under "Unknown speaker".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from contacts.models import Contact
from crm.models import County, Topic
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
    """The period's comments that carry a theme."""
    return _spoken(f).filter(themes__isnull=False)  # type: ignore[attr-defined]


def _events(f: Filters) -> QuerySet[Any]:
    """The period's events (not cancelled) that the filters keep."""
    lo, hi = f.bounds()
    events = Event.objects.filter(starts_at__gte=lo, starts_at__lt=hi).exclude(
        status=Event.Status.CANCELLED
    )
    if f.programs:
        events = events.filter(program__in=f.programs)
    if f.event_kind:
        events = events.filter(kind=f.event_kind)
    if f.organizer:
        events = events.filter(organizers=f.organizer)
    return events.values("pk")


def _spoken(f: Filters) -> object:
    """The period's comments, found from the period's events first.

    The speaker's county and community are checked per comment (EXISTS), so
    neither database drives the query from a million people's rows.
    """
    q = Q(event__in=_events(f))
    if f.county:
        speaker = Contact._base_manager.filter(
            pk=OuterRef("contact_id"), county=f.county
        )
        q &= Q(Exists(speaker))
    if f.community:
        chose = Contact.race_categories.through.objects.filter(
            contact_id=OuterRef("contact_id"), raceethnicitycategory__code=f.community
        )
        q &= Q(Exists(chose))
    return Comment.objects.filter(q).order_by()


def _links(f: Filters) -> QuerySet[Any]:
    """(speaker, theme) of every theme link of the period's comments (before
    the speaker filters, which the summary applies), as the columns speaker
    (0 for no one) and theme."""
    through = Comment.themes.through
    return (
        through.objects.filter(comment__event__in=_events(f))
        .order_by()
        .values(speaker=Coalesce("comment__contact_id", 0), theme=F("topic_id"))
    )


def _totals(f: Filters) -> dict[int, int]:
    """Comments per theme: each (comment, theme) link once."""
    links = Comment.themes.through.objects.filter(
        comment_id__in=_spoken(f).values("pk")  # type: ignore[attr-defined]
    )
    rows = links.values("topic_id").annotate(n=Count("*")).order_by()
    return {r["topic_id"]: r["n"] for r in rows}


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
    counts: dict[tuple[int, str], int] = {}
    names: dict[int, str] = {}
    if by == "community" and fast.covers(f):
        # One query for the links; the speakers' filters and buckets from the
        # engagement summary (the same numbers: tests/summary).
        counts, totals = fast.theme_counts(_links(f), f, method)
        names = dict(
            Topic.objects.filter(pk__in=list(totals)).values_list("pk", "name")
        )
    else:
        rows = (
            _comments(f)  # type: ignore[attr-defined]
            .annotate(k=key)
            .values("themes__pk", "themes__name", "k")
            .annotate(n=Count("pk", distinct=True))
        )
        for row in rows:
            counts[(row["themes__pk"], str(row["k"]))] = row["n"]
            names[row["themes__pk"]] = row["themes__name"]
        totals = _totals(f)
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
