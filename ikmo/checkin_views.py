"""The pages of check-in by code (ikmo/checkin.py), one set for every kind of registration.

- ``code``: the personal code's URL. The person sees their QR code; staff of the occasion
  who scan it see "Check in <name>?" with one big button; anyone else is told the code is
  not for them, without a word about whose it is.
- ``confirm`` / ``undo``: staff check the person in, or take a mistaken scan back.
- ``room_code``: staff show the day's room code (mounted by each app under its own URL
  name, with the kind's key, like the thread views).
- ``room_scan``: a registered person who scanned the room code checks themselves in.

No GET writes anything: a camera app or a link preview that opens a URL changes nothing;
the button does, and the page it leads back to tells what happened (a second click finds
the person already checked in).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import checkin, services
from .models import CheckIn
from .qr import qr_svg
from .viewtools import require, service_errors


def _message(request, title, text, *, status):
    return render(
        request, "ikmo/checkin/message.html", {"title": title, "text": text}, status=status
    )


def _invalid(request):
    return _message(
        request,
        _("This code is not valid"),
        _(
            "The code was not recognised. It may be incomplete, or the registration was "
            "cancelled. Please use the link from your confirmation or from the portal."
        ),
        status=404,
    )


def _decode(request, token):
    try:
        return checkin.registration_from_token(token)
    except checkin.InvalidCode:
        return None, None


def code(request, token):
    """Signed in: staff of the occasion check the person in, the person sees their code.
    A guest without an account opens the link of their confirmation e-mail signed out and
    sees their code; for a registration of an account, signing in comes first."""
    kind, registration = _decode(request, token)
    if registration is None:
        return _invalid(request)
    is_guest = kind.person_of(registration) is None
    if not request.user.is_authenticated and not is_guest:
        return redirect_to_login(request.get_full_path())
    occasion = kind.occasion_of(registration)
    context = {
        "kind": kind,
        "occasion": occasion,
        "title": kind.title_of(occasion),
        "starts_at": kind.span_of(occasion)[0],
        "checked_in": kind.is_checked_in(registration),
        "valid": kind.is_valid(registration),
        "window": checkin.window_state(kind, occasion),
        "token": token,
    }
    if request.user.is_authenticated and kind.is_staff_of(request.user, occasion):
        record = CheckIn.objects.filter(kind=kind.key, registration_id=registration.pk).first()
        context.update(
            name=kind.name_of(registration),
            organisation_name=kind.organisation_name_of(registration),
            by_code=record if context["checked_in"] else None,
            opens_at=checkin.window(kind, occasion)[0],
            attendance_url=kind.attendance_url(occasion),
        )
        return render(request, "ikmo/checkin/staff.html", context)
    # A guest's code is shown to whoever holds the link, as their cancel link is: the signed
    # token is the credential, and the page names no one.
    if is_guest or kind.person_of(registration) == request.user:
        url = request.build_absolute_uri(reverse("checkin_code", kwargs={"token": token}))
        context["qr"] = qr_svg(url, label=_("Your check-in code"))
        return render(request, "ikmo/checkin/person.html", context)
    return _message(
        request,
        _("This code is for the team"),
        _(
            "This is someone's personal check-in code. Only the team of the workshop or "
            "event can check people in with it."
        ),
        status=403,
    )


def _staff_registration(request, token):
    kind, registration = _decode(request, token)
    if registration is None:
        return None
    require(kind.is_staff_of(request.user, kind.occasion_of(registration)))
    return registration


@login_required
@require_POST
def confirm(request, token):
    registration = _staff_registration(request, token)
    if registration is None:
        return _invalid(request)
    name = checkin.kind_of(registration).name_of(registration)
    try:
        if services.checkin_record(
            registration=registration, by=request.user, method=CheckIn.Method.PERSONAL
        ):
            messages.success(request, _("%(name)s is checked in.") % {"name": name})
        else:
            messages.info(request, _("%(name)s was already checked in.") % {"name": name})
    except ValidationError as error:
        service_errors(request, error)
    return redirect("checkin_code", token=token)


@login_required
@require_POST
def undo(request, token):
    registration = _staff_registration(request, token)
    if registration is None:
        return _invalid(request)
    if services.checkin_undo(registration=registration, by=request.user):
        messages.success(request, _("The check-in was undone."))
    return redirect("checkin_code", token=token)


@login_required
def room_code(request, pk, kind):
    """The day's room code of a workshop or event, for its staff to show in the room."""
    kind = checkin.checkin_kinds()[kind]
    occasion = get_object_or_404(kind.occasions(), pk=pk)
    require(kind.is_staff_of(request.user, occasion))
    today = timezone.localdate()
    context = {
        "kind": kind,
        "occasion": occasion,
        "title": kind.title_of(occasion),
        "today": today,
        "days": kind.days_of(occasion),
        "window": checkin.window_state(kind, occasion),
        "opens_at": checkin.window(kind, occasion)[0],
        "attendance_url": kind.attendance_url(occasion),
    }
    if today in context["days"] and context["window"] != "over":
        url = request.build_absolute_uri(checkin.room_scan_url(kind, occasion, today))
        context["qr"] = qr_svg(url, label=_("Room code for checking in"))
        context["url"] = url
    return render(request, "ikmo/checkin/room_code.html", context)


@login_required
def room_scan(request, token):
    """A signed-in person who scanned the room code: a confirmation, then the check-in."""
    try:
        kind, occasion = checkin.occasion_from_room_token(token)
    except checkin.ExpiredCode:
        return _message(
            request,
            _("This room code has expired"),
            _("A room code works only on its day. Please scan the code shown in the room today."),
            status=410,
        )
    except checkin.InvalidCode:
        return _invalid(request)
    registration = kind.registration_of(occasion, request.user)
    if registration is None:
        return _message(
            request,
            _("You are not registered"),
            _(
                "We could not find a registration of yours for this. Please speak to the "
                "team in the room: they can add you to the attendance list."
            ),
            status=403,
        )
    if request.method == "POST":
        try:
            if services.checkin_record(
                registration=registration, by=request.user, method=CheckIn.Method.ROOM
            ):
                messages.success(request, _("You are checked in. Welcome!"))
        except ValidationError as error:
            service_errors(request, error)
        return redirect("checkin_room_scan", token=token)
    return render(
        request,
        "ikmo/checkin/room_scan.html",
        {
            "title": kind.title_of(occasion),
            "starts_at": kind.span_of(occasion)[0],
            "checked_in": kind.is_checked_in(registration),
            "valid": kind.is_valid(registration),
            "window": checkin.window_state(kind, occasion),
            "opens_at": checkin.window(kind, occasion)[0],
        },
    )
