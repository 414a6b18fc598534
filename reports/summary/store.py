"""Column stores of the engagement summary: build, mark, refresh, load.

See the package docstring for the design. Functions:

- enabled(): the CRM_ENGAGEMENT_SUMMARY setting (default on);
- mark(kind, ids): note rows whose slots must be recomputed (kinds from
  crm.changes);
- refresh(): recompute every marked slot from the tables of record;
- load(): refresh, then every store as one array (cached per process,
  re-read block by block when versions change): a slot store indexed by
  primary key, a pair store as (owner, value) rows sorted by owner;
- rebuild(): everything from scratch;
- use_summary(): whether the engine should count from the summary now;
- live_counts(): a context in which the engine counts live (for comparison).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import secrets
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from contacts.models import Contact
from crm import changes
from events.models import Attendance, Event, Outreach
from reports.summary.models import SummaryBlock, SummaryChange, SummaryState

BLOCK_SIZE = 1 << 16
CHUNK = 900  # ids per IN (...) list, under SQLite's variable limit
# The layout of the blocks. Bump it whenever a store or a dtype changes: a
# summary built in another format counts as not built (the engine counts
# live) until `rebuild_engagement_summary` runs, so old blocks are never
# misread. 2: the pair stores person_group and event_organizer.
FORMAT = 2

PERSON = "person"
EVENT = "event"
ATTENDANCE = "attendance"
OUTREACH = "outreach"
# Pair stores: a list per row (a person's detailed groups, an event's
# organizers), as (owner primary key, value) rows sorted by owner then value.
# Block n holds the pairs of owners n * BLOCK_SIZE to (n + 1) * BLOCK_SIZE - 1,
# so the concatenated blocks stay sorted by owner.
PERSON_GROUP = "person_group"
EVENT_ORGANIZER = "event_organizer"
PAIR_STORES = (PERSON_GROUP, EVENT_ORGANIZER)
STORES = (PERSON, EVENT, ATTENDANCE, OUTREACH, *PAIR_STORES)

DTYPES: dict[str, np.dtype[Any]] = {
    PERSON: np.dtype(
        [
            ("active", "u1"),
            ("status", "i1"),
            ("district", "i2"),
            ("county", "i4"),
            ("language", "i4"),
            ("cats", "u4"),
            ("created", "i4"),
        ]
    ),
    EVENT: np.dtype(
        [("counted", "u1"), ("kind", "i1"), ("day", "i4"), ("program", "i4")]
    ),
    ATTENDANCE: np.dtype([("flags", "u1"), ("event", "i4"), ("contact", "i4")]),
    OUTREACH: np.dtype(
        [
            ("reached", "u1"),
            ("day", "i4"),
            ("program", "i4"),
            ("organizer", "i4"),
            ("contact", "i4"),
        ]
    ),
    PERSON_GROUP: np.dtype([("owner", "i4"), ("value", "i4")]),
    EVENT_ORGANIZER: np.dtype([("owner", "i4"), ("value", "i4")]),
}

# Codes stored in the arrays.
STATUS_CODES = {
    Contact.SelfIdStatus.UNTRACKED.value: 1,
    Contact.SelfIdStatus.NOT_ASKED.value: 2,
    Contact.SelfIdStatus.DECLINED.value: 3,
    Contact.SelfIdStatus.REPORTED.value: 4,
}
STATUS_VALUES = {code: value for value, code in STATUS_CODES.items()}
KIND_CODES = {kind.value: i + 1 for i, kind in enumerate(Event.Kind)}
KIND_VALUES = {code: value for value, code in KIND_CODES.items()}
ATTENDED = 1
LEADER = 2
MAX_CATEGORY_PK = 31

_KIND_TO_STORES: dict[str, tuple[str, ...]] = {
    changes.PEOPLE: (PERSON, PERSON_GROUP),
    changes.EVENTS: (EVENT, EVENT_ORGANIZER),
    changes.ATTENDANCE: (ATTENDANCE,),
    changes.OUTREACH: (OUTREACH,),
}

_force_live: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "summary_force_live", default=False
)
_lock = threading.Lock()
# Within one HTTP request the summary is checked once (a consistent snapshot,
# like one read transaction); a write in the request checks it again.
_request = threading.local()
# (store, block number) -> (version, array); store -> (versions, full array)
_blocks: dict[tuple[str, int], tuple[int, np.ndarray]] = {}
_full: dict[str, tuple[tuple[tuple[int, int], ...], np.ndarray]] = {}


def enabled() -> bool:
    return bool(getattr(settings, "CRM_ENGAGEMENT_SUMMARY", True))


@contextlib.contextmanager
def live_counts() -> Iterator[None]:
    """Inside this block the engine counts live from the detail rows."""
    token = _force_live.set(True)
    try:
        yield
    finally:
        _force_live.reset(token)


def _current_state() -> Any:
    """The state rows of a build in this code's block format."""
    return SummaryState.objects.filter(format=FORMAT)


