"""Small hand-built data for the counting tests."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from events.models import Event
from reports.metrics import Filters
from tests.factories import AttendanceFactory, EventFactory

LA = ZoneInfo("America/Los_Angeles")
MARCH = Filters(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))


def at(day: int, month: int = 3, year: int = 2026, hour: int = 18) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=LA)


def event_on(day: int, month: int = 3, **kwargs: object) -> Event:
    start = at(day, month)
    return EventFactory(
        starts_at=start, ends_at=start + dt.timedelta(hours=2), **kwargs
    )


def attend(contact: object, day: int, month: int = 3, **kwargs: object) -> object:
    event_kwargs = {k[7:]: v for k, v in kwargs.items() if k.startswith("event__")}
    rest = {k: v for k, v in kwargs.items() if not k.startswith("event__")}
    return AttendanceFactory(
        contact=contact, event=event_on(day, month, **event_kwargs), **rest
    )


def rows_by_key(table: object) -> dict[str, object]:
    return {row.key: row for row in table.rows}  # type: ignore[attr-defined]
