from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from organisations import account_views

from . import views
from .models import GeneratedDocument
from .subprojects import app_urlpatterns

# Django admin signs in through allauth, so its rate limits and MFA apply there too.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "IKMO Portal"

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
    path("choose/<slug:kind>/", views.choose, name="choose"),
    path("documents/<int:pk>/", views.document_detail, name="document_detail"),
    path(
        "documents/<int:pk>/download/",
        views.job_download,
        {"model": GeneratedDocument},
        name="document_download",
    ),
    # Each portal app's `<app>/urls.py` under the `url_prefix` its app config names.
    *app_urlpatterns(),
]
