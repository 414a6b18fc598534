"""What the dashboard and the metrics API show, composed from the engine.

Both call `engagement_table` so they give identical numbers for the same
filters; the dashboard adds the rest with `build_dashboard`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from reports import metrics
from reports.metrics import Filters, Table
from reports.metrics.suppression import is_small, suppress_matrix, suppression_note
from reports.models import PopulationBaseline

HEADLINE_LABELS: dict[str, Any] = {
    "engaged_people": _("Engaged people"),
    "attendance": _("Attendance (check-ins)"),
    "unique_attendees": _("Unique people at events"),
    "people_reached": _("People reached by outreach"),
    "events": _("Events with check-ins"),
}


def engagement_table(
    f: Filters,
    by: str,
    method: str,
    *,
    baseline: PopulationBaseline | None = None,
    external: bool = False,
) -> Table:
    """A breakdown with representation (if a baseline) and suppression (if
    external): the one table the dashboard and the API both print."""
    table = metrics.breakdown(f, by, method)
    if baseline is not None:
        table = metrics.apply_baseline(table, baseline, f)
    if external:
        table = metrics.suppress_table(table)
    return table


def table_payload(table: Table, f: Filters) -> dict[str, Any]:
    """The API's JSON for a table."""
    return {
        "period": {"start": f.start.isoformat(), "end": f.end.isoformat()},
        "by": table.by,
        "method": table.method,
        "method_label": str(table.method_label),
        "external": table.external,
        "suppressed": table.suppressed,
        "notes": [str(n) for n in table.notes],
        "baseline": table.baseline,
        "representation_reason": str(table.representation_reason),
        "rows": [
            {
                "group": row.key,
                "label": str(row.label),
                "unique_people": row.people,
                "attendance": row.attendance,
                "share": row.share,
                "share_of_reported": row.share_of_reported,
                "baseline_share": row.baseline_share,
                "representation_index": row.index,
                "under_represented": row.under_represented,
                "is_unknown": row.is_unknown,
                "suppressed": row.people_suppressed or row.attendance_suppressed,
            }
            for row in table.rows
        ],
        "totals": {
            "unique_people": table.total_people,
            "attendance": table.total_attendance,
        },
    }


@dataclass
class Figure:
    key: str
    label: str
    value: int | None
    previous: int | None
    change: int | None = None
    change_percent: float | None = None

    def __post_init__(self) -> None:
        if self.value is not None and self.previous is not None:
            self.change = self.value - self.previous
            if self.previous:
                self.change_percent = 100 * self.change / self.previous


def headline_figures(f: Filters, *, external: bool = False) -> list[Figure]:
    """Headline figures with the change against the previous period (six queries)."""
    now = metrics.headline(f).as_dict()
    before = metrics.headline(f.previous()).as_dict()
    limit = metrics.threshold()
    figures = []
    for key, label in HEADLINE_LABELS.items():
        value: int | None = now[key]
        previous: int | None = before[key]
        if external and is_small(value, limit):
            value = None
        if external and is_small(previous, limit):
            previous = None
        figures.append(Figure(key, str(label), value, previous))
    return figures


BAR_LEFT = 42.0  # percent of the chart width kept for labels
BAR_SPAN = 44.0  # percent of the width the largest bar takes
ROW_HEIGHT = 28


def bar_rows(table: Table, value: str = "people") -> list[dict[str, Any]]:
    """Rows with bar geometry (percent of the largest) for the SVG charts."""
    values = [getattr(row, value) or 0 for row in table.rows]
    return bars([(row, getattr(row, value)) for row in table.rows], values)


def bars(
    items: list[tuple[Any, int | None]], values: list[int]
) -> list[dict[str, Any]]:
    top = max(values, default=0) or 1
    out = []
    for i, ((item, shown), v) in enumerate(zip(items, values, strict=True)):
        width = round(BAR_SPAN * v / top, 2)
        out.append(
            {
                "row": item,
                "value": shown,
                "y": i * ROW_HEIGHT,
                "ty": i * ROW_HEIGHT + 18,
                "w": width,
                "tx": round(BAR_LEFT + width + 1, 2),
            }
        )
    return out


def chart_height(n: int) -> int:
    return max(n, 1) * ROW_HEIGHT


