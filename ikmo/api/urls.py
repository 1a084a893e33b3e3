"""``/api/``: version 1 of the REST API, its OpenAPI schema and the documentation."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .routes import router
from .views import MeView

app_name = "api"

urlpatterns = [
    path("v1/me/", MeView.as_view(), name="me"),
    path("v1/", include(router().urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        # Our page around Swagger UI (templates/api/docs.html): its language said, its
        # start script loaded from the same address (no inline script for the CSP).
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/docs.html"),
        name="docs",
    ),
]
