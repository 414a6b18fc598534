"""The same counts as the live engine, from the engagement summary (reports.summary).

Each function returns exactly what its live twin in engagement.py or ladder.py
returns for the same filters (tests/summary prove it). They cover every
filter and every breakdown; `covers(f, by)` says whether a request can be
answered here (whether the summary is in use).

A unique count over a run of days is a scatter of person ids into a boolean
array; records are kept sorted by day so a period is one slice. Lists (a
person's detailed groups, an event's organizers) are (owner, value) pairs
sorted by owner: the selected owners are joined to their pairs and counted
per value with np.bincount.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from contacts.models import RaceEthnicityCategory, RaceEthnicityGroup
from crm.models import County, Language
from reports.metrics import race
from reports.metrics.filters import Filters, months_before
from reports.models import Tabulation
from reports.summary import store
from reports.summary.store import (
    ATTENDANCE,
    EVENT,
    EVENT_ORGANIZER,
    LEADER,
    OUTREACH,
    PERSON,
    PERSON_GROUP,
)

FAST_DIMENSIONS = (
    "race_ethnicity",
    "race_group",
    "county",
    "legislative_district",
    "language",
    "program",
    "event_kind",
    "organizer",
    "month",
    "quarter",
)
NONE_KEY = "none"
OUTREACH_KEY = "outreach"
EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()

# Rung codes, in ladder order after "not known".
RUNG_CODES = ("not_known", "known", "reached", "participant", "regular", "leader")


def covers(f: Filters, by: str | None = None) -> bool:
    """Whether the summary can answer this request (and is in use)."""
    if by is not None and by not in FAST_DIMENSIONS:
        return False
    return store.use_summary()


@dataclass
class _Arrays:
    people: np.ndarray
    events: np.ndarray
    # Check-ins at counted (not cancelled) events, sorted by the event's day.
    a_day: np.ndarray
    a_contact: np.ndarray
    a_event: np.ndarray
    a_leader: np.ndarray
    # Outreach that reached the person, sorted by day.
    o_day: np.ndarray
    o_contact: np.ndarray
    o_program: np.ndarray
    o_organizer: np.ndarray
    # Detailed groups: (person, group pk) pairs sorted by person.
    g_person: np.ndarray
    g_group: np.ndarray
    # Organizers: (event, user pk) pairs sorted by event, where each event's
    # pairs start (e_first[e] to e_first[e + 1]), and per event its first
    # organizer (0: none) and how many it has.
    e_event: np.ndarray
    e_organizer: np.ndarray
    e_first: np.ndarray
    e_lead: np.ndarray
    e_count: np.ndarray
    # Results already computed for these arrays (a dashboard asks for the
    # same period's selection many times): key -> value.
    memo: dict[Any, Any] = field(default_factory=dict)

    def remember(self, key: Any, compute: Any) -> Any:
        if key not in self.memo:
            if len(self.memo) > 64:
                self.memo.clear()
            self.memo[key] = compute()
        return self.memo[key]

    @property
    def n(self) -> int:
        return len(self.people)


_lock = threading.Lock()
_cached: tuple[Any, _Arrays] | None = None


def _arrays() -> _Arrays:
    global _cached
    stores = store.load()
    key = store.generation()
    with _lock:
        if _cached is not None and _cached[0] == key:
            return _cached[1]
        people, events = stores[PERSON], stores[EVENT]
        att = stores[ATTENDANCE]
        idx = np.flatnonzero(att["flags"] & store.ATTENDED)
        ev = att["event"][idx].astype(np.int64)
        contact = att["contact"][idx].astype(np.int64)
        ok = (ev < len(events)) & (contact < len(people))
        idx, ev, contact = idx[ok], ev[ok], contact[ok]
        counted = events["counted"][ev] == 1
        idx, ev, contact = idx[counted], ev[counted], contact[counted]
        day = events["day"][ev]
        order = np.argsort(day, kind="stable")
        out = stores[OUTREACH]
        oidx = np.flatnonzero(out["reached"])
        oidx = oidx[out["contact"][oidx] < len(people)]
        oday = out["day"][oidx]
        oorder = np.argsort(oday, kind="stable")
        oidx = oidx[oorder]
        groups = stores[PERSON_GROUP]
        groups = groups[groups["owner"] < len(people)]
        organizers = stores[EVENT_ORGANIZER]
        organizers = organizers[organizers["owner"] < len(events)]
        per_event = np.bincount(organizers["owner"], minlength=len(events))
        e_first = np.concatenate([[0], np.cumsum(per_event)]).astype(np.int64)
        e_lead = np.zeros(len(events), dtype=np.int64)
        led = per_event > 0
        e_lead[led] = organizers["value"][e_first[:-1][led]]
        arrays = _Arrays(
            people=people,
            events=events,
            a_day=day[order],
            a_contact=contact[order],
            a_event=ev[order],
            a_leader=(att["flags"][idx][order] & LEADER) != 0,
            o_day=out["day"][oidx],
            o_contact=out["contact"][oidx].astype(np.int64),
            o_program=out["program"][oidx],
            o_organizer=out["organizer"][oidx],
            g_person=groups["owner"].astype(np.int64),
            g_group=groups["value"].astype(np.int64),
            e_event=organizers["owner"].astype(np.int64),
            e_organizer=organizers["value"].astype(np.int64),
            e_first=e_first,
            e_lead=e_lead,
            e_count=per_event,
        )
        _cached = (key, arrays)
        return arrays


def _category_bits() -> dict[str, int]:
    return dict(RaceEthnicityCategory.objects.values_list("code", "pk"))


def _people_mask(
    arrays: _Arrays, county: int | None, community: str, bits: dict[str, int] | None
) -> np.ndarray:
    return arrays.remember(  # type: ignore[no-any-return]
        ("people", county, community),
        lambda: _compute_people_mask(arrays, county, community, bits),
    )


def _compute_people_mask(
    arrays: _Arrays, county: int | None, community: str, bits: dict[str, int] | None
) -> np.ndarray:
    people = arrays.people
    mask = people["active"] == 1
    if county:
        mask &= people["county"] == county
    if community:
        bit = (bits or _category_bits()).get(community)
        if bit is None:
            return np.zeros(arrays.n, dtype=bool)
        mask &= (people["cats"] & np.uint32(1 << bit)) != 0
    return mask


@dataclass
class _Selection:
    """The check-ins and reached outreach a Filters selects."""

    a_contact: np.ndarray
    a_event: np.ndarray
    a_day: np.ndarray
    o_contact: np.ndarray
    o_day: np.ndarray
    o_program: np.ndarray
    o_organizer: np.ndarray


def _organized(arrays: _Arrays, user: int) -> np.ndarray:
    """Per event: whether the user is one of its organizers."""

    def compute() -> np.ndarray:
        events = np.zeros(len(arrays.events), dtype=bool)
        events[arrays.e_event[arrays.e_organizer == user]] = True
        return events

    return arrays.remember(("organized", user), compute)  # type: ignore[no-any-return]


def _select(arrays: _Arrays, f: Filters) -> _Selection:
    return arrays.remember(("select", f), lambda: _compute_select(arrays, f))  # type: ignore[no-any-return]


def _compute_select(arrays: _Arrays, f: Filters) -> _Selection:
    lo, hi = f.start.toordinal(), f.end.toordinal()
    mask = _people_mask(arrays, f.county, f.community, None)
    i0, i1 = np.searchsorted(arrays.a_day, [lo, hi + 1])
    contact = arrays.a_contact[i0:i1]
    event = arrays.a_event[i0:i1]
    if f.county or f.community:
        keep = mask[contact]
    else:  # only "active": precomputed once per arrays
        keep = arrays.remember("a_active", lambda: mask[arrays.a_contact])[i0:i1]
    # Never in place: `keep` may be a view of a remembered array.
    if f.programs:
        keep = keep & np.isin(arrays.events["program"][event], list(f.programs))
    if f.event_kind:
        kind = store.KIND_CODES.get(f.event_kind, -1)
        keep = keep & (arrays.events["kind"][event] == kind)
    if f.organizer:
        keep = keep & _organized(arrays, f.organizer)[event]
    j0, j1 = np.searchsorted(arrays.o_day, [lo, hi + 1])
    o_contact = arrays.o_contact[j0:j1]
    if f.county or f.community:
        o_keep = mask[o_contact]
    else:
        o_keep = arrays.remember("o_active", lambda: mask[arrays.o_contact])[j0:j1]
    if f.programs:
        o_keep = o_keep & np.isin(arrays.o_program[j0:j1], list(f.programs))
    if f.event_kind:
        o_keep = np.zeros(len(o_contact), dtype=bool)  # no outreach at events
    if f.organizer:
        o_keep = o_keep & (arrays.o_organizer[j0:j1] == f.organizer)
    return _Selection(
        a_contact=contact[keep],
        a_event=event[keep],
        a_day=arrays.a_day[i0:i1][keep],
        o_contact=o_contact[o_keep],
        o_day=arrays.o_day[j0:j1][o_keep],
        o_program=arrays.o_program[j0:j1][o_keep],
        o_organizer=arrays.o_organizer[j0:j1][o_keep],
    )


def _unique(n: int, *ids: np.ndarray) -> np.ndarray:
    seen = np.zeros(n, dtype=bool)
    for part in ids:
        seen[part] = True
    return seen


def headline(f: Filters) -> Any:
    """The figures of engagement.headline, from the summary."""

    arrays = _arrays()
    return arrays.remember(("headline", f), lambda: _headline(arrays, f))


def _headline(arrays: _Arrays, f: Filters) -> Any:
    from reports.metrics.engagement import Headline

    s = _select(arrays, f)
    events = np.zeros(len(arrays.events), dtype=bool)
    events[s.a_event] = True
    return Headline(
        engaged_people=int(_unique(arrays.n, s.a_contact, s.o_contact).sum()),
        attendance=len(s.a_contact),
        # One Attendance per person per event: attendees equal check-ins.
        attendees=len(s.a_contact),
        unique_attendees=int(_unique(arrays.n, s.a_contact).sum()),
        people_reached=int(_unique(arrays.n, s.o_contact).sum()),
        events=int(events.sum()),
    )


def _race_buckets(
    people: np.ndarray, idx: np.ndarray, method: str, bits: dict[str, int]
) -> list[tuple[str, np.ndarray]]:
    """(key, positions into idx) of every race/ethnicity bucket."""
    status = people["status"][idx]
    cats = people["cats"][idx]
    reported = status == store.STATUS_CODES[race.REPORTED]
    out: list[tuple[str, np.ndarray]] = []
    for status_code, value in store.STATUS_VALUES.items():
        if value != race.REPORTED:
            out.append((value, np.flatnonzero(status == status_code)))
    none_chosen = reported & (cats == 0)
    out.append((race.WRITE_IN_ONLY, np.flatnonzero(none_chosen)))
    chosen = reported & (cats != 0)
    if method == Tabulation.SINGLE:
        hispanic_bit = bits.get(race.HISPANIC)
        hispanic = (
            chosen & ((cats & np.uint32(1 << hispanic_bit)) != 0)
            if hispanic_bit is not None
            else np.zeros(len(idx), dtype=bool)
        )
        several = chosen & ~hispanic & (np.bitwise_count(cats) >= 2)
        single = chosen & ~hispanic & ~several
        out.append((race.HISPANIC, np.flatnonzero(hispanic)))
        out.append((race.TWO_OR_MORE, np.flatnonzero(several)))
        for code, bit in bits.items():
            if code == race.HISPANIC:
                continue
            out.append((code, np.flatnonzero(single & (cats == np.uint32(1 << bit)))))
    else:
        for code, bit in bits.items():
            out.append(
                (code, np.flatnonzero(chosen & ((cats & np.uint32(1 << bit)) != 0)))
            )
    return out


def _person_counts(
    arrays: _Arrays, engaged: np.ndarray, checkins: np.ndarray, by: str, method: str
) -> dict[str, tuple[int, int]]:
    people = arrays.people
    idx = np.flatnonzero(engaged)
    weights = checkins[idx]
    counts: dict[str, tuple[int, int]] = {}
    if by == "race_ethnicity":
        for key, where in _race_buckets(people, idx, method, _category_bits()):
            if len(where):
                counts[key] = (len(where), int(weights[where].sum()))
        return counts
    if by == "race_group":
        return _group_counts(arrays, idx, checkins)
    field = {"county": "county", "language": "language"}.get(
        by, "district" if by == "legislative_district" else ""
    )
    keys = people[field][idx].astype(np.int64)
    n = np.bincount(keys)
    a = np.bincount(keys, weights=weights)
    if by == "county":
        names = dict(County.objects.values_list("pk", "code"))
    elif by == "language":
        names = dict(Language.objects.values_list("pk", "code"))
    else:
        names = {k: str(k) for k in range(1, len(n))}
    for value in np.flatnonzero(n):
        key = NONE_KEY if value == 0 else names.get(int(value), NONE_KEY)
        old = counts.get(key, (0, 0))
        counts[key] = (old[0] + int(n[value]), old[1] + int(a[value]))
    return counts


def _group_counts(
    arrays: _Arrays, idx: np.ndarray, checkins: np.ndarray
) -> dict[str, tuple[int, int]]:
    """Detailed groups, alone or in combination: a person who reported counts
    once in every group they chose, or under "no detailed group"; people who
    did not report count once in their status's bucket."""
    people = arrays.people
    status = people["status"][idx]
    counts: dict[str, tuple[int, int]] = {}
    for status_code, value in store.STATUS_VALUES.items():
        if value != race.REPORTED:
            where = idx[status == status_code]
            if len(where):
                counts[value] = (len(where), int(checkins[where].sum()))
    reporting = np.zeros(arrays.n, dtype=bool)
    reporting[idx[status == store.STATUS_CODES[race.REPORTED]]] = True
    in_pairs = reporting[arrays.g_person]
    owners, groups = arrays.g_person[in_pairs], arrays.g_group[in_pairs]
    with_group = np.zeros(arrays.n, dtype=bool)
    with_group[owners] = True
    without = np.flatnonzero(reporting & ~with_group)
    if len(without):
        counts[race.NO_GROUP] = (len(without), int(checkins[without].sum()))
    n = np.bincount(groups)
    a = np.bincount(groups, weights=checkins[owners])
    codes = dict(RaceEthnicityGroup.objects.values_list("pk", "code"))
    for pk in np.flatnonzero(n):
        code = codes.get(int(pk))
        if code is not None:
            counts[code] = (int(n[pk]), round(float(a[pk])))
    return counts