def is_built() -> bool:
    """Built, and in this code's block format (FORMAT)."""
    if getattr(_request, "active", False):
        if getattr(_request, "built", None) is None:
            _request.built = _current_state().exists()
        return bool(_request.built)
    return _current_state().exists()


def request_started(**kwargs: Any) -> None:
    _request.active = True
    _request.built = None
    _request.loaded = None


def request_finished(**kwargs: Any) -> None:
    _request.active = False
    _request.built = None
    _request.loaded = None


def use_summary() -> bool:
    """Count from the summary: enabled, not forced live, and built."""
    return enabled() and not _force_live.get() and is_built()


def local_day(value: dt.datetime | None) -> int:
    """The local (TIME_ZONE) calendar day of a moment, as a date ordinal."""
    if value is None:
        return 0
    return value.astimezone(ZoneInfo(settings.TIME_ZONE)).date().toordinal()


# Marks ----------------------------------------------------------------------


def mark(kind: str, ids: Iterable[int]) -> None:
    """Note rows to recompute before the next read (no-op when disabled)."""
    if not enabled():
        return
    _request.loaded = None  # read again after this write
    if kind not in _KIND_TO_STORES and kind != changes.ENGAGEMENT_OF_PEOPLE:
        raise ValueError(f"Unknown change kind: {kind}")
    SummaryChange.objects.bulk_create(
        [SummaryChange(kind=kind, object_id=pk) for pk in ids], batch_size=CHUNK
    )


def _chunks[T](ids: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


# Reading the tables of record -------------------------------------------------


def _range_q(prefix: str, ids: Sequence[int] | None, lo: int, hi: int) -> Q:
    if ids is not None:
        return Q(**{f"{prefix}__in": ids})
    return Q(**{f"{prefix}__gte": lo, f"{prefix}__lt": hi})


def _source(
    store: str, ids: Sequence[int] | None, lo: int = 0, hi: int = 0
) -> tuple[list[int], list[tuple[Any, ...]]]:
    """(primary keys, slot values) of the rows given by ids or [lo, hi)."""
    pks: list[int] = []
    values: list[tuple[Any, ...]] = []
    if store == PERSON:
        masks: dict[int, int] = defaultdict(int)
        through = Contact.race_categories.through
        for contact_id, category_id in through.objects.filter(
            _range_q("contact_id", ids, lo, hi)
        ).values_list("contact_id", "raceethnicitycategory_id"):
            if category_id > MAX_CATEGORY_PK:
                raise ValueError("Category ids above 31 do not fit the summary mask.")
            masks[contact_id] |= 1 << category_id
        rows = Contact.objects.filter(_range_q("pk", ids, lo, hi)).values_list(
            "pk",
            "archived_at",
            "merged_into_id",
            "race_ethnicity_status",
            "legislative_district",
            "county_id",
            "preferred_language_id",
            "created_at",
        )
        for pk, archived, merged, status, district, county, language, added in rows:
            pks.append(pk)
            values.append(
                (
                    archived is None and merged is None,
                    STATUS_CODES.get(status, 0),
                    district or 0,
                    county or 0,
                    language or 0,
                    masks.get(pk, 0),
                    local_day(added),
                )
            )
    elif store == EVENT:
        for pk, status, starts, program, kind in Event.objects.filter(
            _range_q("pk", ids, lo, hi)
        ).values_list("pk", "status", "starts_at", "program_id", "kind"):
            pks.append(pk)
            values.append(
                (
                    status != Event.Status.CANCELLED,
                    KIND_CODES.get(kind, 0),
                    local_day(starts),
                    program or 0,
                )
            )
    elif store == ATTENDANCE:
        leader_roles = {str(role) for role in Attendance.LEADER_ROLES}
        for pk, status, role, event, contact in Attendance.objects.filter(
            _range_q("pk", ids, lo, hi)
        ).values_list("pk", "status", "role", "event_id", "contact_id"):
            if status != Attendance.Status.ATTENDED:
                continue  # the slot stays empty
            pks.append(pk)
            values.append(
                (ATTENDED | (LEADER if role in leader_roles else 0), event, contact)
            )
    elif store == OUTREACH:
        reached = {str(outcome) for outcome in Outreach.REACHED_OUTCOMES}
        for (
            pk,
            outcome,
            occurred,
            program,
            organizer,
            contact,
        ) in Outreach.objects.filter(_range_q("pk", ids, lo, hi)).values_list(
            "pk", "outcome", "occurred_at", "program_id", "organizer_id", "contact_id"
        ):
            if outcome not in reached:
                continue
            pks.append(pk)
            values.append(
                (True, local_day(occurred), program or 0, organizer or 0, contact)
            )
    else:
        raise ValueError(f"Unknown store: {store}")
    return pks, values


def _pairs(
    store: str, ids: Sequence[int] | None, lo: int = 0, hi: int = 0
) -> np.ndarray:
    """The (owner, value) rows of the owners given by ids or [lo, hi), sorted."""
    if store == PERSON_GROUP:
        through: Any = Contact.race_groups.through
        owner, value = "contact_id", "raceethnicitygroup_id"
    elif store == EVENT_ORGANIZER:
        through = Event.organizers.through
        owner, value = "event_id", "user_id"
    else:
        raise ValueError(f"Not a pair store: {store}")
    rows = list(
        through.objects.filter(_range_q(owner, ids, lo, hi))
        .order_by()
        .values_list(owner, value)
    )
    pairs = np.array(rows, dtype=np.int64).reshape(-1, 2)
    out = np.zeros(len(rows), dtype=DTYPES[store])
    out["owner"], out["value"] = pairs[:, 0], pairs[:, 1]
    return _sorted_pairs(out)


def _sorted_pairs(pairs: np.ndarray) -> np.ndarray:
    return pairs[np.lexsort((pairs["value"], pairs["owner"]))]


# Blocks --------------------------------------------------------------------------


def _decode(store: str, data: Any) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype=DTYPES[store]).copy()


