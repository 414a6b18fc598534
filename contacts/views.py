from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contacts import services
from contacts.filters import ContactFilter, OrganizationFilter
from contacts.forms import (
    AffiliationForm,
    ContactForm,
    OrganizationForm,
    RelationshipForm,
)
from contacts.models import Affiliation, Contact, Organization, Relationship

PAGE_SIZE = 50
# From this many rows in, a page is found by key first (see KeysFirstPaginator).
DEEP_OFFSET = 1000


class KeysFirstPaginator(Paginator):
    """Deep pages find their rows' keys first, then load those rows.

    OFFSET n over the full, joined rows makes the database build and skip n
    of them: seconds a million rows deep. Skipping over the sort index's keys
    alone is cheap; the page's rows are then loaded by primary key (one more
    query, on deep pages only).
    """

    def page(self, number: Any) -> Any:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if bottom < DEEP_OFFSET:
            return super().page(number)
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        queryset: Any = self.object_list
        keys = list(queryset.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in queryset.filter(pk__in=keys)}
        found = [rows[k] for k in keys if k in rows]
        return self._get_page(found, number, self)  # type: ignore[attr-defined]


def _page(request: HttpRequest, queryset: Any) -> Any:
    paginator = KeysFirstPaginator(queryset, PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@login_required
@permission_required("contacts.view_contact", raise_exception=True)
def contact_list(request: HttpRequest) -> HttpResponse:
    filterset = ContactFilter(
        request.GET,
        queryset=Contact.objects.with_list_related(),
        request=request,
    )
    if not filterset.is_valid():
        page = _page(request, Contact.objects.none())
    else:
        page = _page(request, filterset.qs)
    return render(
        request,
        "contacts/contact_list.html",
        {"filter": filterset, "page": page, "query": _query_without_page(request)},
    )


def contact_detail_queryset() -> Any:
    return Contact.objects.select_related(
        "county",
        "preferred_language",
        "owner",
        "school_district",
        "merged_into",
        "created_by",
    ).prefetch_related(
        "other_languages",
        "roles",
        "tags",
        "race_categories",
        "race_groups__category",
        Prefetch(
            "affiliations",
            queryset=Affiliation.objects.select_related("organization"),
        ),
        Prefetch(
            "relationships_from",
            queryset=Relationship.objects.select_related("to_contact"),
        ),
        Prefetch(
            "relationships_to",
            queryset=Relationship.objects.select_related("from_contact"),
        ),
    )


@login_required
@permission_required("contacts.view_contact", raise_exception=True)
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(contact_detail_queryset(), pk=pk)
    context: dict[str, Any] = {
        "contact": contact,
        "can_view_self_id": request.user.has_perm("crm.view_self_identification"),
        "affiliation_form": AffiliationForm(),
        "relationship_form": RelationshipForm(from_contact=contact),
    }
    if request.user.has_perm("events.view_outreach"):
        # Views may compose: the person's engagement story comes from events.
        from events.timeline import contact_timeline

        context["timeline"] = contact_timeline(contact)
    return render(request, "contacts/contact_detail.html", context)


def _can_edit_self_id(request: HttpRequest, *, creating: bool) -> bool:
    # Anyone who may add people may record what a new person tells them; changing a
    # stored answer means seeing it, which is its own permission.
    return creating or request.user.has_perm("crm.view_self_identification")


@login_required
@permission_required("contacts.add_contact", raise_exception=True)
def contact_create(request: HttpRequest) -> HttpResponse:
    form = ContactForm(request.POST or None, can_edit_self_id=True)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.create_contact(
                created_by=request.user,  # type: ignore[arg-type]
                **form.service_fields(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Person added."))
            return redirect(contact)
    return render(
        request, "contacts/contact_form.html", {"form": form, "contact": None}
    )


@login_required
@permission_required("contacts.change_contact", raise_exception=True)
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(Contact, pk=pk, merged_into__isnull=True)
    can_edit_self_id = _can_edit_self_id(request, creating=False)
    form = ContactForm(
        request.POST or None, instance=contact, can_edit_self_id=can_edit_self_id
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_contact(
                contact=contact,
                changes=form.service_fields(),
                updated_by=request.user,  # type: ignore[arg-type]
                expected_version=form.cleaned_data.get("version"),
            )
        except services.StaleEditError as exc:
            labels = [
                str(getattr(Contact._meta.get_field(name), "verbose_name", name))
                for name in exc.changed_fields
            ]
            message = _(
                "Someone else saved this person while you were editing. Nothing was "
                "saved. Check the current record and make your change again."
            )
            if labels:
                message += " " + _("Changed: %(fields)s.") % {
                    "fields": ", ".join(labels)
                }
            form.add_error(None, message)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(contact)
    return render(
        request, "contacts/contact_form.html", {"form": form, "contact": contact}
    )


@login_required
@permission_required("contacts.archive_contact", raise_exception=True)
@require_POST
def contact_archive(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(Contact, pk=pk, merged_into__isnull=True)
    services.archive_contact(contact=contact, archived_by=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Person archived. They are kept in counts."))
    return redirect(contact)


@login_required
@permission_required("contacts.archive_contact", raise_exception=True)
@require_POST
def contact_restore(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(Contact, pk=pk, merged_into__isnull=True)
    services.restore_contact(contact=contact, restored_by=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Person restored."))
    return redirect(contact)


@login_required
@permission_required("contacts.add_affiliation", raise_exception=True)
@require_POST
def affiliation_create(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(Contact, pk=pk)
    form = AffiliationForm(request.POST, instance=Affiliation(contact=contact))
    if form.is_valid():
        form.save()
        messages.success(request, _("Affiliation added."))
        return redirect(contact)
    return render(
        request,
        "contacts/affiliation_form.html",
        {"form": form, "contact": contact},
        status=400,
    )


@login_required
@permission_required("contacts.change_affiliation", raise_exception=True)
@require_POST
def affiliation_end(request: HttpRequest, pk: int) -> HttpResponse:
    affiliation = get_object_or_404(Affiliation, pk=pk)
    services.end_affiliation(affiliation=affiliation)
    messages.success(request, _("Affiliation ended."))
    return redirect(affiliation.contact)


@login_required
@permission_required("contacts.add_relationship", raise_exception=True)
@require_POST
def relationship_create(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(Contact, pk=pk)
    form = RelationshipForm(
        request.POST, instance=Relationship(from_contact=contact), from_contact=contact
    )
    if form.is_valid():
        form.save()
        messages.success(request, _("Relationship added."))
        return redirect(contact)
    return render(
        request,
        "contacts/relationship_form.html",
        {"form": form, "contact": contact},
        status=400,
    )


@login_required
@permission_required("contacts.view_organization", raise_exception=True)
def organization_list(request: HttpRequest) -> HttpResponse:
    filterset = OrganizationFilter(
        request.GET,
        queryset=Organization.objects.select_related("county"),
        request=request,
    )
    queryset = filterset.qs if filterset.is_valid() else Organization.objects.none()
    return render(
        request,
        "contacts/organization_list.html",
        {
            "filter": filterset,
            "page": _page(request, queryset),
            "query": _query_without_page(request),
        },
    )


@login_required
@permission_required("contacts.view_organization", raise_exception=True)
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_object_or_404(
        Organization.objects.select_related("county"), pk=pk
    )
    affiliations = (
        Affiliation.objects.filter(organization=organization)
        .select_related("contact")
        .order_by("end_date", "contact__last_name")[:200]
    )
    return render(
        request,
        "contacts/organization_detail.html",
        {"organization": organization, "affiliations": affiliations},
    )


@login_required
@permission_required("contacts.add_organization", raise_exception=True)
def organization_create(request: HttpRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organization = form.save()
        messages.success(request, _("Organization added."))
        return redirect(organization)
    return render(request, "contacts/organization_form.html", {"form": form})


@login_required
@permission_required("contacts.change_organization", raise_exception=True)
def organization_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_object_or_404(Organization, pk=pk)
    form = OrganizationForm(request.POST or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Changes saved."))
        return redirect(organization)
    return render(
        request,
        "contacts/organization_form.html",
        {"form": form, "organization": organization},
    )


@login_required
@permission_required("contacts.archive_organization", raise_exception=True)
@require_POST
def organization_archive(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_object_or_404(Organization, pk=pk)
    archived = request.POST.get("archived", "1") == "1"
    services.set_organization_archived(organization=organization, archived=archived)
    messages.success(
        request,
        _("Organization archived.") if archived else _("Organization restored."),
    )
    return redirect(organization)
