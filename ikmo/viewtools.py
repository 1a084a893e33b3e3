"""The few things every view does the same way.

One lookup shape, everywhere:

    application = get_visible_or_404(selectors.applications_visible_to(user), pk=pk)
    require(permissions.can_edit_application(user, application))

1. Look the record up in the queryset of what this person may *see* (the selector, which
   filters with the app's permission predicates). Anything else is a 404: whether a record
   of another organisation exists is nobody else's business.
2. Then check what they want to *do* with it with the matching predicate in
   ``<app>/permissions.py``: a 403 if they may see it but not do this.

Services report rule violations as ``ValidationError``; ``service_errors`` shows them.
"""

from dataclasses import dataclass
from functools import cached_property

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.shortcuts import get_object_or_404


def get_visible_or_404(queryset, **lookup):
    """The one record matching ``lookup`` among those the person may see, or a 404."""
    return get_object_or_404(queryset, **lookup)


def require(allowed: bool) -> None:
    """A 403 unless the permission predicate allowed it."""
    if not allowed:
        raise PermissionDenied


def form_errors(forms, error: ValidationError) -> None:
    """Show a service's refusal next to the field it names, in whichever of ``forms`` (one form
    or a list) has that field; anything else above the first form."""
    forms = forms if isinstance(forms, list | tuple) else [forms]
    if not hasattr(error, "error_dict"):
        forms[0].add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form = next((f for f in forms if field in f.fields), forms[0])
        form.add_error(field if field in form.fields else None, errors)


def service_errors(request, error: ValidationError) -> None:
    """Show a service's refusal as error messages on the next page."""
    for message in error.messages:
        messages.error(request, message)


@dataclass(frozen=True)
class PagedList:
    """One page of a list, with the query string that keeps the page's other parameters.

    For pages that show more than one paged list (``param`` tells them apart), so that no list
    is ever rendered whole: ``{% include "includes/pagination.html" with page=x.page
    query=x.query param=x.param %}``.
    """

    page: Page
    query: str
    param: str
    count: int


def rows_in_order(queryset, ids) -> list:
    """The rows of ``queryset`` with these ids, whole, in the order of ``ids`` (a page found
    by its ids first); an id no longer in ``queryset`` is left out."""
    ids = list(ids)
    rows = queryset.order_by().in_bulk(ids)
    return [rows[pk] for pk in ids if pk in rows]


def paged(
    request, queryset, *, per_page: int, param: str = "page", ids_first: bool = False
) -> PagedList:
    """A page of ``queryset``. ``ids_first``: find the page's ids with a slim query (no
    select_related joins), then load those rows whole. For lists ordered by a column of
    another table, where the database would otherwise join every row to large tables (all
    organisations) before it can sort and take a page."""
    if ids_first:
        page = Paginator(queryset.values_list("pk", flat=True), per_page).get_page(
            request.GET.get(param)
        )
        page.object_list = rows_in_order(queryset, page.object_list)
    else:
        page = Paginator(queryset, per_page).get_page(request.GET.get(param))
    return paged_list(request, page, param=param)


def paged_list(request, page: Page, *, param: str = "page") -> PagedList:
    """A page found otherwise (e.g. by `counted_page`) as a `PagedList`."""
    others = request.GET.copy()
    others.pop(param, None)
    return PagedList(page=page, query=others.urlencode(), param=param, count=page.paginator.count)


MAX_PAGE = 1_000_000


def counted_page(queryset, per_page: int, number, *, ids: bool = False) -> Page:
    """One page of ``queryset`` (its ids, with ``ids``) and the count of all its rows, in one
    query: ``COUNT(*) OVER ()`` beside the page's rows.

    For lists whose filter is the costly part (the directory's sub-project filter, the reach
    list: a union over every record of a sub-project), which Django's Paginator would have the
    database evaluate twice, once to count and once for the page. Behaves like
    ``Paginator.get_page``: a page number that is not a number gives the first page, one past
    the end (or below one) the last. Queries whose rows a window cannot count (DISTINCT,
    unions) are paged as usual.
    """
    from django.db.models import Count, Window

    paginator = Paginator(queryset.values_list("pk", flat=True) if ids else queryset, per_page)
    try:
        number = int(number)
    except (TypeError, ValueError):
        number = 1
    # Below one, or so far past any list that the offset would not fit in a bigint: counted
    # first, like Paginator, which then gives the last page.
    if not 1 <= number <= MAX_PAGE or queryset.query.distinct or queryset.query.combinator:
        return paginator.get_page(number)
    start = (number - 1) * per_page
    counted = queryset.annotate(rows_in_list=Window(Count("*")))
    if ids:
        rows = list(counted.values_list("pk", "rows_in_list")[start : start + per_page])
        objects, total = [pk for pk, _n in rows], rows[0][1] if rows else 0
    else:
        objects = list(counted[start : start + per_page])
        total = objects[0].rows_in_list if objects else 0
    if not objects and number > 1:
        return paginator.get_page(number)  # past the end: count, then the last page
    paginator.__dict__["count"] = total  # Paginator.count is a cached_property
    return paginator._get_page(objects, number, paginator)


class CountedPaginator(Paginator):
    """A Paginator told its row count, for pages that count the same rows in a query they
    run anyway (an aggregate beside the count): one pass over the rows instead of two."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.__dict__["count"] = count  # Paginator.count is a cached_property


class CappedPaginator(Paginator):
    """Counts a search's matches only up to a cap, "more than 1,000" beyond it.

    A search's page stops after its rows (the list walks its order's index), but the exact
    count reads every match: for a one-letter search, every organisation, so the page grew
    with the registry (10.9 ms of counting at four times the full scale, 0.5 ms capped).
    `more` says whether rows lie past the count; the cap grows with the page asked for, so
    the page after it is always offered.
    """

    CAP = 1000

    def __init__(self, object_list, per_page, *, number=None, cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        try:
            wanted = min(max(int(number), 1), MAX_PAGE)
        except (TypeError, ValueError):
            wanted = 1
        self.limit = max(self.CAP if cap is None else cap, wanted * per_page) + 1

    @cached_property
    def count(self) -> int:
        # COUNT(*) over the rows up to the limit, unordered: the database stops there.
        return self.object_list.order_by()[: self.limit].count()

    @property
    def more(self) -> bool:
        """Whether there are rows past the count."""
        return self.count >= self.limit

    @property
    def at_least(self) -> int:
        """The number to write in "more than N" (the rows counted, less the one past it)."""
        return self.limit - 1
