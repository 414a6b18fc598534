"""What the people and organization lists can be filtered by, shared by HTML and API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from contacts.models import (
    CommunityRole,
    Contact,
    Organization,
    RaceEthnicityCategory,
    Tag,
)
from crm.models import County, Language, User


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
        label=_("Role"),
        to_field_name="code",
    )
    tag = django_filters.ModelChoiceFilter(
        queryset=Tag.objects.all(), field_name="tags", label=_("Tag")
    )
    race_category = django_filters.ModelChoiceFilter(
        queryset=RaceEthnicityCategory.objects.all(),
        field_name="race_categories",
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        # Filtering by race/ethnicity would reveal individuals' answers.
        if not (user and user.has_perm("crm.view_self_identification")):
            self.filters.pop("race_category")

    @property
    def qs(self) -> QuerySet[Contact]:
        queryset = super().qs
        cleaned = getattr(self.form, "cleaned_data", {})
        if not cleaned.get("state"):
            queryset = queryset.filter(
                archived_at__isnull=True, merged_into__isnull=True
            )
        if not cleaned.get("ordering"):
            queryset = queryset.order_by("last_name", "first_name", "id")
        # Joins through many-to-many filters can repeat a person.
        if any(cleaned.get(k) for k in ("language", "role", "tag", "race_category")):
            queryset = queryset.distinct()
        return queryset

    def filter_search(
        self, queryset: QuerySet[Contact], name: str, value: str
    ) -> QuerySet[Contact]:
        return queryset.search(value)  # type: ignore[attr-defined, no-any-return]

    def filter_language(
        self, queryset: QuerySet[Contact], name: str, value: Language
    ) -> QuerySet[Contact]:
        return queryset.filter(Q(preferred_language=value) | Q(other_languages=value))

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
