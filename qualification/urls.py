from django.urls import path

from ikmo import checkin_views, thread_views

from . import views

app_name = "qualification"

urlpatterns = [
    path("", views.home, name="home"),
    path("workshops/", views.workshop_list, name="workshop_list"),
    path("workshops/calendar.ics", views.workshop_calendar, name="workshop_calendar"),
    path("workshops/new/", views.workshop_create, name="workshop_create"),
    path("workshops/<int:pk>/", views.workshop_detail, name="workshop_detail"),
    path("workshops/<int:pk>/calendar.ics", views.workshop_ics, name="workshop_ics"),
    path("workshops/<int:pk>/edit/", views.workshop_edit, name="workshop_edit"),
    path("workshops/<int:pk>/cancel/", views.workshop_cancel, name="workshop_cancel"),
    path("workshops/<int:pk>/register/", views.workshop_register, name="workshop_register"),
    path("workshops/<int:pk>/attendance/", views.workshop_attendance, name="attendance"),
    path(
        "workshops/<int:pk>/attendance/<int:registration_pk>/",
        views.attendance_set,
        name="attendance_set",
    ),
    path(
        "workshops/<int:pk>/room-code/",
        checkin_views.room_code,
        {"kind": "qualification.registration"},
        name="room_code",
    ),
    path("workshops/<int:pk>/participants.csv", views.participants_csv, name="participants_csv"),
    path("workshops/<int:pk>/participants-pdf/", views.participants_pdf, name="participants_pdf"),
    path("workshops/<int:pk>/certificates/", views.certificates_issue, name="certificates_issue"),
    path("registrations/", views.my_registrations, name="my_registrations"),
    path("registrations/<int:pk>/cancel/", views.registration_cancel, name="registration_cancel"),
    path(
        "registrations/<int:pk>/certificate/",
        views.registration_certificate,
        name="registration_certificate",
    ),
    path("registrations/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("coaching/", views.coaching_home, name="coaching"),
    path("coaching/start/", views.coaching_start, name="coaching_start"),
    path("coaching/sessions/<int:pk>/", views.coaching_detail, name="coaching_detail"),
    path("coaching/sessions/<int:pk>/edit/", views.coaching_edit, name="coaching_edit"),
    path(
        "coaching/sessions/<int:pk>/follow-up-done/",
        views.coaching_follow_up_done,
        name="coaching_follow_up_done",
    ),
    path(
        "coaching/organisations/<int:org_pk>/",
        views.coaching_organisation,
        name="coaching_organisation",
    ),
    path("coaching/organisations/<int:org_pk>/new/", views.coaching_create, name="coaching_create"),
    path(
        "coaching/organisations/<int:org_pk>/status/",
        views.coaching_case_toggle,
        name="coaching_case_toggle",
    ),
    path(
        "coaching/cases/<int:pk>/messages/",
        thread_views.thread,
        {"kind": "qualification.coachingcase"},
        name="coaching_messages",
    ),
    path(
        "coaching/cases/<int:pk>/messages/new/",
        thread_views.message_post,
        {"kind": "qualification.coachingcase"},
        name="coaching_message_post",
    ),
    path(
        "coaching/cases/<int:pk>/messages/<int:message_pk>/file/",
        thread_views.attachment_download,
        {"kind": "qualification.coachingcase"},
        name="coaching_message_file",
    ),
]
