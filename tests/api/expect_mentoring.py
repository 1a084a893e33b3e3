from .matrix import LOGGED_IN, ORG_A, STAFF, ApiRoute

EXPECTATIONS = {
    # As mentoring:event_list and mentoring:event_detail (an event A is invited to).
    "api:mentoring_events-list": ApiRoute(LOGGED_IN, "mentoring", filtered=True),
    "api:mentoring_events-detail": ApiRoute(
        ORG_A | STAFF, "mentoring", kwargs=lambda w: {"pk": w.event.pk}
    ),
    # As mentoring:tandem_list and mentoring:tandem_detail (C mentors A).
    "api:mentoring_tandems-list": ApiRoute(LOGGED_IN, "mentoring", filtered=True),
    "api:mentoring_tandems-detail": ApiRoute(
        ORG_A | STAFF, "mentoring", kwargs=lambda w: {"pk": w.tandem.pk}
    ),
}
