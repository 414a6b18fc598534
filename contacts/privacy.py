"""A person's rights over their data: a full access report, and erasure.

Access report: everything stored about one person, and everything linked to
them, as JSON or an XLSX workbook. Generating one is recorded in the audit log.

Erasure anonymises the person everywhere and keeps the anonymous counts:

- the person's row stays (so attendance, outreach and representation counts do not
  change) but their names, email, phone, street address, city, ZIP, birth year,
  pronouns, notes, free-text self-description (race/ethnicity write-in, gender)
  and consent are wiped, and their tags are removed;
- kept, because they are categories counted in reports and identify no one on
  their own: county, legislative district, school district, languages,
  interpretation need, community roles, race/ethnicity status, categories and
  detailed groups, age band, and the rows of attendance and outreach themselves;
- affiliations and relationships to other people are deleted;
- free text about them is wiped: outreach notes, follow-up titles and notes,
  answers waiting for review on their attendance (`pending_changes`), import
  preview labels and "before" values, merge snapshots;
- what they said at a listening session stays, unlinked from them (anonymous);
- records merged into them are erased the same way;
- their change history keeps who changed what and when, with the personal
  values replaced by the erased ones; history of deleted affiliations and
  relationships is removed;
- the erasure is recorded as an AuditEvent (without the name).

Backups taken before the erasure still hold the data: see docs/operations.md.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone

from contacts.models import (
    Affiliation,
    Contact,
    ImportRow,
    MergeRecord,
    Relationship,
)
from crm.audit import record_audit_event
from crm.models import AuditEvent, User

ERASED_NAME = "Erased"
ERASED_TEXT = "(erased)"

# Contact fields wiped on erasure, and the value each takes.
ERASED_CONTACT_VALUES: dict[str, Any] = {
    "first_name": ERASED_NAME,
    "last_name": "",
    "preferred_name": "",
    "pronouns": "",
    "email": "",
    "phone": "",
    "street_address": "",
    "city": "",
    "zip_code": "",
    "birth_year": None,
    "notes": "",
    "race_write_in": "",
    "gender": "",
    "consent_email": False,
    "consent_sms": False,
    "consent_phone": False,
    "consent_date": None,
    "consent_source": "",
}

# How erasure treats every table that points at a person ("model.field").
# A new table pointing at Contact must be added here (a test enforces it).
ERASURE_HANDLING = {
    "contacts.contact.merged_into": "erase the merged records too",
    "contacts.affiliation.contact": "delete",
    "contacts.relationship.from_contact": "delete",
    "contacts.relationship.to_contact": "delete",
    "events.attendance.contact": "keep the row; wipe pending_changes",
    "events.outreach.contact": "keep the row; wipe notes",
    "events.followup.contact": "keep the row; wipe title and notes",
    "events.comment.contact": "keep what was said; unlink the speaker",
    "contacts.importrow.contact": "wipe label and before values",
    "contacts.duplicatedismissal.first": "keep (ids only)",
    "contacts.duplicatedismissal.second": "keep (ids only)",
    "contacts.mergerecord.kept": "wipe both snapshots",
    "contacts.mergerecord.merged": "wipe both snapshots",
}


def _events_model(name: str) -> Any:
    # Events sit to the right of contacts; look them up instead of importing.
    return apps.get_model("events", name)


class ErasureError(Exception):
    """The erasure cannot be carried out; the message says why."""


def contact_relations() -> list[tuple[type[models.Model], str]]:
    """(model, field name) of every table with a foreign key to Contact.

    Django's own link tables and simple_history's tables are left out: the first
    are part of the person's row, the second are handled as history.
    """
    found = []
    for relation in Contact._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete):
            continue
        related: Any = relation.related_model
        if related._meta.auto_created or related.__name__.startswith("Historical"):
            continue
        found.append((related, relation.field.name))  # type: ignore[union-attr]
    return found


# Access report ---------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row(obj: models.Model) -> dict[str, Any]:
    """A row's stored values, with related rows by name and choices by label."""
    data: dict[str, Any] = {}
    for model_field in obj._meta.concrete_fields:
        if model_field.name in ("signin_token", "password"):
            continue
        if model_field.is_relation:
            related = getattr(obj, model_field.name)
            data[model_field.name] = str(related) if related is not None else None
            continue
        value = getattr(obj, model_field.attname)
        if model_field.choices and value not in (None, ""):
            value = str(dict(model_field.flatchoices).get(value, value))
        data[model_field.name] = _plain(value)
    return data


