from .matrix import LOGGED_IN, ORG_A, STAFF, ApiRoute

EXPECTATIONS = {
    # As the placement list: the desk sees all, members their site's or carrier's.
    "api:volunteering_placements-list": ApiRoute(LOGGED_IN, "volunteering", filtered=True),
    "api:volunteering_placements-detail": ApiRoute(
        ORG_A | STAFF, "volunteering", kwargs=lambda w: {"pk": w.placement_a.pk}
    ),
}
