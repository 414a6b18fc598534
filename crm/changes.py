"""Change notices for derived data, so lower apps never import higher ones.

The apps depend in one direction (crm <- contacts <- events <- reports).
Derived structures that live higher up (the engagement summary in
reports.summary) must still hear about writes made lower down that bypass
model signals: bulk_create, QuerySet.update and raw SQL. Writers call one of
the functions below with the ids they touched; higher apps subscribe with
`listen` when they start (AppConfig.ready). With no listener, a notice costs
nothing.

Single-row saves and deletes (Model.save, Model.delete, admin, cascades) are
heard through ordinary model signals by the listener itself; only bulk paths
need a call here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

# What changed: people (their own fields or lists), engagement records of
# people (attendance or outreach moved or rewritten in bulk), attendance rows,
# outreach rows, events.
PEOPLE = "person"
ENGAGEMENT_OF_PEOPLE = "engagement_of_person"
ATTENDANCE = "attendance"
OUTREACH = "outreach"
EVENTS = "event"

Listener = Callable[[str, list[int]], None]
_listeners: list[Listener] = []


def listen(listener: Listener) -> None:
    """Subscribe to change notices (idempotent)."""
    if listener not in _listeners:
        _listeners.append(listener)


def _notify(kind: str, ids: Iterable[int | None]) -> None:
    if not _listeners:
        return
    clean = sorted({int(pk) for pk in ids if pk is not None})
    if clean:
        for listener in _listeners:
            listener(kind, clean)


def people_changed(ids: Iterable[int | None]) -> None:
    """People created, edited, archived, merged or erased in bulk."""
    _notify(PEOPLE, ids)


def engagement_of_people_changed(ids: Iterable[int | None]) -> None:
    """Attendance or outreach of these people was created, moved or changed in
    bulk (for example by a merge or an import)."""
    _notify(ENGAGEMENT_OF_PEOPLE, ids)


def attendance_changed(ids: Iterable[int | None]) -> None:
    """Attendance rows created or changed in bulk."""
    _notify(ATTENDANCE, ids)


def outreach_changed(ids: Iterable[int | None]) -> None:
    """Outreach rows created or changed in bulk."""
    _notify(OUTREACH, ids)


def events_changed(ids: Iterable[int | None]) -> None:
    """Events created or changed in bulk."""
    _notify(EVENTS, ids)
