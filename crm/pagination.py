from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 1000


class CursorPagination(pagination.CursorPagination):
    """For the big lists: stays fast however deep the client pages."""

    page_size_query_param = "page_size"
    max_page_size = 1000
    ordering = "-id"
