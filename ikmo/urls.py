from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _lazy
from django.views import defaults

from organisations import account_views

from . import checkin_views, views
from .api import pages as api_pages
from .api.errors import api_or_page
from .models import GeneratedDocument
from .subprojects import app_urlpatterns

# Django admin signs in through allauth, so its rate limits and MFA apply there too.
# The site itself (no side navigation, the header) is ikmo.adminsite.PortalAdminSite.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Before allauth's own: the "check your e-mail" page with a resend button.
    path(
        "accounts/confirm-email/",
        account_views.VerificationSentView.as_view(),
        name="account_email_verification_sent",
    ),
    path(
        "accounts/confirm-email/resend/",
        account_views.resend_verification,
        name="account_resend_verification",
    ),
    path("accounts/", include("allauth.urls")),
    path("request-too-large/", views.request_too_large, name="request_too_large"),
    path("second-factor/", views.mfa_required, name="mfa_required"),
    path("second-factor/<str:token>/", views.mfa_invitation, name="mfa_invitation"),
    path("admin/", admin.site.urls),
    path("api/", include("ikmo.api.urls")),
    path("exports/", include("ikmo.listexport_urls")),
    path("api-tokens/", api_pages.token_list, name="api_tokens"),
    path("api-tokens/<int:pk>/revoke/", api_pages.token_revoke, name="api_token_revoke"),
    path("choose/<slug:kind>/", views.choose, name="choose"),
    path("documents/<int:pk>/", views.document_detail, name="document_detail"),
    # Check-in by QR code (ikmo/checkin.py): the personal code and the room code.
    path("checkin/<str:token>/", checkin_views.code, name="checkin_code"),
    path("checkin/<str:token>/confirm/", checkin_views.confirm, name="checkin_confirm"),
    path("checkin/<str:token>/undo/", checkin_views.undo, name="checkin_undo"),
    path("checkin/room/<str:token>/", checkin_views.room_scan, name="checkin_room_scan"),
    path(
        "documents/<int:pk>/download/",
        views.job_download,
        {"model": GeneratedDocument},
        name="document_download",
    ),
    # Each portal app's `<app>/urls.py` under the `url_prefix` its app config names.
    *app_urlpatterns(),
]

# Unknown addresses and server errors under /api/ answer JSON, like every other API error.
handler404 = api_or_page(defaults.page_not_found, 404, "not_found", _lazy("Not found."))
handler500 = api_or_page(
    defaults.server_error, 500, "server_error", _lazy("Something went wrong on our side.")
)
