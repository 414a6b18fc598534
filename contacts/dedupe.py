"""Finding people who are probably recorded twice, for the review queue.

A pair is a likely duplicate when both have the same normalised email, or the
same phone, or a similar name (same last name, first names alike) with the same
ZIP code or birth year. Pairs staff marked "not a duplicate" never come back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import combinations
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from contacts.models import Contact, DuplicateDismissal

# Groups larger than this are shared family emails or placeholders ("none@none"),
# not one person; they would flood the queue.
MAX_GROUP = 6


@dataclass
class DuplicatePair:
    first: Contact
    second: Contact
    reasons: list[str] = field(default_factory=list)


def similar_first_names(a: str, b: str) -> bool:
    """Alike enough to be the same person's first name (Jon / John, Ana / Anna)."""
    a, b = a.casefold().strip(), b.casefold().strip()
    if not a or not b:
        return False
    if a == b or a.startswith(b) or b.startswith(a):
        return True
    return SequenceMatcher(None, a, b).ratio() >= 0.75


def _groups(queryset: Any, keys: Iterable[str], limit: int) -> list[list[int]]:
    keys = list(keys)
    grouped = (
        queryset.values(*keys)
        .annotate(n=Count("id"))
        .filter(n__gt=1, n__lte=MAX_GROUP)
        .order_by(*keys)[:limit]
    )
    wanted = [tuple(row[k] for k in keys) for row in grouped]
    if not wanted:
        return []
    query = Q()
    for values in wanted:
        query |= Q(**dict(zip(keys, values, strict=True)))
    members: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for row in queryset.filter(query).values("id", *keys).order_by("id"):
        members[tuple(row[k] for k in keys)].append(row["id"])
    return [ids for ids in members.values() if len(ids) > 1]


def find_duplicates(*, limit: int = 50) -> list[DuplicatePair]:
    """Likely duplicate pairs among active people, strongest evidence first."""
    people = Contact.objects.active()
    reasons: dict[tuple[int, int], list[str]] = defaultdict(list)

    def add(ids: list[int], reason: str) -> None:
        for low, high in combinations(sorted(ids), 2):
            if reason not in reasons[(low, high)]:
                reasons[(low, high)].append(reason)

    for ids in _groups(people.exclude(email=""), ["email"], limit):
        add(ids, _("same email"))
    for ids in _groups(people.exclude(phone=""), ["phone"], limit):
        add(ids, _("same phone"))
    named = people.annotate(last_lower=Lower("last_name")).exclude(last_name="")
    by_zip = _groups(named.exclude(zip_code=""), ["last_lower", "zip_code"], limit)
    by_year = _groups(
        named.filter(birth_year__isnull=False), ["last_lower", "birth_year"], limit
    )
    name_groups = [(ids, _("similar name, same ZIP")) for ids in by_zip] + [
        (ids, _("similar name, same birth year")) for ids in by_year
    ]
    first_names = dict(
        Contact.objects.filter(
            pk__in={pk for ids, _r in name_groups for pk in ids}
        ).values_list("pk", "first_name")
    )
    for ids, reason in name_groups:
        for low, high in combinations(sorted(ids), 2):
            if similar_first_names(first_names[low], first_names[high]):
                add([low, high], reason)
    if not reasons:
        return []
    dismissed = set(
        DuplicateDismissal.objects.filter(
            first_id__in={low for low, _h in reasons}
        ).values_list("first_id", "second_id")
    )
    pairs = [(key, why) for key, why in reasons.items() if key not in dismissed]
    pairs.sort(key=lambda item: (-len(item[1]), item[0]))
    pairs = pairs[:limit]
    wanted = {pk for key, _why in pairs for pk in key}
    contacts = Contact.objects.with_list_related().in_bulk(wanted)
    return [
        DuplicatePair(first=contacts[low], second=contacts[high], reasons=why)
        for (low, high), why in pairs
    ]
