from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("", views.message_log, name="log"),
    path("new/", views.message_new, name="new"),
    path("new/<str:segment>/", views.message_compose, name="compose"),
    path("<uuid:uuid>/", views.message_detail, name="detail"),
    path("notifications/", views.notifications, name="notifications"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path(
        "unsubscribe/<str:token>/one-click/",
        views.unsubscribe_one_click,
        name="unsubscribe_one_click",
    ),
]
