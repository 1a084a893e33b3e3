from django.urls import path

from ikmo import thread_views

from . import views

app_name = "volunteering"

urlpatterns = [
    path("", views.home, name="home"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/<int:pk>/", views.organisation, name="organisation"),
    path("organisations/<int:pk>/interest/", views.organisation_interest, name="interest"),
    path("organisations/<int:pk>/status/", views.organisation_status, name="status"),
    path("organisations/<int:pk>/documents/new/", views.document_upload, name="document_upload"),
    path(
        "organisations/<int:pk>/consultations/new/", views.consultation_new, name="consultation_new"
    ),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
    path("documents/<int:pk>/delete/", views.document_delete, name="document_delete"),
    path("consultations/", views.consultations, name="consultations"),
    path("consultations/<int:pk>/edit/", views.consultation_edit, name="consultation_edit"),
    path("contingents/", views.contingents, name="contingents"),
    path("contingents/<int:pk>/edit/", views.contingent_edit, name="contingent_edit"),
    path("placements/", views.placements, name="placements"),
    path("placements/new/", views.placement_new, name="placement_new"),
    path("placements/<int:pk>/", views.placement, name="placement"),
    path("placements/<int:pk>/edit/", views.placement_edit, name="placement_edit"),
    path(
        "placements/<int:pk>/messages/",
        thread_views.thread,
        {"kind": "volunteering.placement"},
        name="placement_messages",
    ),
    path(
        "placements/<int:pk>/messages/new/",
        thread_views.message_post,
        {"kind": "volunteering.placement"},
        name="placement_message_post",
    ),
    path(
        "placements/<int:pk>/messages/<int:message_pk>/file/",
        thread_views.attachment_download,
        {"kind": "volunteering.placement"},
        name="placement_message_file",
    ),
    path("placements/<int:pk>/status/", views.placement_transition, name="placement_transition"),
    path("placements/<int:pk>/erase/", views.volunteer_erase, name="volunteer_erase"),
    path("placements/<int:pk>/export/", views.volunteer_export, name="volunteer_export"),
    path("seminars/", views.seminars, name="seminars"),
    path("seminars/new/", views.seminar_new, name="seminar_new"),
    path("seminars/<int:pk>/", views.seminar, name="seminar"),
    path("seminars/<int:pk>/edit/", views.seminar_edit, name="seminar_edit"),
]
