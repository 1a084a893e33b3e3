from .matrix import LOGGED_IN, ApiRoute

EXPECTATIONS = {
    "api:api-root": ApiRoute(LOGGED_IN, "core"),
    "api:me": ApiRoute(LOGGED_IN, "core"),
    "api:documents-list": ApiRoute(LOGGED_IN, "core", filtered=True),
    "api:documents-detail": ApiRoute(
        frozenset({"admin_a", "admin"}),
        "core",
        kwargs=lambda w: {"pk": w.profile_sheet_a.pk},
    ),
}
