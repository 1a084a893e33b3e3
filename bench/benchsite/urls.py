"""The portal's URLs plus one bare view, for the load benchmark only (bench/load_pages.py)."""

from django.http import HttpResponse
from django.urls import path

from ikmo.urls import urlpatterns as portal_urlpatterns
from organisations.models import Organisation


def bare(request):
    """One query and a tiny response, through the same middleware as every page."""
    name = Organisation.objects.order_by("pk").values_list("name", flat=True).first()
    return HttpResponse(f"<p>{name}</p>")


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *portal_urlpatterns]
