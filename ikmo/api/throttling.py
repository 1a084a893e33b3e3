"""Rate limits per token (or per signed-in person, or per address when anonymous).

Counts live in the shared cache; while Redis is away the resilient cache (ikmo/cache.py)
answers empty, so the API stays open rather than locking everyone out."""

from rest_framework.throttling import SimpleRateThrottle

from .auth import token_of


class PersonRateThrottle(SimpleRateThrottle):
    scope = "person"

    def get_cache_key(self, request, view):
        token = token_of(request)
        if token is not None:
            ident = f"token-{token.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            return None  # AnonymousRateThrottle takes these
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AnonymousRateThrottle(SimpleRateThrottle):
    scope = "anonymous"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
