"""What the people and organization lists can be filtered by, shared by HTML and API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from contacts.models import (
    ACTIVE,
    RACE_MASK_IDS,
    CommunityRole,
    Contact,
    Links,
    Organization,
    RaceEthnicityCategory,
    Tag,
    ascii_starts_with,
)
from contacts.normalize import phone_search_digits
from crm.models import County, Language, User

# A race/ethnicity category linking more people than this is counted from the
# mask beside each person: at a million people, where the people list passes at
# most 20 people per match before reaching its count limit, reading the name
# index alone beats following as many links to their people (a category of
# 125,000 people: 22 ms against 90 ms on PostgreSQL).
DENSE_LINKS = 50_000

# The two disjoint parts of the people who speak a language (see
# ContactFilter.splits_language): those who prefer it, and those who list it
# among their other languages while preferring another or none.
LanguagePart = Literal["preferred", "besides"]
LANGUAGE_PARTS: tuple[LanguagePart, ...] = ("preferred", "besides")
# The people list's own order, either way: what the language index serves.
NAME_KEYS = ("last_name", "first_name", "id")


class ContactFilter(django_filters.FilterSet):
    STATE_CHOICES = (
        ("active", _("Active")),
        ("archived", _("Archived")),
        ("all", _("All")),
    )
    CONSENT_CHOICES = (
        ("email", _("May email")),
        ("sms", _("May text")),
        ("phone", _("May call")),
        ("none", _("No consent recorded")),
    )

    q = django_filters.CharFilter(
        method="filter_search", label=_("Search name, email or phone"), max_length=100
    )
    county = django_filters.ModelChoiceFilter(
        queryset=County.objects.all(), label=_("County")
    )
    legislative_district = django_filters.NumberFilter(
        label=_("Legislative district"), min_value=1, max_value=49
    )
    language = django_filters.ModelChoiceFilter(
        queryset=Language.objects.all(),
        method="filter_language",
        label=_("Language"),
        to_field_name="code",
    )
    role = django_filters.ModelChoiceFilter(
        queryset=CommunityRole.objects.all(),
        field_name="roles",
        method="filter_linked",
        label=_("Role"),
        to_field_name="code",
    )
    tag = django_filters.ModelChoiceFilter(
        queryset=Tag.objects.all(),
        field_name="tags",
        method="filter_linked",
        label=_("Tag"),
    )
    race_category = django_filters.ModelChoiceFilter(
        queryset=RaceEthnicityCategory.objects.all(),
        field_name="race_categories",
        method="filter_linked",
        label=_("Race/ethnicity"),
        to_field_name="code",
    )
    consent = django_filters.ChoiceFilter(
        choices=CONSENT_CHOICES, method="filter_consent", label=_("Consent")
    )
    owner = django_filters.ModelChoiceFilter(
        queryset=User.objects.filter(is_active=True), label=_("Owner")
    )
    state = django_filters.ChoiceFilter(
        choices=STATE_CHOICES,
        method="filter_state",
        label=_("Status"),
        empty_label=None,
    )
    ordering = django_filters.OrderingFilter(
        fields=(
            ("last_name", "last_name"),
            ("first_name", "first_name"),
            ("created_at", "created"),
            ("zip_code", "zip_code"),
        ),
        # Labels built lazily, so they follow the reader's language (the filter's
        # own "(descending)" labels are fixed when the module loads).
        choices=[
            choice
            for param, label in (
                ("last_name", _("Last name")),
                ("first_name", _("First name")),
                ("created", _("Date added")),
                ("zip_code", _("ZIP code")),
            )
            for choice in (
                (param, label),
                (f"-{param}", format_lazy("{} ({})", label, _("descending"))),
            )
        ],
        label=_("Sort by"),
    )

    class Meta:
        model = Contact
        fields: list[str] = []

    # How the many-to-many filters (and the language) are written while the
    # queryset is built, and the fields written otherwise; see filtered().
    links: Links = "exists"
    shapes: Mapping[str, Links] = {}
    language_part: LanguagePart | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        # Filtering by race/ethnicity would reveal individuals' answers.
        if not (user and user.has_perm("crm.view_self_identification")):
            self.filters.pop("race_category")

    @property
    def qs(self) -> QuerySet[Contact]:
        if not hasattr(self, "_qs"):
            self._qs = self.filtered()
        return self._qs

    def filtered(
        self,
        links: Links = "exists",
        shapes: Mapping[str, Links] | None = None,
        language: LanguagePart | None = None,
    ) -> QuerySet[Contact]:
        """The people matching the filters, in the chosen order with ties broken.

        `links` and `shapes` change how the query is written, never whom it
        finds. Links: "exists" (the default) probes each person's links, which
        suits walking people in the list's order when many match; "join" lets
        the database start from either side, for when few people match or for
        counting up to a limit. `shapes` writes some many-to-many fields
        another way whatever `links` says (see link_shapes()). Databases choose
        between such plans from statistics, which SQLite does not keep by
        default. `language` keeps one part of a language filter's people (see
        splits_language).
        """
        self.links, self.shapes = links, shapes or {}
        self.language_part = language
        try:
            queryset = self.queryset.all()
            if self.is_bound:
                self.errors  # noqa: B018 (validates the form before filtering)
                queryset = self.filter_queryset(queryset)
        finally:
            self.links, self.shapes, self.language_part = "exists", {}, None
        cleaned = getattr(self.form, "cleaned_data", {})
        if not cleaned.get("state"):
            queryset = queryset.filter(
                archived_at__isnull=True, merged_into__isnull=True
            )
        return queryset.order_by(*self.sort_keys())

    def link_shapes(self, limit: int) -> dict[str, Links]:
        """How to write each many-to-many filter whatever the query: "in" (from
        the links) where the value links at most limit people; "exists" where
        a race/ethnicity category links more than DENSE_LINKS, to count its
        people from the mask beside each person (see RaceMask), which finds
        a limit's worth sooner than following that many links to their
        people. One query each."""
        cleaned = getattr(self.form, "cleaned_data", {})
        shapes: dict[str, Links] = {}
        for name in ("role", "tag", "race_category"):
            flt = self.filters.get(name)
            value = cleaned.get(name)
            if flt is None or not value:
                continue
            masked = name == "race_category" and value.pk in RACE_MASK_IDS
            links = Contact.objects.links(flt.field_name, value)
            count = links[: max(limit, DENSE_LINKS if masked else 0) + 1].count()
            if count <= limit:
                shapes[flt.field_name] = "in"
            elif masked and count > DENSE_LINKS:
                shapes[flt.field_name] = "exists"
        return shapes

    def splits_language(self, limit: int) -> bool:
        """Whether to page a language filter as its two parts (LANGUAGE_PARTS),
        each in the list's order: the people who prefer the language read in
        order from its index (Contact.Meta.indexes), the few who speak it
        besides sorted, the two merged. Walking everyone by name instead,
        testing each, passes whole stretches of the alphabet where the
        language is rare: at a million people, 200,000 before the first
        Spanish speaker. So when the list is in name order and at most limit
        people list the language among their other ones (one query)."""
        cleaned = getattr(self.form, "cleaned_data", None) or {}
        value = cleaned.get("language")
        keys = self.sort_keys()
        if not value or [key.lstrip("-") for key in keys] != list(NAME_KEYS):
            return False
        if len({key.startswith("-") for key in keys}) != 1:
            return False
        others = Contact.other_languages.through.objects.filter(language=value)
        return others[: limit + 1].count() <= limit

    def name_search(self) -> list[QuerySet[Contact]] | None:
        """For a search by one word of printable ASCII with no other filter, in
        the default order: the active people whose last, first or preferred
        name starts with it, one queryset per name column, each answered from
        that column's partial index (see Contact.Meta.indexes). Together they
        are exactly the people filtered() finds. None for any other request.
        """
        cleaned = getattr(self.form, "cleaned_data", None)
        if not self.is_bound or cleaned is None or self.form.errors:
            return None
        others = [
            name
            for name, value in cleaned.items()
            if name != "q" and value not in (None, "", [], ())
        ]
        words = str(cleaned.get("q") or "").replace("\x00", "").split()
        if others or len(words) != 1 or "@" in words[0]:
            return None
        if phone_search_digits(words[0]):
            return None
        branches = []
        for column in ("last_name", "first_name", "preferred_name"):
            prefix = ascii_starts_with(column, words[0])
            if prefix is None:
                return None
            branches.append(self.queryset.filter(ACTIVE, prefix).order_by())
        return branches

    def sort_keys(self) -> tuple[str, ...]:
        """The order asked for, then what breaks its ties, ending with the id."""
        cleaned = getattr(self.form, "cleaned_data", {})
        flt = self.filters["ordering"]
        keys = [
            flt.get_ordering_value(param)  # type: ignore[attr-defined]
            for param in cleaned.get("ordering") or []
        ]
        if not keys:
            return ("last_name", "first_name", "id")
        names = {key.lstrip("-") for key in keys}
        direction = "-" if keys[-1].startswith("-") else ""
        if keys[-1].lstrip("-") == "last_name" and "first_name" not in names:
            keys.append(f"{direction}first_name")
        if not names & {"id", "pk"}:
            keys.append(f"{direction}id")
        return tuple(keys)

    def filter_search(
        self, queryset: QuerySet[Contact], name: str, value: str
    ) -> QuerySet[Contact]:
        return queryset.search(value)  # type: ignore[attr-defined, no-any-return]

    def filter_linked(
        self, queryset: QuerySet[Contact], name: str, value: Any
    ) -> QuerySet[Contact]:
        how = self.shapes.get(name, self.links)
        return queryset.linked(name, value, how=how)  # type: ignore[attr-defined, no-any-return]

    def filter_language(
        self, queryset: QuerySet[Contact], name: str, value: Language
    ) -> QuerySet[Contact]:
        # Preferred, or among the other languages (without a join that would
        # repeat a person).
        others = Contact.other_languages.through.objects.filter(language=value)
        if self.language_part == "preferred":
            return queryset.filter(preferred_language=value)
        if self.language_part == "besides":
            besides = queryset.filter(pk__in=others.values("contact_id"))
            return besides.exclude(preferred_language=value)
        if self.links == "exists":
            speaks = Q(Exists(others.filter(contact_id=OuterRef("pk"))))
        else:
            speaks = Q(pk__in=others.values("contact_id"))
        return queryset.filter(Q(preferred_language=value) | speaks)

    def filter_consent(
        self, queryset: QuerySet[Contact], name: str, value: str
    ) -> QuerySet[Contact]:
        if value == "none":
            return queryset.filter(
                consent_email=False, consent_sms=False, consent_phone=False
            )
        return queryset.filter(**{f"consent_{value}": True})

    def filter_state(
        self, queryset: QuerySet[Contact], name: str, value: str
    ) -> QuerySet[Contact]:
        if value == "archived":
            return queryset.filter(archived_at__isnull=False, merged_into__isnull=True)
        if value == "all":
            return queryset.filter(merged_into__isnull=True)
        return queryset.filter(archived_at__isnull=True, merged_into__isnull=True)


class OrganizationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        field_name="name", lookup_expr="icontains", label=_("Name"), max_length=100
    )
    kind = django_filters.ChoiceFilter(
        choices=Organization.Kind.choices, label=_("Kind")
    )
    county = django_filters.ModelChoiceFilter(
        queryset=County.objects.all(), label=_("County")
    )
    is_coalition_partner = django_filters.BooleanFilter(label=_("Coalition partner"))
    archived = django_filters.BooleanFilter(
        field_name="is_archived", label=_("Archived")
    )

    class Meta:
        model = Organization
        fields: list[str] = []

    @property
    def qs(self) -> QuerySet[Organization]:
        queryset = super().qs
        if getattr(self.form, "cleaned_data", {}).get("archived") is None:
            queryset = queryset.filter(is_archived=False)
        return queryset.order_by("name", "id")
