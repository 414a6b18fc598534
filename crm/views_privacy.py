"""A person's access report and erasure: thin views over contacts.privacy."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contacts import privacy
from contacts.models import Contact

FORMATS = {
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class AccessReportForm(forms.Form):
    file_format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[("json", "JSON"), ("xlsx", gettext_lazy("Spreadsheet (XLSX)"))],
        initial="xlsx",
    )


class ErasureForm(forms.Form):
    confirm_record = forms.IntegerField(
        label=gettext_lazy("Type the record number to confirm"),
        help_text=gettext_lazy("The number at the end of the person's page address."),
    )

    def __init__(self, *args: object, contact: Contact, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.contact = contact

    def clean_confirm_record(self) -> int:
        value = self.cleaned_data["confirm_record"]
        if value != self.contact.pk:
            raise forms.ValidationError(
                _("That is not this person's record number. Nothing was erased.")
            )
        return int(value)


@login_required
@permission_required("crm.export_personal_data", raise_exception=True)
def access_report(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(Contact, pk=pk)
    form = AccessReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        file_format = form.cleaned_data["file_format"]
        content = privacy.export_personal_data(
            contact=contact,
            requested_by=request.user,  # type: ignore[arg-type]
            file_format=file_format,
        )
        response = HttpResponse(content, content_type=FORMATS[file_format])
        # The record number, not the name: no personal data in file names or logs.
        response["Content-Disposition"] = (
            f'attachment; filename="access-report-{contact.pk}.{file_format}"'
        )
        response["Cache-Control"] = "no-store"
        return response
    return render(
        request, "privacy/access_report.html", {"contact": contact, "form": form}
    )


@login_required
@permission_required("crm.erase_personal_data", raise_exception=True)
def erase(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(Contact, pk=pk)
    form = ErasureForm(request.POST or None, contact=contact)
    if contact.merged_into_id is not None:
        form.add_error(
            None,
            _("This record was merged into another person: erase that person instead."),
        )
    elif contact.erased_at is not None and request.method != "POST":
        messages.info(request, _("This person's data has already been erased."))
    if request.method == "POST" and form.is_valid():
        privacy.erase_personal_data(
            contact=contact,
            erased_by=request.user,  # type: ignore[arg-type]
        )
        messages.success(
            request,
            _(
                "Personal data erased. Attendance and demographic counts are kept; "
                "the erasure is in the audit log."
            ),
        )
        return redirect(contact)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "privacy/erase.html",
        {"contact": contact, "form": form, "handling": privacy.ERASURE_HANDLING},
        status=status,
    )
