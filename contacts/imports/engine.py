"""Turn a table into a plan (one decision per row) and carry the plan out.

The same engine runs the preview and the commit: the commit plans again from the
file inside one transaction, so what is written is what the data says at that
moment, and any error leaves the database untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from contacts import services
from contacts.imports.fields import (
    CONTACT_FIELDS,
    SCALAR_PARSERS,
    CellError,
    FieldSpec,
    Vocabulary,
    parse_list,
)
from contacts.models import Contact, ImportBatch, ImportRow, Tag
from contacts.spreadsheets import Table
from crm.changes import people_changed
from crm.models import User

Action = ImportRow.Action
M2M_FIELDS = ("other_languages", "roles", "tags", "race_categories", "race_groups")
# Imports add to these lists; they never take anything away.
UNION_M2M = ("other_languages", "roles", "tags")
CHUNK = 500
PROGRESS_EVERY = 500


class ImportBlocked(Exception):
    """The batch cannot be committed or undone; the message says why."""


@dataclass
class RowPlan:
    row_number: int
    action: str = Action.CREATE
    messages: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    contact: Contact | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    new_tags: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        return "; ".join(self.messages)

    def fail(self, message: str) -> None:
        self.action = Action.ERROR
        self.messages.append(message)


def _key_name(first: str, last: str, zip_code: str) -> tuple[str, str, str] | None:
    if first and last and zip_code:
        return (first.casefold(), last.casefold(), zip_code[:5])
    return None


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
        self.vocab = Vocabulary()
        self.columns: list[tuple[int, str, str]] = []  # (index, header, field)
        for index, header in enumerate(table.headers):
            name = self.mapping.get(header)
            if name:
                self.columns.append((index, header, name))

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
                    _("column %(column)s: %(problem)s")
                    % {"column": self.table.column_name(index), "problem": exc}
                )
        values = plan.values
        full = values.pop("full_name", "")
        if full and not values.get("first_name"):
            first, _sep, last = full.partition(" ")
            values["first_name"] = first
            values.setdefault("last_name", last.strip())
        if plan.action != Action.ERROR and not values.get("first_name"):
            plan.fail(_("no first name"))
        return plan

    def parse_cell(self, plan: RowPlan, name: str, value: Any) -> None:
        vocab = self.vocab
        if name in SCALAR_PARSERS:
            parsed = SCALAR_PARSERS[name](value)
            if parsed not in (None, ""):
                plan.values[name] = parsed
        elif name == "county":
            if (county := vocab.county(value)) is not None:
                plan.values["county"] = county
        elif name == "preferred_language":
            if (lang := vocab.language(value)) is not None:
                plan.values["preferred_language"] = lang
        elif name == "other_languages":
            self._m2m(plan, name, vocab.many(vocab.languages, value, _("languages")))
        elif name == "roles":
            self._m2m(plan, name, vocab.many(vocab.roles, value, _("roles")))
        elif name == "race_categories":
            self._m2m(
                plan,
                name,
                vocab.many(vocab.categories, value, _("race/ethnicity categories")),
            )
        elif name == "race_groups":
            self._m2m(plan, name, vocab.many(vocab.groups, value, _("detailed groups")))
        elif name == "tags":
            names = [t[:64] for t in parse_list(value)]
            if names:
                plan.values["tags"] = names
        else:
            self.parse_extra(plan, name, value)

    @staticmethod
    def _m2m(plan: RowPlan, name: str, objects: list[Any]) -> None:
        if objects:
            plan.values[name] = objects

    def parse_extra(self, plan: RowPlan, name: str, value: Any) -> None:
        """Hook: fields beyond the person's own."""

    # ------------------------------------------------------------------ planning

    def plan(self, progress: Callable[[int], None] | None = None) -> list[RowPlan]:
        plans: list[RowPlan] = []
        for number, cells in self.table.rows:
            plans.append(self.parse_row(number, cells))
            if progress and len(plans) % PROGRESS_EVERY == 0:
                progress(len(plans) // 2)
        self._validate_models(plans)
        self._match(plans)
        self.prepare(plans)
        existing_tags = self._existing_tags(plans)
        seen: dict[tuple[str, Any], int] = {}
        for index, plan in enumerate(plans, start=1):
            if plan.action != Action.ERROR:
                self._decide(plan, seen, existing_tags)
            if progress and index % PROGRESS_EVERY == 0:
                progress(len(plans) // 2 + index // 2)
        return plans

    def _validate_models(self, plans: Iterable[RowPlan]) -> None:
        # Field validators (ZIP format, lengths) without touching the database.
        # Related rows came from the vocabulary, so they exist: skip their checks.
        scalar_names = {
            f.name for f in Contact._meta.concrete_fields if not f.is_relation
        }
        for plan in plans:
            if plan.action == Action.ERROR:
                continue
            scalars = {k: v for k, v in plan.values.items() if k in scalar_names}
            try:
                Contact(**scalars).clean_fields(
                    exclude=[n for n in scalar_names if n not in scalars]
                )
            except ValidationError as exc:
                for name, errors in exc.message_dict.items():
                    plan.fail(
                        _("column %(column)s: %(problem)s")
                        % {
                            "column": self._column_for(name),
                            "problem": " ".join(errors),
                        }
                    )

    def _column_for(self, name: str) -> str:
        for index, _header, mapped in self.columns:
            if mapped == name:
                return self.table.column_name(index)
        return name

    def _match(self, plans: list[RowPlan]) -> None:
        live = Contact.objects.filter(merged_into__isnull=True).select_related(
            "county", "preferred_language"
        )
        emails = {p.values["email"] for p in plans if p.values.get("email")}
        phones = {p.values["phone"] for p in plans if p.values.get("phone")}
        by_email: dict[str, Contact] = {}
        by_phone: dict[str, Contact] = {}
        for chunk in _chunks(sorted(emails)):
            for contact in live.filter(email__in=chunk).order_by("id"):
                by_email.setdefault(contact.email, contact)
        for chunk in _chunks(sorted(phones)):
            for contact in live.filter(phone__in=chunk).order_by("id"):
                by_phone.setdefault(contact.phone, contact)
        unmatched = []
        for plan in plans:
            values = plan.values
            if values.get("email") in by_email:
                plan.contact = by_email[values["email"]]
                plan.extra["matched_by"] = _("email")
            elif values.get("phone") in by_phone:
                plan.contact = by_phone[values["phone"]]
                plan.extra["matched_by"] = _("phone")
            else:
                unmatched.append(plan)
        keys: dict[tuple[str, str, str], list[RowPlan]] = {}
        for plan in unmatched:
            key = _key_name(
                plan.values.get("first_name", ""),
                plan.values.get("last_name", ""),
                plan.values.get("zip_code", ""),
            )
            if key:
                keys.setdefault(key, []).append(plan)
        for chunk in _chunks(sorted(keys)):
            query = Q()
            for first, last, zip_code in chunk:
                query |= Q(
                    first_name__iexact=first,
                    last_name__iexact=last,
                    zip_code__startswith=zip_code,
                )
            for contact in live.filter(query).order_by("id"):
                key = _key_name(contact.first_name, contact.last_name, contact.zip_code)
                for plan in keys.pop(key, []) if key else []:
                    plan.contact = contact
                    plan.extra["matched_by"] = _("name and ZIP")

    def _existing_tags(self, plans: Iterable[RowPlan]) -> dict[str, Tag]:
        names = {n for p in plans for n in p.values.get("tags", [])}
        found: dict[str, Tag] = {}
        for chunk in _chunks(sorted(names)):
            for tag in Tag.objects.filter(name__in=chunk):
                found[tag.name] = tag
        return found

    def _decide(
        self,
        plan: RowPlan,
        seen: dict[tuple[str, Any], int],
        existing_tags: dict[str, Tag],
    ) -> None:
        values = plan.values
        identity = [
            ("email", values.get("email")),
            ("phone", values.get("phone")),
            (
                "name",
                _key_name(
                    values.get("first_name", ""),
                    values.get("last_name", ""),
                    values.get("zip_code", ""),
                ),
            ),
        ]
        if plan.contact is not None:
            identity.append(("contact", plan.contact.pk))
        for key in identity:
            if key[1] and key in seen:
                plan.action = Action.SKIP
                plan.messages.append(
                    _("same person as row %(row)s") % {"row": seen[key]}
                )
                return
        for key in identity:
            if key[1]:
                seen[key] = plan.row_number
        plan.new_tags = [n for n in values.get("tags", []) if n not in existing_tags]
        if plan.contact is None:
            plan.action = Action.CREATE
            plan.messages.append(_("new person"))
        else:
            plan.changes = self._changes(plan.contact, values)
            matched = _("matched %(name)s by %(how)s") % {
                "name": plan.contact.display_name,
                "how": plan.extra.get("matched_by", ""),
            }
            plan.messages.append(matched)
            if plan.changes:
                plan.action = Action.UPDATE
                plan.messages.append(
                    _("changes: %(fields)s")
                    % {"fields": ", ".join(sorted(plan.changes))}
                )
            else:
                plan.action = Action.SKIP
                plan.messages.append(_("already up to date"))
        if plan.new_tags:
            plan.messages.append(
                _("new tags: %(tags)s") % {"tags": ", ".join(plan.new_tags)}
            )
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
            stored = getattr(contact, name)
            if stored == value:
                continue
            if self.overwrite or stored in (None, "", False):
                changes[name] = value
        return changes

    def current_m2m(self, contact: Contact) -> dict[str, set[Any]]:
        # Rows that update are few compared with rows that create; one query
        # per field for a matched person is acceptable here.
        return {
            "other_languages": set(
                contact.other_languages.values_list("pk", flat=True)
            ),
            "roles": set(contact.roles.values_list("pk", flat=True)),
            "tags": set(contact.tags.values_list("name", flat=True)),
            "race_categories": set(
                contact.race_categories.values_list("pk", flat=True)
            ),
            "race_groups": set(contact.race_groups.values_list("pk", flat=True)),
        }

    def prepare(self, plans: list[RowPlan]) -> None:
        """Hook: load what `decide_extra` needs in bulk."""

    def decide_extra(self, plan: RowPlan) -> None:
        """Hook: decide the row's extra work (after the person's)."""

    # ------------------------------------------------------------------ applying

    def apply_all(self, plans: list[RowPlan], batch: ImportBatch) -> list[ImportRow]:
        """Carry out every plan; new people are written in bulk (100,000 rows)."""
        self._resolve_tags(plans)
        rows: list[ImportRow] = []
        creates = [p for p in plans if p.action == Action.CREATE]
        by_number: dict[int, ImportRow] = {}
        for start in range(0, len(creates), CHUNK):
            for plan, row in self._create_many(creates[start : start + CHUNK], batch):
                by_number[plan.row_number] = row
        for plan in plans:
            row = by_number.get(plan.row_number) or self.apply(plan, batch)
            rows.append(row)
        self.apply_extra_all(plans, rows)
        return rows

    def _resolve_tags(self, plans: list[RowPlan]) -> None:
        names = sorted({n for p in plans for n in p.values.get("tags", [])})
        Tag.objects.bulk_create(
            [Tag(name=n) for n in names], ignore_conflicts=True, batch_size=CHUNK
        )
        tags: dict[str, Tag] = {}
        for chunk in _chunks(names):
            tags.update({t.name: t for t in Tag.objects.filter(name__in=chunk)})
        for plan in plans:
            if "tags" in plan.values:
                plan.values["tags"] = [tags[n] for n in plan.values["tags"]]

    def _create_many(
        self, plans: Sequence[RowPlan], batch: ImportBatch
    ) -> list[tuple[RowPlan, ImportRow]]:
        contacts = []
        lists: list[dict[str, list[Any]]] = []
        for plan in plans:
            values = dict(plan.values)
            self._defaults_for_new(values)
            m2m = {k: values.pop(k) for k in M2M_FIELDS if k in values}
            _reconcile_new(values, m2m)
            contacts.append(Contact(created_by=self.user, **values))
            lists.append(m2m)
        created = bulk_create_with_history(
            contacts, Contact, batch_size=CHUNK, default_user=self.user
        )
        for name in M2M_FIELDS:
            through: Any = getattr(Contact, name).through
            target = Contact._meta.get_field(name).m2m_reverse_field_name()  # type: ignore[union-attr]
            links = [
                through(contact_id=contact.pk, **{f"{target}_id": obj.pk})
                for contact, m2m in zip(created, lists, strict=True)
                for obj in m2m.get(name, [])
            ]
            through.objects.bulk_create(links, batch_size=CHUNK)
        people_changed(contact.pk for contact in created)
        result = []
        for plan, contact in zip(plans, created, strict=True):
            plan.contact = contact
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

    def apply_extra_all(self, plans: list[RowPlan], rows: list[ImportRow]) -> None:
        """Hook: the rows' extra work, all at once (rows have their people)."""
        for plan, row in zip(plans, rows, strict=True):
            self.apply_extra(plan, row)

    def apply(self, plan: RowPlan, batch: ImportBatch) -> ImportRow:
        row = ImportRow(
            batch=batch,
            row_number=plan.row_number,
            action=plan.action,
            message=plan.message,
        )
        values = dict(plan.values)
        if "tags" in values:
            values["tags"] = [
                Tag.objects.get_or_create(name=n)[0] for n in values["tags"]
            ]
        if plan.action == Action.CREATE:
            self._defaults_for_new(values)
            plan.contact = services.create_contact(created_by=self.user, **values)
            row.created_contact = True
        elif plan.action == Action.UPDATE and plan.changes:
            assert plan.contact is not None  # noqa: S101
            changes = {k: values[k] for k in plan.changes}
            row.before = snapshot(plan.contact, changes)
            for name in UNION_M2M:
                if name in changes:
                    current = list(getattr(plan.contact, name).all())
                    changes[name] = current + [
                        v for v in changes[name] if v not in current
                    ]
            self._defaults_for_update(changes)
            plan.contact = services.update_contact(
                contact=plan.contact, changes=changes, updated_by=self.user
            )
        row.contact = plan.contact
        return row

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


class _Pk:
    """Something with a primary key, for bulk m2m links."""

    def __init__(self, pk: int) -> None:
        self.pk = pk


def snapshot(contact: Contact, names: Iterable[str]) -> dict[str, Any]:
    """JSON-safe stored values of the given fields (m2m as id lists)."""
    before: dict[str, Any] = {}
    for name in names:
        if name in M2M_FIELDS:
            before[name] = sorted(getattr(contact, name).values_list("pk", flat=True))
            continue
        model_field = Contact._meta.get_field(name)
        attname = getattr(model_field, "attname", name)
        value = getattr(contact, attname)
        if isinstance(value, date):
            value = value.isoformat()
        before[attname] = value
    # Derived fields that updates may change alongside.
    for derived in (
        "race_ethnicity_status",
        "self_id_source",
        "self_id_date",
        "consent_source",
    ):
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
    "restore_values",
    "snapshot",
]
