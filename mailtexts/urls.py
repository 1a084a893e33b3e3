from django.urls import path

from . import views

app_name = "mailtexts"

# The mail's code template name (with slashes) comes last; the actions come first so that
# their paths are not taken for a template name.
urlpatterns = [
    path("", views.mail_list, name="list"),
    path("reset/<str:language>/<path:template>/", views.mail_reset, name="reset"),
    path(
        "restore/<int:entry>/<str:language>/<path:template>/",
        views.mail_restore,
        name="restore",
    ),
    path("<str:language>/<path:template>/", views.mail_edit, name="edit"),
]
