import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template import Context
from django.template.loader import get_template
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ikmo.viewtools import form_errors, require

from . import selectors, services
from .forms import MailTextForm
from .models import MailText
from .permissions import can_edit_mail, can_edit_mails
from .placeholders import unfill
from .registry import MailKind, mail_kind

logger = logging.getLogger(__name__)


def _kind_for(request, template: str, language: str) -> MailKind:
    require(can_edit_mails(request.user))
    kind = mail_kind(template)
    if kind is None or language not in dict(settings.LANGUAGES):
        raise Http404
    require(can_edit_mail(request.user, kind))
    return kind


@login_required
def mail_list(request):
    require(can_edit_mails(request.user))
    texts = selectors.mailtexts_by_key()
    rows = []
    for kind in selectors.mails_for(user=request.user):
        languages = []
        for code, name in settings.LANGUAGES:
            text = texts.get((kind.template, code))
            languages.append({"code": code, "name": name, "custom": bool(text and text.is_active)})
        rows.append({"kind": kind, "languages": languages})
    return render(request, "mailtexts/list.html", {"rows": rows})


def _example(kind: MailKind, language: str) -> dict | None:
    """The latest real record's context, or None (then fictional samples are used)."""
    if kind.example is None:
        return None
    try:
        with translation.override(language):
            context = kind.example()
            if context is not None:
                kind.values(context)  # every placeholder must be derivable
            return context
    except Exception:
        logger.exception("No preview context for %s", kind.template)
        return None


def _code_text(kind: MailKind, context: dict, language: str) -> tuple[str, str] | None:
    """The code's own text for ``context``, rendered as ikmo.mail renders it."""
    try:
        with translation.override(language):
            subject, body = (
                get_template(name).template.render(Context(context, autoescape=False))
                for name in kind.code_templates
            )
            return " ".join(subject.split()), body.strip("\n")
    except Exception:
        logger.exception("Code text of %s could not be rendered", kind.template)
        return None


@login_required
def mail_edit(request, language, template):
    kind = _kind_for(request, template, language)
    text = MailText.objects.filter(template=kind.template, language=language).first()
    context = _example(kind, language)
    # Mails whose records must never be shown (their links are credentials) render the
    # code's text with a fictional context instead.
    shown = context
    if shown is None and kind.sample_context is not None:
        with translation.override(language):
            shown = kind.sample_context()
    with translation.override(language):
        values = kind.values(shown) if shown is not None else kind.sample_values()
    default = _code_text(kind, shown, language) if shown is not None else None
    preview = None
    status = 200
    if request.method == "POST":
        form = MailTextForm(request.POST)
        if form.is_valid():
            subject, body = form.cleaned_data["subject"], form.cleaned_data["body"]
            try:
                if "preview" in request.POST:
                    preview = services.mailtext_preview(
                        kind=kind, subject=subject, body=body, values=values
                    )
                else:
                    services.mailtext_save(
                        kind=kind, language=language, subject=subject, body=body, by=request.user
                    )
                    messages.success(request, _("The e-mail text has been saved."))
                    return redirect("mailtexts:edit", language=language, template=kind.template)
            except ValidationError as error:
                form_errors(form, error)
        if form.errors:
            status = 400
    elif text is not None and text.is_active:
        form = MailTextForm(initial={"subject": text.subject, "body": text.body})
    else:
        # A first draft from the code's text, with the values turned back into placeholders.
        initial = {}
        if default is not None:
            initial = {"subject": unfill(default[0], values), "body": unfill(default[1], values)}
        form = MailTextForm(initial=initial)
    return render(
        request,
        "mailtexts/edit.html",
        {
            "kind": kind,
            "language": language,
            "language_name": dict(settings.LANGUAGES)[language],
            "rtl": translation.get_language_info(language)["bidi"],
            "text": text,
            "form": form,
            "preview": preview,
            "default": default,
            "real_example": context is not None,
            "samples_only": kind.example is None and kind.sample_context is not None,
            "placeholders": [(p, values.get(p.name, "")) for p in kind.placeholders],
            "history": selectors.mailtext_history(text=text)[:50],
        },
        status=status,
    )


@login_required
@require_POST
def mail_reset(request, language, template):
    kind = _kind_for(request, template, language)
    text = get_object_or_404(MailText, template=kind.template, language=language)
    services.mailtext_reset(text=text, by=request.user)
    messages.success(request, _("The e-mail uses the default text again."))
    return redirect("mailtexts:edit", language=language, template=kind.template)


@login_required
@require_POST
def mail_restore(request, language, template, entry):
    kind = _kind_for(request, template, language)
    text = get_object_or_404(MailText, template=kind.template, language=language)
    found = get_object_or_404(selectors.mailtext_history(text=text), pk=entry)
    before = found.changes if isinstance(found.changes, dict) else {}
    try:
        subject, body = before["subject"][0], before["body"][0]
        if not isinstance(subject, str) or not isinstance(body, str) or not subject:
            raise KeyError
    except (KeyError, IndexError, TypeError):
        messages.error(request, _("There is no earlier text to restore in this entry."))
        return redirect("mailtexts:edit", language=language, template=kind.template)
    try:
        services.mailtext_save(
            kind=kind, language=language, subject=subject, body=body, by=request.user, restored=True
        )
    except ValidationError:
        # The mail's placeholders have changed since: the old text no longer fits.
        messages.error(request, _("This earlier text no longer fits the e-mail's placeholders."))
    else:
        messages.success(request, _("The earlier text has been restored."))
    return redirect("mailtexts:edit", language=language, template=kind.template)
