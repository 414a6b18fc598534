"""QuickSelect writes what Django's Select writes, in one step."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.db import connection
from django.test import SimpleTestCase
from django.test.utils import CaptureQueriesContext

from crm.models import County
from crm.widgets import QuickSelect, quicken_selects
from reports.forms import MetricsFilterForm
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GROUPED = [("Near", [("king", "King"), ("pierce", "Pierce")]), ("far", "Far <away>")]


class Sample(forms.Form):
    plain = forms.ChoiceField(choices=[("", "Any"), ("a", 'A "quoted" & <b>')])
    optional = forms.ChoiceField(choices=[("x", "X"), ("y", "Y")], required=False)
    grouped = forms.ChoiceField(choices=GROUPED, required=False)
    county = forms.ModelChoiceField(
        queryset=County.objects.all(), to_field_name="code", required=False
    )
    first = forms.ModelChoiceField(
        queryset=County.objects.all(), empty_label=None, required=True
    )


def _rendered(data: dict[str, Any] | None, quick: bool) -> list[str]:
    form = Sample(data)
    if quick:
        quicken_selects(form.fields.values())
        assert all(type(f.widget) is QuickSelect for f in form.fields.values())
    form.is_valid()
    return [str(form[name]) for name in form.fields]


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"plain": "a", "optional": "y", "grouped": "pierce", "county": "king"},
        {"plain": "nonsense", "county": "<script>", "first": "0"},
    ],
)
def test_quick_selects_write_what_djangos_write(data):
    for quick, django in zip(
        _rendered(data, True), _rendered(data, False), strict=True
    ):
        SimpleTestCase().assertHTMLEqual(quick, django)
    assert "<script>" not in "".join(_rendered(data, True))


def test_the_dashboard_filters_read_each_list_once_and_escape_names(leadership):
    UserFactory(first_name='<img src=x onerror="alert(1)">', username="odd")
    form = MetricsFilterForm({"period": "quarter", "county": "king"})
    assert form.is_valid()
    with CaptureQueriesContext(connection) as captured:
        html = "".join(str(field) for field in form)
    # One plain query per list of rows: programs, counties, communities,
    # organizers, baselines.
    assert len(captured.captured_queries) == 5
    assert not any("DECLARE" in q["sql"] for q in captured.captured_queries)
    assert "<img" not in html and "&lt;img" in html
    assert '<option value="king" selected>' in html
    plain = MetricsFilterForm({"period": "quarter", "county": "king"})
    for field in plain.fields.values():
        if type(field.widget) is QuickSelect:
            field.widget = forms.Select(attrs=field.widget.attrs, choices=field.choices)
    assert plain.is_valid()
    SimpleTestCase().assertHTMLEqual(html, "".join(str(field) for field in plain))
