"""The list exports' routes, mounted by ikmo/urls.py under ``exports/``."""

from django.urls import path

from . import listexport_views as views
from .models import ListExport
from .views import job_download

app_name = "exports"

urlpatterns = [
    path("lists/<str:key>/", views.export_create, name="create"),
    path("<uuid:uuid>/", views.export_detail, name="detail"),
    path("<uuid:uuid>/download/", job_download, {"model": ListExport}, name="download"),
]
