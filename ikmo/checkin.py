"""Check-in by QR code: one mechanism for every kind of registration.

A portal app lets the people registered for its workshops or events check in by code by
naming ``checkins = "checkins.KINDS"`` in its app config (the portal contract,
ikmo/subprojects.py): a list of ``CheckInKind``. A kind says, with the app's own models,
permission predicates and attendance services, who the person is, who of the staff may
check them in, when the occasion takes place and how attendance is written. The core keeps
the rest once: the codes (below), the record of who came by code (ikmo.models.CheckIn),
checking in and undoing (ikmo/services.py) and the pages (ikmo/checkin_views.py). Guests
without an account (public events) are a kind too: their ``person_of`` is None, so they
have no room code to scan, and their personal code's page shows them their QR code without
signing in (the signed code is what their confirmation e-mail carries, like their cancel
link).

Two codes, both signed with ``django.core.signing`` under their own salt, so neither can be
guessed, altered or passed off as the other:

- the *personal code* names one registration. It is what the person shows at the door: its
  URL is the same for the person (their QR code) and for staff who scan it (a page that asks
  "Check in …?"). The code itself says nothing about the person; only the staff of that
  occasion see the name. It stays valid while the registration does.
- the *room code* names an occasion and one day. Staff show it in the room; a registered
  person who scans it checks themselves in. It works only on that day.

When: check-in opens when the occasion starts (``OPENS_BEFORE`` is zero). Both apps'
attendance services already refuse earlier attendance (the funders count only what
happened), and a code scanned too early says when check-in opens. It closes at the end of
the occasion's last day.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core import signing
from django.urls import reverse
from django.utils import timezone

from .subprojects import hooks

PERSONAL_SALT = "ikmo.checkin.personal"
ROOM_SALT = "ikmo.checkin.room"
OPENS_BEFORE = datetime.timedelta(0)
# A room code is for one day; the signature's age is checked too, so a code copied from a
# screenshot stops working even if the day check were ever loosened.
ROOM_MAX_AGE = datetime.timedelta(hours=36)


@dataclass(frozen=True)
class CheckInKind:
    key: str  # "app_label.registrationmodel", stored with each check-in
    # () -> queryset of the registrations, with what the pages show (person, occasion).
    registrations: Callable
    # () -> queryset of the occasions (workshops, events) a room code may name.
    occasions: Callable
    # (registration) -> the workshop or event.
    occasion_of: Callable
    # (registration) -> the person's name, for the staff who check them in.
    name_of: Callable
    # (registration) -> the account the registration is for (None for guests).
    person_of: Callable
    # (registration) -> bool: a place that counts (confirmed, not cancelled).
    is_valid: Callable
    # (user, occasion) -> bool: may check people in (the app's attendance predicate).
    is_staff_of: Callable
    # (registration) -> bool: attendance is recorded.
    is_checked_in: Callable
    # (registration, by) -> None: record attendance through the app's own service.
    check_in: Callable
    # (registration, by) -> None: take the attendance back through the app's own service.
    undo: Callable
    # (occasion) -> (start, end) datetimes.
    span_of: Callable
    # (occasion) -> [date]: the local days on which it takes place (a room code per day).
    days_of: Callable
    # (occasion, user) -> the person's valid registration, or None.
    registration_of: Callable
    # (occasion) -> URL of the manual attendance list.
    attendance_url: Callable
    # URL name of the staff's room-code page; takes the occasion's pk as `pk`.
    room_route: str
    # (occasion) -> its title, as the page shows it.
    title_of: Callable = str
    # (registration) -> the name of the organisation the person comes for, or "".
    organisation_name_of: Callable = lambda r: r.organisation.name if r.organisation else ""

    def room_url(self, occasion) -> str:
        return reverse(self.room_route, kwargs={"pk": occasion.pk})


def checkin_kinds() -> dict[str, CheckInKind]:
    """Every kind the installed portal apps offer, by key ("qualification.registration")."""
    return {kind.key: kind for _app, kinds in hooks("checkins") for kind in kinds}


def kind_of(registration) -> CheckInKind:
    return checkin_kinds()[registration._meta.label_lower]


class InvalidCode(Exception):
    """The code was not made by the portal, or was changed, or names nothing that exists."""


class ExpiredCode(Exception):
    """A room code of another day."""


# The personal code ---------------------------------------------------------------------------


def personal_token(registration) -> str:
    kind = kind_of(registration)
    return signing.Signer(salt=PERSONAL_SALT).sign_object([kind.key, registration.pk])


def personal_url(registration) -> str:
    return reverse("checkin_code", kwargs={"token": personal_token(registration)})


def registration_from_token(token: str):
    """``(kind, registration)`` the personal code names; ``InvalidCode`` otherwise."""
    try:
        key, pk = signing.Signer(salt=PERSONAL_SALT).unsign_object(token)
        kind = checkin_kinds()[key]
        registration = kind.registrations().filter(pk=int(pk)).first()
    except (signing.BadSignature, ValueError, TypeError, KeyError) as error:
        raise InvalidCode from error
    if registration is None:  # cancelled and deleted (events), or erased
        raise InvalidCode
    return kind, registration


# The room code -------------------------------------------------------------------------------


def room_token(kind: CheckInKind, occasion, day: datetime.date) -> str:
    return signing.TimestampSigner(salt=ROOM_SALT).sign_object(
        [kind.key, occasion.pk, day.isoformat()]
    )


def room_scan_url(kind: CheckInKind, occasion, day: datetime.date) -> str:
    return reverse("checkin_room_scan", kwargs={"token": room_token(kind, occasion, day)})


def occasion_from_room_token(token: str, *, now=None):
    """``(kind, occasion)`` the room code names for today; ``InvalidCode`` or
    ``ExpiredCode`` otherwise."""
    now = now or timezone.now()
    signer = signing.TimestampSigner(salt=ROOM_SALT)
    try:
        try:
            key, pk, day = signer.unsign_object(token, max_age=ROOM_MAX_AGE)
        except signing.SignatureExpired as error:
            raise ExpiredCode from error
        kind = checkin_kinds()[key]
        day = datetime.date.fromisoformat(day)
        occasion = kind.occasions().filter(pk=int(pk)).first()
    except (signing.BadSignature, ValueError, TypeError, KeyError) as error:
        raise InvalidCode from error
    if occasion is None:
        raise InvalidCode
    if day != timezone.localdate(now):
        raise ExpiredCode
    return kind, occasion


# When ----------------------------------------------------------------------------------------


def window(kind: CheckInKind, occasion) -> tuple[datetime.datetime, datetime.datetime]:
    """From the start (less ``OPENS_BEFORE``) to the end of the occasion's last day."""
    start, end = kind.span_of(occasion)
    last_day = timezone.localdate(end or start)
    closes = timezone.make_aware(datetime.datetime.combine(last_day, datetime.time.max))
    return start - OPENS_BEFORE, closes


def window_state(kind: CheckInKind, occasion, *, now=None) -> str:
    """ "early", "open" or "over"."""
    now = now or timezone.now()
    opens, closes = window(kind, occasion)
    if now < opens:
        return "early"
    return "open" if now <= closes else "over"


def checkin_open_or_coming(registration, *, now=None) -> bool:
    """Whether the person's code is still of use: a valid registration whose occasion is not
    over (the pages offer the code only then)."""
    kind = kind_of(registration)
    occasion = kind.occasion_of(registration)
    return kind.is_valid(registration) and window_state(kind, occasion, now=now) != "over"