def _empty(store: str) -> np.ndarray:
    return np.zeros(0 if store in PAIR_STORES else BLOCK_SIZE, dtype=DTYPES[store])


def _fill(
    store: str, block: np.ndarray, base: int, pks: list[int], values: list[Any]
) -> None:
    if pks:
        slots = np.asarray(pks, dtype=np.int64) - base
        block[slots] = np.array(values, dtype=DTYPES[store])


def _new_version() -> int:
    """A fresh random version: equal versions mean equal contents, across
    processes and across rebuilds (a counter would restart at a rebuild)."""
    return secrets.randbits(62)


def _save_block(store: str, number: int, block: np.ndarray, *, exists: bool) -> None:
    data = block.tobytes()
    if exists:
        row = SummaryBlock.objects.get(store=store, number=number)
        row.data = data
        row.version = _new_version()
        row.save(update_fields=["data", "version"])
    else:
        SummaryBlock.objects.create(
            store=store, number=number, data=data, version=_new_version()
        )


def _update_slots(store: str, ids: list[int]) -> None:
    """Recompute the slots of these primary keys from the tables of record."""
    by_block: dict[int, list[int]] = defaultdict(list)
    for pk in ids:
        by_block[pk // BLOCK_SIZE].append(pk)
    existing = dict(
        SummaryBlock.objects.filter(store=store, number__in=list(by_block)).values_list(
            "number", "data"
        )
    )
    for number, members in sorted(by_block.items()):
        base = number * BLOCK_SIZE
        block = (
            _decode(store, existing[number]) if number in existing else _empty(store)
        )
        if store in PAIR_STORES:
            # Drop the members' pairs, then add what they have now.
            kept = block[~np.isin(block["owner"], np.asarray(members))]
            fresh = [_pairs(store, chunk) for chunk in _chunks(members)]
            block = _sorted_pairs(np.concatenate([kept, *fresh]))
            _save_block(store, number, block, exists=number in existing)
            continue
        block[np.asarray(members, dtype=np.int64) - base] = np.zeros(
            1, dtype=DTYPES[store]
        )
        for chunk in _chunks(members):
            pks, values = _source(store, chunk)
            _fill(store, block, base, pks, values)
        _save_block(store, number, block, exists=number in existing)


def refresh() -> int:
    """Recompute every marked slot; returns how many marks were handled."""
    if not enabled() or not SummaryChange.objects.exists():
        return 0
    with transaction.atomic():
        # On PostgreSQL the state row serialises refreshes; SQLite's writes
        # are serialised already.
        if _current_state().select_for_update().first() is None:
            return 0
        marks = list(SummaryChange.objects.values_list("pk", "kind", "object_id"))
        wanted: dict[str, set[int]] = defaultdict(set)
        people: set[int] = set()
        for _pk, kind, object_id in marks:
            if kind == changes.ENGAGEMENT_OF_PEOPLE:
                people.add(object_id)
            elif kind in _KIND_TO_STORES:
                for store in _KIND_TO_STORES[kind]:
                    wanted[store].add(object_id)
        for chunk in _chunks(sorted(people)):
            wanted[ATTENDANCE].update(
                Attendance.objects.filter(contact_id__in=chunk).values_list(
                    "pk", flat=True
                )
            )
            wanted[OUTREACH].update(
                Outreach.objects.filter(contact_id__in=chunk).values_list(
                    "pk", flat=True
                )
            )
        for store, ids in wanted.items():
            _update_slots(store, sorted(ids))
        for chunk in _chunks([pk for pk, _kind, _id in marks]):
            SummaryChange.objects.filter(pk__in=chunk).delete()
    return len(marks)


def _max_pk(store: str) -> int:
    model = {
        PERSON: Contact,
        EVENT: Event,
        ATTENDANCE: Attendance,
        OUTREACH: Outreach,
        PERSON_GROUP: Contact,
        EVENT_ORGANIZER: Event,
    }[store]
    last = model._default_manager.order_by("-pk").values_list("pk", flat=True).first()
    return int(last or 0)


def rebuild(progress: Any = None) -> dict[str, int]:
    """Build every store from the tables of record; returns filled slots."""
    filled: dict[str, int] = {}
    with transaction.atomic():
        SummaryState.objects.all().delete()
        SummaryChange.objects.all().delete()
        SummaryBlock.objects.all().delete()
        for store in STORES:
            filled[store] = 0
            last_block = _max_pk(store) // BLOCK_SIZE
            for number in range(last_block + 1):
                base = number * BLOCK_SIZE
                if store in PAIR_STORES:
                    block = _pairs(store, None, base, base + BLOCK_SIZE)
                    filled[store] += len(block)
                else:
                    block = _empty(store)
                    pks, values = _source(store, None, base, base + BLOCK_SIZE)
                    _fill(store, block, base, pks, values)
                    filled[store] += len(pks)
                SummaryBlock.objects.create(
                    store=store,
                    number=number,
                    data=block.tobytes(),
                    version=_new_version(),
                )
                if progress:
                    progress(store, number, last_block)
        SummaryState.objects.create(built_at=timezone.now(), format=FORMAT)
    return filled


# Loading ----------------------------------------------------------------------


def load() -> dict[str, np.ndarray]:
    """Refresh, then each store as one array indexed by primary key."""
    in_request = getattr(_request, "active", False)
    if in_request and getattr(_request, "loaded", None) is not None:
        return _request.loaded  # type: ignore[no-any-return]
    result = _load()
    if in_request:
        _request.loaded = result
    return result


def _load() -> dict[str, np.ndarray]:
    refresh()
    versions: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for store, number, version in SummaryBlock.objects.order_by(
        "store", "number"
    ).values_list("store", "number", "version"):
        versions[store].append((number, version))
    with _lock:
        stale = [
            (store, number)
            for store, pairs in versions.items()
            for number, version in pairs
            if _blocks.get((store, number), (0, None))[0] != version
        ]
        for chunk in _chunks(stale, 50):
            q = Q()
            for store, number in chunk:
                q |= Q(store=store, number=number)
            for store, number, version, data in SummaryBlock.objects.filter(
                q
            ).values_list("store", "number", "version", "data"):
                _blocks[(store, number)] = (version, _decode(store, data))
        result: dict[str, np.ndarray] = {}
        for store in STORES:
            key = tuple(versions.get(store, []))
            cached = _full.get(store)
            if cached is None or cached[0] != key:
                _full[store] = (key, _assemble(store, key))
            result[store] = _full[store][1]
        return result


def _assemble(store: str, key: tuple[tuple[int, int], ...]) -> np.ndarray:
    """One array of a store from its cached blocks (called under _lock)."""
    if store in PAIR_STORES:
        # Blocks in number order, each sorted: the whole stays sorted by owner.
        parts = [_blocks[(store, number)][1] for number, _version in key]
        return np.concatenate(parts) if parts else _empty(store)
    size = (max((n for n, _v in key), default=-1) + 1) * BLOCK_SIZE
    full = np.zeros(size, dtype=DTYPES[store])
    for number, _version in key:
        base = number * BLOCK_SIZE
        full[base : base + BLOCK_SIZE] = _blocks[(store, number)][1]
    return full


def generation() -> tuple[Any, ...]:
    """A key that changes whenever any loaded array changes (after load())."""
    with _lock:
        return tuple((store, _full[store][0]) for store in STORES if store in _full)
