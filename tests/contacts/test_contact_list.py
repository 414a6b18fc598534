"""The people list at scale: search, filters, the capped count and paging by key."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs

import pytest
from django import forms
from django.db import connection
from django.db.models import Q
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext

from contacts import views
from contacts.filters import ContactFilter
from contacts.models import Contact
from crm.models import User
from crm.widgets import QuickSelect
from tests.conftest import client_for
from tests.factories import (
    ContactFactory,
    TagFactory,
    UserFactory,
    county,
    language,
    role,
)

pytestmark = pytest.mark.django_db


def names(response: Any) -> list[str]:
    return [c.display_name for c in response.context["page"].object_list]


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def walk(client: Client, url: str) -> list[list[str]]:
    """Every page from url on, following the Next links."""
    pages = []
    while True:
        response = client.get(url)
        page = response.context["page"]
        pages.append(names(response))
        if not page.has_next:
            return pages
        url = f"/people/?{page.next_query}"


# --- search ------------------------------------------------------------------


def test_search_matches_the_start_of_any_name_ignoring_case(organizer):
    ContactFactory(first_name="Linh", last_name="Nguyen", preferred_name="")
    ContactFactory(first_name="Guadalupe", last_name="Ortiz", preferred_name="Lupe")
    ContactFactory(first_name="Zoe", last_name="Zuniga")
    ContactFactory(first_name="Ayaan", last_name="Zzyzx")
    client = client_for(organizer)
    assert names(client.get("/people/?q=NGUY")) == ["Linh Nguyen"]
    assert names(client.get("/people/?q=lInH")) == ["Linh Nguyen"]
    assert names(client.get("/people/?q=lupe")) == ["Lupe Ortiz"]
    # A prefix ending in Z: the range's end is the next code point ("[").
    assert names(client.get("/people/?q=zuniga")) == ["Zoe Zuniga"]
    assert names(client.get("/people/?q=zz")) == ["Ayaan Zzyzx"]
    assert names(client.get("/people/?q=z")) == ["Zoe Zuniga", "Ayaan Zzyzx"]
    # Inside a name is not a start.
    assert names(client.get("/people/?q=uyen")) == []


def test_search_keeps_accents_and_special_characters_literal(organizer):
    ContactFactory(first_name="Ana", last_name="Núñez")
    ContactFactory(first_name="Sean", last_name="O'Brien")
    ContactFactory(first_name="Oxana", last_name="Oxley")
    client = client_for(organizer)
    assert names(client.get("/people/?q=Núñ")) == ["Ana Núñez"]
    assert names(client.get("/people/?q=nú")) == ["Ana Núñez"]
    assert names(client.get("/people/?q=o'b")) == ["Sean O'Brien"]
    # LIKE's wildcards are plain characters in a search.
    assert names(client.get("/people/?q=o_l")) == []
    assert names(client.get("/people/?q=o%25")) == []


def test_search_finds_an_email_by_its_start_and_every_word_must_match(organizer):
    ContactFactory(first_name="Linh", last_name="Nguyen", email="linh@example.org")
    ContactFactory(first_name="Linh", last_name="Tran", email="tran@example.org")
    client = client_for(organizer)
    assert names(client.get("/people/?q=LINH@EX")) == ["Linh Nguyen"]
    assert names(client.get("/people/?q=linh tr")) == ["Linh Tran"]
    assert names(client.get("/people/?q=tr linh")) == ["Linh Tran"]


def test_search_finds_the_same_people_as_a_plain_istartswith():
    for first, last in [
        ("Alma", "Martínez"),
        ("alberto", "de la Cruz"),
        ("Ñusta", "Mamani"),
        ("Marie", "O'Neil"),
        ("Zainab", "Abdi"),
        ("Ola", "Zapata"),
    ]:
        ContactFactory(first_name=first, last_name=last)
    for text in ["a", "Al", "ma", "MAR", "z", "ñ", "Ñu", "o'", "de la", "~"]:
        plain = Q()
        for word in text.split():
            plain &= (
                Q(first_name__istartswith=word)
                | Q(last_name__istartswith=word)
                | Q(preferred_name__istartswith=word)
            )
        expected = set(Contact.objects.filter(plain).values_list("pk", flat=True))
        found = set(Contact.objects.search(text).values_list("pk", flat=True))
        assert found == expected, text


def _people_pages(client: Client, query: str) -> list[Any]:
    """Page 1, then Next twice, Previous once, and page 2 typed: the ids on
    each, and the count."""
    seen: list[Any] = []
    page = client.get(f"/people/?{query}").context["page"]
    seen += [[p.pk for p in page.object_list], page.count, page.more_than]
    for _step in range(2):
        if not page.has_next:
            break
        page = client.get(f"/people/?{page.next_query}").context["page"]
        seen.append([p.pk for p in page.object_list])
    if page.has_previous:
        page = client.get(f"/people/?{page.previous_query}").context["page"]
        seen.append([p.pk for p in page.object_list])
    page = client.get(f"/people/?{query}&page=2").context["page"]
    seen.append([p.pk for p in page.object_list])
    return seen


def test_a_one_word_search_pages_as_the_general_query(
    organizer, small_pages, monkeypatch
):
    """A search by one word alone is answered by one branch per name column
    (ContactFilter.name_search); every page, link and count is what the
    general query gives."""
    for first, last, preferred in [
        ("Ana", "Wilson", ""),
        ("Bo", "wilson", ""),
        ("Cy", "WILSON", ""),
        ("Di", "Wilsonne", "Dee"),
        ("Wilma", "Abe", ""),
        ("Ed", "Zed", "Wil"),
        ("Wil", "Wil", "Wil"),
        ("Fay", "Wills", ""),
        ("Gus", "Cole", ""),
        ("Wilbur", "", ""),
    ]:
        ContactFactory(first_name=first, last_name=last, preferred_name=preferred)
    archived = ContactFactory(first_name="Will", last_name="Archived")
    Contact.objects.filter(pk=archived.pk).update(archived_at="2026-01-01T00:00Z")
    client = client_for(organizer)
    calls: list[int] = []
    searched = views._searched

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return searched(*args, **kwargs)

    monkeypatch.setattr(views, "_searched", spy)
    for text in ["wil", "WILSON", "w", "Wilsonn", "Dee", "zz", "O'"]:
        calls.clear()
        fast = _people_pages(client, f"q={text}")
        assert calls, text  # the branches answered
        with monkeypatch.context() as patch:
            patch.setattr(ContactFilter, "name_search", lambda self: None)
            general = _people_pages(client, f"q={text}")
        assert fast == general, text
        assert archived.pk not in {pk for ids in fast[:1] + fast[3:] for pk in ids}
    assert [len(ids) for ids in _people_pages(client, "q=wil")[:1]] == [3]


@pytest.mark.parametrize(
    "query",
    [
        "q=Ana+Wilson",  # two words
        "q=ana%40example",  # an email
        "q=509555",  # a phone
        "q=Jos%C3%A9",  # not plain ASCII
        "q=Wilson&legislative_district=37",  # another filter
        "q=Wilson&ordering=-created",  # another order
        "q=Wilson&state=archived",
        "",
    ],
)
def test_only_a_one_word_name_search_alone_takes_the_branches(query):
    filterset = ContactFilter(QueryDict(query), queryset=Contact.objects.all())
    assert filterset.is_valid()
    assert filterset.name_search() is None
    alone = ContactFilter(QueryDict("q=Wilson"), queryset=Contact.objects.all())
    assert alone.is_valid()
    assert alone.name_search() is not None


# --- filters -------------------------------------------------------------------


@pytest.fixture
def linked_people(data_staff: User) -> dict[str, Any]:
    tag = TagFactory(name="parent-leader")
    ana = ContactFactory(
        first_name="Ana", last_name="A", preferred_language=language("es")
    )
    ana.other_languages.add(language("es"), language("en"))
    ana.roles.add(role("parent"), role("student"))
    ana.tags.add(tag)
    ben = ContactFactory(first_name="Ben", last_name="B", categories=["BLACK", "WHITE"])
    ben.other_languages.add(language("es"), language("so"))
    ben.roles.add(role("parent"))
    ContactFactory(first_name="Cy", last_name="C", categories=["WHITE"])
    return {"tag": tag, "client": client_for(data_staff)}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("language=es", ["Ana A", "Ben B"]),
        ("role=parent", ["Ana A", "Ben B"]),
        ("race_category=WHITE", ["Ben B", "Cy C"]),
        ("race_category=BLACK&role=parent", ["Ben B"]),
    ],
)
def test_linked_filters_list_each_person_once(linked_people, query, expected):
    response = linked_people["client"].get(f"/people/?{query}")
    assert names(response) == expected
    assert response.context["page"].count == len(expected)


@pytest.mark.parametrize("links", ["exists", "in", "join"])
def test_each_way_of_writing_the_linked_filters_finds_the_same_people(
    linked_people, data_staff, links
):
    tag = linked_people["tag"].pk
    for query, expected in [
        ({"language": "es"}, {"Ana", "Ben"}),
        ({"language": "so"}, {"Ben"}),
        ({"role": "parent"}, {"Ana", "Ben"}),
        ({"role": "student"}, {"Ana"}),
        ({"tag": str(tag)}, {"Ana"}),
        ({"race_category": "WHITE"}, {"Ben", "Cy"}),
        ({"race_category": "WHITE", "role": "parent", "language": "es"}, {"Ben"}),
    ]:
        filterset = ContactFilter(
            query, queryset=Contact.objects.all(), request=_request(data_staff)
        )
        assert filterset.is_valid()
        for shapes in ({}, dict.fromkeys(["roles", "tags", "race_categories"], "in")):
            found = filterset.filtered(links=links, shapes=shapes)  # type: ignore[arg-type]
            assert sorted(found.values_list("first_name", flat=True)) == sorted(
                expected
            ), (query, links, shapes)


def _request(user: User) -> Any:
    from django.test import RequestFactory

    request = RequestFactory().get("/people/")
    request.user = user
    return request


def test_the_api_filters_people_as_before(linked_people, data_staff):
    client = client_for(data_staff)
    response = client.get("/api/v1/contacts/?role=parent&language=es")
    assert response.status_code == 200
    assert sorted(r["first_name"] for r in response.json()["results"]) == [
        "Ana",
        "Ben",
    ]


def test_column_filters_and_states(data_staff):
    owner = UserFactory()
    ContactFactory(
        first_name="Ana",
        last_name="A",
        owner=owner,
        legislative_district=37,
        county=county("yakima"),
    )
    ContactFactory(first_name="Ben", last_name="B", legislative_district=37)
    archived = ContactFactory(first_name="Cy", last_name="C", owner=owner)
    archived.archived_at = archived.created_at
    archived.save()
    client = client_for(data_staff)
    assert names(client.get(f"/people/?owner={owner.pk}")) == ["Ana A"]
    assert names(client.get("/people/?legislative_district=37")) == ["Ana A", "Ben B"]
    assert names(client.get(f"/people/?county={county('yakima').pk}")) == ["Ana A"]
    assert names(client.get("/people/?state=archived")) == ["Cy C"]
    assert names(client.get("/people/?state=all")) == ["Ana A", "Ben B", "Cy C"]
    assert names(client.get(f"/people/?state=all&owner={owner.pk}")) == [
        "Ana A",
        "Cy C",
    ]


def test_roles_linking_many_or_few_people_combine_with_other_filters(
    organizer, small_pages
):
    yakima = county("yakima")
    for index in range(8):
        person = ContactFactory(
            first_name=f"P{index}",
            last_name="Parent",
            county=yakima if index % 2 else county("king"),
        )
        person.roles.add(role("parent"))
        if index in (1, 2):
            person.roles.add(role("legislator"))
    client = client_for(organizer)
    cases = {
        "role=parent": ["P0", "P1", "P2", "P3", "P4", "P5", "P6", "P7"],
        f"role=parent&county={yakima.pk}": ["P1", "P3", "P5", "P7"],
        f"role=legislator&county={yakima.pk}": ["P1"],
        "role=legislator": ["P1", "P2"],
    }
    for query, expected in cases.items():
        people = [name for page in walk(client, f"/people/?{query}") for name in page]
        assert people == [f"{first} Parent" for first in expected], query


# --- order, count and pages ------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "keys"),
    [
        ({}, ("last_name", "first_name", "id")),
        ({"ordering": "last_name"}, ("last_name", "first_name", "id")),
        ({"ordering": "-last_name"}, ("-last_name", "-first_name", "-id")),
        ({"ordering": "first_name"}, ("first_name", "id")),
        ({"ordering": "-created"}, ("-created_at", "-id")),
        ({"ordering": "zip_code,-created"}, ("zip_code", "-created_at", "-id")),
    ],
)
def test_every_order_ends_with_the_id_so_no_two_people_tie(organizer, params, keys):
    filterset = ContactFilter(params, queryset=Contact.objects.all())
    assert filterset.is_valid()
    assert filterset.sort_keys() == keys
    assert filterset.qs.query.order_by == keys


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    monkeypatch.setattr(views, "COUNT_LIMIT", 5)


def test_a_count_past_the_limit_says_more_than(organizer, small_pages):
    ContactFactory.create_batch(6)
    response = client_for(organizer).get("/people/")
    page = response.context["page"]
    assert (page.count, page.more_than, page.num_pages) == (5, True, None)
    assert "Page 1 (more than 5 in all)" in response.content.decode()


def test_a_count_within_the_limit_is_exact(organizer, small_pages):
    ContactFactory.create_batch(5)
    response = client_for(organizer).get("/people/")
    page = response.context["page"]
    assert (page.count, page.more_than, page.num_pages) == (5, False, 2)
    assert "Page 1 of 2 (5 in all)" in response.content.decode()


@pytest.mark.parametrize(
    "ordering", ["", "last_name", "-last_name", "first_name", "-created", "zip_code"]
)
def test_next_links_go_through_everyone_once_in_order(organizer, small_pages, ordering):
    # Shared names and ZIP codes: the order's later keys and the id decide.
    for index in range(11):
        ContactFactory(
            first_name=["Ana", "Ben"][index % 2],
            last_name=["Diaz", "Lee", "Lee"][index % 3],
            zip_code=["98101", "98118"][index % 2],
        )
    client = client_for(organizer)
    query = f"ordering={ordering}" if ordering else ""
    by_offset = [
        names(client.get(f"/people/?{query}&page={number}")) for number in (1, 2, 3, 4)
    ]
    by_key = walk(client, f"/people/?{query}")
    assert by_key == by_offset
    assert sum(len(page) for page in by_key) == 11
    filterset = ContactFilter({"ordering": ordering} if ordering else {})
    assert filterset.is_valid()
    assert [name for page in by_key for name in page] == [
        c.display_name for c in filterset.qs
    ]


def test_previous_links_come_back_the_same_way(organizer, small_pages):
    for index in range(10):
        ContactFactory(first_name=f"P{index}", last_name="Lee")
    client = client_for(organizer)
    forward = []
    url = "/people/"
    while True:
        page = client.get(url).context["page"]
        forward.append((page.number, [c.pk for c in page.object_list]))
        if not page.has_next:
            break
        url = f"/people/?{page.next_query}"
    backward = []
    while True:
        page = client.get(url).context["page"]
        backward.append((page.number, [c.pk for c in page.object_list]))
        if not page.has_previous:
            break
        url = f"/people/?{page.previous_query}"
    assert backward == list(reversed(forward))
    # The way back to the first page is the first page's own address.
    assert page.number == 1


def test_links_carry_an_id_never_a_name(organizer, small_pages):
    for _ in range(7):
        ContactFactory(last_name="Nguyen")
    page = client_for(organizer).get("/people/?q=nguy&page=2").context["page"]
    nxt = parse_qs(page.next_query)
    assert nxt == {
        "q": ["nguy"],
        "page": ["3"],
        "after": [str(page.object_list[-1].pk)],
    }
    previous = parse_qs(page.previous_query)
    assert previous == {"q": ["nguy"]}


def test_a_page_past_the_end_shows_the_last_page_and_nonsense_the_first(
    organizer, small_pages
):
    ContactFactory.create_batch(4)
    client = client_for(organizer)
    assert client.get("/people/?page=99").context["page"].number == 2
    for nonsense in ("x", "0", "-3", "99999999999999999999"):
        page = client.get(f"/people/?page={nonsense}&after=y").context["page"]
        assert page.number in (1, 2)
        assert page.object_list


def test_a_cursor_to_someone_gone_shows_an_empty_page(organizer, small_pages):
    ContactFactory.create_batch(4)
    client = client_for(organizer)
    for cursor in ("after", "before"):
        page = client.get(f"/people/?page=2&{cursor}=999999").context["page"]
        assert page.object_list == []
        assert not page.has_next
        # The way out is the first page.
        assert (page.has_previous, page.previous_query) == (True, "")


@pytest.fixture
def speakers(organizer: User) -> None:
    """People who speak Spanish or not, preferred or besides, spread over the
    alphabet, with shared names so the ids break ties."""
    spanish, english = language("es"), language("en")
    for index in range(14):
        person = ContactFactory(
            first_name=["Ana", "Ben"][index % 2],
            last_name=["Abadi", "Lee", "Lee", "Zapata"][index % 4],
            preferred_language=[spanish, english, None][index % 3],
            county=county(["king", "yakima"][index % 2]),
        )
        if index % 7 == 1:
            person.other_languages.add(spanish)  # besides English or none
        if index % 7 == 0:
            person.roles.add(role("parent"))
    # Spanish both preferred and besides: listed once.
    both = ContactFactory(last_name="Lee", preferred_language=spanish)
    both.other_languages.add(spanish)
    for gone in ContactFactory.create_batch(2, last_name="Lee"):
        gone.other_languages.add(spanish)
        gone.archived_at = gone.created_at
        gone.save()


def _follow(client: Client, url: str, link: str) -> tuple[list[list[int]], str]:
    """The ids of each page from url on, following its "next" or "previous"
    link to the end, and the last page's address."""
    pages = []
    while True:
        page = client.get(url).context["page"]
        pages.append([p.pk for p in page.object_list])
        if not getattr(page, f"has_{link}"):
            return pages, url
        url = f"/people/?{getattr(page, f'{link}_query')}"


