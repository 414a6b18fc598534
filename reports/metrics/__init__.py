"""The counting engine: one implementation of every number the CRM reports.

The dashboard, the metrics API and the grant workbook export all call these
functions; none of them counts on its own. Every function aggregates in the
database in a fixed number of queries, whatever the number of people.

Definitions (DESIGN.md "Counting definitions"):
- engaged person in a period: a non-archived, unmerged contact with at least
  one attended Attendance at a non-cancelled event starting in the period, or
  one Outreach in the period whose outcome is in Outreach.REACHED_OUTCOMES
  (reached, committed to attend, declined: a conversation took place);
- attendance: check-ins (attended Attendance rows);
- attendees: unique people per event, summed over events;
- unique people: unique across all events (or all engagement).

Public functions (stable):
- Filters(start, end, programs, county, event_kind, organizer, community)
  and Filters.previous() for the comparison period;
- engaged_people(f) -> QuerySet[Contact];
  attendance_records(f), outreach_records(f) -> QuerySets of the records;
- headline(f) -> Headline;
- breakdown(f, by, method) -> Table, `by` in DIMENSIONS;
- apply_baseline(table, baseline, f) -> Table with representation index;
- suppress_table(table) -> Table for external use; suppress_matrix(cells);
- ladder_snapshot(on), ladder_by_community(on), ladder_movement(start, end);
- grant_progress(grants, today) with grants_for_progress(active_on);
- themes_by(f, by="community"|"county", method).
"""

from reports.metrics.engagement import (
    DIMENSION_LABELS,
    DIMENSIONS,
    PERSON_DIMENSIONS,
    RECORD_DIMENSIONS,
    Headline,
    breakdown,
    engaged_with_checkins,
    headline,
)
from reports.metrics.filters import (
    Filters,
    attendance_records,
    engaged_people,
    outreach_records,
)
from reports.metrics.grants import TargetProgress, grant_progress, grants_for_progress
from reports.metrics.ladder import (
    RUNG_LABELS,
    RUNGS,
    ladder_by_community,
    ladder_movement,
    ladder_snapshot,
)
from reports.metrics.representation import apply_baseline
from reports.metrics.suppression import suppress_matrix, suppress_table, threshold
from reports.metrics.tables import Row, Table
from reports.metrics.themes import ThemeTable, themes_by

__all__ = [
    "DIMENSIONS",
    "DIMENSION_LABELS",
    "PERSON_DIMENSIONS",
    "RECORD_DIMENSIONS",
    "RUNGS",
    "RUNG_LABELS",
    "Filters",
    "Headline",
    "Row",
    "Table",
    "TargetProgress",
    "ThemeTable",
    "apply_baseline",
    "attendance_records",
    "breakdown",
    "engaged_people",
    "engaged_with_checkins",
    "grant_progress",
    "grants_for_progress",
    "headline",
    "ladder_by_community",
    "ladder_movement",
    "ladder_snapshot",
    "outreach_records",
    "suppress_matrix",
    "suppress_table",
    "themes_by",
    "threshold",
]
