"""The router of ``/api/v1/``: the core's endpoints and every portal app's ``api`` hook.

An app offers its endpoints as ``ROUTES = [Route("workshops", WorkshopViewSet), ...]`` in
its ``api.py`` and names it in its app config (``api = "api.ROUTES"``)."""

from dataclasses import dataclass

from rest_framework.routers import DefaultRouter


@dataclass(frozen=True)
class Route:
    prefix: str  # e.g. "qualification/workshops"
    viewset: type
    basename: str = ""  # default: the prefix with "/" and "-" as "_"

    @property
    def name(self) -> str:
        return self.basename or self.prefix.replace("/", "_").replace("-", "_")


def router() -> DefaultRouter:
    from ikmo.subprojects import hooks

    from .views import CORE_ROUTES

    # No `.json` suffix routes: the Accept header (or ?format=json) chooses the format.
    router = DefaultRouter(use_regex_path=False)
    router.include_format_suffixes = False
    for route in [*CORE_ROUTES, *(r for _app, routes in hooks("api") for r in routes)]:
        router.register(route.prefix, route.viewset, basename=route.name)
    return router