def _person(contact: Contact) -> dict[str, Any]:
    data = _row(contact)
    for m2m in Contact._meta.many_to_many:
        data[m2m.name] = [str(item) for item in getattr(contact, m2m.name).all()]
    return data


def build_access_report(*, contact: Contact) -> dict[str, Any]:
    """Everything stored about one person, ready to serialise."""
    related: dict[str, list[dict[str, Any]]] = {}
    for model, field_name in contact_relations():
        if model is Contact:
            continue
        key = f"{model._meta.label_lower}.{field_name}"
        forward = [
            f.name
            for f in model._meta.concrete_fields
            if f.is_relation and f.many_to_one
        ]
        rows = model._base_manager.filter(**{field_name: contact}).select_related(
            *forward
        )
        related[key] = [_row(obj) for obj in rows.order_by("pk")]
    merged = Contact.objects.filter(merged_into=contact).prefetch_related(
        *[m.name for m in Contact._meta.many_to_many]
    )
    history = contact.history.select_related("history_user").order_by(  # type: ignore[attr-defined]
        "history_date"
    )
    events = AuditEvent.objects.for_object("contacts.contact", contact.pk)
    return {
        "report": "Personal data access report",
        "generated_at": timezone.now().isoformat(),
        "record_id": contact.pk,
        "person": _person(contact),
        "linked_records": related,
        "records_merged_into_this_person": [_person(other) for other in merged],
        "change_history": [
            {
                "when": record.history_date.isoformat(),
                "change": {"+": "created", "~": "changed", "-": "deleted"}.get(
                    record.history_type, record.history_type
                ),
                "by": str(record.history_user) if record.history_user else None,
                "values": {
                    f.name: _plain(getattr(record, f.attname))
                    for f in type(record).tracked_fields  # type: ignore[attr-defined]
                    if not f.is_relation
                },
            }
            for record in history
        ],
        "audit_events": [
            {
                "when": event.created_at.isoformat(),
                "action": event.get_action_display(),
                "summary": event.summary,
            }
            for event in events
        ],
    }


def access_report_json(report: dict[str, Any]) -> bytes:
    return json.dumps(
        report, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
    ).encode()


def _cell(value: Any) -> Any:
    """A spreadsheet-safe cell: no formulas from stored text."""
    if isinstance(value, dict | list):
        value = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    if isinstance(value, str):
        value = value.replace("\x00", "")
        if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
            value = "'" + value
    return value


def _sheet_rows(rows: list[dict[str, Any]]) -> Iterable[list[Any]]:
    if not rows:
        return [["(none)"]]
    columns: list[str] = []
    for row in rows:
        columns.extend(key for key in row if key not in columns)
    return [columns, *([_cell(row.get(c)) for c in columns] for row in rows)]


