"""Race/ethnicity buckets for both tabulations (DESIGN.md principles 1-3).

- combination ("alone or in combination"): a person counts once in every
  minimum category they chose; shares can sum past 100 %.
- single: Hispanic or Latino of any race; else the one category chosen; else
  "Two or more races".
Both always carry the buckets for people without categories: prefer not to say,
not asked, not yet tracked, and "write-in only" (reported in their own words
without choosing a category).
"""

from __future__ import annotations

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact, GreaterThanOrEqual
from django.utils.translation import gettext_lazy as _

from contacts.models import Contact, RaceEthnicityCategory, RaceEthnicityGroup
from reports.models import Tabulation

REPORTED = Contact.SelfIdStatus.REPORTED
TWO_OR_MORE = "TWO_OR_MORE"
WRITE_IN_ONLY = "WRITE_IN_ONLY"
NO_GROUP = "NO_GROUP"
HISPANIC = "HISPANIC"
UNKNOWN_SPEAKER = "unknown_speaker"

# Buckets of people without a category, in the order reports print them.
UNKNOWN_KEYS = (
    Contact.SelfIdStatus.DECLINED.value,
    Contact.SelfIdStatus.NOT_ASKED.value,
    Contact.SelfIdStatus.UNTRACKED.value,
)
UNKNOWN_LABELS = {
    Contact.SelfIdStatus.DECLINED.value: _("Prefer not to say"),
    Contact.SelfIdStatus.NOT_ASKED.value: _("Not asked"),
    Contact.SelfIdStatus.UNTRACKED.value: _("Not yet tracked"),
}
EXTRA_LABELS = {
    TWO_OR_MORE: _("Two or more races"),
    WRITE_IN_ONLY: _("Write-in only (no category chosen)"),
    NO_GROUP: _("Reported, no detailed group"),
    UNKNOWN_SPEAKER: _("Unknown speaker"),
}
METHOD_LABELS = {
    Tabulation.COMBINATION.value: _(
        "Alone or in combination: each person counts in every category they "
        "chose, so shares can add up to more than 100%."
    ),
    Tabulation.SINGLE.value: _(
        "Single category: Hispanic or Latino of any race; otherwise the one "
        "category chosen; otherwise Two or more races. Adds up to 100%."
    ),
    "detailed": _(
        "Detailed groups, alone or in combination: each person counts in every "
        "group they chose."
    ),
}


def _prefixed(prefix: str, name: str) -> str:
    return f"{prefix}{name}"


def combination_key(prefix: str = "") -> Case:
    """Per (person, chosen category) row: the category code or an unknown bucket.

    Joins the categories; aggregate with Count(<person>, distinct=True).
    """
    status = _prefixed(prefix, "race_ethnicity_status")
    return Case(
        When(~Q(**{status: REPORTED}), then=F(status)),
        When(
            Q(**{_prefixed(prefix, "race_categories__isnull"): True}),
            then=Value(WRITE_IN_ONLY),
        ),
        default=F(_prefixed(prefix, "race_categories__code")),
        output_field=CharField(),
    )


def group_key(prefix: str = "") -> Case:
    """Per (person, detailed group) row: the group code or an unknown bucket."""
    status = _prefixed(prefix, "race_ethnicity_status")
    return Case(
        When(~Q(**{status: REPORTED}), then=F(status)),
        When(
            Q(**{_prefixed(prefix, "race_groups__isnull"): True}),
            then=Value(NO_GROUP),
        ),
        default=F(_prefixed(prefix, "race_groups__code")),
        output_field=CharField(),
    )


def single_key(contact_ref: str = "pk", prefix: str = "") -> Case:
    """One bucket per person: single-category tabulation, no join needed."""
    through = Contact.race_categories.through
    chosen = through.objects.filter(contact_id=OuterRef(contact_ref))
    n_chosen = Coalesce(
        Subquery(
            chosen.order_by()
            .values("contact_id")
            .annotate(n=Count("pk"))
            .values("n")[:1],  # type: ignore[misc]
            output_field=IntegerField(),
        ),
        0,
    )
    only_code = Subquery(
        chosen.order_by().values("raceethnicitycategory__code")[:1],
        output_field=CharField(),
    )
    hispanic = Exists(chosen.filter(raceethnicitycategory__code=HISPANIC))
    status = _prefixed(prefix, "race_ethnicity_status")
    return Case(
        When(~Q(**{status: REPORTED}), then=F(status)),
        When(hispanic, then=Value(HISPANIC)),
        When(GreaterThanOrEqual(n_chosen, 2), then=Value(TWO_OR_MORE)),
        When(Exact(n_chosen, 1), then=only_code),
        default=Value(WRITE_IN_ONLY),
        output_field=CharField(),
    )


def race_key(method: str, contact_ref: str = "pk", prefix: str = "") -> Case:
    if method == Tabulation.SINGLE:
        return single_key(contact_ref, prefix)
    return combination_key(prefix)


def category_labels() -> list[tuple[str, str]]:
    """(code, name) of the minimum categories in print order (one query)."""
    return list(
        RaceEthnicityCategory.objects.order_by("sort").values_list("code", "name")
    )


def race_row_order(
    method: str, categories: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    """Every row a race/ethnicity table prints, in order, zeros included."""
    rows: list[tuple[str, str]] = []
    if method == Tabulation.SINGLE:
        rows += [(code, name) for code, name in categories]
        rows.append((TWO_OR_MORE, str(EXTRA_LABELS[TWO_OR_MORE])))
    else:
        rows += list(categories)
    rows.append((WRITE_IN_ONLY, str(EXTRA_LABELS[WRITE_IN_ONLY])))
    rows += [(key, str(UNKNOWN_LABELS[key])) for key in UNKNOWN_KEYS]
    return rows


def group_labels(codes: set[str]) -> dict[str, str]:
    """Names of the detailed groups among the codes (one query)."""
    return dict(
        RaceEthnicityGroup.objects.filter(code__in=codes).values_list("code", "name")
    )


def is_unknown(key: str) -> bool:
    return key in UNKNOWN_KEYS or key in (WRITE_IN_ONLY, NO_GROUP, UNKNOWN_SPEAKER)
