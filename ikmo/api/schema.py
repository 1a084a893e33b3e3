"""The OpenAPI schema describes every answer, errors included.

drf-spectacular describes the successful responses from the serializers; this adds, to
every operation, the error responses the core can give (400 invalid input, 401 no or bad
token, 403 not allowed, 404 not found or not visible, 429 rate limit), and 304 for reads
answered from an ETag."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter

from .errors import ErrorSerializer, ValidationErrorSerializer

ERRORS = {
    "401": (ErrorSerializer, _("No token or session, or the token is not valid.")),
    "403": (ErrorSerializer, _("Signed in, but not allowed (or a read-only token).")),
    "404": (ErrorSerializer, _("Not found, or not visible to you.")),
    "429": (ErrorSerializer, _("Too many requests: wait as Retry-After says.")),
}


class PortalAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction=direction)
        if self.method == "GET":
            responses.setdefault(
                "304", {"description": str(_("Not modified: the If-None-Match ETag still holds."))}
            )
        responses.setdefault(
            "400",
            self._error(
                ValidationErrorSerializer,
                "400",
                _("Invalid input (body, filter or page): messages per field."),
            ),
        )
        for code, (serializer, description) in ERRORS.items():
            responses.setdefault(code, self._error(serializer, code, description))
        return responses

    def _error(self, serializer, code, description):
        response = self._get_response_for_code(serializer, code)
        response["description"] = str(description)
        return response

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method == "GET":
            parameters.append(
                OpenApiParameter(
                    "If-None-Match",
                    str,
                    OpenApiParameter.HEADER,
                    description=str(_("The ETag of an earlier answer: 304 if nothing changed.")),
                )
            )
        return parameters
