"""Every route of the product, enumerated from the URL resolver, and how to call it.

The expectation tables live in test_permission_sweep.py; this module only walks the
resolver and builds the objects a route's URL needs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from contacts.models import (
    ImportBatch,
    RaceEthnicityCategory,
    RaceEthnicityGroup,
    Relationship,
)
from reports.models import Grant, PopulationBaseline
from tests.factories import (
    AffiliationFactory,
    AttendanceFactory,
    CommentFactory,
    ContactFactory,
    EventFactory,
    FollowUpFactory,
    OrganizationFactory,
    OutreachFactory,
    ProgramFactory,
    TopicFactory,
)


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    is_api: bool
    # For DRF viewsets: {"get": "list", "post": "create"}; None for plain views.
    actions: tuple[tuple[str, str], ...] | None


def _walk(
    patterns: list[Any], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, Any]]:
    for item in patterns:
        if isinstance(item, URLResolver):
            space = namespace
            if item.namespace:
                space = f"{namespace}:{item.namespace}" if namespace else item.namespace
            yield from _walk(item.url_patterns, prefix + str(item.pattern), space)
        elif isinstance(item, URLPattern):
            name = item.name or f"<unnamed {item.pattern}>"
            full = f"{namespace}:{name}" if namespace else name
            yield prefix + str(item.pattern), full, item.callback


def all_routes() -> list[Route]:
    """One entry per named route (format-suffix duplicates folded in)."""
    found: dict[str, Route] = {}
    for pattern, name, callback in _walk(get_resolver().url_patterns):
        if "format" in pattern and name in found:
            continue
        key = name or pattern
        if key in found:
            continue
        actions = getattr(callback, "actions", None)
        found[key] = Route(
            name=key,
            pattern=pattern,
            is_api=pattern.startswith("api/"),
            actions=tuple(sorted(actions.items())) if actions else None,
        )
    return sorted(found.values(), key=lambda route: route.name)


# Objects a URL needs, built fresh for every request (a DELETE may remove one).


def _event() -> Any:
    now = timezone.now()
    return EventFactory(starts_at=now - dt.timedelta(minutes=30))


def _pair() -> dict[str, int]:
    first, second = ContactFactory(), ContactFactory(first_name="Twin")
    low, high = sorted([first.pk, second.pk])
    return {"first": low, "second": high}


def _relationship() -> Any:
    return Relationship.objects.create(
        from_contact=ContactFactory(), to_contact=ContactFactory(), kind="parent_of"
    )


def _batch() -> Any:
    batch = ImportBatch.objects.create(name="Sheet", kind=ImportBatch.Kind.CONTACTS)
    batch.file.save("sheet.csv", ContentFile(b"first_name,email\nMai,m@x.org\n"))
    return batch


def _baseline() -> Any:
    return PopulationBaseline.objects.create(
        name="OSPI 2025", source="OSPI", year=2025, method="single", level="state"
    )


def _grant() -> Any:
    return Grant.objects.create(
        funder="Fund",
        name="Capacity",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )


BUILDERS: dict[str, Callable[[], dict[str, Any]]] = {
    "contact": lambda: {"pk": ContactFactory().pk},
    "organization": lambda: {"pk": OrganizationFactory().pk},
    "affiliation": lambda: {"pk": AffiliationFactory().pk},
    "relationship": lambda: {"pk": _relationship().pk},
    "event": lambda: {"pk": _event().pk},
    "attendance": lambda: {"pk": AttendanceFactory(event=_event()).pk},
    "pending attendance": lambda: {
        "pk": AttendanceFactory(event=_event(), pending_changes={"city": "Kent"}).pk
    },
    "outreach": lambda: {"pk": OutreachFactory().pk},
    "followup": lambda: {"pk": FollowUpFactory().pk},
    "comment": lambda: {"pk": CommentFactory().pk},
    "program": lambda: {"pk": ProgramFactory().pk},
    "topic": lambda: {"pk": TopicFactory().pk},
    "race category": lambda: {"pk": RaceEthnicityCategory.objects.first().pk},
    "race group": lambda: {"pk": RaceEthnicityGroup.objects.first().pk},
    "import": lambda: {"pk": _batch().pk},
    "pair": _pair,
    "baseline": lambda: {"pk": _baseline().pk},
    "grant": lambda: {"pk": _grant().pk},
    "signin token": lambda: {"token": _event().signin_token},
    "contact history": lambda: {"model_name": "contact", "pk": ContactFactory().pk},
    "event export": lambda: {"pk": _event().pk, "which": "roster"},
    "event qr": lambda: {"pk": _event().pk, "fmt": "svg"},
    "reset link": lambda: {"uidb64": "MQ", "token": "set-password"},
}
