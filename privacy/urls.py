from django.urls import path

from ikmo.views import job_download

from . import views
from .models import DataExport

app_name = "privacy"

urlpatterns = [
    path("", views.page, {"slug": "privacy"}, name="policy"),
    path("accessibility/", views.page, {"slug": "accessibility"}, name="accessibility"),
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/export/", views.export_person, name="export_me"),
    path("my-data/erasure/", views.erasure_ask, name="erasure_ask"),
    path("consents/<int:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("exports/<int:pk>/", views.export_detail, name="export_detail"),
    path(
        "exports/<int:pk>/download/",
        job_download,
        {"model": DataExport},
        name="export_download",
    ),
    path("organisations/<int:pk>/export/", views.export_organisation, name="export_organisation"),
    path("people/", views.people, name="people"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/export/", views.export_person, name="export_person"),
    path("people/<int:pk>/erase/", views.erase, name="erase"),
    path("erasure-requests/<int:pk>/decline/", views.erasure_decline, name="erasure_decline"),
]
