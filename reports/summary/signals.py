"""Marks from model signals and from crm.changes (connected in ReportsConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.core.signals import request_finished, request_started
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save

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


def _categories_changed(
    sender: type, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any
) -> None:
    if action not in ("post_add", "post_remove", "post_clear", "pre_clear"):
        return
    if reverse:
        if pk_set:
            mark(changes.PEOPLE, list(pk_set))
    else:
        mark(changes.PEOPLE, [instance.pk])


def connect() -> None:
    for model in _KINDS:
        uid = f"engagement-summary-{model._meta.label_lower}"
        post_save.connect(_saved_or_deleted, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(
            _saved_or_deleted, sender=model, dispatch_uid=uid + "-delete"
        )
    m2m_changed.connect(
        _categories_changed,
        sender=Contact.race_categories.through,
        dispatch_uid="engagement-summary-categories",
    )
    changes.listen(mark)
    request_started.connect(
        store.request_started, dispatch_uid="engagement-summary-request-started"
    )
    request_finished.connect(
        store.request_finished, dispatch_uid="engagement-summary-request-finished"
    )
