from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from contacts import services
from contacts.models import (
    Affiliation,
    CommunityRole,
    Contact,
    Organization,
    RaceEthnicityCategory,
    RaceEthnicityGroup,
    Relationship,
    Tag,
)
from contacts.normalize import normalize_email, normalize_phone
from crm.api import StrictInputMixin
from crm.models import County, Language


class ContactSerializer(StrictInputMixin, serializers.ModelSerializer):
    """A person; self-identification only for those allowed to see it."""

    county = serializers.SlugRelatedField(
        slug_field="code",
        queryset=County.objects.all(),
        allow_null=True,
        required=False,
    )
    preferred_language = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Language.objects.all(),
        allow_null=True,
        required=False,
    )
    other_languages = serializers.SlugRelatedField(
        slug_field="code", queryset=Language.objects.all(), many=True, required=False
    )
    roles = serializers.SlugRelatedField(
        slug_field="code",
        queryset=CommunityRole.objects.all(),
        many=True,
        required=False,
    )
    tags = serializers.SlugRelatedField(
        slug_field="name", queryset=Tag.objects.all(), many=True, required=False
    )
    race_categories = serializers.SlugRelatedField(
        slug_field="code",
        queryset=RaceEthnicityCategory.objects.all(),
        many=True,
        required=False,
    )
    race_groups = serializers.SlugRelatedField(
        slug_field="code",
        queryset=RaceEthnicityGroup.objects.all(),
        many=True,
        required=False,
    )
    version = serializers.IntegerField(
        required=False,
        help_text="The version you read; an older one is refused with 409.",
    )
    is_archived = serializers.BooleanField(read_only=True)

    class Meta:
        model = Contact
        fields = [
            "id",
            "first_name",
            "last_name",
            "preferred_name",
            "pronouns",
            "email",
            "phone",
            "street_address",
            "city",
            "state",
            "zip_code",
            "county",
            "legislative_district",
            "school_district",
            "preferred_language",
            "other_languages",
            "interpretation_needed",
            "roles",
            "tags",
            "owner",
            "birth_year",
            "consent_email",
            "consent_sms",
            "consent_phone",
            "consent_date",
            "consent_source",
            "race_ethnicity_status",
            "race_categories",
            "race_groups",
            "race_write_in",
            "self_id_source",
            "self_id_date",
            "gender",
            "age_band",
            "notes",
            "is_archived",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs: dict[str, dict[str, Any]] = {"email": {"validators": []}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        # The API list reads its fields once per answer to this permission
        # (ContactViewSet.list_plan_key): hiding a field by anything else must
        # be told there too.
        if not (user and user.has_perm("crm.view_self_identification")):
            # Without the permission the fields are neither shown nor writable,
            # except that a new person's answers may be recorded on creation.
            creating = request is not None and request.method == "POST"
            for name in services.SELF_ID_FIELDS:
                if name in self.fields:
                    if creating:
                        self.fields[name].write_only = True
                    else:
                        self.fields.pop(name)

    def validate_email(self, value: str) -> str:
        return normalize_email(value)

    def validate_phone(self, value: str) -> str:
        return normalize_phone(value)

    def validate_first_name(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError(_("Enter a first name."))
        return value.strip()

    def create(self, validated_data: dict[str, Any]) -> Contact:
        validated_data.pop("version", None)
        request = self.context.get("request")
        return services.create_contact(
            created_by=getattr(request, "user", None), **validated_data
        )

    def update(self, instance: Contact, validated_data: dict[str, Any]) -> Contact:
        expected = validated_data.pop("version", None)
        request = self.context.get("request")
        return services.update_contact(
            contact=instance,
            changes=validated_data,
            updated_by=getattr(request, "user", None),
            expected_version=expected,
        )


class OrganizationSerializer(StrictInputMixin, serializers.ModelSerializer):
    county = serializers.SlugRelatedField(
        slug_field="code",
        queryset=County.objects.all(),
        allow_null=True,
        required=False,
    )

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "kind",
            "county",
            "is_coalition_partner",
            "ospi_code",
            "website",
            "email",
            "phone",
            "address",
            "notes",
            "is_archived",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["is_archived", "created_at", "updated_at"]

    def validate_phone(self, value: str) -> str:
        return normalize_phone(value)


class AffiliationSerializer(StrictInputMixin, serializers.ModelSerializer):
    class Meta:
        model = Affiliation
        fields = ["id", "contact", "organization", "title", "start_date", "end_date"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start = attrs.get("start_date", getattr(self.instance, "start_date", None))
        end = attrs.get("end_date", getattr(self.instance, "end_date", None))
        if start and end and end < start:
            raise serializers.ValidationError(
                {"end_date": _("The end date must be on or after the start.")}
            )
        return attrs


class RelationshipSerializer(StrictInputMixin, serializers.ModelSerializer):
    class Meta:
        model = Relationship
        fields = ["id", "from_contact", "kind", "to_contact"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("from_contact") and attrs.get("from_contact") == attrs.get(
            "to_contact"
        ):
            raise serializers.ValidationError(
                {"to_contact": _("A person cannot be related to themselves.")}
            )
        return attrs


class RaceEthnicityGroupSerializer(StrictInputMixin, serializers.ModelSerializer):
    category: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = RaceEthnicityGroup
        fields = ["id", "code", "name", "category", "cedars_code", "is_active"]


class RaceEthnicityCategorySerializer(StrictInputMixin, serializers.ModelSerializer):
    class Meta:
        model = RaceEthnicityCategory
        fields = ["id", "code", "name", "description"]
