"""Portable backups: every row of the product's data as gzip-compressed JSON lines.

The format works on SQLite and PostgreSQL alike, so a backup taken on one restores
on the other. The first line is a header naming the format and the models; each
following line is one row in Django's serializer shape (`model`, `pk`, `fields`).
Rows are read and written in batches, so memory stays bounded at any size.

Content types and permissions are created by `migrate` and may get different ids
in another database, so references to them are written as natural keys
(`["contacts", "contact"]`, `["crm", "view_dashboard"]`) and mapped back on restore.
Sessions, login-attempt logs and task results are not backed up.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, time
from itertools import batched
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, transaction
from django.utils import timezone

FORMAT = "crm-backup"
FORMAT_VERSION = 1
BATCH_SIZE = 1000

# Rebuilt by migrate, or not data at all.
EXCLUDED_APPS = frozenset({"contenttypes", "sessions", "axes", "django_tasks_database"})
EXCLUDED_MODELS = frozenset({"auth.Permission"})

# A database holding any of these is not empty: restoring would replace real work.
USER_DATA_MODELS = (
    "crm.User",
    "contacts.Contact",
    "contacts.Organization",
    "events.Event",
    "events.Outreach",
)


class _Encoder(DjangoJSONEncoder):
    """Django's encoder, but keeping microseconds (it rounds to milliseconds)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime | time):
            return o.isoformat()
        return super().default(o)


class BackupError(Exception):
    """The backup cannot be written or restored; the message says why."""


@dataclass
class RestoreResult:
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def backed_up_models() -> list[type[models.Model]]:
    """Concrete models whose rows a backup holds, in a stable order."""
    chosen = [
        model
        for model in apps.get_models()
        if model._meta.app_label not in EXCLUDED_APPS
        and model._meta.label not in EXCLUDED_MODELS
        and model._meta.managed
        and not model._meta.proxy
    ]
    return sorted(chosen, key=lambda model: model._meta.label)


def _natural_key_fields(model: type[models.Model]) -> dict[str, type[models.Model]]:
    """Fields of `model` pointing at content types or permissions."""
    found: dict[str, type[models.Model]] = {}
    for model_field in model._meta.get_fields():
        if not (model_field.is_relation and model_field.concrete):
            continue
        target = model_field.related_model
        if target in (ContentType, Permission):
            found[model_field.name] = target  # type: ignore[assignment]
    return found


def _content_type_keys() -> dict[int, list[str]]:
    return {
        pk: [app_label, model]
        for pk, app_label, model in ContentType.objects.values_list(
            "pk", "app_label", "model"
        ).iterator()
    }


def _permission_keys() -> dict[int, list[str]]:
    return {
        pk: [app_label, codename]
        for pk, app_label, codename in Permission.objects.values_list(
            "pk", "content_type__app_label", "codename"
        ).iterator()
    }


def _to_keys(value: Any, keys: dict[int, list[str]]) -> Any:
    if value is None:
        return None
    if isinstance(value, list):
        return [keys[item] for item in value]
    return keys[value]


def _link_table(m2m: Any) -> type[models.Model] | None:
    """The table Django made for a many-to-many field (None for explicit ones)."""
    through: type[models.Model] = m2m.remote_field.through
    return through if through._meta.auto_created else None


def _iter_rows(model: type[models.Model]) -> Iterator[list[models.Model]]:
    m2m = [f.name for f in model._meta.many_to_many if _link_table(f)]
    queryset = model._base_manager.order_by("pk")
    if m2m:
        queryset = queryset.prefetch_related(*m2m)
    for batch in batched(queryset.iterator(chunk_size=BATCH_SIZE), BATCH_SIZE):
        yield list(batch)


def write_backup(stream: IO[bytes]) -> dict[str, int]:
    """Write every backed-up row to a binary stream; return row counts per model."""
    model_list = backed_up_models()
    keys = {ContentType: _content_type_keys(), Permission: _permission_keys()}
    counts: dict[str, int] = {}
    with gzip.GzipFile(fileobj=stream, mode="wb") as archive:
        header = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "models": [model._meta.label_lower for model in model_list],
        }
        archive.write(json.dumps(header).encode() + b"\n")
        for model in model_list:
            label = model._meta.label_lower
            mapped = _natural_key_fields(model)
            counts[label] = 0
            for batch in _iter_rows(model):
                for row in serializers.serialize("python", batch):
                    for name, target in mapped.items():
                        row["fields"][name] = _to_keys(
                            row["fields"][name], keys[target]
                        )
                    archive.write(
                        json.dumps(row, cls=_Encoder, ensure_ascii=False).encode()
                        + b"\n"
                    )
                    counts[label] += 1
    return counts


def backup_to_file(path: Path) -> dict[str, int]:
    """Write a backup file atomically (a partial file never takes the name)."""
    partial = path.with_name(path.name + ".partial")
    with partial.open("wb") as stream:
        counts = write_backup(stream)
    partial.replace(path)
    return counts


def read_header(path: Path) -> dict[str, Any]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return _parse_header(lines.readline())


def _parse_header(line: str) -> dict[str, Any]:
    try:
        header = json.loads(line)
    except ValueError as exc:
        raise BackupError("This file is not a CRM backup (no header line).") from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupError("This file is not a CRM backup (unknown format).")
    if header.get("version") != FORMAT_VERSION:
        raise BackupError(
            f"This backup has format version {header.get('version')}; "
            f"this software reads version {FORMAT_VERSION}."
        )
    return header


