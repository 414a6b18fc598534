"""Small-number suppression for anything that leaves the organisation.

DESIGN.md principle 4: counts from 1 to threshold-1 are hidden (primary
suppression); then, in any line (row or column) that adds up to a printed
total and has exactly one hidden cell, the smallest other non-zero cell is
hidden too (complementary suppression), repeated until nothing changes, so no
hidden cell can be worked out by subtraction. Zero is printed: it reveals
nobody. Percentages of hidden cells are hidden as well.
"""

from __future__ import annotations

from dataclasses import replace

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from reports.metrics.tables import Table


def threshold() -> int:
    """The smallest count shown externally (setting CRM_SUPPRESSION_THRESHOLD)."""
    return int(getattr(settings, "CRM_SUPPRESSION_THRESHOLD", 10))


def is_small(value: int | None, limit: int) -> bool:
    return value is not None and 0 < value < limit


def _complement(values: list[int], hidden: list[bool]) -> int | None:
    """Index of the next cell to hide in a line with exactly one hidden cell."""
    if sum(hidden) != 1:
        return None
    candidates = [
        (values[i], i) for i in range(len(values)) if not hidden[i] and values[i] > 0
    ]
    if not candidates:
        return None
    return min(candidates)[1]


def suppress_matrix(
    cells: list[list[int]],
    limit: int | None = None,
    *,
    rows_add_up: bool = True,
    columns_add_up: bool = True,
) -> list[list[bool]]:
    """Which cells to hide in a table of counts (True = hidden).

    `rows_add_up`/`columns_add_up` say whether a row or column has a printed
    total that a reader could subtract from.
    """
    limit = threshold() if limit is None else limit
    hidden = [[is_small(v, limit) for v in row] for row in cells]
    n_cols = max((len(row) for row in cells), default=0)
    changed = True
    while changed:
        changed = False
        if rows_add_up:
            for r, row in enumerate(cells):
                pick = _complement(row, hidden[r])
                if pick is not None:
                    hidden[r][pick] = True
                    changed = True
        if columns_add_up:
            for c in range(n_cols):
                column = [row[c] for row in cells]
                flags = [hidden[r][c] for r in range(len(cells))]
                pick = _complement(column, flags)
                if pick is not None:
                    hidden[pick][c] = True
                    changed = True
    return hidden


def suppression_note(limit: int) -> str:
    return str(
        _(
            "Counts from 1 to %(max)s are hidden to protect privacy, and so is at "
            "least one other count in the same column where needed, so a hidden "
            "number cannot be worked out from the totals. Percentages of hidden "
            "counts are hidden too."
        )
        % {"max": limit - 1}
    )


def suppress_table(table: Table, limit: int | None = None) -> Table:
    """A copy of a breakdown ready to leave the organisation.

    People and check-ins are suppressed column by column (each column adds up
    to its total under the single tabulation, and is treated as if it did
    otherwise); totals under the threshold are hidden too.
    """
    limit = threshold() if limit is None else limit
    rows = [replace(row) for row in table.rows]
    for column in ("people", "attendance"):
        values = [[int(getattr(row, column) or 0)] for row in rows]
        hidden = suppress_matrix(values, limit, rows_add_up=False)
        for row, flags in zip(rows, hidden, strict=True):
            if flags[0]:
                setattr(row, column, None)
                setattr(row, f"{column}_suppressed", True)
    for row in rows:
        if row.people_suppressed:
            row.share = row.share_of_reported = row.index = None
            row.under_represented = False
    total_people = None if is_small(table.total_people, limit) else table.total_people
    total_attendance = (
        None if is_small(table.total_attendance, limit) else table.total_attendance
    )
    suppressed = any(r.people_suppressed or r.attendance_suppressed for r in rows) or (
        total_people is None or total_attendance is None
    )
    notes = [*table.notes]
    if suppressed:
        notes.append(suppression_note(limit))
    return replace(
        table,
        rows=rows,
        total_people=total_people,
        total_attendance=total_attendance,
        external=True,
        suppressed=suppressed,
        notes=notes,
    )
