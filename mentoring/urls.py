from django.urls import path

from ikmo import checkin_views

from . import views

app_name = "mentoring"

urlpatterns = [
    path("", views.home, name="home"),
    # Partner brokering
    path("contacts/", views.contact_list, name="contact_list"),
    path("contacts/new/", views.contact_create, name="contact_create"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/status/", views.contact_status, name="contact_status"),
    path("contacts/<int:pk>/delete/", views.contact_delete, name="contact_delete"),
    path("partners/", views.partner_search, name="partner_search"),
]
urlpatterns += [
    # Expert rounds and network events
    path("events/", views.event_list, name="event_list"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("events/<int:pk>/register/", views.event_register, name="event_register"),
    path("events/<int:pk>/unregister/", views.event_unregister, name="event_unregister"),
    path("events/<int:pk>/attendance/", views.event_attendance_add, name="event_attendance_add"),
    path(
        "events/<int:pk>/attendance/<int:attendance_pk>/remove/",
        views.event_attendance_remove,
        name="event_attendance_remove",
    ),
    path(
        "events/<int:pk>/room-code/",
        checkin_views.room_code,
        {"kind": "mentoring.eventregistration"},
        name="room_code",
    ),
    path("events/<int:pk>/outcome/", views.event_outcome, name="event_outcome"),
    path("events/<int:pk>/cancel/", views.event_cancel, name="event_cancel"),
    path("events/<int:pk>/tasks/", views.task_add, name="task_add"),
    path("events/<int:pk>/tasks/<int:task_pk>/toggle/", views.task_toggle, name="task_toggle"),
]
urlpatterns += [
    # Mentoring tandems
    path("organisations/<int:org_pk>/offer/", views.offer_edit, name="offer_edit"),
    path("organisations/<int:org_pk>/request/", views.request_edit, name="request_edit"),
    path("requests/<int:pk>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("matching/", views.match_list, name="match_list"),
    path("matching/<int:pk>/", views.match, name="match"),
    path("matching/<int:pk>/propose/", views.tandem_propose, name="tandem_propose"),
    path("tandems/", views.tandem_list, name="tandem_list"),
    path("tandems/<int:pk>/", views.tandem_detail, name="tandem_detail"),
    path("tandems/<int:pk>/accept/", views.tandem_accept, name="tandem_accept"),
    path("tandems/<int:pk>/decline/", views.tandem_decline, name="tandem_decline"),
    path("tandems/<int:pk>/plan/", views.tandem_plan, name="tandem_plan"),
    path("tandems/<int:pk>/meetings/", views.meeting_add, name="meeting_add"),
    path("tandems/<int:pk>/close/", views.tandem_close, name="tandem_close"),
    path("tandems/<int:pk>/evaluate/<int:org_pk>/", views.tandem_evaluate, name="tandem_evaluate"),
]
urlpatterns += [
    # Public events: pages for everyone, guest registration without an account
    path("public/", views.public_event_list, name="public_event_list"),
    path("public/<int:pk>/", views.public_event_detail, name="public_event_detail"),
    path("events/<int:pk>/calendar.ics", views.event_ics, name="event_ics"),
    path("guests/<str:token>/cancel/", views.guest_cancel, name="guest_cancel"),
    # ... and the team's side of them
    path("events/<int:pk>/guests/", views.guest_list, name="guest_list"),
    path(
        "events/<int:pk>/guests/<int:guest_pk>/attended/",
        views.guest_attended,
        name="guest_attended",
    ),
    path("events/<int:pk>/guests/pdf/<str:kind>/", views.guest_documents, name="guest_documents"),
    path("events/<int:pk>/tables/", views.event_table_add, name="event_table_add"),
    path("events/<int:pk>/report/pdf/", views.event_report, name="event_report"),
]
urlpatterns += [
    # An event's programme, kept by the team on the event page
    path("events/<int:pk>/speakers/", views.event_speaker_add, name="event_speaker_add"),
    path(
        "events/<int:pk>/speakers/<int:speaker_pk>/",
        views.event_speaker_edit,
        name="event_speaker_edit",
    ),
    path(
        "events/<int:pk>/speakers/<int:speaker_pk>/remove/",
        views.event_speaker_remove,
        name="event_speaker_remove",
    ),
    path("events/<int:pk>/agenda/", views.event_agenda_add, name="event_agenda_add"),
    path(
        "events/<int:pk>/agenda/<int:item_pk>/", views.event_agenda_edit, name="event_agenda_edit"
    ),
    path(
        "events/<int:pk>/agenda/<int:item_pk>/remove/",
        views.event_agenda_remove,
        name="event_agenda_remove",
    ),
    path("events/<int:pk>/stands/", views.event_stand_add, name="event_stand_add"),
    path("events/<int:pk>/stands/<int:stand_pk>/", views.event_stand_edit, name="event_stand_edit"),
    path(
        "events/<int:pk>/stands/<int:stand_pk>/remove/",
        views.event_stand_remove,
        name="event_stand_remove",
    ),
]
