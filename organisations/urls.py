from django.urls import path

from . import public_views, views

app_name = "organisations"

urlpatterns = [
    path("", views.organisation_directory, name="directory"),
    path("register/", views.organisation_register, name="register"),
    path("join/", views.join, name="join"),
    path("join/<int:pk>/", views.join_request, name="join_request"),
    path("registrations/", views.registration_queue, name="registrations"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
    path("<int:pk>/timeline/", views.organisation_timeline, name="timeline"),
    path("<int:pk>/edit/", views.organisation_edit, name="edit"),
    path("<int:pk>/approve/", views.registration_approve, name="approve"),
    path("<int:pk>/reject/", views.registration_reject, name="reject"),
    path("<int:pk>/members/", views.members, name="members"),
    path(
        "<int:pk>/members/<int:membership_pk>/<str:action>/",
        views.member_action,
        name="member_action",
    ),
    path("<int:pk>/networks/join/", views.network_join, name="network_join"),
    path(
        "<int:pk>/networks/<int:membership_pk>/<str:action>/",
        views.network_action,
        name="network_action",
    ),
    path("<int:pk>/contact/", views.centre_contact, name="centre_contact"),
    path("<int:pk>/profile-sheet/", views.profile_sheet, name="profile_sheet"),
    path("<int:pk>/outcomes/new/", views.outcome_edit, name="outcome_new"),
    path("<int:pk>/outcomes/<int:outcome_pk>/", views.outcome_edit, name="outcome_edit"),
    path("<int:pk>/outcomes/<int:outcome_pk>/delete/", views.outcome_delete, name="outcome_delete"),
    # The public directory and competence map (no account needed), and what feeds them.
    path("public/", public_views.public_directory, name="public_directory"),
    path("public/map/", public_views.public_map, name="public_map"),
    path("public/<int:pk>/", public_views.public_detail, name="public_detail"),
    path("public/<int:pk>/contact/", public_views.public_contact, name="public_contact"),
    path("<int:pk>/public-profile/", public_views.public_profile, name="public_profile"),
    path(
        "<int:pk>/public-profile/withdraw/",
        public_views.public_listing_withdraw,
        name="public_listing_withdraw",
    ),
]