def _every_page(client: Client, query: str) -> list[list[int]]:
    """Every page by Next, then by typed number, then back by Previous."""
    pages, last = _follow(client, f"/people/?{query}", "next")
    typed = [
        [
            p.pk
            for p in client.get(f"/people/?{query}&page={n}")
            .context["page"]
            .object_list
        ]
        for n in range(1, len(pages) + 1)
    ]
    assert typed == pages
    back, _first = _follow(client, last, "previous")
    assert back == list(reversed(pages))
    return pages


@pytest.mark.parametrize(
    "query",
    [
        "language=es",
        "language=es&ordering=-last_name",
        "language=es&county=COUNTY",
        "language=es&role=parent",
        "language=es&state=all",
        "language=es&q=lee",
        "language=en",
    ],
)
def test_a_language_read_in_two_parts_lists_everyone_who_speaks_it_once_in_order(
    organizer, small_pages, speakers, query
):
    query = query.replace("COUNTY", str(county("king").pk))
    client = client_for(organizer)
    with CaptureQueriesContext(connection) as captured:
        pages = _every_page(client, query)
    # Split in its two parts, as the list in name order does.
    assert any("UNION ALL" in q["sql"] for q in captured.captured_queries)
    filterset = ContactFilter(QueryDict(query))
    assert filterset.is_valid()
    expected = list(filterset.qs.values_list("pk", flat=True))
    assert [pk for page in pages for pk in page] == expected
    assert expected  # a check that cannot pass empty


