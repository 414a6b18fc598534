"""The fields a spreadsheet column can fill, how headers are guessed, how cells parse.

Each cell parser returns a clean value or raises `CellError` with a message that
names the problem; the engine adds the row number and column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contacts.models import (
    CommunityRole,
    Contact,
    RaceEthnicityCategory,
    RaceEthnicityGroup,
)
from contacts.normalize import normalize_email, normalize_phone
from contacts.spreadsheets import normalise_header
from crm.models import County, Language


class CellError(Exception):
    """A cell's value cannot be used; the message says why."""


LIST_SPLIT = re.compile(r"\s*[;,|/]\s*")
TRUE_WORDS = {"yes", "y", "true", "1", "x", "si", "sí", "ok", "agree", "agreed"}
FALSE_WORDS = {"no", "n", "false", "0", ""}
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y", "%Y/%m/%d")


def text(value: Any) -> str:
    """A cell as trimmed text (whole numbers lose their '.0')."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def parse_text(max_length: int) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        cleaned = text(value)
        if len(cleaned) > max_length:
            raise CellError(
                _("is longer than %(max)s characters") % {"max": max_length}
            )
        return cleaned

    return parse


def parse_email(value: Any) -> str:
    try:
        return normalize_email(text(value))
    except ValidationError as exc:
        raise CellError(
            _("“%(value)s” is not an email address") % {"value": text(value)}
        ) from exc


def parse_phone(value: Any) -> str:
    try:
        return normalize_phone(text(value))
    except ValidationError as exc:
        raise CellError(
            _("“%(value)s” is not a phone number") % {"value": text(value)}
        ) from exc


def parse_zip(value: Any) -> str:
    cleaned = text(value)
    if re.fullmatch(r"\d{4}", cleaned):
        cleaned = "0" + cleaned  # a spreadsheet dropped the leading zero
    if cleaned and not re.fullmatch(r"\d{5}(-\d{4})?", cleaned):
        raise CellError(_("“%(value)s” is not a ZIP code") % {"value": cleaned})
    return cleaned


def parse_date(value: Any) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    cleaned = text(value)
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date()  # noqa: DTZ007 - a date
        except ValueError:
            continue
    raise CellError(
        _("“%(value)s” is not a date (use YYYY-MM-DD or M/D/YYYY)") % {"value": cleaned}
    )


def parse_datetime(value: Any) -> datetime | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)  # noqa: DTZ001
    cleaned = text(value)
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%m/%d/%Y %H:%M", "%H:%M"):
        try:
            return datetime.strptime(cleaned, fmt)  # noqa: DTZ007 - made aware later
        except ValueError:
            continue
    parsed = parse_date(cleaned)
    assert parsed is not None  # noqa: S101 - parse_date raised otherwise
    return datetime(parsed.year, parsed.month, parsed.day)  # noqa: DTZ001


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    cleaned = text(value).casefold()
    if cleaned in TRUE_WORDS:
        return True
    if cleaned in FALSE_WORDS:
        return False
    raise CellError(_("“%(value)s” is not yes or no") % {"value": text(value)})


def parse_int(low: int, high: int) -> Callable[[Any], int | None]:
    def parse(value: Any) -> int | None:
        cleaned = text(value)
        if not cleaned:
            return None
        try:
            number = int(cleaned)
        except ValueError as exc:
            raise CellError(
                _("“%(value)s” is not a whole number") % {"value": cleaned}
            ) from exc
        if not low <= number <= high:
            raise CellError(
                _("%(value)s is not between %(low)s and %(high)s")
                % {"value": number, "low": low, "high": high}
            )
        return number

    return parse


def parse_list(value: Any) -> list[str]:
    cleaned = text(value)
    if not cleaned:
        return []
    return [part for part in LIST_SPLIT.split(cleaned) if part]


def parse_choice(choices: Iterable[tuple[str, Any]]) -> Callable[[Any], str]:
    lookup: dict[str, str] = {}
    for code, label in choices:
        lookup[normalise_header(code)] = code
        lookup[normalise_header(str(label))] = code

    def parse(value: Any) -> str:
        cleaned = text(value)
        if not cleaned:
            return ""
        try:
            return lookup[normalise_header(cleaned)]
        except KeyError as exc:
            raise CellError(
                _("unknown value “%(value)s”") % {"value": cleaned}
            ) from exc

    return parse


class Vocabulary:
    """Reference rows looked up by code or name, loaded once per import."""

    def __init__(self) -> None:
        self.counties = self._index(County.objects.all(), ("code", "name", "fips"))
        self.languages = self._index(
            Language.objects.all(), ("code", "name", "native_name")
        )
        self.roles = self._index(CommunityRole.objects.all(), ("code", "name"))
        self.categories = self._index(
            RaceEthnicityCategory.objects.all(), ("code", "name")
        )
        self.groups = self._index(
            RaceEthnicityGroup.objects.all(), ("code", "name", "cedars_code")
        )

    @staticmethod
    def _index(queryset: Any, attrs: tuple[str, ...]) -> dict[str, Any]:
        index: dict[str, Any] = {}
        for obj in queryset:
            for attr in attrs:
                key = normalise_header(str(getattr(obj, attr) or ""))
                if key:
                    index.setdefault(key, obj)
        # County names are often written "King County".
        return index

    def county(self, value: Any) -> County | None:
        cleaned = text(value)
        if not cleaned:
            return None
        key = normalise_header(re.sub(r"(?i)\s+county$", "", cleaned))
        try:
            return self.counties[key]  # type: ignore[no-any-return]
        except KeyError as exc:
            raise CellError(
                _("unknown Washington county “%(value)s”") % {"value": cleaned}
            ) from exc

    def language(self, value: Any) -> Language | None:
        cleaned = text(value)
        if not cleaned:
            return None
        try:
            return self.languages[normalise_header(cleaned)]  # type: ignore[no-any-return]
        except KeyError as exc:
            raise CellError(
                _("unknown language “%(value)s”") % {"value": cleaned}
            ) from exc

    def many(self, index: dict[str, Any], value: Any, kind: str) -> list[Any]:
        found, unknown = [], []
        for part in parse_list(value):
            obj = index.get(normalise_header(part))
            if obj is None:
                unknown.append(part)
            elif obj not in found:
                found.append(obj)
        if unknown:
            raise CellError(
                _("unknown %(kind)s: %(values)s")
                % {"kind": kind, "values": ", ".join(f"“{u}”" for u in unknown)}
            )
        return found


@dataclass(frozen=True)
class FieldSpec:
    """A target a column can map to."""

    name: str
    label: str | Promise
    synonyms: tuple[str, ...]
    kind: str = "scalar"  # scalar | m2m | vocab | attendance


def _spec(
    name: str, label: str | Promise, *synonyms: str, kind: str = "scalar"
) -> FieldSpec:
    return FieldSpec(name, label, (name, str(label), *synonyms), kind)


CONTACT_FIELDS: tuple[FieldSpec, ...] = (
    _spec(
        "first_name",
        gettext_lazy("First name"),
        "first",
        "given name",
        "firstname",
        "nombre",
    ),
    _spec(
        "last_name",
        gettext_lazy("Last name"),
        "last",
        "surname",
        "family name",
        "apellido",
        "apellidos",
    ),
    _spec(
        "full_name",
        gettext_lazy("Full name (split into first and last)"),
        "name",
        "full name",
        "nombre completo",
    ),
    _spec("preferred_name", gettext_lazy("Preferred name"), "nickname", "goes by"),
    _spec("pronouns", gettext_lazy("Pronouns")),
    _spec(
        "email",
        gettext_lazy("Email"),
        "e-mail",
        "email address",
        "correo",
        "correo electronico",
    ),
    _spec(
        "phone",
        gettext_lazy("Phone"),
        "phone number",
        "mobile",
        "cell",
        "cell phone",
        "telephone",
        "tel",
        "telefono",
    ),
    _spec(
        "street_address",
        gettext_lazy("Street address"),
        "address",
        "street",
        "direccion",
    ),
    _spec("city", gettext_lazy("City"), "ciudad"),
    _spec("state", gettext_lazy("State")),
    _spec(
        "zip_code",
        gettext_lazy("ZIP code"),
        "zip",
        "zipcode",
        "postal code",
        "codigo postal",
    ),
    _spec("county", gettext_lazy("County"), "condado", kind="vocab"),
    _spec(
        "legislative_district", gettext_lazy("Legislative district"), "ld", "district"
    ),
    _spec(
        "preferred_language",
        gettext_lazy("Preferred language"),
        "language",
        "idioma",
        kind="vocab",
    ),
    _spec("other_languages", gettext_lazy("Other languages"), "languages", kind="m2m"),
    _spec(
        "interpretation_needed",
        gettext_lazy("Needs interpretation"),
        "interpretation",
        "interpreter needed",
    ),
    _spec("roles", gettext_lazy("Roles"), "role", kind="m2m"),
    _spec("tags", gettext_lazy("Tags"), "tag", "labels", kind="m2m"),
    _spec("birth_year", gettext_lazy("Birth year"), "year of birth"),
    _spec(
        "consent_email",
        gettext_lazy("May email"),
        "email consent",
        "email opt in",
        "ok to email",
    ),
    _spec(
        "consent_sms",
        gettext_lazy("May text"),
        "sms consent",
        "text consent",
        "ok to text",
    ),
    _spec(
        "consent_phone",
        gettext_lazy("May call"),
        "phone consent",
        "call consent",
        "ok to call",
    ),
    _spec("consent_date", gettext_lazy("Consent date")),
    _spec("consent_source", gettext_lazy("Consent source")),
    _spec("race_ethnicity_status", gettext_lazy("Race/ethnicity status")),
    _spec(
        "race_categories",
        gettext_lazy("Race/ethnicity categories"),
        "race",
        "ethnicity",
        "race ethnicity",
        "race/ethnicity",
        kind="m2m",
    ),
    _spec(
        "race_groups",
        gettext_lazy("Detailed groups"),
        "detailed race",
        "ancestry",
        "ethnic group",
        kind="m2m",
    ),
    _spec(
        "race_write_in",
        gettext_lazy("Race/ethnicity in their own words"),
        "race write in",
        "self description",
    ),
    _spec("self_id_date", gettext_lazy("Self-identification date")),
    _spec("gender", gettext_lazy("Gender"), "genero"),
    _spec("age_band", gettext_lazy("Age band"), "age group", "age range"),
    _spec("notes", gettext_lazy("Notes"), "comments", "notas"),
)

ATTENDANCE_FIELDS: tuple[FieldSpec, ...] = (
    _spec(
        "attendance_status",
        gettext_lazy("Attendance status"),
        "status",
        "attended",
        kind="attendance",
    ),
    _spec(
        "attendance_role",
        gettext_lazy("Attendance role"),
        "participant role",
        kind="attendance",
    ),
    _spec(
        "checked_in_at",
        gettext_lazy("Checked in at"),
        "check in",
        "checked in",
        "time in",
        "sign in time",
        kind="attendance",
    ),
)


def synonyms_index(specs: Iterable[FieldSpec]) -> dict[str, str]:
    """{normalised header: field name} for guessing."""
    index: dict[str, str] = {}
    for spec in specs:
        for word in spec.synonyms:
            index.setdefault(normalise_header(word), spec.name)
    return index


def guess_mapping(headers: Iterable[str], specs: Iterable[FieldSpec]) -> dict[str, str]:
    """{header: field name or ""}: each field taken by at most one header."""
    index = synonyms_index(specs)
    taken: set[str] = set()
    mapping: dict[str, str] = {}
    for header in headers:
        if not header:
            continue
        name = index.get(normalise_header(header), "")
        if name in taken:
            name = ""
        if name:
            taken.add(name)
        mapping[header] = name
    return mapping


SCALAR_PARSERS: dict[str, Callable[[Any], Any]] = {
    "first_name": parse_text(100),
    "last_name": parse_text(100),
    "full_name": parse_text(201),
    "preferred_name": parse_text(100),
    "pronouns": parse_text(40),
    "email": parse_email,
    "phone": parse_phone,
    "street_address": parse_text(255),
    "city": parse_text(100),
    "state": parse_text(2),
    "zip_code": parse_zip,
    "legislative_district": parse_int(1, 49),
    "interpretation_needed": parse_bool,
    "birth_year": parse_int(1900, 2100),
    "consent_email": parse_bool,
    "consent_sms": parse_bool,
    "consent_phone": parse_bool,
    "consent_date": parse_date,
    "consent_source": parse_choice(Contact.ConsentSource.choices),
    "race_ethnicity_status": parse_choice(Contact.SelfIdStatus.choices),
    "race_write_in": parse_text(200),
    "self_id_date": parse_date,
    "gender": parse_text(60),
    "age_band": parse_choice(Contact.AgeBand.choices),
    "notes": parse_text(10_000),
}
