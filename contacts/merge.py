"""Merging two records of the same person into one.

Every record that points at the duplicate moves to the kept person. The moves
are found from the model graph (`Contact._meta.related_objects` and the
many-to-many fields), so a relation added later is moved too. Where moving would
break a uniqueness rule (both people attended the same event), the two rows are
combined into the kept person's row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from contacts.models import (
    Contact,
    DuplicateDismissal,
    ImportRow,
    MergeRecord,
)
from crm.audit import record_audit_event
from crm.changes import engagement_of_people_changed
from crm.models import AuditEvent, User

# Fields a person merging chooses between (the rest are bookkeeping).
MERGEABLE_FIELDS = (
    "first_name",
    "last_name",
    "preferred_name",
    "pronouns",
    "email",
    "phone",
    "street_address",
    "city",
    "state",
    "zip_code",
    "county",
    "legislative_district",
    "school_district",
    "preferred_language",
    "interpretation_needed",
    "owner",
    "birth_year",
    "consent_email",
    "consent_sms",
    "consent_phone",
    "consent_date",
    "consent_source",
    "race_ethnicity_status",
    "race_write_in",
    "self_id_source",
    "self_id_date",
    "gender",
    "age_band",
    "notes",
)
# Self-identification is taken as a whole from one side, never mixed.
SELF_ID_GROUP = (
    "race_ethnicity_status",
    "race_write_in",
    "self_id_source",
    "self_id_date",
)
SELF_ID_M2M = ("race_categories", "race_groups")

# Tables that describe the merge or the import history, not the person's story.
NOT_MOVED: tuple[type[models.Model], ...] = (MergeRecord, DuplicateDismissal, ImportRow)

# How to combine two rows that cannot both belong to the kept person:
# {model label: function(kept_row, duplicate_row)} -> updates kept_row in place.
Combiner = Callable[[models.Model, models.Model], None]
COMBINERS: dict[str, Combiner] = {}


class MergeError(Exception):
    """The two people cannot be merged; the message says why."""


def register_combiner(label: str) -> Callable[[Combiner], Combiner]:
    def decorator(func: Combiner) -> Combiner:
        COMBINERS[label] = func
        return func

    return decorator


def _json(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(contact: Contact) -> dict[str, Any]:
    """A JSON record of a person's fields and lists, for the audit trail."""
    data: dict[str, Any] = {}
    for field in Contact._meta.concrete_fields:
        data[field.attname] = _json(getattr(contact, field.attname))
    for field in Contact._meta.many_to_many:
        data[field.name] = sorted(
            getattr(contact, field.name).values_list("pk", flat=True)
        )
    return data


def _contact_foreign_keys(
    model: type[models.Model],
) -> list[models.ForeignKey[Any, Any]]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.related_model is Contact
    ]


def _unique_sets(model: type[models.Model], field_name: str) -> list[tuple[str, ...]]:
    """Field-name sets that must be unique together and include field_name."""
    sets: list[tuple[str, ...]] = []
    for constraint in model._meta.constraints:
        if (
            isinstance(constraint, models.UniqueConstraint)
            and field_name in constraint.fields
            and constraint.condition is None
        ):
            sets.append(tuple(constraint.fields))
    for together in model._meta.unique_together:
        if field_name in together:
            sets.append(tuple(together))
    field = model._meta.get_field(field_name)
    if getattr(field, "unique", False):
        sets.append((field_name,))
    return sets


def _repoint_references(old: models.Model, new: models.Model) -> None:
    """Make rows that point at `old` (e.g. a follow-up's attendance) point at `new`."""
    for rel in old._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete) or rel.many_to_many:
            continue
        related = rel.related_model
        if not isinstance(related, type) or str(related._meta.model_name).startswith(
            "historical"
        ):
            continue  # the change history keeps what was true then
        field_name = rel.field.name  # type: ignore[union-attr]
        related._default_manager.filter(**{field_name: old}).update(**{field_name: new})