def test_a_language_many_list_besides_is_walked_whole(
    organizer, small_pages, speakers, monkeypatch
):
    monkeypatch.setattr(views, "COUNT_LIMIT", 2)
    client = client_for(organizer)
    with CaptureQueriesContext(connection) as captured:
        pages = _every_page(client, "language=es")
    assert not any("UNION" in q["sql"] for q in captured.captured_queries)
    filterset = ContactFilter(QueryDict("language=es"))
    assert filterset.is_valid()
    assert [pk for page in pages for pk in page] == list(
        filterset.qs.values_list("pk", flat=True)
    )


def test_a_language_in_another_order_is_walked_whole(organizer, speakers):
    filterset = ContactFilter(QueryDict("language=es&ordering=-created"))
    assert filterset.is_valid()
    assert not filterset.splits_language(10_000)
    filterset = ContactFilter(QueryDict("language=es&ordering=-last_name"))
    assert filterset.is_valid()
    assert filterset.splits_language(10_000)
    assert not filterset.splits_language(2)


# --- query counts ------------------------------------------------------------------


def test_every_page_runs_the_queries_of_the_first(organizer, small_pages):
    client = client_for(organizer)
    ContactFactory.create_batch(12, owner=organizer)
    first = queries(client, "/people/")
    page = client.get("/people/?page=2").context["page"]
    # session, user, user's and group permissions, the count (up to a limit),
    # the page of people (county, language and owner joined), filter choices:
    # counties, languages, roles, tags, owners.
    assert first == 11
    assert queries(client, "/people/?page=4") == first
    assert queries(client, f"/people/?{page.next_query}") == first
    assert queries(client, f"/people/?{page.previous_query}") == first
    assert queries(client, "/people/?page=3&before=1") == first
    # A name searched alone: its page's ids are read first (see name_search),
    # unless there are none.
    assert queries(client, "/people/?q=zz") == first
    ContactFactory(last_name="Abbott", owner=organizer)
    assert queries(client, "/people/?q=ab") == first + 1
    assert queries(client, "/people/?q=ab+cd") == first
    assert queries(client, "/people/?consent=email&ordering=-created") == first
    # A filter by a chosen record reads that record once; a role, tag or
    # race/ethnicity also counts its links, up to the limit. A language in name
    # order counts who lists it besides, and reads its page's ids first
    # (splits_language), unless there are none.
    assert queries(client, "/people/?language=es&page=3") == first + 2
    assert queries(client, "/people/?language=es&ordering=-created") == first + 1
    spanish = ContactFactory(preferred_language=language("es"), owner=organizer)
    assert queries(client, "/people/?language=es") == first + 3
    assert queries(client, f"/people/?language=es&after={spanish.pk}") == first + 2
    assert queries(client, "/people/?role=parent") == first + 2
    tag = TagFactory().pk
    assert queries(client, f"/people/?role=parent&tag={tag}&page=2") == first + 4
    ContactFactory.create_batch(30, owner=organizer)
    assert queries(client, "/people/?page=7") == first


