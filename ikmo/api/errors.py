"""Errors as JSON, in one shape, in the caller's language.

Every error answers ``{"detail": "...", "code": "...", "errors": {...}}``: ``errors`` only
for invalid input (400), one list of messages per field (``non_field_errors`` for the
whole request). A service's Django ``ValidationError`` becomes the same 400, so a rule the
pages enforce reads the same here."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.views import exception_handler as drf_exception_handler


class ErrorSerializer(serializers.Serializer):
    """The body of every error response (for the schema)."""

    detail = serializers.CharField(help_text="What went wrong, in the caller's language.")
    code = serializers.CharField(help_text="A stable code, e.g. not_found, invalid, throttled.")


class ValidationErrorSerializer(ErrorSerializer):
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per field; non_field_errors for the request as a whole.",
    )


def _as_drf(exc):
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return exceptions.ValidationError(exc.message_dict)
        return exceptions.ValidationError({"non_field_errors": exc.messages})
    return exc


def _field_errors(detail) -> dict:
    if isinstance(detail, dict):
        return {
            str(key): [str(m) for m in (value if isinstance(value, list) else [value])]
            if not isinstance(value, dict)
            else [f"{k}: {m}" for k, msgs in _field_errors(value).items() for m in msgs]
            for key, value in detail.items()
        }
    if isinstance(detail, list):
        return {"non_field_errors": [str(m) for m in detail]}
    return {"non_field_errors": [str(detail)]}


def exception_handler(exc, context):
    exc = _as_drf(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real server error: Django's 500 handling (and logging) takes it
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "detail": _("The request has errors. Please correct them and send it again."),
            "code": "invalid",
            "errors": _field_errors(exc.detail),
        }
        return response
    # REST framework has turned Django's Http404 and PermissionDenied into its own errors by
    # now: their detail carries the code.
    detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
    message = str(detail)
    response.data = {"detail": message, "code": str(getattr(detail, "code", "error"))}
    if response.status_code == status.HTTP_400_BAD_REQUEST:  # e.g. a body that is not JSON
        response.data["errors"] = {"non_field_errors": [message]}
    return response


def api_or_page(page_handler, status_code: int, code: str, message):
    """A Django error handler that answers JSON under /api/ (a program asked) and the
    portal's own error page elsewhere."""

    def handler(request, *args, **kwargs):
        from django.http import JsonResponse

        if request.path.startswith("/api/"):
            return JsonResponse({"detail": str(message), "code": code}, status=status_code)
        return page_handler(request, *args, **kwargs)

    return handler