def database_has_user_data(using: str = "default") -> bool:
    """Whether the database holds people, events or users (not only seeded lists)."""
    return any(
        apps.get_model(label)._base_manager.using(using).exists()
        for label in USER_DATA_MODELS
    )


def _models_and_through(labels: Iterable[str]) -> list[type[models.Model]]:
    found: list[type[models.Model]] = []
    for label in labels:
        model = apps.get_model(label)
        found.append(model)
        for m2m in model._meta.many_to_many:
            through = _link_table(m2m)
            if through is not None:
                found.append(through)
    return found


def clear_data(labels: Iterable[str], using: str = "default") -> None:
    """Delete every row of these models and their many-to-many tables."""
    for model in reversed(_models_and_through(labels)):
        model._base_manager.using(using).all()._raw_delete(using)  # type: ignore[attr-defined]


def restore_from_file(
    path: Path, *, using: str = "default", force: bool = False
) -> RestoreResult:
    """Replace the database's data with a backup's, all or nothing."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            header = _parse_header(lines.readline())
            labels = header["models"]
            unknown = [label for label in labels if not _model_exists(label)]
            if unknown:
                raise BackupError(
                    "This backup holds tables this software does not know: "
                    + ", ".join(unknown)
                )
            with transaction.atomic(using=using):
                if not force and database_has_user_data(using):
                    raise BackupError(
                        "The database already holds data. Restore into an empty, "
                        "migrated database, or pass --force to replace everything."
                    )
                clear_data(labels, using)
                result = _load_rows(lines, using)
                _reset_sequences(labels, using)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise BackupError(f"The backup file could not be read: {exc}") from exc
    ContentType.objects.clear_cache()
    return result


def _model_exists(label: str) -> bool:
    try:
        apps.get_model(label)
    except LookupError:
        return False
    return True


class _Loader:
    """Turns rows back into objects, batching inserts per model."""

    def __init__(self, using: str) -> None:
        self.using = using
        self.content_types = {
            tuple(key): pk for pk, key in _content_type_keys().items()
        }
        self.permissions = {tuple(key): pk for pk, key in _permission_keys().items()}
        self.mapped: dict[str, dict[str, type[models.Model]]] = {}

    def _from_keys(self, value: Any, target: type[models.Model]) -> Any:
        lookup = self.content_types if target is ContentType else self.permissions
        if value is None:
            return None
        try:
            if value and isinstance(value[0], list):
                return [lookup[tuple(item)] for item in value]
            return lookup[tuple(value)]
        except KeyError as exc:
            raise BackupError(
                f"The backup refers to {exc.args[0]!r}, which this database lacks. "
                "Run migrate first."
            ) from exc

    def prepare(self, row: dict[str, Any]) -> dict[str, Any]:
        label = row["model"]
        model = apps.get_model(label)
        if label not in self.mapped:
            self.mapped[label] = _natural_key_fields(model)
        for name, target in self.mapped[label].items():
            if name in row["fields"]:
                row["fields"][name] = self._from_keys(row["fields"][name], target)
        return row

    def save(self, rows: list[dict[str, Any]]) -> int:
        objects = list(
            serializers.deserialize(
                "python", [self.prepare(row) for row in rows], using=self.using
            )
        )
        if not objects:
            return 0
        model = type(objects[0].object)
        _raw_insert(model, [item.object for item in objects], self.using)
        for m2m in model._meta.many_to_many:
            through = _link_table(m2m)
            if through is None:
                continue
            source = m2m.m2m_field_name()  # type: ignore[attr-defined]
            target = m2m.m2m_reverse_field_name()  # type: ignore[attr-defined]
            links = [
                through(**{f"{source}_id": item.object.pk, f"{target}_id": related})
                for item in objects
                for related in (item.m2m_data or {}).get(m2m.name, [])
            ]
            _raw_insert(through, links, self.using)
        return len(objects)


def _raw_insert(
    model: type[models.Model], objects: list[models.Model], using: str
) -> None:
    """Insert rows exactly as stored: no auto_now stamps, no signals, no history."""
    if not objects:
        return
    fields = [f for f in model._meta.concrete_fields if f.column]
    if model._meta.auto_created:
        # Link tables: let the database number the links.
        fields = [f for f in fields if not f.primary_key]
    size = connections[using].ops.bulk_batch_size(fields, objects) or len(objects)
    manager = model._base_manager.using(using)
    for start in range(0, len(objects), size):
        manager._insert(  # type: ignore[attr-defined]
            objects[start : start + size], fields=fields, using=using, raw=True
        )


def _load_rows(lines: Iterable[str], using: str) -> RestoreResult:
    loader = _Loader(using)
    result = RestoreResult()
    batch: list[dict[str, Any]] = []
    for number, line in enumerate(lines, start=2):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise BackupError(f"Line {number} of the backup is damaged.") from exc
        if batch and (row["model"] != batch[0]["model"] or len(batch) >= BATCH_SIZE):
            _flush(loader, batch, result)
            batch = []
        batch.append(row)
    if batch:
        _flush(loader, batch, result)
    return result


def _flush(loader: _Loader, batch: list[dict[str, Any]], result: RestoreResult) -> None:
    label = batch[0]["model"]
    result.rows[label] = result.rows.get(label, 0) + loader.save(batch)


def _reset_sequences(labels: Iterable[str], using: str) -> None:
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(
        no_style(), _models_and_through(labels)
    )
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
