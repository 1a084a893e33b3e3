from .matrix import CENTRE, LOGGED_IN, ORG_A, ApiRoute

EXPECTATIONS = {
    # Staff: the directory; everyone else: their own organisations (none for outsiders).
    "api:organisations_organisations-list": ApiRoute(LOGGED_IN, "organisations", filtered=True),
    # As the organisation's page (organisations:detail).
    "api:organisations_organisations-detail": ApiRoute(
        ORG_A | CENTRE, "organisations", kwargs=lambda w: {"pk": w.org_a.pk}
    ),
}