def _move_foreign_key(
    model: type[models.Model],
    field_name: str,
    keep: Contact,
    duplicate: Contact,
) -> int:
    manager = model._default_manager
    rows = manager.filter(**{field_name: duplicate})
    # A row tying the two people together would tie the kept person to themself.
    for other in _contact_foreign_keys(model):
        if other.name != field_name:
            rows.filter(**{other.name: keep}).delete()
    for fields in _unique_sets(model, field_name):
        others = [f for f in fields if f != field_name]
        attnames = [getattr(model._meta.get_field(f), "attname", f) for f in others]
        for row in rows.filter():
            lookup = {name: getattr(row, name) for name in attnames}
            clash = manager.filter(**{field_name: keep}, **lookup).first()
            if clash is None:
                continue
            combine = COMBINERS.get(model._meta.label)
            if combine is not None:
                combine(clash, row)
                clash.save()
            _repoint_references(row, clash)
            row.delete()
    return rows.update(**{field_name: keep})


def _move_many_to_many(
    field: models.ManyToManyField[Any, Any], keep: Contact, duplicate: Contact
) -> int:
    through: Any = field.remote_field.through  # type: ignore[attr-defined]
    source = field.m2m_field_name()
    target = field.m2m_reverse_field_name()
    rows = through._default_manager.filter(**{target: duplicate})
    already = set(
        through._default_manager.filter(**{target: keep}).values_list(
            f"{source}_id", flat=True
        )
    )
    rows.filter(**{f"{source}_id__in": already}).delete()
    return int(rows.update(**{target: keep}))


def related_counts(contact: Contact) -> dict[str, int]:
    """How many records of each kind point at a person (shown before merging)."""
    counts: dict[str, int] = {}
    for rel in Contact._meta.related_objects:
        model = rel.related_model
        if not isinstance(model, type) or model in NOT_MOVED:
            continue
        if rel.many_to_many:
            field = rel.field
            through = field.remote_field.through  # type: ignore[attr-defined]
            count = through._default_manager.filter(
                **{field.m2m_reverse_field_name(): contact}  # type: ignore[attr-defined]
            ).count()
        else:
            count = model._default_manager.filter(  # type: ignore[union-attr]
                **{rel.field.name: contact}
            ).count()
        if count:
            counts[str(model._meta.verbose_name_plural)] = (
                counts.get(str(model._meta.verbose_name_plural), 0) + count
            )
    return counts


