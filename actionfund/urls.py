from django.urls import path

from ikmo import thread_views

from . import views

app_name = "actionfund"

urlpatterns = [
    path("", views.home, name="home"),
    path("calls/", views.call_list, name="call_list"),
    path("calls/new/", views.call_edit, name="call_create"),
    path("calls/<int:pk>/", views.call_detail, name="call_detail"),
    path("calls/<int:pk>/edit/", views.call_edit, name="call_edit"),
    path("calls/<int:pk>/apply/", views.application_start, name="application_start"),
    path("calls/<int:pk>/ranking/", views.call_ranking, name="call_ranking"),
    path("calls/<int:pk>/ledger/", views.call_ledger, name="call_ledger"),
    path("applications/", views.application_list, name="application_list"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path(
        "applications/<int:pk>/edit/<slug:step>/", views.application_edit, name="application_edit"
    ),
    path(
        "applications/<int:pk>/edit/<slug:step>/autosave/",
        views.application_autosave,
        name="application_autosave",
    ),
    path("applications/<int:pk>/partners/search/", views.partner_search, name="partner_search"),
    path("applications/<int:pk>/partners/invite/", views.partner_invite, name="partner_invite"),
    path(
        "applications/<int:pk>/partners/<int:invitation_pk>/withdraw/",
        views.partner_invitation_withdraw,
        name="partner_invitation_withdraw",
    ),
    path("applications/<int:pk>/submit/", views.application_submit, name="application_submit"),
    path(
        "applications/<int:pk>/withdraw/", views.application_withdraw, name="application_withdraw"
    ),
    path(
        "applications/<int:pk>/status/", views.application_transition, name="application_transition"
    ),
    path("applications/<int:pk>/decide/", views.application_decide, name="application_decide"),
    path("applications/<int:pk>/jury/", views.jury_assign, name="jury_assign"),
    path(
        "applications/<int:pk>/jury/<int:user_pk>/remove/",
        views.jury_unassign,
        name="jury_unassign",
    ),
    path("applications/<int:pk>/score/", views.application_score, name="application_score"),
    path("applications/<int:pk>/history/", views.application_history, name="application_history"),
    path(
        "applications/<int:pk>/messages/",
        thread_views.thread,
        {"kind": "actionfund.application"},
        name="application_messages",
    ),
    path(
        "applications/<int:pk>/messages/new/",
        thread_views.message_post,
        {"kind": "actionfund.application"},
        name="application_message_post",
    ),
    path(
        "applications/<int:pk>/messages/<int:message_pk>/file/",
        thread_views.attachment_download,
        {"kind": "actionfund.application"},
        name="application_message_file",
    ),
    path(
        "applications/<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "applications/<int:pk>/attachments/<int:attachment_pk>/delete/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path("applications/<int:pk>/agreement/", views.agreement_request, name="agreement_request"),
    path("applications/<int:pk>/payments/", views.payment_add, name="payment_add"),
    path("applications/<int:pk>/returns/", views.return_add, name="return_add"),
    path("applications/<int:pk>/proof/", views.proof_edit, name="proof_edit"),
    path("applications/<int:pk>/proof/receipts/", views.receipt_add, name="receipt_add"),
    path(
        "applications/<int:pk>/proof/receipts/<int:receipt_pk>/",
        views.receipt_download,
        name="receipt_download",
    ),
    path("applications/<int:pk>/proof/review/", views.proof_review, name="proof_review"),
    path("invitations/", views.invitation_list, name="invitation_list"),
    path("invitations/<int:pk>/", views.invitation_detail, name="invitation_detail"),
    path("invitations/<int:pk>/decline/", views.invitation_decline, name="invitation_decline"),
    path("invitations/<int:pk>/withdraw/", views.invitation_withdraw, name="invitation_withdraw"),
    path("jury/", views.jury_list, name="jury_list"),
    path("status-rules/", views.transition_table, name="transition_table"),
]
