"""The engagement summary: what the dashboard counts from at a million people.

Why: counting unique people live means COUNT(DISTINCT) over millions of
attendance and outreach rows, 0.8-5 s per breakdown at 1,000,000 people and
5,000,000 records. Periods are any run of days (last 90 days, this quarter to
date, a custom range), so per-month totals cannot give exact unique counts.

What: four column stores, one slot per primary key, packed as NumPy record
arrays in blocks of BLOCK_SIZE slots (table reports_summaryblock), and two
pair stores for lists, (owner, value) rows sorted by owner, in blocks of the
pairs of BLOCK_SIZE owners:

- person: active (not archived, not merged), county, preferred language,
  legislative district, self-identification status, chosen minimum categories
  (a bit mask), the local day the person was added;
- event: counted (not cancelled), local day it starts, program, kind;
- attendance: attended, leading role, event, person;
- outreach: reached outcome, local day, program, organizer, person;
- person_group: (person, detailed group) for every group a person chose;
- event_organizer: (event, user) for every organizer of an event.

Every process keeps the blocks in memory and re-reads only blocks whose
version changed, so a count is a few vectorised passes over arrays: a unique
count over any days is a scatter into a boolean array, never a sort.

Kept exact and current: every write marks the rows it touched as changed
(table reports_summarychange); the next read recomputes those slots from the
tables of record before counting (`refresh`), in one transaction. Marks come
from two places:

- model signals (reports.summary.signals), for every single-row save or delete
  of Contact, Event, Attendance and Outreach, changes to a person's categories
  or detailed groups and to an event's organizers (from either side, and the
  deletion of a group or a user): services, admin, cascades and tests alike;
- explicit calls to crm.changes from the writers that bypass signals (merge,
  imports, bulk updates): contacts and events may import crm but not reports,
  so reports subscribes to crm.changes when it starts.

`python manage.py rebuild_engagement_summary` rebuilds everything from the
tables of record (after a restore, raw SQL, or turning the summary on). Until
the first build the engine counts live, and again after an upgrade that
changed the block layout (store.FORMAT) until the next rebuild. Setting
CRM_ENGAGEMENT_SUMMARY=False turns the summary off (tests do, so their pinned
query counts stay those of the live path); the engine then always counts
live, and turning it back on needs a rebuild.

What it does not cover (the engine counts these live): grant targets that
are not headline figures, and themes by county (themes by community take the
comments from the database and the speakers' buckets from here).
"""

from reports.summary.store import (
    BLOCK_SIZE,
    FORMAT,
    enabled,
    is_built,
    live_counts,
    load,
    mark,
    rebuild,
    refresh,
    use_summary,
)

__all__ = [
    "BLOCK_SIZE",
    "FORMAT",
    "enabled",
    "is_built",
    "live_counts",
    "load",
    "mark",
    "rebuild",
    "refresh",
    "use_summary",
]
