"""Pagination for the API.

Big lists (contacts, attendance, outreach, comments, follow-ups) page by cursor:
`?cursor=` from the `next` link, newest first by id. A cursor is a position in an
index, so page 20,000 costs what page 1 costs; there is no total count (counting a
million rows on every page is what makes deep pages slow).

Smaller lists (events, organizations, programs, topics, baselines, grants...) page
by number (`?page=3`, with a `count`), which a screen with page links needs.
Both take `?page_size=` up to 1000.
"""

from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 1000


class CursorPagination(pagination.CursorPagination):
    """For the big lists: stays fast however deep the client pages."""

    page_size_query_param = "page_size"
    max_page_size = 1000
    ordering = "-id"
