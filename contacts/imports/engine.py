"""Turn a table into a plan (one decision per row) and carry the plan out.

The same engine runs the preview and the commit: the commit plans again from the
file inside one transaction, so what is written is what the data says at that
moment, and any error leaves the database untouched.

Rows are planned and written a chunk (`CHUNK` rows) at a time, so memory stays
bounded however long the file is: a chunk's people are looked up with a few
queries, new people are inserted in bulk and known people updated in bulk. What
spans the file carries over from chunk to chunk: a person met again further down
is "the same person as row N", and people are matched as they were when the
import started (not as earlier chunks left them), so planning in chunks decides
exactly what planning the whole file at once would.
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection
from django.db.models import Max, Min, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from contacts.imports import bulk
from contacts.imports.fields import (
    CONTACT_FIELDS,
    SCALAR_PARSERS,
    CellError,
    FieldSpec,
    Vocabulary,
    parse_list,
)
from contacts.models import (
    RACE_MASK_COLUMN,
    Contact,
    ImportBatch,
    ImportRow,
    Tag,
    race_mask,
)
from contacts.services import settle_self_identification
from contacts.spreadsheets import Table
from crm.changes import people_changed
from crm.models import User

Action = ImportRow.Action
M2M_FIELDS = ("other_languages", "roles", "tags", "race_categories", "race_groups")
# Imports add to these lists; they never take anything away.
UNION_M2M = ("other_languages", "roles", "tags")
RACE_FIELDS = (
    "race_ethnicity_status",
    "race_categories",
    "race_groups",
    "race_write_in",
)
# What a match is made on: a change to one of these moves a person's keys.
KEY_FIELDS = ("email", "phone", "first_name", "last_name", "zip_code")
DERIVED_FIELDS = (
    "race_ethnicity_status",
    "self_id_source",
    "self_id_date",
    "consent_source",
)
# What planning reads of a matched person, besides the fields the file fills.
PLANNING_FIELDS = (
    "first_name",
    "last_name",
    "preferred_name",
    "email",
    "phone",
    "zip_code",
    "race_write_in",
    "version",
    *DERIVED_FIELDS,
)
CHUNK = 500
# Parsed cells remembered per import and column (the same value parses the same).
MEMO_LIMIT = 50_000
# Name-and-ZIP matching keeps the people of the ZIP codes met so far, up to this
# many, so a file from one area looks each ZIP code up once.
NAME_INDEX_LIMIT = 100_000

_SCALAR_FIELDS = [
    f for f in Contact._meta.concrete_fields if not f.is_relation and not f.generated
]
_FIELDS = {f.name: f for f in Contact._meta.concrete_fields}


class ImportBlocked(Exception):
    """The batch cannot be committed or undone; the message says why."""


@dataclass
class RowPlan:
    row_number: int
    action: str = Action.CREATE
    messages: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    # The person the row matched or created: their id, and (for rows that go
    # on to create or change someone) the person.
    contact_id: int | None = None
    contact: Contact | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    new_tags: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        return "; ".join(self.messages)

    def fail(self, message: str) -> None:
        self.action = Action.ERROR
        self.messages.append(message)


NameKey = tuple[str, str, str]


def _key_name(first: str, last: str, zip_code: str) -> NameKey | None:
    if first and last and zip_code:
        return (first.casefold(), last.casefold(), zip_code[:5])
    return None


def _seen_key(key: NameKey) -> str:
    return "\x1f".join(key)


@dataclass(frozen=True)
class _Refused:
    message: str


class _Originals:
    """Match keys, as they were, of people this import has changed so far."""

    def __init__(self) -> None:
        self.keys: dict[int, tuple[str, str, NameKey | None]] = {}
        self.by: dict[str, dict[Any, set[int]]] = {
            "email": defaultdict(set),
            "phone": defaultdict(set),
            "zip": defaultdict(set),
        }

    def remember(self, contact: Contact) -> None:
        if contact.pk in self.keys:
            return
        name = _key_name(contact.first_name, contact.last_name, contact.zip_code)
        self.keys[contact.pk] = (contact.email, contact.phone, name)
        if contact.email:
            self.by["email"][contact.email].add(contact.pk)
        if contact.phone:
            self.by["phone"][contact.phone].add(contact.pk)
        if name:
            self.by["zip"][name[2]].add(contact.pk)


class ContactImporter:
    """Imports people. Subclasses add per-row work (attendance) via the hooks."""

    kind = ImportBatch.Kind.CONTACTS
    specs: tuple[FieldSpec, ...] = CONTACT_FIELDS
    # Whether a matched person's stored values are replaced by the file's.
    overwrite = True

    def __init__(self, *, table: Table, mapping: dict[str, str], user: User | None):
        self.table = table
        self.mapping = {h: f for h, f in mapping.items() if f}
        self.user = user
        # Lock the people a commit may change until it ends (set by the commit).
        self.lock = False
        self.vocab = Vocabulary()
        self.columns: list[tuple[int, str, str]] = []  # (index, header, field)
        for index, header in enumerate(table.headers):
            name = self.mapping.get(header)
            if name:
                self.columns.append((index, header, name))
        mapped = {name for _i, _h, name in self.columns}
        self.m2m_needed = [n for n in M2M_FIELDS if n in mapped]
        if mapped & set(RACE_FIELDS):
            # Updating self-identification needs the stored answers.
            for name in ("race_categories", "race_groups"):
                if name not in self.m2m_needed:
                    self.m2m_needed.append(name)
        self.group_category = {
            group.pk: group.category_id for group in self.vocab.groups.values()
        }
        self._current: dict[int, dict[str, dict[Any, Any]]] = {}
        self._parsers: dict[str, Callable[[Any], Any]] = {
            "email": SCALAR_PARSERS["email"],
            "phone": SCALAR_PARSERS["phone"],
            "county": self.vocab.county,
            "preferred_language": self.vocab.language,
        }
        self._memos: dict[str, dict[Any, Any]] = {name: {} for name in self._parsers}
        self.texts = _texts()
        # What planning reads of a matched person (the rest is not loaded).
        self.planning_fields = sorted(
            {*PLANNING_FIELDS, *(n for n in mapped if n in _FIELDS)}
        )

    # ------------------------------------------------------------------ checks

    def mapping_problems(self) -> list[str]:
        """File-level problems with the mapping (nothing can be planned)."""
        problems = []
        mapped = [name for _i, _h, name in self.columns]
        duplicates = sorted({n for n in mapped if mapped.count(n) > 1})
        labels = {spec.name: str(spec.label) for spec in self.specs}
        for name in duplicates:
            problems.append(
                _("More than one column is mapped to “%(field)s”.")
                % {"field": labels.get(name, name)}
            )
        if "first_name" not in mapped and "full_name" not in mapped:
            problems.append(
                _("Map a column to “First name” (or “Full name”): people need a name.")
            )
        return problems

    # ------------------------------------------------------------------ parsing

    def parse_row(self, number: int, cells: Sequence[Any]) -> RowPlan:
        plan = RowPlan(row_number=number)
        for index, _header, name in self.columns:
            value = cells[index] if index < len(cells) else None
            try:
                self.parse_cell(plan, name, value)
            except CellError as exc:
                plan.fail(
                    self.texts["column"]
                    % {"column": self.table.column_name(index), "problem": exc}
                )
        values = plan.values
        full = values.pop("full_name", "")
        if full and not values.get("first_name"):
            first, _sep, last = full.partition(" ")
            values["first_name"] = first
            values.setdefault("last_name", last.strip())
        if plan.action != Action.ERROR and not values.get("first_name"):
            plan.fail(self.texts["no first name"])
        return plan

    def parse_cell(self, plan: RowPlan, name: str, value: Any) -> None:
        vocab, texts = self.vocab, self.texts
        if name in self._memos:
            # Email, phone, county, language: nothing (None or "") or a value.
            parsed = self._parse_remembered(name, value)
            if parsed:
                plan.values[name] = parsed
        elif name in SCALAR_PARSERS:
            parsed = SCALAR_PARSERS[name](value)
            if parsed not in (None, ""):
                plan.values[name] = parsed
        elif name == "other_languages":
            self._m2m(
                plan, name, vocab.many(vocab.languages, value, texts["languages"])
            )
        elif name == "roles":
            self._m2m(plan, name, vocab.many(vocab.roles, value, texts["roles"]))
        elif name == "race_categories":
            self._m2m(
                plan,
                name,
                vocab.many(vocab.categories, value, texts["categories"]),
            )
        elif name == "race_groups":
            self._m2m(plan, name, vocab.many(vocab.groups, value, texts["groups"]))
        elif name == "tags":
            names = [t[:64] for t in parse_list(value)]
            if names:
                plan.values["tags"] = names
        else:
            self.parse_extra(plan, name, value)

    def _parse_remembered(self, name: str, value: Any) -> Any:
        """Parse a cell, remembering the outcome for the same value further down
        (checking a phone number is slow; lists repeat counties and phones)."""
        memo, parse = self._memos[name], self._parsers[name]
        key = (value.__class__, value)
        try:
            parsed = memo[key]
        except KeyError:
            try:
                parsed = parse(value)
            except CellError as exc:
                parsed = _Refused(str(exc))
            if len(memo) < MEMO_LIMIT:
                memo[key] = parsed
        except TypeError:  # a cell value that cannot be a key
            parsed = parse(value)
        if isinstance(parsed, _Refused):
            raise CellError(parsed.message)
        return parsed

    @staticmethod
    def _m2m(plan: RowPlan, name: str, objects: list[Any]) -> None:
        if objects:
            plan.values[name] = objects

    def parse_extra(self, plan: RowPlan, name: str, value: Any) -> None:
        """Hook: fields beyond the person's own."""

    # ------------------------------------------------------------------ planning

    def plan_chunks(
        self, progress: Callable[[int], None] | None = None
    ) -> Iterator[list[RowPlan]]:
        """Plan the file a chunk at a time (one pass over the table).

        The commit writes each chunk before asking for the next; matching and
        the new-tag notes still see the database as it was at the start.
        """
        self._start()
        done = 0
        rows = self.table.iter_rows()
        while chunk := list(islice(rows, CHUNK)):
            plans = [self.parse_row(number, cells) for number, cells in chunk]
            self._validate_models(plans)
            self._match(plans)
            usable = [p for p in plans if p.action != Action.ERROR]
            for plan in usable:
                self._identify(plan, self._seen)
            usable = [p for p in usable if p.action != Action.SKIP]
            # Only the people whose rows go on are loaded (repeats are skipped).
            people = self._people({p.contact_id for p in usable if p.contact_id})
            for plan in usable:
                if plan.contact_id:
                    plan.contact = people.get(plan.contact_id)
                    if plan.contact is None:  # gone since it was found
                        plan.contact_id = None
            self._current = self._load_lists(people)
            self.prepare(plans)
            existing_tags = self._existing_tags(plans)
            for plan in usable:
                self._decide(plan, existing_tags)
            done += len(plans)
            yield plans
            if progress:
                progress(done)

    def plan(self, progress: Callable[[int], None] | None = None) -> list[RowPlan]:
        """Every row's plan at once (without writing anything)."""
        return [plan for plans in self.plan_chunks(progress) for plan in plans]

    def _start(self) -> None:
        # People added after this (by this import) are not matched against.
        self._last_pk = Contact.objects.aggregate(last=Max("pk"))["last"] or 0
        self._originals = _Originals()
        self._created_tags: set[str] = set()
        self._name_index: OrderedDict[str, dict[NameKey, int]] = OrderedDict()
        self._name_index_size = 0
        self._seen: dict[str, dict[Any, int]] = {
            "email": {},
            "phone": {},
            "name": {},
            "contact": {},
        }

    def _validate_models(self, plans: Iterable[RowPlan]) -> None:
        # Field validators (ZIP format, lengths) as Model.clean_fields() runs
        # them, without touching the database. Related rows came from the
        # vocabulary, so they exist: their checks are skipped.
        for plan in plans:
            if plan.action == Action.ERROR:
                continue
            values = plan.values
            for model_field in _SCALAR_FIELDS:
                name = model_field.name
                if name not in values:
                    continue
                value = values[name]
                if model_field.blank and value in model_field.empty_values:
                    continue
                try:
                    if name == "email":
                        _check_parsed_email(model_field, value)
                    else:
                        model_field.clean(value, None)
                except ValidationError as exc:
                    plan.fail(
                        self.texts["column"]
                        % {
                            "column": self._column_for(name),
                            "problem": " ".join(exc.messages),
                        }
                    )

    def _column_for(self, name: str) -> str:
        for index, _header, mapped in self.columns:
            if mapped == name:
                return self.table.column_name(index)
        return name

    def _live(self) -> QuerySet[Contact]:
        live = Contact.objects.filter(merged_into__isnull=True, pk__lte=self._last_pk)
        return live.select_for_update() if self.lock else live

    def _match(self, plans: list[RowPlan]) -> None:
        """Find each row's person: by email, else phone, else name and ZIP code."""
        texts = self.texts
        by_email = self._first_with("email", {p.values.get("email") for p in plans})
        by_phone = self._first_with("phone", {p.values.get("phone") for p in plans})
        chosen: list[tuple[RowPlan, int, str]] = []
        unmatched = []
        for plan in plans:
            values = plan.values
            if values.get("email") in by_email:
                chosen.append((plan, by_email[values["email"]], texts["by email"]))
            elif values.get("phone") in by_phone:
                chosen.append((plan, by_phone[values["phone"]], texts["by phone"]))
            else:
                unmatched.append(plan)
        keys: dict[NameKey, list[RowPlan]] = {}
        for plan in unmatched:
            key = _key_name(
                plan.values.get("first_name", ""),
                plan.values.get("last_name", ""),
                plan.values.get("zip_code", ""),
            )
            if key:
                keys.setdefault(key, []).append(plan)
        for key, pk in self._first_by_name(set(keys)).items():
            chosen.extend((plan, pk, texts["by name"]) for plan in keys[key])
        for plan, pk, how in chosen:
            plan.contact_id = pk
            plan.extra["matched_by"] = how

    def _first_with(self, field_name: str, values: set[Any]) -> dict[str, int]:
        """{email or phone: the first live person (lowest id) with it}."""
        wanted = {v for v in values if v}
        first: dict[str, int] = {}
        if not wanted:
            return first
        originals = self._originals
        live = Contact.objects.filter(merged_into__isnull=True, pk__lte=self._last_pk)
        recheck = []
        for chunk in _chunks(sorted(wanted)):
            lowest = (
                live.filter(**{f"{field_name}__in": chunk})
                .order_by()
                .values(field_name)
                .annotate(first=Min("pk"))
                .values_list(field_name, "first")
            )
            for value, pk in lowest:
                if pk in originals.keys:
                    recheck.append(value)
                else:
                    first[value] = pk
        # Where the lowest id is someone this import changed, the next may do.
        for chunk in _chunks(recheck):
            people = live.filter(**{f"{field_name}__in": chunk}).order_by("pk")
            for pk, value in people.values_list("pk", field_name):
                if pk not in originals.keys:
                    first.setdefault(value, pk)
        # People this import changed are matched on what they had before it.
        for value in wanted:
            for pk in originals.by[field_name].get(value, ()):
                if value not in first or pk < first[value]:
                    first[value] = pk
        return first

    def _people(self, pks: set[int]) -> dict[int, Contact]:
        """The matched people, with the fields planning reads (people gone since
        are left out). In a commit they stay locked until it ends."""
        if not pks:
            return {}
        if self.lock:  # a commit: whole rows, as the history entries need them
            return self._live().in_bulk(pks)
        return self._live().only(*self.planning_fields).in_bulk(pks)

    def _first_by_name(self, keys: set[NameKey]) -> dict[NameKey, int]:
        """{name key: the first live person (lowest id) with that name and ZIP}."""
        pks: dict[NameKey, int] = {}
        for zip_code in sorted({key[2] for key in keys}):
            index = self._names_in(zip_code)
            for key in keys:
                if key[2] == zip_code and key in index:
                    pks[key] = index[key]
        return pks

    def _names_in(self, zip_code: str) -> dict[NameKey, int]:
        """{name key: lowest id} of the people in a ZIP code, as at the start."""
        index = self._name_index.get(zip_code)
        if index is not None:
            self._name_index.move_to_end(zip_code)
            return index
        index = {}
        originals = self._originals
        live = Contact.objects.filter(merged_into__isnull=True, pk__lte=self._last_pk)
        # A range on the indexed column (digits only: the same in any collation)
        # holds every ZIP code that starts with these five digits.
        in_range = live.filter(zip_code__gte=zip_code)
        if zip_code != "99999":
            in_range = in_range.filter(zip_code__lt=f"{int(zip_code) + 1:05d}")
        rows = in_range.values_list("pk", "first_name", "last_name", "zip_code")
        moved = originals.by["zip"].get(zip_code, set())
        for pk, first, last, stored_zip in rows.iterator(chunk_size=2000):
            if pk in originals.keys:
                continue  # judged below, on what it had before this import
            key = _key_name(first, last, stored_zip)
            if key and key[2] == zip_code and (key not in index or pk < index[key]):
                index[key] = pk
        for pk in moved:
            key = originals.keys[pk][2]
            if key and (key not in index or pk < index[key]):
                index[key] = pk
        self._name_index[zip_code] = index
        self._name_index_size += len(index)
        while self._name_index_size > NAME_INDEX_LIMIT and len(self._name_index) > 1:
            _zip, dropped = self._name_index.popitem(last=False)
            self._name_index_size -= len(dropped)
        return index

    def _load_lists(self, contact_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        """The stored lists (languages, roles, tags, ...) the file can change, of
        some people: {person: {list: {id: (link row, tag name)}}}."""
        ids = sorted(set(contact_ids))
        if not ids or not self.m2m_needed:
            return {}
        current: dict[int, dict[str, Any]] = {
            contact_id: {name: {} for name in self.m2m_needed} for contact_id in ids
        }
        for name in self.m2m_needed:
            through: Any = getattr(Contact, name).through
            target = _target(name)
            columns = ["pk", "contact_id", f"{target}_id"]
            if name == "tags":
                columns.append("tag__name")
            for chunk in _chunks(ids):
                links = through.objects.filter(contact_id__in=chunk).values_list(
                    *columns
                )
                for link_pk, contact_id, target_id, *tag_name in links:
                    current[contact_id][name][target_id] = (
                        link_pk,
                        tag_name[0] if tag_name else None,
                    )
        return current

    def _existing_tags(self, plans: Iterable[RowPlan]) -> set[str]:
        names = {n for p in plans for n in p.values.get("tags", [])}
        found: set[str] = set()
        for chunk in _chunks(sorted(names)):
            found.update(
                Tag.objects.filter(name__in=chunk).values_list("name", flat=True)
            )
        return found - self._created_tags

    def _identify(self, plan: RowPlan, seen: dict[str, dict[Any, int]]) -> None:
        """Skip a row whose person an earlier row already stands for; else note
        how this row's person is known (email, phone, name and ZIP, id)."""
        values = plan.values
        name_key = _key_name(
            values.get("first_name", ""),
            values.get("last_name", ""),
            values.get("zip_code", ""),
        )
        identity: list[tuple[str, Any]] = [
            ("email", values.get("email")),
            ("phone", values.get("phone")),
            ("name", _seen_key(name_key) if name_key else None),
        ]
        if plan.contact_id is not None:
            identity.append(("contact", plan.contact_id))
        for kind, key in identity:
            if key and key in seen[kind]:
                plan.action = Action.SKIP
                plan.messages.append(
                    self.texts["same person"] % {"row": seen[kind][key]}
                )
                return
        for kind, key in identity:
            if key:
                seen[kind][key] = plan.row_number

    def _decide(self, plan: RowPlan, existing_tags: set[str]) -> None:
        """What a row that goes on does: create, update or nothing to change."""
        values, texts = plan.values, self.texts
        plan.new_tags = [n for n in values.get("tags", []) if n not in existing_tags]
        if plan.contact is None:
            plan.action = Action.CREATE
            plan.messages.append(texts["new person"])
        else:
            plan.changes = self._changes(plan.contact, values)
            matched = texts["matched"] % {
                "name": plan.contact.display_name,
                "how": plan.extra.get("matched_by", ""),
            }
            plan.messages.append(matched)
            if plan.changes:
                plan.action = Action.UPDATE
                plan.messages.append(
                    texts["changes"] % {"fields": ", ".join(sorted(plan.changes))}
                )
            else:
                plan.action = Action.SKIP
                plan.messages.append(texts["up to date"])
        if plan.new_tags:
            plan.messages.append(texts["new tags"] % {"tags": ", ".join(plan.new_tags)})
        self.decide_extra(plan)

    def _changes(self, contact: Contact, values: dict[str, Any]) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        m2m_current = self.current_m2m(contact)
        for name, value in values.items():
            if name in M2M_FIELDS:
                current = m2m_current.get(name, set())
                wanted = (
                    set(value)
                    if name == "tags"
                    else {getattr(v, "pk", v) for v in value}
                )
                if name in UNION_M2M:
                    if not wanted <= current:
                        changes[name] = value
                elif wanted != current and (self.overwrite or not current):
                    changes[name] = value
                continue
            model_field = _FIELDS[name]
            if model_field.is_relation:
                # Compared by id: the stored row is not loaded.
                stored = getattr(contact, model_field.attname)
                value_id = getattr(value, "pk", value)
                same = stored == value_id
            else:
                stored = getattr(contact, name)
                same = stored == value
            if same:
                continue
            if self.overwrite or stored in (None, "", False):
                changes[name] = value
        return changes

    def current_m2m(self, contact: Contact) -> dict[str, set[Any]]:
        """The person's lists as stored (ids; tag names), loaded per chunk."""
        if not self.m2m_needed:
            return {}
        if contact.pk not in self._current:
            self._current.update(self._load_lists([contact.pk]))
        loaded = self._current[contact.pk]
        return {
            name: (
                {tag for _link, tag in links.values()} if name == "tags" else set(links)
            )
            for name, links in loaded.items()
        }

    def prepare(self, plans: list[RowPlan]) -> None:
        """Hook: load what `decide_extra` needs in bulk (called per chunk)."""

    def decide_extra(self, plan: RowPlan) -> None:
        """Hook: decide the row's extra work (after the person's)."""

    # ------------------------------------------------------------------ applying

    def apply_chunk(self, plans: list[RowPlan], batch: ImportBatch) -> list[ImportRow]:
        """Carry out a chunk's plans (no errors among them): people are created
        and updated in bulk; returns the rows' outcomes, in order."""
        self._resolve_tags(plans)
        done: dict[int, ImportRow] = {}
        creates = [p for p in plans if p.action == Action.CREATE]
        for plan, row in self._create_many(creates, batch):
            done[plan.row_number] = row
        updates = [p for p in plans if p.action == Action.UPDATE and p.changes]
        for plan, row in self._update_many(updates, batch):
            done[plan.row_number] = row
        rows = [
            done.get(plan.row_number)
            or ImportRow(
                batch=batch,
                row_number=plan.row_number,
                action=plan.action,
                message=plan.message,
                contact_id=plan.contact_id,
            )
            for plan in plans
        ]
        self.apply_extra_all(plans, rows)
        return rows

    def _resolve_tags(self, plans: list[RowPlan]) -> None:
        names = sorted({n for p in plans for n in p.values.get("tags", [])})
        if not names:
            return
        tags: dict[str, Tag] = {}
        for chunk in _chunks(names):
            tags.update({t.name: t for t in Tag.objects.filter(name__in=chunk)})
        missing = [n for n in names if n not in tags]
        if missing:
            Tag.objects.bulk_create(
                [Tag(name=n) for n in missing], ignore_conflicts=True, batch_size=CHUNK
            )
            self._created_tags.update(missing)
            for chunk in _chunks(missing):
                tags.update({t.name: t for t in Tag.objects.filter(name__in=chunk)})
        for plan in plans:
            if "tags" in plan.values:
                plan.values["tags"] = [tags[n] for n in plan.values["tags"]]

    def _create_many(
        self, plans: Sequence[RowPlan], batch: ImportBatch
    ) -> list[tuple[RowPlan, ImportRow]]:
        if not plans:
            return []
        contacts = []
        lists: list[dict[str, list[Any]]] = []
        for plan in plans:
            values = dict(plan.values)
            self._defaults_for_new(values)
            m2m = {k: values.pop(k) for k in M2M_FIELDS if k in values}
            _reconcile_new(values, m2m)
            contacts.append(Contact(created_by=self.user, **values))
            lists.append(m2m)
        ids = bulk.reserve_ids(Contact, len(contacts))
        if ids is None:  # a database that cannot hand out ids in advance
            created = bulk_create_with_history(
                contacts, Contact, batch_size=CHUNK, default_user=self.user
            )
        else:
            now = timezone.now()
            for contact, pk in zip(contacts, ids, strict=True):
                contact.pk = pk
            # Each person's race/ethnicity mask written with them: the links'
            # triggers then find it right and write nothing (see RaceMask).
            masks = [
                race_mask(obj.pk for obj in m2m.get("race_categories", []))
                for m2m in lists
            ]
            bulk.insert_objects(
                Contact, contacts, now=now, undeclared={RACE_MASK_COLUMN: masks}
            )
            for contact in contacts:
                contact._state.adding = False
                contact._state.db = connection.alias
            _write_history(contacts, "+", now, self.user)
            created = contacts
        for name in M2M_FIELDS:
            _link(
                name,
                (
                    (contact.pk, obj.pk)
                    for contact, m2m in zip(created, lists, strict=True)
                    for obj in m2m.get(name, [])
                ),
            )
        people_changed(contact.pk for contact in created)
        result = []
        for plan, contact in zip(plans, created, strict=True):
            plan.contact, plan.contact_id = contact, contact.pk
            row = ImportRow(
                batch=batch,
                row_number=plan.row_number,
                action=plan.action,
                message=plan.message,
                contact=contact,
                created_contact=True,
            )
            result.append((plan, row))
        return result

    def _update_many(
        self, plans: Sequence[RowPlan], batch: ImportBatch
    ) -> list[tuple[RowPlan, ImportRow]]:
        """What `services.update_contact` does for each person, in bulk.

        Each person's stored values (and lists) are kept on the row for undo;
        their version goes up and their history gets one entry.
        """
        if not plans:
            return []
        # The history entry needs every field (a commit has them all already).
        partial = [
            p.contact.pk for p in plans if p.contact and p.contact.get_deferred_fields()
        ]
        if partial:
            full = Contact.objects.in_bulk(partial)
            for plan in plans:
                assert plan.contact is not None  # noqa: S101
                plan.contact = full.get(plan.contact.pk, plan.contact)
        now = timezone.now()
        by_fields: dict[tuple[str, ...], list[Contact]] = defaultdict(list)
        unlink: dict[str, list[int]] = defaultdict(list)
        link: dict[str, list[tuple[int, int]]] = defaultdict(list)
        result = []
        for plan in plans:
            contact = plan.contact
            assert contact is not None  # noqa: S101
            stored = self._current.get(contact.pk, {})
            stored_ids = {name: set(links) for name, links in stored.items()}
            changes = {k: plan.values[k] for k in plan.changes}
            before = snapshot(contact, changes, m2m=stored_ids)
            for name in UNION_M2M:
                if name in changes:
                    current = stored_ids.get(name, set())
                    changes[name] = sorted(current) + [
                        v.pk for v in changes[name] if v.pk not in current
                    ]
            self._defaults_for_update(changes)
            scalars = {k: v for k, v in changes.items() if k not in M2M_FIELDS}
            m2m = {k: _ids(v) for k, v in changes.items() if k in M2M_FIELDS}
            reconcile_update(contact, scalars, m2m, stored_ids, self.group_category)
            if any(k in scalars for k in KEY_FIELDS):
                self._originals.remember(contact)
            for key, value in scalars.items():
                setattr(contact, key, value)
            contact.version += 1
            contact.updated_at = now
            by_fields[(*sorted(scalars), "version", "updated_at")].append(contact)
            for name, wanted in m2m.items():
                links = stored.get(name, {})
                unlink[name].extend(
                    link_pk
                    for target_id, (link_pk, _tag) in links.items()
                    if target_id not in wanted
                )
                link[name].extend(
                    (contact.pk, target_id)
                    for target_id in dict.fromkeys(wanted)
                    if target_id not in links
                )
            row = ImportRow(
                batch=batch,
                row_number=plan.row_number,
                action=plan.action,
                message=plan.message,
                contact=contact,
                before=before,
            )
            result.append((plan, row))
        for fields, contacts in by_fields.items():
            bulk.update(
                Contact,
                fields,
                (
                    [getattr(c, _FIELDS[n].attname) for n in fields] + [c.pk]
                    for c in contacts
                ),
            )
        updated = [contact for contacts in by_fields.values() for contact in contacts]
        _write_history(updated, "~", now, self.user)
        for name in M2M_FIELDS:
            through: Any = getattr(Contact, name).through
            for chunk in _chunks(unlink.get(name, [])):
                through.objects.filter(pk__in=chunk).delete()
            _link(name, link.get(name, []))
        people_changed(contact.pk for contact in updated)
        return result

    def apply_extra_all(self, plans: list[RowPlan], rows: list[ImportRow]) -> None:
        """Hook: the rows' extra work, a chunk at a time (rows have their people)."""
        for plan, row in zip(plans, rows, strict=True):
            self.apply_extra(plan, row)

    @staticmethod
    def _defaults_for_new(values: dict[str, Any]) -> None:
        if any(
            values.get(f) for f in ("consent_email", "consent_sms", "consent_phone")
        ):
            values.setdefault("consent_source", Contact.ConsentSource.IMPORT)
        if any(
            values.get(f) for f in ("race_categories", "race_groups", "race_write_in")
        ) or values.get("race_ethnicity_status") not in (None, ""):
            values.setdefault("self_id_source", Contact.SelfIdSource.IMPORT)

    def _defaults_for_update(self, changes: dict[str, Any]) -> None:
        self._defaults_for_new(changes)

    def apply_extra(self, plan: RowPlan, row: ImportRow) -> None:
        """Hook: carry out the row's extra work (row.contact is set)."""


def _write_history(
    contacts: Sequence[Contact], kind: str, when: datetime, user: User | None
) -> None:
    """One history entry per person ("+" created, "~" changed), as saving each
    would record it (lists are not copied into the history, as with bulk_create)."""
    history: Any = Contact.history.model  # type: ignore[attr-defined]
    tracked = [f.attname for f in history.tracked_fields]
    user_id = user.pk if user is not None else None
    bulk.insert(
        history,
        [*tracked, "history_date", "history_type", "history_user_id"],
        ([getattr(c, a) for a in tracked] + [when, kind, user_id] for c in contacts),
    )


def _link(name: str, pairs: Iterable[tuple[int, int]]) -> None:
    """Add (person, other) rows to one of a person's lists."""
    through: Any = getattr(Contact, name).through
    bulk.insert(through, ["contact_id", f"{_target(name)}_id"], pairs)


def _check_parsed_email(model_field: Any, value: str) -> None:
    """The email field's checks but the address check, which parsing ran."""
    errors: list[ValidationError] = []
    for validator in model_field.validators:
        if validator is validate_email:
            continue
        try:
            validator(value)
        except ValidationError as exc:
            errors.extend(exc.error_list)
    if errors:
        raise ValidationError(errors)


def _texts() -> dict[str, str]:
    """The row messages, translated once per import (not once per row)."""
    return {
        "column": _("column %(column)s: %(problem)s"),
        "no first name": _("no first name"),
        "languages": _("languages"),
        "roles": _("roles"),
        "categories": _("race/ethnicity categories"),
        "groups": _("detailed groups"),
        "by email": _("email"),
        "by phone": _("phone"),
        "by name": _("name and ZIP"),
        "same person": _("same person as row %(row)s"),
        "new person": _("new person"),
        "matched": _("matched %(name)s by %(how)s"),
        "changes": _("changes: %(fields)s"),
        "up to date": _("already up to date"),
        "new tags": _("new tags: %(tags)s"),
    }


def _target(name: str) -> str:
    """The link table's column for the other side of a person's list."""
    return Contact._meta.get_field(name).m2m_reverse_field_name()  # type: ignore[union-attr, no-any-return]


def _ids(values: Iterable[Any]) -> list[int]:
    return [v.pk if hasattr(v, "pk") else int(v) for v in values or []]


def _reconcile_new(values: dict[str, Any], m2m: dict[str, list[Any]]) -> None:
    """Self-identification rules for a new person (as in contacts.services)."""
    categories = {c.pk: c for c in m2m.get("race_categories", [])}
    for group in m2m.get("race_groups", []):
        categories.setdefault(group.category_id, group.category_id)
    status = values.get("race_ethnicity_status") or Contact.SelfIdStatus.UNTRACKED
    if categories or values.get("race_write_in"):
        status = Contact.SelfIdStatus.REPORTED
    if status != Contact.SelfIdStatus.REPORTED:
        m2m.pop("race_categories", None)
        m2m.pop("race_groups", None)
        values["race_write_in"] = ""
    else:
        m2m["race_categories"] = [_Pk(pk) for pk in categories]
        values.setdefault("self_id_date", timezone.localdate())
    values["race_ethnicity_status"] = status


def reconcile_update(
    contact: Contact,
    scalars: dict[str, Any],
    m2m: dict[str, list[int]],
    stored: Mapping[str, set[int]],
    group_category: Mapping[int, int],
) -> None:
    """The self-identification rules `services.update_contact` applies to a
    stored person, given their stored categories and groups (no queries).

    A detailed group implies its category; any category, group or write-in means
    the person reported; "prefer not to say", "not asked" and "not yet tracked"
    carry none. What a change leaves out is kept as stored.
    """
    if not any(k in scalars or k in m2m for k in RACE_FIELDS):
        return
    selection_given = "race_categories" in m2m or "race_groups" in m2m
    if "race_groups" in m2m:
        group_ids = list(m2m["race_groups"])
    else:
        group_ids = sorted(stored.get("race_groups", set()))
    if "race_categories" in m2m:
        categories = set(m2m["race_categories"])
    else:
        categories = set(stored.get("race_categories", set()))
    categories |= {group_category[g] for g in group_ids if g in group_category}
    settle_self_identification(
        contact,
        scalars,
        m2m,
        categories=categories,
        group_ids=group_ids,
        selection_given=selection_given,
    )


class _Pk:
    """Something with a primary key, for bulk m2m links."""

    def __init__(self, pk: int) -> None:
        self.pk = pk


def snapshot(
    contact: Contact,
    names: Iterable[str],
    m2m: Mapping[str, Iterable[int]] | None = None,
) -> dict[str, Any]:
    """JSON-safe stored values of the given fields (m2m as id lists).

    `m2m` gives the stored lists' ids when they are loaded already.
    """
    before: dict[str, Any] = {}
    names = list(names)
    if any(name in RACE_FIELDS for name in names):
        # Self-identification is reconciled as a whole (a detailed group adds
        # its category): keep both lists so undo puts back exactly what was.
        names += [n for n in ("race_categories", "race_groups") if n not in names]
    for name in names:
        if name in M2M_FIELDS:
            if m2m is not None:
                before[name] = sorted(m2m.get(name, ()))
            else:
                before[name] = sorted(
                    getattr(contact, name).values_list("pk", flat=True)
                )
            continue
        model_field = Contact._meta.get_field(name)
        attname = getattr(model_field, "attname", name)
        value = getattr(contact, attname)
        if isinstance(value, date):
            value = value.isoformat()
        before[attname] = value
    # Derived fields that updates may change alongside.
    for derived in DERIVED_FIELDS:
        value = getattr(contact, derived)
        before.setdefault(
            derived, value.isoformat() if isinstance(value, date) else value
        )
    return before


def restore_values(before: dict[str, Any]) -> dict[str, Any]:
    """`snapshot()` output turned back into values `update_contact` accepts."""
    values: dict[str, Any] = {}
    for name, value in before.items():
        if name in M2M_FIELDS:
            values[name] = value
            continue
        field_obj = next(f for f in Contact._meta.concrete_fields if f.attname == name)
        if value and field_obj.get_internal_type() == "DateField":
            value = date.fromisoformat(value)
        values[name] = value
    return values


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


__all__ = [
    "ContactImporter",
    "ImportBlocked",
    "RowPlan",
    "reconcile_update",
    "restore_values",
    "snapshot",
]
