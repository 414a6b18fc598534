"""The filtered people list as .xlsx or .csv, streamed in bounded memory."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts.models import Contact
from contacts.normalize import format_phone
from contacts.spreadsheets import Column, XlsxWriter, csv_rows

CHUNK = 2000

Getter = Callable[[Contact], Any]


def _names(related: str) -> Getter:
    def get(contact: Contact) -> str:
        # contact_rows loads the lists a chunk at a time (see _load_lists).
        lists = getattr(contact, "_export_lists", None)
        objects = lists[related] if lists else getattr(contact, related).all()
        return "; ".join(str(obj) for obj in objects)

    get.related = related  # type: ignore[attr-defined]
    return get


def _display(name: str) -> Getter:
    # Choice labels translated once per export, not once per row.
    field = Contact._meta.get_field(name)
    labels = {value: str(label) for value, label in field.flatchoices}  # type: ignore[union-attr]

    def get(contact: Contact) -> str:
        value = getattr(contact, name)
        return labels.get(value, value)

    return get


def contact_columns(*, include_self_id: bool) -> list[tuple[Column, Getter]]:
    """The export's columns: heading, width, how to read the value."""
    columns: list[tuple[Column, Getter]] = [
        (Column(_("ID"), 8), lambda c: c.pk),
        (Column(_("First name"), 16), lambda c: c.first_name),
        (Column(_("Last name"), 18), lambda c: c.last_name),
        (Column(_("Preferred name"), 14), lambda c: c.preferred_name),
        (Column(_("Pronouns"), 10), lambda c: c.pronouns),
        (Column(_("Email"), 28), lambda c: c.email),
        (Column(_("Phone"), 16), lambda c: format_phone(c.phone)),
        (Column(_("Street address"), 26), lambda c: c.street_address),
        (Column(_("City"), 14), lambda c: c.city),
        (Column(_("State"), 6), lambda c: c.state),
        (Column(_("ZIP code"), 10), lambda c: c.zip_code),
        (Column(_("County"), 14), lambda c: c.county.name if c.county else ""),
        (Column(_("Legislative district"), 10), lambda c: c.legislative_district),
        (
            Column(_("Preferred language"), 16),
            lambda c: str(c.preferred_language) if c.preferred_language else "",
        ),
        (Column(_("Other languages"), 20), _names("other_languages")),
        (Column(_("Needs interpretation"), 12), lambda c: c.interpretation_needed),
        (Column(_("Roles"), 20), _names("roles")),
        (Column(_("Tags"), 20), _names("tags")),
        (Column(_("Birth year"), 10), lambda c: c.birth_year),
        (Column(_("May email"), 10), lambda c: c.consent_email),
        (Column(_("May text"), 10), lambda c: c.consent_sms),
        (Column(_("May call"), 10), lambda c: c.consent_phone),
        (Column(_("Consent date"), 12), lambda c: c.consent_date),
        (Column(_("Consent source"), 16), _display("consent_source")),
    ]
    if include_self_id:
        columns += [
            (
                Column(_("Race/ethnicity status"), 16),
                _display("race_ethnicity_status"),
            ),
            (Column(_("Race/ethnicity categories"), 26), _names("race_categories")),
            (Column(_("Detailed groups"), 22), _names("race_groups")),
            (
                Column(_("Race/ethnicity in their own words"), 22),
                lambda c: c.race_write_in,
            ),
            (Column(_("Self-identification source"), 16), _display("self_id_source")),
            (Column(_("Self-identification date"), 12), lambda c: c.self_id_date),
            (Column(_("Gender"), 12), lambda c: c.gender),
            (Column(_("Age band"), 10), _display("age_band")),
        ]
    columns += [
        (Column(_("Owner"), 16), lambda c: str(c.owner) if c.owner else ""),
        (Column(_("Added"), 18), lambda c: c.created_at),
    ]
    return columns


def export_queryset(
    queryset: QuerySet[Contact], *, include_self_id: bool
) -> QuerySet[Contact]:
    """What the export reads, in a fixed number of queries per chunk (the
    people, then each list column: see contact_rows)."""
    return queryset.select_related("county", "preferred_language", "owner")