@dataclass
class Dashboard:
    filters: Filters
    headline: list[Figure]
    over_time: Table
    by_community: Table
    by_county: Table
    by_language: Table
    ladder: list[dict[str, Any]]
    ladder_on: dt.date
    ladder_communities: list[dict[str, Any]]
    ladder_movement: dict[str, int | None]
    grants: list[Any]
    themes: metrics.ThemeTable
    theme_rows: list[dict[str, Any]]
    external: bool
    notes: list[str] = field(default_factory=list)

    def charts(self) -> dict[str, dict[str, Any]]:
        """Bar geometry for each chart, with its height."""
        charts = {
            "over_time": bar_rows(self.over_time),
            "by_community": bar_rows(self.by_community),
            "by_county": bar_rows(self.by_county),
            "by_language": bar_rows(self.by_language),
            "ladder": bars(
                [(r, r["people"]) for r in self.ladder],
                [r["people"] or 0 for r in self.ladder],
            ),
        }
        return {
            name: {"bars": rows, "height": chart_height(len(rows))}
            for name, rows in charts.items()
        }


def _ladder_rows(f: Filters, external: bool) -> list[dict[str, Any]]:
    snapshot = metrics.ladder_snapshot(f.end, county=f.county, community=f.community)
    rows = snapshot.rows()
    if external:
        hidden = suppress_matrix(
            [[r["people"]] for r in rows], rows_add_up=False, columns_add_up=True
        )
        for row, flags in zip(rows, hidden, strict=True):
            if flags[0]:
                row["people"] = None
    return rows


def _ladder_communities(
    f: Filters, method: str, external: bool
) -> list[dict[str, Any]]:
    by = metrics.ladder_by_community(f.end, method=method, county=f.county)
    matrix = by.matrix()
    hidden = suppress_matrix(matrix) if external else None
    rows = []
    for i, (key, label) in enumerate(by.communities):
        cells: list[int | None] = list(matrix[i])
        if hidden is not None:
            cells = [None if h else c for c, h in zip(cells, hidden[i], strict=True)]
        rows.append({"key": key, "label": label, "cells": cells})
    return rows


def _ladder_movement(f: Filters, external: bool) -> dict[str, int | None]:
    summary = metrics.ladder_movement(
        f.start, f.end, county=f.county, community=f.community
    ).summary()
    limit = metrics.threshold()
    return {
        key: None if external and is_small(value, limit) else value
        for key, value in summary.items()
    }


def _theme_rows(themes: metrics.ThemeTable, external: bool) -> list[dict[str, Any]]:
    matrix = themes.matrix()
    hidden = suppress_matrix(matrix) if external else None
    rows = []
    for i, (pk, name) in enumerate(themes.themes):
        total: int | None = themes.totals.get(pk, 0)
        cells: list[int | None] = list(matrix[i])
        if hidden is not None:
            cells = [None if h else c for c, h in zip(cells, hidden[i], strict=True)]
            if is_small(total, metrics.threshold()):
                total = None
        rows.append({"theme": name, "total": total, "cells": cells})
    return rows


def build_dashboard(
    f: Filters,
    *,
    method: str,
    baseline: PopulationBaseline | None,
    external: bool,
    today: dt.date,
) -> Dashboard:
    """Everything on the dashboard, in a fixed number of queries."""
    themes = metrics.themes_by(f, "community", method, limit=8)
    notes = []
    if external:
        notes.append(suppression_note(metrics.threshold()))
    return Dashboard(
        filters=f,
        headline=headline_figures(f, external=external),
        over_time=engagement_table(f, "month", method, external=external),
        by_community=engagement_table(
            f, "race_ethnicity", method, baseline=baseline, external=external
        ),
        by_county=engagement_table(f, "county", method, external=external),
        by_language=engagement_table(f, "language", method, external=external),
        ladder=_ladder_rows(f, external),
        ladder_on=f.end,
        ladder_communities=_ladder_communities(f, method, external),
        ladder_movement=_ladder_movement(f, external),
        grants=metrics.grant_progress(
            metrics.grants_for_progress(active_on=min(today, f.end)), today
        ),
        themes=themes,
        theme_rows=_theme_rows(themes, external),
        external=external,
        notes=notes,
    )
