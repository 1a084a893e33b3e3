"""The portal page where a person creates and revokes their API tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import tokens
from .forms import ApiTokenForm

SECRET_SESSION_KEY = "ikmo_api_token_secret"


@login_required
def token_list(request):
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = tokens.token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_at=form.expires_at(),
            )
        except ValidationError as exc:
            for field, errors in getattr(exc, "error_dict", {"__all__": exc.error_list}).items():
                for error in errors:
                    form.add_error(None if field == "__all__" else field, error)
        else:
            # Shown once, on the page the redirect leads to; never stored in clear text.
            request.session[SECRET_SESSION_KEY] = {"pk": token.pk, "secret": secret}
            messages.success(request, _("The token “%(name)s” was created.") % {"name": token.name})
            return redirect("api_tokens")
    shown = request.session.pop(SECRET_SESSION_KEY, None)
    return render(
        request,
        "ikmo/api_tokens.html",
        {
            "form": form,
            "tokens": tokens.tokens_of(request.user),
            "new_secret": shown,
            "schema_url": reverse("api:schema"),
            "docs_url": reverse("api:docs"),
            "root_url": reverse("api:api-root"),
        },
    )


@login_required
@require_POST
def token_revoke(request, pk):
    token = tokens.get_token_for_user(request.user, pk)
    tokens.token_revoke(token=token, by=request.user)
    messages.success(
        request, _("The token “%(name)s” was revoked. It no longer works.") % {"name": token.name}
    )
    return redirect("api_tokens")