def _load_lists(chunk: Sequence[Contact], related: Sequence[str]) -> None:
    """Each person's lists for the list columns: one query per column.

    Faster than prefetch_related, which builds a manager per person and list
    (most of the time of a 100,000-row export).
    """
    ids = [contact.pk for contact in chunk]
    lists: dict[int, dict[str, list[Any]]] = {
        pk: {name: [] for name in related} for pk in ids
    }
    for name in related:
        field: Any = Contact._meta.get_field(name)
        through = field.remote_field.through
        target = field.m2m_reverse_field_name()
        rows = (
            through.objects.filter(**{f"{field.m2m_field_name()}_id__in": ids})
            .select_related(target)
            .order_by(*[_related_order(target, o) for o in _ordering(field)])
        )
        source = f"{field.m2m_field_name()}_id"
        for row in rows:
            lists[getattr(row, source)][name].append(getattr(row, target))
    for contact in chunk:
        contact._export_lists = lists[contact.pk]  # type: ignore[attr-defined]


def _ordering(field: Any) -> list[str]:
    return [o for o in field.related_model._meta.ordering if isinstance(o, str)]


def _related_order(target: str, order: str) -> str:
    """A related model's ordering, seen from the through table."""
    descending = order.startswith("-")
    return f"{'-' if descending else ''}{target}__{order.lstrip('-')}"


def contact_rows(
    queryset: QuerySet[Contact], getters: Sequence[Getter]
) -> Iterator[list[Any]]:
    related = [g.related for g in getters if hasattr(g, "related")]
    for chunk in itertools.batched(queryset.iterator(chunk_size=CHUNK), CHUNK):
        if related:
            _load_lists(chunk, related)
        for contact in chunk:
            yield [get(contact) for get in getters]


def describe_filters(filterset: Any) -> list[str]:
    """The filters in words, e.g. "County: King", for the top of the sheet."""
    described = []
    cleaned = getattr(filterset.form, "cleaned_data", {}) or {}
    for name, value in cleaned.items():
        if value in (None, "", [], ()) or name not in filterset.filters:
            continue
        label = filterset.filters[name].label or name
        if isinstance(value, (list, tuple)):
            shown = ", ".join(str(v) for v in value)
        else:
            shown = str(value)
        field = filterset.form.fields.get(name)
        choices = dict(getattr(field, "choices", []) or [])
        shown = str(choices.get(value, shown)) if isinstance(value, str) else shown
        described.append(f"{label}: {shown}")
    return described


def export_notes(title: str, filters: Sequence[str], user: Any) -> list[str]:
    return [
        title,
        _("Filters: %(filters)s")
        % {"filters": "; ".join(filters) if filters else _("none (everyone active)")},
        _("Exported %(when)s by %(who)s")
        % {"when": f"{timezone.localtime():%Y-%m-%d %H:%M}", "who": user},
        _("Contains personal data: keep it safe and delete it when done."),
    ]


def contacts_xlsx(
    queryset: QuerySet[Contact],
    *,
    include_self_id: bool,
    notes: Sequence[str] = (),
) -> IO[bytes]:
    """A workbook of people (a temporary file, positioned at the start)."""
    columns = contact_columns(include_self_id=include_self_id)
    writer = XlsxWriter()
    writer.sheet(
        _("People"),
        [c for c, _g in columns],
        contact_rows(
            export_queryset(queryset, include_self_id=include_self_id),
            [g for _c, g in columns],
        ),
        notes=notes,
    )
    return writer.save_to_tempfile()


def contacts_csv(
    queryset: QuerySet[Contact], *, include_self_id: bool
) -> Iterator[str]:
    """CSV lines of people, for a streaming response."""
    columns = contact_columns(include_self_id=include_self_id)
    return csv_rows(
        [c for c, _g in columns],
        contact_rows(
            export_queryset(queryset, include_self_id=include_self_id),
            [g for _c, g in columns],
        ),
    )
