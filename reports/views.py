"""HTTP glue for the dashboard, baselines and grants."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reports import metrics, services
from reports.baselines import parse_baseline_file
from reports.dashboard import build_dashboard
from reports.forms import (
    BaselineUploadForm,
    GrantForm,
    GrantTargetFormSet,
    MetricsFilterForm,
    Period,
)
from reports.models import Grant, PopulationBaseline

PREVIEW_SALT = "reports.baseline-preview"
PREVIEW_MAX_AGE = 60 * 60


@login_required
@permission_required("crm.view_dashboard", raise_exception=True)
def dashboard(request: HttpRequest) -> HttpResponse:
    form = MetricsFilterForm(request.GET or None)
    if not form.is_bound:
        form = MetricsFilterForm({"period": Period.LAST_90})
    if not form.is_valid():
        return render(request, "reports/dashboard.html", {"form": form}, status=400)
    data = form.cleaned_data
    board = build_dashboard(
        form.to_filters(),
        method=data["method"],
        baseline=data.get("baseline"),
        external=bool(data.get("external")),
        today=form.today,
    )
    return render(
        request,
        "reports/dashboard.html",
        {
            "form": form,
            "board": board,
            "charts": board.charts(),
            "method": data["method"],
            "query": request.GET.urlencode(),
        },
    )


@login_required
@permission_required("reports.view_populationbaseline", raise_exception=True)
def baseline_list(request: HttpRequest) -> HttpResponse:
    baselines = PopulationBaseline.objects.latest_first().annotate(
        n_figures=Count("figures")
    )
    return render(request, "reports/baseline_list.html", {"baselines": baselines})


@login_required
@permission_required("reports.view_populationbaseline", raise_exception=True)
def baseline_detail(request: HttpRequest, pk: int) -> HttpResponse:
    baseline = get_object_or_404(PopulationBaseline, pk=pk)
    figures = baseline.figures.order_by("geography", "group")
    return render(
        request,
        "reports/baseline_detail.html",
        {"baseline": baseline, "figures": figures},
    )


@login_required
@permission_required("reports.add_populationbaseline", raise_exception=True)
def baseline_import(request: HttpRequest) -> HttpResponse:
    """Step 1: upload and preview; nothing is saved."""
    context: dict[str, Any] = {}
    if request.method == "POST":
        form = BaselineUploadForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            upload = data["file"]
            parsed = parse_baseline_file(
                upload, upload.name, level=data["level"], method=data["method"]
            )
            context["parsed"] = parsed
            if parsed.ok:
                payload = {
                    key: data[key]
                    for key in ("name", "source", "year", "method", "level", "notes")
                } | {"figures": parsed.figures_as_dicts()}
                context["payload"] = signing.dumps(payload, salt=PREVIEW_SALT)
                context["meta"] = payload
    else:
        form = BaselineUploadForm()
    context["form"] = form
    return render(request, "reports/baseline_import.html", context)


@login_required
@permission_required("reports.add_populationbaseline", raise_exception=True)
@require_POST
def baseline_confirm(request: HttpRequest) -> HttpResponse:
    """Step 2: save exactly what was previewed."""
    try:
        payload = signing.loads(
            request.POST.get("payload", ""), salt=PREVIEW_SALT, max_age=PREVIEW_MAX_AGE
        )
    except signing.BadSignature:
        messages.error(
            request, _("The preview has expired or was altered; upload the file again.")
        )
        return redirect("reports:baseline-import")
    baseline = services.import_baseline(
        name=payload["name"],
        source=payload["source"],
        year=int(payload["year"]),
        method=payload["method"],
        level=payload["level"],
        notes=payload.get("notes", ""),
        figures=payload["figures"],
        user=request.user,
    )
    messages.success(
        request,
        _("Saved the baseline with %(n)s figures.") % {"n": len(payload["figures"])},
    )
    return redirect(baseline)


@login_required
@permission_required("reports.view_grant", raise_exception=True)
def grant_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    grants = metrics.grants_for_progress()
    progress = metrics.grant_progress(grants, today)
    by_grant: dict[int, list[Any]] = {}
    for item in progress:
        by_grant.setdefault(item.grant_id, []).append(item)
    rows = [(grant, by_grant.get(grant.pk, [])) for grant in grants]
    return render(request, "reports/grant_list.html", {"rows": rows, "today": today})


@login_required
@permission_required("reports.view_grant", raise_exception=True)
def grant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    grants = [g for g in metrics.grants_for_progress() if g.pk == pk]
    if not grants:
        grant = get_object_or_404(Grant, pk=pk)  # 404 when missing
        grants = [grant]
    today = timezone.localdate()
    progress = metrics.grant_progress(grants, today)
    return render(
        request,
        "reports/grant_detail.html",
        {"grant": grants[0], "progress": progress, "today": today},
    )


def _grant_form(request: HttpRequest, grant: Grant | None) -> HttpResponse:
    form = GrantForm(request.POST or None, instance=grant)
    formset = GrantTargetFormSet(request.POST or None, instance=grant or Grant())
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            saved = services.save_grant(
                grant=grant,
                fields={
                    name: form.cleaned_data[name] for name in services.GRANT_FIELDS
                },
                programs=form.cleaned_data["programs"],
                targets=[
                    {
                        "id": target_form.instance.pk,  # type: ignore[attr-defined]
                        **{
                            name: target_form.cleaned_data[name]
                            for name in services.TARGET_FIELDS
                        },
                    }
                    for target_form in formset.forms
                    if target_form.cleaned_data
                    and not target_form.cleaned_data.get("DELETE")
                ],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Saved the grant."))
            return redirect(saved)
    return render(
        request,
        "reports/grant_form.html",
        {"form": form, "formset": formset, "grant": grant},
    )


@login_required
@permission_required("reports.add_grant", raise_exception=True)
def grant_create(request: HttpRequest) -> HttpResponse:
    return _grant_form(request, None)


@login_required
@permission_required("reports.change_grant", raise_exception=True)
def grant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _grant_form(request, get_object_or_404(Grant, pk=pk))