def access_report_xlsx(report: dict[str, Any]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    person = workbook.create_sheet("Person")
    person.append(["field", "value"])
    for key, value in report["person"].items():
        person.append([key, _cell(value)])
    for key, rows in report["linked_records"].items():
        sheet = workbook.create_sheet(
            key.replace("contacts.", "").replace(".", " ")[:31]
        )
        for line in _sheet_rows(rows):
            sheet.append(line)
    for title, key in (
        ("Merged records", "records_merged_into_this_person"),
        ("Change history", "change_history"),
        ("Audit events", "audit_events"),
    ):
        sheet = workbook.create_sheet(title)
        for line in _sheet_rows(report[key]):
            sheet.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@transaction.atomic
def export_personal_data(
    *, contact: Contact, requested_by: User, file_format: str
) -> bytes:
    """The access report as a file; recorded in the audit log."""
    if file_format not in ("json", "xlsx"):
        raise ValueError(f"Unknown format {file_format!r}")
    report = build_access_report(contact=contact)
    content = (
        access_report_json(report)
        if file_format == "json"
        else access_report_xlsx(report)
    )
    record_audit_event(
        actor=requested_by,
        action=AuditEvent.Action.ACCESS_REPORT,
        obj=contact,
        summary=f"Personal data access report ({file_format.upper()})",
    )
    return content


# Erasure ---------------------------------------------------------------------


def _purge_history(
    contact_ids: list[int], affiliation_ids: list[int], relationship_ids: list[int]
) -> None:
    history: Any = Contact.history.model  # type: ignore[attr-defined]
    history.objects.filter(id__in=contact_ids).update(
        **ERASED_CONTACT_VALUES, history_change_reason=None
    )
    for m2m_history in history._meta.related_objects:
        link = m2m_history.related_model
        if link.__name__ == "HistoricalContact_tags":
            link.objects.filter(history__id__in=contact_ids).delete()
    Affiliation.history.model.objects.filter(  # type: ignore[attr-defined]
        id__in=affiliation_ids
    ).delete()
    Relationship.history.model.objects.filter(  # type: ignore[attr-defined]
        id__in=relationship_ids
    ).delete()
    _events_model("Attendance").history.model.objects.filter(
        contact_id__in=contact_ids
    ).update(pending_changes={})
    _events_model("Outreach").history.model.objects.filter(
        contact_id__in=contact_ids
    ).update(notes="")


def _with_merged(contact: Contact) -> list[int]:
    """The person's id and every record ever merged into them (any depth)."""
    ids = [contact.pk]
    frontier = [contact.pk]
    while frontier:
        frontier = list(
            Contact.objects.filter(merged_into__in=frontier)
            .exclude(pk__in=ids)
            .values_list("pk", flat=True)
        )
        ids.extend(frontier)
    return ids


@transaction.atomic
def erase_personal_data(*, contact: Contact, erased_by: User) -> AuditEvent:
    """Anonymise a person everywhere, keeping anonymous counts (see module doc)."""
    if contact.merged_into_id is not None:
        raise ErasureError(
            "This record was merged into another person: erase that person instead."
        )
    ids = _with_merged(contact)
    now = timezone.now()
    people = list(Contact.objects.select_for_update().filter(pk__in=ids))
    for person in people:
        for name, value in ERASED_CONTACT_VALUES.items():
            setattr(person, name, value)
        person.erased_at = now
        person.version = F("version") + 1  # type: ignore[assignment]
        person._history_user = erased_by  # type: ignore[attr-defined]
        person._change_reason = "Personal data erased"  # type: ignore[attr-defined]
        person.save()
        person.tags.clear()

    affiliations = Affiliation.objects.filter(contact_id__in=ids)
    affiliation_ids = list(affiliations.values_list("pk", flat=True))
    relationships = Relationship.objects.filter(
        Q(from_contact_id__in=ids) | Q(to_contact_id__in=ids)
    )
    relationship_ids = list(relationships.values_list("pk", flat=True))
    affiliations.delete()
    relationships.delete()

    attendance = _events_model("Attendance")
    outreach = _events_model("Outreach")
    follow_ups = _events_model("FollowUp")
    comments = _events_model("Comment")
    counts = {
        "attendance": attendance.objects.filter(contact_id__in=ids).update(
            pending_changes={}
        ),
        "outreach": outreach.objects.filter(contact_id__in=ids).update(notes=""),
        "follow_ups": follow_ups.objects.filter(contact_id__in=ids).update(
            title=ERASED_TEXT, notes=""
        ),
        "comments_unlinked": comments.objects.filter(contact_id__in=ids).update(
            contact=None
        ),
        "affiliations_deleted": len(affiliation_ids),
        "relationships_deleted": len(relationship_ids),
        "merged_records": len(ids) - 1,
    }
    ImportRow.objects.filter(contact_id__in=ids).update(label="", before={})
    MergeRecord.objects.filter(Q(kept_id__in=ids) | Q(merged_id__in=ids)).update(
        kept_before={}, merged_before={}
    )
    _purge_history(ids, affiliation_ids, relationship_ids)
    # The erasure itself is the one new history entry, with its reason.
    Contact.history.filter(  # type: ignore[attr-defined]
        id=contact.pk, history_date__gte=now
    ).update(history_change_reason="Personal data erased")
    return record_audit_event(
        actor=erased_by,
        action=AuditEvent.Action.ERASURE,
        obj=contact,
        summary="Personal data erased; attendance and demographic counts kept.",
        details=counts,
    )
