"""Writes to people and organizations, with their rules, in one place.

Forms, the API, imports and the admin all call these, so normalising, the
self-identification rules and the stale-edit check hold everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts.models import (
    Affiliation,
    Contact,
    Organization,
    RaceEthnicityGroup,
)
from contacts.normalize import normalize_email, normalize_phone
from crm.audit import record_audit_event
from crm.models import AuditEvent, User

CONTACT_M2M_FIELDS = (
    "other_languages",
    "roles",
    "tags",
    "race_categories",
    "race_groups",
)
SELF_ID_FIELDS = (
    "race_ethnicity_status",
    "race_categories",
    "race_groups",
    "race_write_in",
    "self_id_source",
    "self_id_date",
    "gender",
    "age_band",
)


class StaleEditError(Exception):
    """Someone else saved the record after this edit was started."""

    def __init__(self, changed_fields: list[str]) -> None:
        self.changed_fields = changed_fields
        super().__init__(
            _("Someone else changed this record while you were editing it.")
        )


def _split(fields: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    scalars = {k: v for k, v in fields.items() if k not in CONTACT_M2M_FIELDS}
    m2m = {k: v for k, v in fields.items() if k in CONTACT_M2M_FIELDS}
    return scalars, m2m


def _normalise_scalars(scalars: dict[str, Any]) -> None:
    if "email" in scalars:
        scalars["email"] = normalize_email(scalars["email"] or "")
    if "phone" in scalars:
        scalars["phone"] = normalize_phone(scalars["phone"] or "")
    for key in ("first_name", "last_name", "preferred_name", "zip_code"):
        if key in scalars and isinstance(scalars[key], str):
            scalars[key] = scalars[key].strip()


RACE_FIELDS = (
    "race_ethnicity_status",
    "race_categories",
    "race_groups",
    "race_write_in",
)


def _ids(values: Iterable[Any]) -> list[int]:
    return [v.pk if hasattr(v, "pk") else int(v) for v in values or []]


def _reconcile_self_identification(
    contact: Contact, scalars: dict[str, Any], m2m: dict[str, Any]
) -> None:
    """Keep the race/ethnicity status, categories and detailed groups consistent.

    A detailed group implies its minimum category (Hmong -> Asian). Choosing any
    category, group or write-in means the person reported; "prefer not to say",
    "not asked" and "not yet tracked" carry no categories. What a change leaves out
    is kept as stored: saving a phone or a gender never touches the answers.
    """
    if not any(k in scalars or k in m2m for k in RACE_FIELDS):
        return
    stored = contact.pk is not None
    selection_given = "race_categories" in m2m or "race_groups" in m2m
    if "race_groups" in m2m:
        group_ids = _ids(m2m["race_groups"])
    else:
        group_ids = (
            list(contact.race_groups.values_list("pk", flat=True)) if stored else []
        )
    if "race_categories" in m2m:
        categories = set(_ids(m2m["race_categories"]))
    else:
        categories = (
            set(contact.race_categories.values_list("pk", flat=True))
            if stored
            else set()
        )
    if group_ids:
        categories |= set(
            RaceEthnicityGroup.objects.filter(pk__in=group_ids).values_list(
                "category_id", flat=True
            )
        )
    settle_self_identification(
        contact,
        scalars,
        m2m,
        categories=categories,
        group_ids=group_ids,
        selection_given=selection_given,
    )


def settle_self_identification(
    contact: Contact,
    scalars: dict[str, Any],
    m2m: dict[str, Any],
    *,
    categories: set[int],
    group_ids: list[int],
    selection_given: bool,
) -> None:
    """Decide the reported status from the categories (groups' included), groups
    and write-in a change leaves, and write status, write-in and both lists
    into `scalars` and `m2m` (no queries; imports call it for many people)."""
    write_in = scalars.get("race_write_in", contact.race_write_in or "")
    status = scalars.get("race_ethnicity_status", contact.race_ethnicity_status)
    explicit_unreported = (
        "race_ethnicity_status" in scalars
        and status != Contact.SelfIdStatus.REPORTED
        and not selection_given
        and "race_write_in" not in scalars
    )
    if (categories or write_in) and not explicit_unreported:
        status = Contact.SelfIdStatus.REPORTED
    elif status == Contact.SelfIdStatus.REPORTED and not (categories or write_in):
        # Everything was unticked: nothing is reported any more.
        status = Contact.SelfIdStatus.UNTRACKED
    if status != Contact.SelfIdStatus.REPORTED:
        categories, group_ids, write_in = set(), [], ""
    scalars["race_ethnicity_status"] = status
    scalars["race_write_in"] = write_in
    m2m["race_categories"] = sorted(categories)
    m2m["race_groups"] = group_ids
    if status == Contact.SelfIdStatus.REPORTED and not scalars.get(
        "self_id_date", contact.self_id_date
    ):
        scalars["self_id_date"] = timezone.localdate()


def _set_m2m(contact: Contact, m2m: Mapping[str, Iterable[Any]]) -> None:
    for name, values in m2m.items():
        getattr(contact, name).set(list(values or []))


@transaction.atomic
def create_contact(*, created_by: User | None, **fields: Any) -> Contact:
    """Create a person from cleaned fields (m2m fields by objects or ids)."""
    scalars, m2m = _split(fields)
    _normalise_scalars(scalars)
    contact = Contact(created_by=created_by, **scalars)
    _reconcile_self_identification(contact, scalars, m2m)
    for key, value in scalars.items():
        setattr(contact, key, value)
    contact.full_clean(exclude=["created_by"])
    contact.save()
    _set_m2m(contact, m2m)
    return contact


def _changed_since(current: Contact, version: int) -> list[str] | None:
    """Fields someone else changed since `version` was read, from the history."""
    read = (
        current.history.filter(version=version)  # type: ignore[attr-defined]
        .order_by("-history_date")
        .first()
    )
    if read is None:
        return None
    return [
        field.name
        for field in Contact._meta.concrete_fields
        if field.name not in {"updated_at", "version"}
        and hasattr(read, field.attname)
        and getattr(read, field.attname) != getattr(current, field.attname)
    ]


def _differing_fields(current: Contact, submitted: Mapping[str, Any]) -> list[str]:
    """Fields whose stored value now differs from what the editor submitted."""
    differing = []
    for name, value in submitted.items():
        if name in CONTACT_M2M_FIELDS:
            continue
        field = Contact._meta.get_field(name)
        stored = getattr(current, getattr(field, "attname", name))
        if hasattr(value, "pk"):
            value = value.pk
        if (stored or None) != (value or None):
            differing.append(name)
    return differing


@transaction.atomic
def update_contact(
    *,
    contact: Contact,
    changes: Mapping[str, Any],
    updated_by: User | None,
    expected_version: int | None = None,
) -> Contact:
    """Apply changes; refuse with StaleEditError if the record moved on since read."""
    current = Contact.objects.select_for_update().get(pk=contact.pk)
    scalars, m2m = _split(changes)
    _normalise_scalars(scalars)
    if expected_version is not None and current.version != expected_version:
        changed = _changed_since(current, expected_version)
        if changed is None:
            changed = _differing_fields(current, scalars)
        raise StaleEditError(changed)
    _reconcile_self_identification(current, scalars, m2m)
    for key, value in scalars.items():
        setattr(current, key, value)
    current.full_clean(exclude=["created_by", "owner", "merged_into"])
    current.version = F("version") + 1
    current._history_user = updated_by  # type: ignore[attr-defined]
    current.save()
    current.refresh_from_db(fields=["version"])
    _set_m2m(current, m2m)
    return current


@transaction.atomic
def archive_contact(*, contact: Contact, archived_by: User | None) -> Contact:
    """Archive (the product's "delete"): hidden from lists, kept for counts."""
    if contact.archived_at is None:
        contact.archived_at = timezone.now()
        contact.version = F("version") + 1  # type: ignore[assignment]
        contact._history_user = archived_by  # type: ignore[attr-defined]
        contact.save(update_fields=["archived_at", "version", "updated_at"])
        contact.refresh_from_db(fields=["version"])
        record_audit_event(
            actor=archived_by, action=AuditEvent.Action.ARCHIVE, obj=contact
        )
    return contact


@transaction.atomic
def restore_contact(*, contact: Contact, restored_by: User | None) -> Contact:
    """Bring an archived person back."""
    if contact.archived_at is not None:
        contact.archived_at = None
        contact.version = F("version") + 1  # type: ignore[assignment]
        contact._history_user = restored_by  # type: ignore[attr-defined]
        contact.save(update_fields=["archived_at", "version", "updated_at"])
        contact.refresh_from_db(fields=["version"])
        record_audit_event(
            actor=restored_by, action=AuditEvent.Action.RESTORE, obj=contact
        )
    return contact


@transaction.atomic
def set_organization_archived(
    *, organization: Organization, archived: bool
) -> Organization:
    """Archive or restore an organization."""
    organization.is_archived = archived
    organization.save(update_fields=["is_archived", "updated_at"])
    return organization


@transaction.atomic
def end_affiliation(*, affiliation: Affiliation) -> Affiliation:
    """Mark an affiliation as ended today."""
    if affiliation.end_date is None:
        affiliation.end_date = timezone.localdate()
        affiliation.full_clean()
        affiliation.save(update_fields=["end_date"])
    return affiliation
