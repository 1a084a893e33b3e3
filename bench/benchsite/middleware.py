"""Bench-only middleware (bench/benchsite/settings.py); never in the portal's settings."""

from reporting.figures import forget_cached_figures

COLD = "bench-cold-figures"


class ColdFiguresMiddleware:
    """`?bench-cold-figures=1` drops the dashboard's shared figures before the request.

    The load benchmark measures the reporting dashboard twice: with the figures another
    person's look has already computed (the figures cache on, the page cache off), and as
    the first look after a write, which recomputes them. For the second it adds this
    parameter; it is removed before any other middleware or the view sees the request, so
    the page is exactly the one without it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if COLD in request.GET:
            query = request.GET.copy()
            del query[COLD]
            request.GET = query
            request.META["QUERY_STRING"] = query.urlencode()
            # Outside a transaction (no ATOMIC_REQUESTS) the version is raised at once.
            forget_cached_figures()
        return self.get_response(request)
