from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Prefetch, Q, Subquery, Value
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from contacts import services
from contacts.filters import LANGUAGE_PARTS, ContactFilter, OrganizationFilter
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


# The people list counts matches up to this many, then says "more than": counting
# every match costs what reading them all does.
COUNT_LIMIT = 10_000
# Beyond any real list; keeps OFFSET within what databases accept.
MAX_PAGE = 1_000_000


@dataclass
class PeoplePage:
    """One page of the people list, and where its links lead."""

    object_list: list[Contact]
    number: int
    # How many people match; COUNT_LIMIT and more_than when there are more.
    count: int
    more_than: bool
    has_previous: bool
    has_next: bool
    previous_query: str = ""
    next_query: str = ""

    @property
    def num_pages(self) -> int | None:
        if self.more_than:
            return None
        return _pages(self.count)


def _pages(count: int) -> int:
    return max(1, -(-count // PAGE_SIZE))


def _positive(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if number > 0 else None


def _next_to(keys: tuple[str, ...], anchor: int, *, before: bool) -> Q:
    """The people after the anchor person in the order of keys (before it, when
    before): a range on the first key, which the sort's index serves, refined
    key by key. The anchor's values are read by subqueries, so a link carries
    an id, never a name, and the page costs no query more."""
    row = Contact.objects.filter(pk=anchor).order_by()
    values = [
        Value(anchor)
        if key.lstrip("-") in ("id", "pk")
        else Subquery(row.values(key.lstrip("-"))[:1])
        for key in keys
    ]
    clauses = []
    same: dict[str, Any] = {}
    for key, value in zip(keys, values, strict=True):
        name = key.lstrip("-")
        lookup = "lt" if key.startswith("-") != before else "gt"
        clauses.append(Q(**same, **{f"{name}__{lookup}": value}))
        same[name] = value
    first = keys[0]
    bound = "lte" if first.startswith("-") != before else "gte"
    return Q(**{f"{first.lstrip('-')}__{bound}": values[0]}) & reduce(or_, clauses)


def _searched(
    branches: list[Any],
    keys: tuple[str, ...],
    offset: int,
    after: int | None,
    before: int | None,
    *,
    disjoint: bool = False,
) -> list[int]:
    """The ids of a page and one more person, read from branches that each
    select the sort keys (ContactFilter.name_search's, or a language's two
    disjoint parts), so the united rows are ordered by them.

    A language's parts are each read in order from an index. Where the
    database takes it (PostgreSQL), each gives only its first rows: before
    version 17 PostgreSQL cannot merge ordered branches, and sorted all of
    them (a quarter of a million people who prefer Spanish) for one page.
    SQLite merges them itself. Not so for the name branches: limited, they
    walked the name index from A to a common name instead of sorting the
    few thousand people who have it (360 ms against 80 ms at a million).
    """
    anchor = Q()
    if after or before:
        anchor = _next_to(keys, after or before or 0, before=bool(before))
    order = [_reversed(key) for key in keys] if before else list(keys)
    skip = 0 if (after or before) else offset
    take = skip + PAGE_SIZE + 1
    fields = [key.lstrip("-") for key in keys]
    rows = [branch.filter(anchor).values(*fields) for branch in branches]
    features = connections[rows[0].db].features
    if disjoint and features.supports_slicing_ordering_in_compound:
        rows = [row.order_by(*order)[:take] for row in rows]
    united = rows[0].union(*rows[1:], all=disjoint)
    return [row["id"] for row in united.order_by(*order)[skip:take]]


def _reversed(key: str) -> str:
    return key[1:] if key.startswith("-") else f"-{key}"


def people_page(filterset: ContactFilter, request: HttpRequest) -> PeoplePage:
    """The page of people the request asks for, in the same queries however
    deep: the count up to COUNT_LIMIT and the page (and one per role, tag or
    race/ethnicity filter, see ContactFilter.link_shapes).

    `?page=` alone skips rows in the order of the sort's index. The Previous
    and Next links also carry the id of the person next to the page (`before=`,
    `after=`), so paging on starts at that person in the index instead of
    skipping everyone before them: as fast a million people in as on page 1.
    """
    keys = filterset.sort_keys()
    number = min(_positive(request.GET.get("page")) or 1, MAX_PAGE)
    after = _positive(request.GET.get("after"))
    before = None if after else _positive(request.GET.get("before"))
    branches = filterset.name_search()
    wanted: Any
    disjoint = False
    shapes: dict[str, Any] = {}
    if branches is None:
        # A role, tag or race/ethnicity linking few people: start from its links;
        # a common race/ethnicity category: read from the mask (link_shapes).
        shapes = filterset.link_shapes(COUNT_LIMIT)
        if filterset.splits_language(COUNT_LIMIT):
            disjoint = True
            branches = [
                filterset.filtered(
                    links="join", shapes=shapes, language=part
                ).order_by()
                for part in LANGUAGE_PARTS
            ]
    if branches is not None:
        # One name searched alone, or a language's two parts: counted and
        # paged over the union of the branches (one query more, for the ids).
        ids = [branch.values("pk") for branch in branches]
        united = ids[0].union(*ids[1:], all=disjoint).order_by()
        count = united[: COUNT_LIMIT + 1].count()
        more_than = count > COUNT_LIMIT
        if not more_than and not (after or before):
            number = min(number, _pages(count))
        wanted = _searched(
            branches,
            keys,
            (number - 1) * PAGE_SIZE,
            after,
            before,
            disjoint=disjoint,
        )
    else:
        # Counted with the links joined: the database starts from whichever side
        # its indexes say is smaller, and stops at the limit.
        counted = filterset.filtered(links="join", shapes=shapes)
        matches = counted.order_by().values("pk")
        count = matches[: COUNT_LIMIT + 1].count()
        more_than = count > COUNT_LIMIT
        # Many matches: walk people in the list's order, probing each; few:
        # start from them and sort them.
        queryset = filterset.filtered(
            links="exists" if more_than else "join", shapes=shapes
        )
        if after:
            window = queryset.filter(_next_to(keys, after, before=False))
        elif before:
            window = queryset.filter(_next_to(keys, before, before=True)).reverse()
        else:
            if not more_than:
                number = min(number, _pages(count))
            window = queryset[(number - 1) * PAGE_SIZE :]
        # One person more than a page tells whether another page follows.
        wanted = window.values("pk")[: PAGE_SIZE + 1]
    rows = list(
        Contact.objects.with_list_related().filter(pk__in=wanted).order_by(*keys)
    )
    more = len(rows) > PAGE_SIZE
    if before:
        # Read backwards from the anchor: the extra person is the first one.
        rows = rows[1:] if more else rows
        number = max(number, 2) if more else number
        has_previous, has_next = more or number > 1, True
    else:
        rows = rows[:PAGE_SIZE]
        has_previous, has_next = number > 1 or after is not None, more
    if not rows:
        # Past the end, or next to someone no longer listed: back to the start.
        has_previous, has_next = number > 1 or bool(after or before), False
    page = PeoplePage(
        object_list=rows,
        number=number,
        count=min(count, COUNT_LIMIT),
        more_than=more_than,
        has_previous=has_previous,
        has_next=has_next,
    )
    query = _people_query(request)
    prefix = f"{query}&" if query else ""
    if page.has_previous:
        # The first page has one address, whatever leads to it.
        page.previous_query = (
            query
            if number <= 2 or not rows
            else f"{prefix}page={number - 1}&before={rows[0].pk}"
        )
    if page.has_next:
        page.next_query = f"{prefix}page={number + 1}&after={rows[-1].pk}"
    return page


def _people_query(request: HttpRequest) -> str:
    """The filters of the request, without where in the list it is."""
    params = request.GET.copy()
    for name in ("page", "after", "before"):
        params.pop(name, None)
    return params.urlencode()


@login_required
@permission_required("contacts.view_contact", raise_exception=True)
def contact_list(request: HttpRequest) -> HttpResponse:
    filterset = ContactFilter(
        request.GET, queryset=Contact.objects.all(), request=request
    )
    if filterset.is_valid():
        page = people_page(filterset, request)
    else:
        page = PeoplePage([], 1, 0, more_than=False, has_previous=False, has_next=False)
    return render(
        request,
        "contacts/contact_list.html",
        {"filter": filterset, "page": page, "query": _people_query(request)},
    )


def contact_detail_queryset(*, self_identification: bool = True) -> Any:
    """The person with everything their page shows, in a fixed number of queries.

    Self-identification is loaded only for those allowed to see it.
    """
    queryset = Contact.objects.select_related(
        "county",
        "preferred_language",
        "owner",
        "school_district",
        "merged_into",
    ).prefetch_related(
        "other_languages",
        "roles",
        "tags",
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
    if self_identification:
        queryset = queryset.prefetch_related("race_categories", "race_groups")
    return queryset


@login_required
@permission_required("contacts.view_contact", raise_exception=True)
@vary_on_headers("HX-Request")  # older entries come as a fragment to htmx
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Views may compose: the person's engagement story comes from events.
    from events.timeline import Cursor, timeline_page

    shows_timeline = request.user.has_perm("events.view_outreach")
    older = request.GET.get("older")
    before = Cursor.parse(older) if older else None
    if older and before is None:
        return HttpResponseBadRequest(_("That is not a place in the timeline."))
    if shows_timeline and before and request.htmx:  # type: ignore[attr-defined]
        # "Show older entries": just the next entries, appended to the list.
        person = get_object_or_404(Contact.objects.only("pk"), pk=pk)
        return render(
            request,
            "events/_timeline.html#timeline-entries",
            {"timeline": timeline_page(person, before=before)},
        )
    can_view_self_id = request.user.has_perm("crm.view_self_identification")
    contact = get_object_or_404(
        contact_detail_queryset(self_identification=can_view_self_id), pk=pk
    )
    affiliation_form = AffiliationForm()
    organization = affiliation_form.fields["organization"]
    organizations = organization.queryset  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "contact": contact,
        "can_view_self_id": can_view_self_id,
        "affiliation_form": affiliation_form,
        # The template lists the choices itself: a select widget renders each
        # option through templates of its own, which cost more than the page.
        "organizations": organizations.values_list("pk", "name"),
        "relationship_form": RelationshipForm(from_contact=contact),
    }
    if shows_timeline:
        context["timeline"] = timeline_page(contact, before=before)
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
