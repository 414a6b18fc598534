from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from contacts.forms import DateInput, set_choices
from contacts.models import Contact, Organization, RaceEthnicityCategory
from contacts.normalize import normalize_email, normalize_phone
from crm.forms import RecordsField, bounded_formfield
from crm.models import Language, Program, Topic, User
from events.models import Attendance, Event, FollowUp, Outreach


# The largest id a database column can hold; asking for a bigger one is an error
# in the database, so such a value is refused as a choice before the query.
class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class EventForm(forms.ModelForm):
    """Create or edit an event."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Event
        formfield_callback = bounded_formfield
        fields = [
            "name",
            "kind",
            "status",
            "program",
            "topics",
            "starts_at",
            "ends_at",
            "venue",
            "address",
            "county",
            "is_virtual",
            "languages_offered",
            "interpretation_provided",
            "childcare_provided",
            "food_provided",
            "transport_provided",
            "host_organizations",
            "organizers",
            "focus_communities",
            "head_count",
            "ta_hours",
            "ta_recipients",
            "description",
            "signin_opens_minutes_before",
            "signin_closes_minutes_after",
        ]
        widgets = {
            "starts_at": DateTimeInput,
            "ends_at": DateTimeInput,
            "topics": forms.SelectMultiple(attrs={"size": 6}),
            "languages_offered": forms.SelectMultiple(attrs={"size": 6}),
            "interpretation_provided": forms.SelectMultiple(attrs={"size": 6}),
            "host_organizations": forms.SelectMultiple(attrs={"size": 6}),
            "ta_recipients": forms.SelectMultiple(attrs={"size": 6}),
            "organizers": forms.SelectMultiple(attrs={"size": 6}),
            "focus_communities": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = dict.fromkeys(
            (
                "topics",
                "languages_offered",
                "interpretation_provided",
                "host_organizations",
                "organizers",
                "focus_communities",
                "ta_recipients",
            ),
            RecordsField,
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "program", Program.objects.active())
        set_choices(self, "topics", Topic.objects.active())
        set_choices(self, "organizers", User.objects.filter(is_active=True))
        organizations = Organization.objects.active()
        set_choices(self, "host_organizations", organizations)
        set_choices(self, "ta_recipients", organizations)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        self.fields["head_count"].widget.attrs.update(min=0)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", _("The end must be after the start."))
        return cleaned

    def service_fields(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class CheckInForm(forms.Form):
    contact = forms.ModelChoiceField(
        queryset=Contact.objects.active(), widget=forms.HiddenInput
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Attendance.Role.choices,
        initial=Attendance.Role.PARTICIPANT,
    )


class WalkInForm(forms.Form):
    """The least we need to check in someone new at the door."""

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    email = forms.CharField(
        label=_("Email"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    zip_code = forms.CharField(
        label=_("ZIP code"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Attendance.Role.choices,
        initial=Attendance.Role.PARTICIPANT,
    )
    race_categories = RecordsField(
        label=_("Race/ethnicity (only if they tell you)"),
        queryset=RaceEthnicityCategory.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    race_declined = forms.BooleanField(label=_("Prefer not to say"), required=False)

    def clean_email(self) -> str:
        return normalize_email(self.cleaned_data.get("email", ""))

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data.get("phone", ""))

    def contact_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {
            k: data[k]
            for k in ("first_name", "last_name", "email", "phone", "zip_code")
        }
        if data.get("race_categories"):
            fields["race_categories"] = list(data["race_categories"])
        elif data.get("race_declined"):
            fields["race_ethnicity_status"] = Contact.SelfIdStatus.DECLINED
        return fields


ZIP_VALIDATOR = RegexValidator(
    r"^\d{5}(-\d{4})?$", _("Enter a 5-digit ZIP code, like 98101.")
)

# The seven categories of the 2024 federal standard, in words the public form can
# translate (the stored names are staff vocabulary).
PUBLIC_CATEGORY_LABELS = {
    "AIAN": _("American Indian or Alaska Native"),
    "ASIAN": _("Asian"),
    "BLACK": _("Black or African American"),
    "HISPANIC": _("Hispanic or Latino"),
    "MENA": _("Middle Eastern or North African"),
    "NHPI": _("Native Hawaiian or Pacific Islander"),
    "WHITE": _("White"),
}


class LanguageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.native_name or obj.name)


class PublicSignInForm(forms.Form):
    """The public self sign-in form: short, plain, in the person's language."""

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    email = forms.CharField(
        label=_("Email"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    zip_code = forms.CharField(
        label=_("ZIP code"),
        max_length=10,
        required=False,
        validators=[ZIP_VALIDATOR],
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "postal-code"}
        ),
    )
    preferred_language = LanguageChoiceField(
        label=_("Preferred language"),
        queryset=Language.objects.all(),
        required=False,
        empty_label="—",
    )
    race_categories = forms.MultipleChoiceField(
        label=_("Race or ethnicity (optional, mark all that apply)"),
        choices=list(PUBLIC_CATEGORY_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    race_write_in = forms.CharField(
        label=_("In your own words (optional)"), max_length=200, required=False
    )
    race_declined = forms.BooleanField(label=_("I prefer not to say"), required=False)
    consent = forms.BooleanField(
        label=_("You may contact me about future events."), required=False
    )
    # Left empty by people; filled by bots that fill every field.
    website = forms.CharField(
        required=False,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_email(self) -> str:
        try:
            return normalize_email(self.cleaned_data.get("email", ""))
        except ValidationError as exc:
            raise ValidationError(_("Enter a valid email address.")) from exc

    def clean_phone(self) -> str:
        try:
            return normalize_phone(self.cleaned_data.get("phone", ""))
        except ValidationError as exc:
            raise ValidationError(
                _("Enter a valid phone number, like 206-555-0100.")
            ) from exc

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            not cleaned.get("email")
            and not cleaned.get("phone")
            and "email" not in self.errors
            and "phone" not in self.errors
        ):
            self.add_error("email", _("Enter an email or a phone number."))
        if cleaned.get("race_declined") and (
            cleaned.get("race_categories") or cleaned.get("race_write_in")
        ):
            self.add_error(
                "race_declined",
                _("Choose categories or “prefer not to say”, not both."),
            )
        return cleaned

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("website"))

    def answers(self) -> Any:
        from events.services import SignInAnswers

        data = self.cleaned_data
        codes = data.get("race_categories") or []
        categories = list(RaceEthnicityCategory.objects.filter(code__in=codes))
        status = ""
        if categories or data.get("race_write_in"):
            status = Contact.SelfIdStatus.REPORTED
        elif data.get("race_declined"):
            status = Contact.SelfIdStatus.DECLINED
        return SignInAnswers(
            first_name=data["first_name"].strip(),
            last_name=data.get("last_name", "").strip(),
            email=data.get("email", ""),
            phone=data.get("phone", ""),
            zip_code=data.get("zip_code", ""),
            preferred_language=data.get("preferred_language"),
            race_ethnicity_status=status,
            race_categories=categories,
            race_write_in=data.get("race_write_in", "").strip(),
            consent=bool(data.get("consent")),
        )


class OutreachForm(forms.Form):
    """The quick log: person, how, what for, what happened."""

    contact = forms.ModelChoiceField(
        label=_("Person"),
        queryset=Contact.objects.active(),
        widget=forms.HiddenInput,
        error_messages={"required": _("Find and choose the person first.")},
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=Outreach.Channel.choices,
        initial=Outreach.Channel.PHONE,
        widget=forms.RadioSelect,
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Outreach.Outcome.choices, widget=forms.RadioSelect
    )
    purpose = forms.ChoiceField(
        label=_("Purpose"),
        choices=Outreach.Purpose.choices,
        initial=Outreach.Purpose.OTHER,
    )
    program = forms.ModelChoiceField(
        label=_("Program"), queryset=Program.objects.active(), required=False
    )
    topics = RecordsField(
        label=_("Topics"),
        queryset=Topic.objects.active(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    notes = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    follow_up_date = forms.DateField(
        label=_("Follow up on"), required=False, widget=DateInput
    )

    def service_fields(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


BULK_NO_OUTCOME = ""


class BulkOutreachForm(forms.Form):
    """A call list: shared channel and purpose, one outcome per person."""

    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=Outreach.Channel.choices,
        initial=Outreach.Channel.PHONE,
    )
    purpose = forms.ChoiceField(
        label=_("Purpose"),
        choices=Outreach.Purpose.choices,
        initial=Outreach.Purpose.INVITE,
    )
    program = forms.ModelChoiceField(
        label=_("Program"), queryset=Program.objects.active(), required=False
    )

    def __init__(self, *args: Any, people: list[Contact], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = people
        choices = [(BULK_NO_OUTCOME, _("Not called")), *Outreach.Outcome.choices]
        for person in people:
            self.fields[f"outcome_{person.pk}"] = forms.ChoiceField(
                label=_("Outcome for %(name)s") % {"name": person.display_name},
                choices=choices,
                required=False,
            )
            self.fields[f"note_{person.pk}"] = forms.CharField(
                label=_("Note for %(name)s") % {"name": person.display_name},
                required=False,
                max_length=1000,
            )

    def rows(self) -> list[tuple[Contact, forms.BoundField, forms.BoundField]]:
        return [
            (person, self[f"outcome_{person.pk}"], self[f"note_{person.pk}"])
            for person in self.people
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any(cleaned.get(f"outcome_{p.pk}") for p in self.people):
            raise ValidationError(_("Choose an outcome for at least one person."))
        return cleaned

    def service_rows(self) -> list[dict[str, Any]]:
        rows = []
        for person in self.people:
            outcome = self.cleaned_data.get(f"outcome_{person.pk}")
            if outcome:
                rows.append(
                    {
                        "contact": person,
                        "outcome": outcome,
                        "notes": self.cleaned_data.get(f"note_{person.pk}", ""),
                    }
                )
        return rows

    def shared_fields(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in ("channel", "purpose", "program")}


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUp
        formfield_callback = bounded_formfield
        fields = [
            "title",
            "assigned_to",
            "due_date",
            "notes",
            "contact",
            "event",
            "outreach",
            "attendance",
        ]
        widgets = {
            "due_date": DateInput,
            "notes": forms.Textarea(attrs={"rows": 2}),
            "contact": forms.HiddenInput,
            "event": forms.HiddenInput,
            "outreach": forms.HiddenInput,
            "attendance": forms.HiddenInput,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "assigned_to", User.objects.filter(is_active=True))

    def service_fields(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("What was said"), widget=forms.Textarea(attrs={"rows": 3})
    )
    one_per_line = forms.BooleanField(
        label=_("Each line is a separate comment"), required=False
    )
    themes = RecordsField(
        label=_("Themes"),
        queryset=Topic.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    language = forms.ModelChoiceField(
        label=_("Language spoken"), queryset=Language.objects.all(), required=False
    )
    contact = forms.ModelChoiceField(
        label=_("Speaker (leave blank for anonymous)"),
        queryset=Contact.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "themes", Topic.objects.active())
        set_choices(
            self,
            "contact",
            Contact.objects.filter(attendance__event=event).order_by(
                "last_name", "first_name", "id"
            ),
        )

    def texts(self) -> list[str]:
        text = self.cleaned_data["text"]
        if self.cleaned_data.get("one_per_line"):
            return [line for line in text.splitlines() if line.strip()]
        return [text]


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("What we heard"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class ProgramForm(forms.ModelForm):
    class Meta:
        model = Program
        formfield_callback = bounded_formfield
        fields = ["name", "description", "starts_on", "ends_on"]
        widgets = {
            "starts_on": DateInput,
            "ends_on": DateInput,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end must be on or after the start."))
        return cleaned


class TopicForm(forms.ModelForm):
    class Meta:
        model = Topic
        formfield_callback = bounded_formfield
        fields = ["kind", "name", "bill_number", "legislative_session", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("kind") == Topic.Kind.BILL and not cleaned.get("bill_number"):
            self.add_error("bill_number", _("A bill needs its number, like HB 1234."))
        return cleaned


class PendingReviewForm(forms.Form):
    accept = forms.MultipleChoiceField(
        label=_("Accept these answers"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, fields: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["accept"].choices = fields  # type: ignore[attr-defined]
