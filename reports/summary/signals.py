"""Marks from model signals and from crm.changes (connected in ReportsConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.core.signals import request_finished, request_started
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from contacts.models import Contact
from crm import changes
from events.models import Attendance, Event, Outreach
from reports.summary import store
from reports.summary.store import mark

_KINDS: dict[type[models.Model], str] = {
    Contact: changes.PEOPLE,
    Event: changes.EVENTS,
    Attendance: changes.ATTENDANCE,
    Outreach: changes.OUTREACH,
}


def _saved_or_deleted(sender: type, instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return  # fixtures loading: rebuild afterwards
    mark(_KINDS[sender], [instance.pk])


def _list_changed(kind: str, through: Any, owner: str, target: str) -> Any:
    """A handler of m2m_changed on `through` (a list of a person or an event,
    `owner` and `target` its two columns): marks the owners, whichever side
    the list was changed from."""

    def changed(
        sender: type,
        instance: Any,
        action: str,
        reverse: bool,
        pk_set: Any,
        **kwargs: Any,
    ) -> None:
        if action not in ("post_add", "post_remove", "post_clear", "pre_clear"):
            return
        if not reverse:
            mark(kind, [instance.pk])
        elif pk_set:
            mark(kind, list(pk_set))
        elif action == "pre_clear" and store.enabled():
            # Cleared from the other side (a group's or a user's whole list):
            # the owners are known only before the rows go.
            rows = through.objects.filter(**{target: instance.pk})
            mark(kind, list(rows.values_list(owner, flat=True)))

    return changed


def _target_deleted(kind: str, through: Any, owner: str, target: str) -> Any:
    """A handler of pre_delete on the listed model (a detailed group, a user):
    its deletion cascades to the list rows without m2m_changed."""

    def deleted(sender: type, instance: Any, **kwargs: Any) -> None:
        if store.enabled():
            rows = through.objects.filter(**{target: instance.pk})
            mark(kind, list(rows.values_list(owner, flat=True)))

    return deleted


# The lists the summary stores, each with its through model, its handlers
# (signals hold receivers weakly, so they are kept here) and the model listed.
_LISTS: list[tuple[Any, Any, Any, Any]] = [
    (
        field.remote_field.through,
        _list_changed(kind, field.remote_field.through, owner, target),
        _target_deleted(kind, field.remote_field.through, owner, target),
        field.related_model,
    )
    for field, kind, owner, target in (
        (
            Contact._meta.get_field("race_categories"),
            changes.PEOPLE,
            "contact_id",
            "raceethnicitycategory_id",
        ),
        (
            Contact._meta.get_field("race_groups"),
            changes.PEOPLE,
            "contact_id",
            "raceethnicitygroup_id",
        ),
        (Event._meta.get_field("organizers"), changes.EVENTS, "event_id", "user_id"),
    )
]


def connect() -> None:
    for model in _KINDS:
        uid = f"engagement-summary-{model._meta.label_lower}"
        post_save.connect(_saved_or_deleted, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(
            _saved_or_deleted, sender=model, dispatch_uid=uid + "-delete"
        )
    for through, changed, deleted, listed in _LISTS:
        uid = f"engagement-summary-{through._meta.label_lower}"
        m2m_changed.connect(changed, sender=through, dispatch_uid=uid + "-changed")
        pre_delete.connect(deleted, sender=listed, dispatch_uid=uid + "-deleted")
    changes.listen(mark)
    request_started.connect(
        store.request_started, dispatch_uid="engagement-summary-request-started"
    )
    request_finished.connect(
        store.request_finished, dispatch_uid="engagement-summary-request-finished"
    )
