from .matrix import EVERYONE, JURY, LOGGED_IN, ORG_A, STAFF, ApiRoute

EXPECTATIONS = {
    "api:actionfund_calls-list": ApiRoute(EVERYONE, "actionfund", public=True),
    "api:actionfund_calls-detail": ApiRoute(
        EVERYONE, "actionfund", kwargs=lambda w: {"pk": w.call.pk}, public=True
    ),
    # Everyone signed in has a list: their organisations' applications, their assignments.
    "api:actionfund_applications-list": ApiRoute(LOGGED_IN, "actionfund", filtered=True),
    "api:actionfund_applications-detail": ApiRoute(
        ORG_A | STAFF | JURY, "actionfund", kwargs=lambda w: {"pk": w.af_review.pk}
    ),
    # Start (or continue) a draft for organisation A: its members only.
    "api:actionfund_applications-list POST": ApiRoute(
        ORG_A,
        "actionfund",
        method="post",
        body=lambda w: {"call": w.call.pk, "organisation": w.org_a.pk},
    ),
    # Save a draft: the same edit permission as the application's steps.
    "api:actionfund_applications-detail PATCH": ApiRoute(
        ORG_A,
        "actionfund",
        kwargs=lambda w: {"pk": w.af_draft.pk},
        method="patch",
        body=lambda w: {"title": "Neuer Titel"},
    ),
    "api:actionfund_applications-submit": ApiRoute(
        ORG_A,
        "actionfund",
        kwargs=lambda w: {"pk": w.af_draft.pk},
        method="post",
        body=lambda w: {"confirm": True},
    ),
}