@transaction.atomic
def merge_contacts(
    *,
    keep: Contact,
    duplicate: Contact,
    choices: Mapping[str, str] | None = None,
    merged_by: User | None,
) -> MergeRecord:
    """Fold `duplicate` into `keep`.

    `choices` maps a field name to "kept" or "merged": whose value to keep
    (default: the kept person's, or the duplicate's where the kept one is blank).
    Many-to-many lists (tags, languages, roles) are combined; self-identification
    is taken whole from the side chosen for `race_ethnicity_status`.
    """
    if keep.pk == duplicate.pk:
        raise MergeError(_("A person cannot be merged with themself."))
    keep = Contact.objects.select_for_update().get(pk=keep.pk)
    duplicate = Contact.objects.select_for_update().get(pk=duplicate.pk)
    if duplicate.merged_into_id or keep.merged_into_id:
        raise MergeError(_("One of these people has already been merged."))
    choices = dict(choices or {})
    unknown = set(choices) - set(MERGEABLE_FIELDS)
    if unknown:
        raise MergeError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    resolved: dict[str, str] = {}
    for name in MERGEABLE_FIELDS:
        field = Contact._meta.get_field(name)
        attname = getattr(field, "attname", name)
        kept_value = getattr(keep, attname)
        dup_value = getattr(duplicate, attname)
        side = choices.get(name)
        if side is None:
            side = (
                "merged"
                if kept_value in (None, "") and dup_value not in (None, "")
                else "kept"
            )
        resolved[name] = side
    self_id_side = choices.get("race_ethnicity_status") or (
        "merged"
        if keep.race_ethnicity_status == Contact.SelfIdStatus.UNTRACKED
        and duplicate.race_ethnicity_status != Contact.SelfIdStatus.UNTRACKED
        else "kept"
    )
    for name in SELF_ID_GROUP:
        resolved[name] = self_id_side

    record = MergeRecord(
        kept=keep,
        merged=duplicate,
        merged_by=merged_by,
        choices=resolved,
        kept_before=snapshot(keep),
        merged_before=snapshot(duplicate),
    )
    moved: dict[str, int] = {}

    # 1. Everything that points at the duplicate moves to the kept person.
    for rel in Contact._meta.related_objects:
        model = rel.related_model
        if not isinstance(model, type) or model in NOT_MOVED:
            continue
        key = f"{model._meta.label_lower}.{rel.field.name}"
        if rel.many_to_many:
            moved[key] = _move_many_to_many(rel.field, keep, duplicate)  # type: ignore[arg-type]
        elif model is Contact and rel.field.name == "merged_into":
            moved[key] = Contact.objects.filter(merged_into=duplicate).update(
                merged_into=keep
            )
        else:
            moved[key] = _move_foreign_key(model, rel.field.name, keep, duplicate)
    # Moved in bulk, past model signals: tell derived counts (crm.changes).
    engagement_of_people_changed([keep.pk, duplicate.pk])

    # 2. The person's own lists: combined, except self-identification.
    for field in Contact._meta.many_to_many:
        if field.name in SELF_ID_M2M:
            if self_id_side == "merged":
                getattr(keep, field.name).set(getattr(duplicate, field.name).all())
            continue
        getattr(keep, field.name).add(*getattr(duplicate, field.name).all())

    # 3. Chosen field values. The duplicate keeps its own values (the audit
    #    trail); being merged hides it from lists and import matching.
    update_fields = ["version", "updated_at"]
    for name, side in resolved.items():
        if side == "merged":
            field = Contact._meta.get_field(name)
            attname = getattr(field, "attname", name)
            setattr(keep, attname, getattr(duplicate, attname))
            update_fields.append(attname)
    keep.version = F("version") + 1  # type: ignore[assignment]
    keep._history_user = merged_by  # type: ignore[attr-defined]
    keep._change_reason = f"merged contact {duplicate.pk}"  # type: ignore[attr-defined]
    keep.save(update_fields=update_fields)
    keep.refresh_from_db()

    duplicate.merged_into = keep
    duplicate.version = F("version") + 1  # type: ignore[assignment]
    duplicate._history_user = merged_by  # type: ignore[attr-defined]
    duplicate._change_reason = f"merged into contact {keep.pk}"  # type: ignore[attr-defined]
    duplicate.save(update_fields=["merged_into", "version", "updated_at"])

    DuplicateDismissal.objects.filter(first=duplicate).delete()
    DuplicateDismissal.objects.filter(second=duplicate).delete()
    record.moved = {k: v for k, v in moved.items() if v}
    record.save()
    record_audit_event(
        actor=merged_by,
        action=AuditEvent.Action.MERGE,
        obj=keep,
        summary=f"Merged record {duplicate.pk} into {keep.pk}",
        details={"merged_id": duplicate.pk, "moved": record.moved},
    )
    return record


@transaction.atomic
def dismiss_duplicate(
    *, first: Contact, second: Contact, dismissed_by: User | None
) -> DuplicateDismissal:
    """Remember that two people are not the same person."""
    low, high = sorted((first, second), key=lambda c: c.pk)
    if low.pk == high.pk:
        raise MergeError(_("A person cannot be a duplicate of themself."))
    dismissal, _created = DuplicateDismissal.objects.get_or_create(
        first=low, second=high, defaults={"dismissed_by": dismissed_by}
    )
    return dismissal


def _combine_attendance(kept: Any, other: Any) -> None:
    """Both people were at the same event: keep one row with the fuller record."""
    order = ["attended", "registered", "no_show", "cancelled"]
    if order.index(other.status) < order.index(kept.status):
        kept.status = other.status
    leader_roles = {"host", "facilitator", "speaker", "testifier", "interpreter"}
    if other.role in leader_roles and kept.role not in leader_roles:
        kept.role = other.role
    if other.checked_in_at and (
        kept.checked_in_at is None or other.checked_in_at < kept.checked_in_at
    ):
        kept.checked_in_at = other.checked_in_at


COMBINERS["events.Attendance"] = _combine_attendance