@pytest.mark.parametrize(
    "query",
    [
        "",
        "county=x&role=parent&ordering=-created&legislative_district=99",
        "county=1&language=es&race_category=ASIAN&consent=none&state=all&q=a%22b<",
        "ordering=zip_code,-last_name&consent=x",
        "tag=TAG&owner=OWNER",
    ],
)
def test_the_filters_write_what_djangos_widgets_write(data_staff, query):
    from django.template import Context, Template
    from django.template.loader import render_to_string
    from django.test import SimpleTestCase

    # Names a browser would run, were they not escaped; one of them chosen.
    tag = TagFactory(name='<script>alert("t")</script> & co')
    owner = UserFactory(first_name="<img src=x onerror=alert(1)>", last_name="'")
    query = query.replace("TAG", str(tag.pk)).replace("OWNER", str(owner.pk))
    request = _request(data_staff)
    request.GET = QueryDict(query)

    def filters() -> ContactFilter:
        filterset = ContactFilter(
            request.GET, queryset=Contact.objects.all(), request=request
        )
        filterset.is_valid()
        return filterset

    shown = filters()
    written = render_to_string("crm/_filters.html", {"filter": shown})
    kinds = {type(f.widget) for f in shown.form.fields.values()}
    assert QuickSelect in kinds and forms.Select not in kinds
    # The same form with Django's own widgets, as {{ field }} writes them.
    django = Template("{% for field in filter.form %}{{ field }}{% endfor %}").render(
        Context({"filter": filters()})
    )
    widgets = re.findall(r"<select\b.*?</select>|<input\b[^>]*>", written, re.S)
    SimpleTestCase().assertHTMLEqual("".join(widgets), django)
    assert "race_category" in filters().form.fields
    assert "<script>" not in written and "<img" not in written
    if "tag=" in query:
        assert f'<option value="{tag.pk}" selected>' in written
        assert f'<option value="{owner.pk}" selected>' in written
