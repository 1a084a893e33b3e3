from django.http import HttpResponse
from django.urls import path

app_name = "citizens_lab"
urlpatterns = [path("", lambda request: HttpResponse("lab"), name="home")]