def _month_of(days: np.ndarray) -> np.ndarray:
    months = (days.astype(np.int64) - EPOCH_ORDINAL).astype("datetime64[D]")
    index = months.astype("datetime64[M]").astype(np.int64)
    return (index // 12 + 1970) * 100 + index % 12 + 1


def _record_keys(
    arrays: _Arrays, s: _Selection, by: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, Any]:
    """(keys of check-ins, their people, keys of outreach, their people,
    key -> label key). Outreach whose key has no row is left out."""
    if by in ("month", "quarter"):
        a, o = _month_of(s.a_day), _month_of(s.o_day)
        if by == "quarter":
            a = (a // 100) * 10 + ((a % 100) - 1) // 3 + 1
            o = (o // 100) * 10 + ((o % 100) - 1) // 3 + 1
        return a, s.a_contact, o, s.o_contact, str
    if by == "program":
        a = arrays.events["program"][s.a_event].astype(np.int64)
        o = s.o_program.astype(np.int64)

        def program(k: int) -> str:
            return NONE_KEY if k == 0 else str(k)

        return a, s.a_contact, o, s.o_contact, program
    if by == "organizer":
        return _organizer_keys(arrays, s)
    # event_kind: outreach has its own key
    a = arrays.events["kind"][s.a_event].astype(np.int64)
    o = np.full(len(s.o_contact), -1, dtype=np.int64)

    def kind(k: int) -> str:
        return OUTREACH_KEY if k == -1 else store.KIND_VALUES[k]

    return a, s.a_contact, o, s.o_contact, kind


def _organizer_keys(
    arrays: _Arrays, s: _Selection
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, Any]:
    """A check-in counts for every organizer of its event (0: none recorded);
    outreach for the organizer who logged it."""
    # One row per check-in for its event's first organizer (or none), then
    # one per further organizer: check-in i again for pairs first + 1, ...
    lead = arrays.e_lead[s.a_event]
    more = np.flatnonzero(arrays.e_count[s.a_event] > 1)
    if len(more):
        events = s.a_event[more]
        extra = arrays.e_count[events] - 1
        start = arrays.e_first[events] + 1 - (np.cumsum(extra) - extra)
        pairs = np.repeat(start, extra) + np.arange(int(extra.sum()))
        a = np.concatenate([lead, arrays.e_organizer[pairs]])
        a_contact = np.concatenate([s.a_contact, np.repeat(s.a_contact[more], extra)])
    else:
        a, a_contact = lead, s.a_contact
    logged = s.o_organizer != 0  # none recorded: no row (the live key is null)
    o = s.o_organizer[logged].astype(np.int64)

    def organizer(k: int) -> str:
        return NONE_KEY if k == 0 else str(k)

    return a, a_contact, o, s.o_contact[logged], organizer


def _record_counts(
    arrays: _Arrays, s: _Selection, by: str
) -> dict[str, tuple[int, int]]:
    a_keys, a_contact, o_keys, o_contact, label = _record_keys(arrays, s, by)
    if not len(a_keys) and not len(o_keys):
        return {}
    values, a_dense, o_dense = _dense(a_keys, o_keys)
    dense = np.concatenate([a_dense, o_dense])
    checkins = np.bincount(a_dense, minlength=len(values))
    # Group the rows by key (a stable radix sort for up to 65,536 keys), then
    # count each key's unique people with one scatter into a reused array.
    order = np.argsort(dense, kind="stable")
    by_key = np.concatenate([a_contact, o_contact]).astype(np.int32)[order]
    del order
    ends = np.cumsum(np.bincount(dense, minlength=len(values)))
    seen = np.zeros(arrays.n, dtype=bool)
    counts: dict[str, tuple[int, int]] = {}
    begin = 0
    for i, value in enumerate(values):
        part = by_key[begin : ends[i]]
        seen[part] = True
        counts[label(int(value))] = (int(np.count_nonzero(seen)), int(checkins[i]))
        seen[part] = False
        begin = ends[i]
    return counts


def _dense(*keys: np.ndarray) -> tuple[np.ndarray, ...]:
    """(sorted distinct keys of all the arrays, then each array's keys as
    indices among them: uint16 when there are at most 65,536)."""
    parts = [k for k in keys if len(k)]
    lo = min(int(k.min()) for k in parts)
    hi = max(int(k.max()) for k in parts)
    total = sum(len(k) for k in keys)
    if hi - lo > 4 * total + (1 << 16):  # sparse keys: sort them
        values, inverse = np.unique(np.concatenate(keys), return_inverse=True)
        bounds = np.cumsum([0, *(len(k) for k in keys)])
        inverse = inverse.reshape(-1)
        dense = [inverse[bounds[i] : bounds[i + 1]] for i in range(len(keys))]
    else:
        present = np.zeros(hi - lo + 1, dtype=bool)
        for k in parts:
            present[k - lo] = True
        rank = np.cumsum(present) - 1
        values = np.flatnonzero(present) + lo
        dense = [rank[k - lo] for k in keys]
    kind = np.uint16 if len(values) <= 1 << 16 else np.int64
    return values, *(d.astype(kind) for d in dense)


def breakdown_counts(
    f: Filters, by: str, method: str
) -> tuple[dict[str, tuple[int, int]], int, int]:
    """({key: (people, check-ins)}, engaged people, their check-ins)."""
    arrays = _arrays()
    s = _select(arrays, f)
    engaged = arrays.remember(
        ("engaged", f), lambda: _unique(arrays.n, s.a_contact, s.o_contact)
    )
    total_people = int(engaged.sum())
    total_attendance = len(s.a_contact)
    if by in ("program", "event_kind", "organizer", "month", "quarter"):
        return _record_counts(arrays, s, by), total_people, total_attendance
    checkins = arrays.remember(
        ("checkins", f), lambda: np.bincount(s.a_contact, minlength=arrays.n)
    )
    counts = _person_counts(arrays, engaged, checkins, by, method)
    return counts, total_people, total_attendance


# Ladder ---------------------------------------------------------------------


def _rungs(arrays: _Arrays, on: dt.date) -> np.ndarray:
    """Each person's rung code (index into RUNG_CODES) as of the end of `on`."""
    from reports.metrics import ladder

    settings_key = (
        ladder.window_months(),
        ladder.participant_min(),
        ladder.regular_min(),
    )
    return arrays.remember(  # type: ignore[no-any-return]
        ("rungs", on, settings_key), lambda: _compute_rungs(arrays, on)
    )


def _compute_rungs(arrays: _Arrays, on: dt.date) -> np.ndarray:
    from reports.metrics import ladder

    lo = (months_before(on, ladder.window_months()) + dt.timedelta(days=1)).toordinal()
    hi = on.toordinal()
    i0, i1 = np.searchsorted(arrays.a_day, [lo, hi + 1])
    contact = arrays.a_contact[i0:i1]
    attended = np.bincount(contact, minlength=arrays.n)
    led = _unique(arrays.n, contact[arrays.a_leader[i0:i1]])
    j0, j1 = np.searchsorted(arrays.o_day, [lo, hi + 1])
    reached = _unique(arrays.n, arrays.o_contact[j0:j1])
    created = arrays.people["created"]
    known = (created > 0) & (created <= hi)
    rung = np.where(known, 1, 0).astype(np.int8)
    rung[reached] = 2
    rung[attended >= ladder.participant_min()] = 3
    rung[attended >= ladder.regular_min()] = 4
    rung[led] = 5
    return rung


def ladder_counts(on: dt.date, county: int | None, community: str) -> dict[str, int]:
    arrays = _arrays()
    people = _people_mask(arrays, county, community, None)
    n = np.bincount(_rungs(arrays, on)[people], minlength=len(RUNG_CODES))
    return {RUNG_CODES[i]: int(n[i]) for i in range(1, len(RUNG_CODES))}


def ladder_by_community_counts(
    on: dt.date, method: str, county: int | None
) -> dict[tuple[str, str], int]:
    arrays = _arrays()
    idx = np.flatnonzero(_people_mask(arrays, county, "", None))
    rungs = _rungs(arrays, on)[idx]
    counts: dict[tuple[str, str], int] = {}
    for key, where in _race_buckets(arrays.people, idx, method, _category_bits()):
        n = np.bincount(rungs[where], minlength=len(RUNG_CODES))
        for i in range(1, len(RUNG_CODES)):
            if n[i]:
                counts[(key, RUNG_CODES[i])] = int(n[i])
    return counts


def ladder_movement_counts(
    start: dt.date, end: dt.date, county: int | None, community: str
) -> dict[tuple[str, str], int]:
    arrays = _arrays()
    people = _people_mask(arrays, county, community, None)
    a = _rungs(arrays, start)[people].astype(np.int64)
    b = _rungs(arrays, end)[people].astype(np.int64)
    size = len(RUNG_CODES)
    n = np.bincount(a * size + b, minlength=size * size)
    return {
        (RUNG_CODES[i // size], RUNG_CODES[i % size]): int(n[i])
        for i in np.flatnonzero(n)
    }


# Themes -----------------------------------------------------------------------


def theme_counts(
    comments: Any, method: str
) -> tuple[dict[tuple[int, str], int], dict[int, str]]:
    """Comments per (theme, speaker's community) and theme names, from the
    comments the live query selects and the speakers' buckets in the summary."""
    arrays = _arrays()
    rows = list(
        comments.values_list("pk", "contact_id", "themes__pk", "themes__name")
        .order_by()
        .distinct()
    )
    names = {theme: name for _pk, _contact, theme, name in rows}
    counts: dict[tuple[int, str], int] = {}
    if not rows:
        return counts, names
    contact = np.array([c or 0 for _pk, c, _t, _n in rows], dtype=np.int64)
    theme = np.array([t for _pk, _c, t, _n in rows], dtype=np.int64)
    known = (contact > 0) & (contact < arrays.n)
    for t in np.unique(theme[~known]):
        counts[(int(t), race.UNKNOWN_SPEAKER)] = int((theme[~known] == t).sum())
    idx = contact[known]
    themes = theme[known]
    for key, where in _race_buckets(arrays.people, idx, method, _category_bits()):
        if len(where):
            values, n = np.unique(themes[where], return_counts=True)
            for t, count in zip(values, n, strict=True):
                counts[(int(t), key)] = counts.get((int(t), key), 0) + int(count)
    return counts, names
