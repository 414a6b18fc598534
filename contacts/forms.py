from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from contacts.models import (
    Affiliation,
    Contact,
    Organization,
    RaceEthnicityCategory,
    RaceEthnicityGroup,
    Relationship,
)
from contacts.normalize import normalize_email, normalize_phone
from contacts.services import SELF_ID_FIELDS
from crm.forms import RecordField, bounded_formfield
from crm.models import Language, User


class DateInput(forms.DateInput):
    input_type = "date"


def set_choices(form: forms.BaseForm, name: str, queryset: Any) -> None:
    """Narrow a model choice field's options."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{name} is not a model choice field")
    field.queryset = queryset


class ContactForm(forms.ModelForm):
    """Create or edit a person. Self-identification fields only for those allowed."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Contact
        formfield_callback = bounded_formfield
        fields = [
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
        ]
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "zip_code": forms.TextInput(attrs={"inputmode": "numeric"}),
            "consent_date": DateInput,
            "self_id_date": DateInput,
            "race_categories": forms.CheckboxSelectMultiple,
            "race_groups": forms.SelectMultiple(attrs={"size": 8}),
            "roles": forms.CheckboxSelectMultiple,
            "tags": forms.SelectMultiple(attrs={"size": 5}),
            "other_languages": forms.SelectMultiple(attrs={"size": 6}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {"first_name": {"required": _("Enter a first name.")}}

    def __init__(
        self, *args: Any, can_edit_self_id: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "school_district", Organization.objects.school_districts())
        set_choices(self, "owner", User.objects.filter(is_active=True))
        set_choices(self, "preferred_language", Language.objects.all())
        set_choices(self, "race_categories", RaceEthnicityCategory.objects.all())
        set_choices(
            self,
            "race_groups",
            RaceEthnicityGroup.objects.filter(is_active=True).select_related(
                "category"
            ),
        )
        self.fields["race_categories"].help_text = _(
            "Mark all that apply, only as the person told you. Never guess."
        )
        self.fields["legislative_district"].widget.attrs.update(min=1, max=49)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        if not can_edit_self_id:
            for name in SELF_ID_FIELDS:
                self.fields.pop(name, None)

    def clean_email(self) -> str:
        return normalize_email(self.cleaned_data.get("email", ""))

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data.get("phone", ""))

    def clean_first_name(self) -> str:
        value = (self.cleaned_data.get("first_name") or "").strip()
        if not value:
            raise ValidationError(_("Enter a first name."), code="required")
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        status = cleaned.get("race_ethnicity_status")
        chosen = cleaned.get("race_categories") or cleaned.get("race_groups")
        if (
            status
            and status
            in (Contact.SelfIdStatus.DECLINED, Contact.SelfIdStatus.NOT_ASKED)
            and (chosen or cleaned.get("race_write_in"))
        ):
            self.add_error(
                "race_ethnicity_status",
                _("Choose either categories or “%(status)s”, not both.")
                % {"status": Contact.SelfIdStatus(status).label},
            )
        return cleaned

    def service_fields(self) -> dict[str, Any]:
        """Cleaned data in the shape the contact services take."""
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        formfield_callback = bounded_formfield
        fields = [
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
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data.get("phone", ""))

    def clean_email(self) -> str:
        return normalize_email(self.cleaned_data.get("email", ""))


class AffiliationForm(forms.ModelForm):
    class Meta:
        model = Affiliation
        formfield_callback = bounded_formfield
        fields = ["organization", "title", "start_date", "end_date"]
        labels = {"organization": _("Organization")}
        widgets = {"start_date": DateInput, "end_date": DateInput}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "organization", Organization.objects.active())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date must be on or after the start."))
        return cleaned


class RelationshipForm(forms.ModelForm):
    class Meta:
        model = Relationship
        formfield_callback = bounded_formfield
        fields = ["kind", "to_contact"]
        labels = {"to_contact": _("Other person")}

    def __init__(self, *args: Any, from_contact: Contact, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.from_contact = from_contact
        # A number field keeps the page fast however many people there are.
        self.fields["to_contact"] = RecordField(
            queryset=Contact.objects.active().exclude(pk=from_contact.pk),
            widget=forms.NumberInput,
            label=_("Other person's record number"),
            help_text=_("The number at the end of their page's address."),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        other = cleaned.get("to_contact")
        kind = cleaned.get("kind")
        if (
            other
            and kind
            and Relationship.objects.filter(
                from_contact=self.from_contact, to_contact=other, kind=kind
            ).exists()
        ):
            raise ValidationError(_("This relationship is already recorded."))
        return cleaned
