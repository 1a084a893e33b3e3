from django.urls import path

from . import views

app_name = "actionfund"

urlpatterns = [
    path("", views.home, name="home"),
]
