"""Recording what was done to data beyond a row's own change history.

Row changes (create, edit, archive) are kept by django-simple-history on the
audited models. Exports, merges, erasures, imports and access reports touch many
rows at once or read data out, so they are recorded here as AuditEvents:

    record_audit_event(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        summary="Grant workbook, 2026 Q3, 1,204 people",
    )

Never put personal data (names, emails) in the summary or details: the log
outlives erasures.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from crm.models import AuditEvent, User

# The models whose row history the history page shows, by URL name.
AUDITED_MODELS = {
    "contact": "contacts.Contact",
    "organization": "contacts.Organization",
    "affiliation": "contacts.Affiliation",
    "relationship": "contacts.Relationship",
    "event": "events.Event",
    "attendance": "events.Attendance",
    "outreach": "events.Outreach",
}


def record_audit_event(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: object = "",
    summary: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record one audit event. `obj` fills object_type and object_id."""
    if action not in AuditEvent.Action.values:
        raise ValueError(f"Unknown audit action {action!r}")
    if obj is not None:
        object_type = obj._meta.label_lower
        object_id = obj.pk
    user = actor if isinstance(actor, User) and actor.pk else None
    return AuditEvent.objects.create(
        actor=user,
        action=action,
        object_type=object_type,
        object_id="" if object_id is None else str(object_id),
        summary=summary,
        details=details or {},
    )
