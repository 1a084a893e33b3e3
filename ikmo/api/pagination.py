"""Pages of results: ``?page=2&page_size=100`` (at most 200). A module of its own because
REST framework imports the pagination class while its own views are being defined."""

from rest_framework import pagination


class Pagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
