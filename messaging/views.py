import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ikmo.notifications import MailKind, mail_wanted
from ikmo.segments import segment_for, segments_for
from ikmo.viewtools import form_errors, get_visible_or_404, paged, require

from . import permissions, selectors, services
from .forms import ComposeForm, NotificationsForm
from .models import BulkMessage

# --- the person's own choices -------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request):
    preference = selectors.preferences_of(request.user)
    form = NotificationsForm(
        request.POST or None,
        initial={"reminders": preference.reminders, "newsletter": preference.newsletter},
    )
    if request.method == "POST" and form.is_valid():
        services.notification_preferences_update(
            user=request.user,
            reminders=form.cleaned_data["reminders"],
            newsletter=form.cleaned_data["newsletter"],
        )
        messages.success(request, _("Your notification settings are saved."))
        return redirect("messaging:notifications")
    return render(request, "messaging/notifications.html", {"form": form, "preference": preference})


@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """The link in every newsletter: works signed out. The GET only asks (mail programs open
    links to check them); the button stops the newsletters."""
    person = services.user_for_unsubscribe_token(token)
    if person is None:
        return render(request, "messaging/unsubscribe_invalid.html", status=400)
    if request.method == "POST":
        services.newsletter_unsubscribe(user=person)
        # Post/redirect/get: a reload shows the confirmation instead of sending again.
        return redirect(f"{request.path}?done=1")
    if request.GET.get("done") and not mail_wanted(to=person.email, kind=MailKind.NEWSLETTER):
        return render(request, "messaging/unsubscribe_done.html")
    return render(request, "messaging/unsubscribe.html")


# RFC 8058: the body a mail program posts to stop a list, and nothing else.
ONE_CLICK_BODY = "One-Click"


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe_one_click(request, token):
    """The newsletter's List-Unsubscribe address, for mail programs' own "unsubscribe"
    button (RFC 8058): a POST with exactly ``List-Unsubscribe=One-Click`` stops the
    newsletters without a page in between.

    Without CSRF protection on purpose: the mail program has no form of ours, and a forged
    request would need the person's signed token, which only their mailbox has. It can do
    nothing but this one opt-out. Anything else (a browser opening the address, another
    body) is sent to the page that asks first."""
    person = services.user_for_unsubscribe_token(token)
    if person is None:
        return render(request, "messaging/unsubscribe_invalid.html", status=400)
    if request.method == "POST" and request.POST.get("List-Unsubscribe") == ONE_CLICK_BODY:
        services.newsletter_unsubscribe(user=person)
        return render(request, "messaging/unsubscribe_done.html")
    return redirect("messaging:unsubscribe", token=token)


# --- messages to many -------------------------------------------------------------------


@login_required
def message_log(request):
    require(permissions.can_view_messages(request.user))
    page = paged(request, selectors.message_log(user=request.user), per_page=25)
    return render(
        request,
        "messaging/log.html",
        {"messages_page": page, "can_send": permissions.can_send_messages(request.user)},
    )


@login_required
def message_new(request):
    """Step 1: whom to write to (the segments this person may use)."""
    require(permissions.can_send_messages(request.user))
    return render(request, "messaging/new.html", {"segments": segments_for(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def message_compose(request, segment):
    """Step 2: narrow the group and write; "Check recipients" shows the count, "Send now"
    queues it (once, whatever the clicks)."""
    found = segment_for(segment)
    if found is None:
        raise Http404
    require(permissions.can_send_messages(request.user) and found.allowed(request.user))
    data = request.POST if request.method == "POST" else None
    segment_form = found.form(request.user, data)
    form = ComposeForm(data)
    action = request.POST.get("action", "")
    context = {"segment": found, "segment_form": segment_form, "form": form}
    if request.method != "POST" or action == "edit":  # "edit": back from the confirmation
        return render(request, "messaging/compose.html", context)
    valid = segment_form.is_valid() & form.is_valid()
    if not valid:
        return render(request, "messaging/compose.html", context)
    counts = selectors.segment_counts(
        segment=found, form=segment_form, by=request.user, kind=form.cleaned_data["kind"]
    )
    total, count = counts.total, counts.count
    if action == "send":
        once_key = _once_key(request.POST.get("once_key", ""))
        if once_key is None:
            raise Http404
        try:
            message = services.bulk_message_send(
                by=request.user,
                segment_key=found.key,
                segment_data=request.POST,
                kind=form.cleaned_data["kind"],
                texts=form.texts(),
                once_key=once_key,
                planned_count=count,
            )
        except ValidationError as error:
            form_errors(form, error)
            return render(request, "messaging/compose.html", context)
        messages.success(request, _("The message is being sent."))
        return redirect("messaging:detail", message.uuid)
    return render(
        request,
        "messaging/confirm.html",
        {
            **context,
            "total": total,
            "count": count,
            "addresses": counts.addresses,
            "once_key": uuid.uuid4(),
            "description": found.describe(segment_form),
            "newsletter": form.cleaned_data["kind"] == BulkMessage.Kind.NEWSLETTER,
            "languages": [code for code, (s, b) in form.texts().items() if s.strip() and b.strip()],
        },
    )


def _once_key(value: str):
    try:
        return uuid.UUID(value[:40])
    except ValueError:
        return None


@login_required
def message_detail(request, uuid):
    require(permissions.can_view_messages(request.user))
    message = get_visible_or_404(
        selectors.with_counts(selectors.messages_visible_to(user=request.user)), uuid=uuid
    )
    template = "messaging/status.html" if request.htmx else "messaging/detail.html"
    return render(request, template, {"message": message})
