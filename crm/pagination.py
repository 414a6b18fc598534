"""Pagination for the API.

Big lists (contacts, attendance, outreach, comments, follow-ups) page by cursor:
`?cursor=` from the `next` link, newest first by id. A cursor is a position in an
index, so page 20,000 costs what page 1 costs; there is no total count (counting a
million rows on every page is what makes deep pages slow).

Smaller lists (events, organizations, programs, topics, baselines, grants...) page
by number (`?page=3`, with a `count`), which a screen with page links needs.
Both take `?page_size=` up to 1000.
"""

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request


def strict_page_size(
    request: Request, param: str, default: int | None, most: int
) -> int | None:
    """The page size asked for, or the default; refuse one that is not 1 to most."""
    raw = request.query_params.get(param, "")
    if raw == "":
        return default
    try:
        size = int(raw)
    except ValueError:
        size = 0
    if not 1 <= size <= most:
        raise ValidationError(
            {param: [_("Enter a whole number from 1 to %(most)s.") % {"most": most}]}
        )
    return size


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request: Request) -> Any:
        return strict_page_size(
            request, self.page_size_query_param, self.page_size, self.max_page_size
        )


class CursorPagination(pagination.CursorPagination):
    """For the big lists: stays fast however deep the client pages."""

    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request: Request) -> Any:
        return strict_page_size(
            request, self.page_size_query_param, self.page_size, self.max_page_size
        )

    ordering = "-id"
