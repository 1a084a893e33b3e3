from django.urls import path

from . import views

app_name = "participation_check"

urlpatterns = [
    path("", views.home, name="home"),
]
