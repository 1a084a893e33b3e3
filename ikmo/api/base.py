"""What every endpoint shares: ids in range, ETags, and the viewset bases (pages of results:
`ikmo.api.pagination`).

An endpoint is a viewset in its app's ``api.py`` whose ``get_queryset`` calls the app's
visibility selector for ``request.user`` (the same one its pages use) and whose actions ask
the same permission predicates; `require` turns a refused predicate into a 403."""

import hashlib

from django.http import HttpResponseNotModified
from rest_framework import exceptions, mixins, viewsets


def require(allowed: bool, message=None) -> None:
    """A 403 (as JSON) unless the permission predicate allowed it."""
    if not allowed:
        raise exceptions.PermissionDenied(message)


MAX_ID = 2**31 - 1


class ConditionalMixin:
    """Ids in the URL are numbers in range. A read answers with an ETag (a hash of the body); a client that sends it back in
    If-None-Match gets 304 and no body while nothing changed. The body depends on who asks,
    and the hash on the body, so one person's ETag never tells them about another's data."""

    lookup_value_converter = "int"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # An id beyond the database's integer range is simply not there (not a 500).
        for key, value in kwargs.items():
            if key.endswith("pk") and (not str(value).isdigit() or int(value) > MAX_ID):
                raise exceptions.NotFound()

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        response.render()
        etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
        response["ETag"] = etag
        wanted = [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]
        if etag in wanted or f"W/{etag}" in wanted:
            not_modified = HttpResponseNotModified()
            not_modified["ETag"] = etag
            for header in ("Vary", "Cache-Control"):
                if response.has_header(header):
                    not_modified[header] = response[header]
            return not_modified
        return response


class DetailUnfilteredMixin:
    """The list's filters (and a list's default, such as coming workshops only) apply to the
    list; an object found by its id is shown as its page shows it, whatever the query says."""

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)


class ReadOnlyViewSet(ConditionalMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ViewSet(ConditionalMixin, viewsets.GenericViewSet):
    pass


class ListViewSet(ConditionalMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    pass
