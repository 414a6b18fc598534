"""Forms for uploading a file and mapping its columns."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from contacts.imports.fields import FieldSpec
from contacts.models import ColumnMapping, ImportBatch
from contacts.spreadsheets import human_size, max_bytes, max_rows


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
    )
    name = forms.CharField(
        label=_("Name this import"),
        max_length=200,
        required=False,
        help_text=_("For example “Spring parent meeting list”. Optional."),
    )
    saved_mapping = forms.ModelChoiceField(
        queryset=ColumnMapping.objects.none(),
        required=False,
        label=_("Use a saved column mapping"),
        empty_label=_("Guess from the headers"),
    )

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["saved_mapping"].queryset = (  # type: ignore[attr-defined]
            ColumnMapping.objects.filter(kind=kind)
        )
        self.fields["file"].help_text = _(
            "Up to %(size)s and %(rows)s rows. UTF-8 or Windows-1252 CSV, comma "
            "or semicolon separated."
        ) % {"size": human_size(max_bytes()), "rows": f"{max_rows():,}"}


class MappingForm(forms.Form):
    """One choice per header: which field it fills (or ignore it)."""

    save_as = forms.CharField(
        label=_("Save this mapping as"),
        max_length=100,
        required=False,
        help_text=_("Give it a name to reuse it for files with the same headers."),
    )

    def __init__(
        self,
        *args: Any,
        batch: ImportBatch,
        specs: tuple[FieldSpec, ...],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.batch = batch
        choices = [("", _("(ignore this column)"))] + [
            (spec.name, spec.label) for spec in specs
        ]
        self.header_fields: list[tuple[str, str]] = []
        for index, header in enumerate(batch.headers):
            if not header:
                continue
            key = f"col_{index}"
            self.fields[key] = forms.ChoiceField(
                label=header,
                choices=choices,
                required=False,
                initial=batch.mapping.get(header, ""),
            )
            self.header_fields.append((key, header))
        # Keep "save as" last.
        self.order_fields([key for key, _h in self.header_fields] + ["save_as"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        seen: dict[str, str] = {}
        for key, header in self.header_fields:
            name = cleaned.get(key) or ""
            if not name:
                continue
            if name in seen:
                self.add_error(
                    key,
                    _("“%(other)s” is already mapped to this field.")
                    % {"other": seen[name]},
                )
            seen[name] = header
        return cleaned

    def mapping(self) -> dict[str, str]:
        return {
            header: self.cleaned_data.get(key) or ""
            for key, header in self.header_fields
        }
