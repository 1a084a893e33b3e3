"""The portal's routes, listed from the URL configuration itself."""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class RouteInfo:
    name: str | None  # "namespace:name", or None for unnamed patterns
    pattern: str  # the full pattern, e.g. "action-fund/applications/<int:pk>/"
    view: str  # dotted path of the view function

    @property
    def app(self) -> str:
        return self.name.split(":", 1)[0] if self.name and ":" in self.name else "core"


def _walk(resolver, prefix="", namespace=None):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            callback = entry.callback
            view = f"{callback.__module__}.{getattr(callback, '__qualname__', callback)}"
            yield RouteInfo(name=name, pattern=prefix + str(entry.pattern), view=view)


def all_routes() -> list[RouteInfo]:
    """Every URL pattern, recursively through includes, with its namespaced name."""
    return list(_walk(get_resolver()))
