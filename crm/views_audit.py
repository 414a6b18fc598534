"""Change history of a record, and the log of exports, merges and erasures."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contacts.services import SELF_ID_FIELDS
from crm.audit import AUDITED_MODELS
from crm.models import AuditEvent

# Newest changes shown on one page; the rest stay in the database.
HISTORY_LIMIT = 200
# Bookkeeping, not information.
SKIPPED_FIELDS = frozenset({"id", "version", "created_at", "updated_at"})
CHANGE_TYPES = {
    "+": gettext_lazy("Created"),
    "~": gettext_lazy("Changed"),
    "-": gettext_lazy("Deleted"),
}


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class HistoryEntry:
    when: Any
    who: str
    kind: str
    reason: str
    changes: list[Change] = field(default_factory=list)


def _fields(history_model: Any) -> list[models.Field]:
    return [
        f
        for f in history_model.tracked_fields
        if f.name not in SKIPPED_FIELDS and f.concrete and not f.many_to_many
    ]


def _m2m_specs(history_model: Any) -> list[tuple[Any, str, str]]:
    """(field, accessor on a history row, target column) of tracked many-to-many."""
    specs = []
    by_name = {
        rel.related_model._meta.model_name: rel
        for rel in history_model._meta.related_objects
    }
    for m2m in getattr(history_model, "_history_m2m_fields", []):
        through = f"{history_model._meta.model_name}_{m2m.name}".lower()
        rel = by_name.get(through)
        if rel is None:
            continue
        target = next(
            f.name
            for f in rel.related_model._meta.fields
            if f.is_relation and f.related_model is m2m.related_model
        )
        specs.append((m2m, rel.get_accessor_name(), target))
    return specs


def _m2m_values(record: Any, accessor: str, target: str) -> list[str]:
    return sorted(str(getattr(row, target)) for row in getattr(record, accessor).all())


def _related_names(
    records: list[Any], tracked: list[models.Field]
) -> dict[tuple[str, Any], str]:
    """Display names of every related row the records point at: one query per field."""
    names: dict[tuple[str, Any], str] = {}
    for model_field in tracked:
        if not model_field.is_relation or model_field.related_model is None:
            continue
        ids = {getattr(r, model_field.attname) for r in records} - {None}
        if not ids:
            continue
        related: Any = model_field.related_model
        for obj in related._base_manager.filter(pk__in=ids):
            names[(model_field.name, obj.pk)] = str(obj)
    return names


def _display(
    record: Any,
    model_field: models.Field,
    names: dict[tuple[str, Any], str],
    hidden: bool,
) -> str:
    value = getattr(record, model_field.attname)
    if value in (None, "", {}, []):
        return "—"
    if hidden:
        return _("(hidden)")
    if model_field.is_relation:
        return names.get((model_field.name, value), _("#%(id)s") % {"id": value})
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def build_history(
    records: list[Any], *, older: Any | None, hide: frozenset[str]
) -> list[HistoryEntry]:
    """Entries newest first, each with what changed from the entry before it."""
    if not records:
        return []
    tracked = _fields(type(records[0]))
    m2m_specs = _m2m_specs(type(records[0]))
    names = _related_names([*records, *([older] if older else [])], tracked)
    entries = []
    chain = [*records, older]
    for record, previous in zip(records, chain[1:], strict=True):
        changes = []
        for model_field in tracked:
            hidden = model_field.name in hide
            after = _display(record, model_field, names, hidden)
            before = _display(previous, model_field, names, hidden) if previous else "—"
            same = previous is not None and getattr(
                previous, model_field.attname
            ) == getattr(record, model_field.attname)
            if same or (previous is None and after == "—"):
                continue
            if record.history_type == "-":
                continue
            changes.append(
                Change(
                    label=str(model_field.verbose_name).capitalize(),
                    before=before if previous else "",
                    after=after,
                )
            )
        for m2m, accessor, target in m2m_specs:
            if record.history_type == "-":
                break
            after_list = _m2m_values(record, accessor, target)
            before_list = _m2m_values(previous, accessor, target) if previous else []
            if after_list == before_list:
                continue
            hidden = m2m.name in hide
            changes.append(
                Change(
                    label=str(m2m.verbose_name).capitalize(),
                    before=_("(hidden)") if hidden else ", ".join(before_list) or "—",
                    after=_("(hidden)") if hidden else ", ".join(after_list) or "—",
                )
            )
        user = record.history_user
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=str(user) if user else _("System or import"),
                kind=str(CHANGE_TYPES.get(record.history_type, "")),
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries


@login_required
@permission_required("crm.view_audit_log", raise_exception=True)
def record_history(request: HttpRequest, model_name: str, pk: int) -> HttpResponse:
    label = AUDITED_MODELS.get(model_name)
    if label is None:
        raise Http404(_("No history is kept for this kind of record."))
    model: Any = apps.get_model(label)
    opts = model._meta
    if not request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
        raise PermissionDenied
    prefetch = [
        f"{accessor}__{target}"
        for _m2m, accessor, target in _m2m_specs(model.history.model)
    ]
    rows = list(
        model.history.filter(id=pk)
        .select_related("history_user")
        .prefetch_related(*prefetch)
        .order_by("-history_date", "-history_id")[: HISTORY_LIMIT + 1]
    )
    obj = model._base_manager.filter(pk=pk).first()
    if not rows and obj is None:
        raise Http404(_("No such record."))
    records, older = rows[:HISTORY_LIMIT], rows[HISTORY_LIMIT:]
    hide: frozenset[str] = frozenset()
    if label == "contacts.Contact" and not request.user.has_perm(
        "crm.view_self_identification"
    ):
        hide = frozenset(SELF_ID_FIELDS)
    events = AuditEvent.objects.for_object(opts.label_lower, pk).select_related(
        "actor"
    )[:100]
    return render(
        request,
        "audit/history.html",
        {
            "obj": obj,
            "object_label": str(obj) if obj else _("Record %(id)s") % {"id": pk},
            "verbose_name": opts.verbose_name,
            "entries": build_history(
                records, older=older[0] if older else None, hide=hide
            ),
            "truncated": bool(older),
            "limit": HISTORY_LIMIT,
            "audit_events": events,
            "has_self_id_hidden": bool(hide),
        },
    )


@login_required
@permission_required("crm.view_audit_log", raise_exception=True)
def audit_log(request: HttpRequest) -> HttpResponse:
    events = AuditEvent.objects.select_related("actor")
    action = request.GET.get("action", "")
    if action in AuditEvent.Action.values:
        events = events.filter(action=action)
    else:
        action = ""
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/log.html",
        {
            "page": page,
            "actions": AuditEvent.Action.choices,
            "action": action,
            "query": f"action={action}" if action else "",
        },
    )
