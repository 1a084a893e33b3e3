"""Segments: groups of people staff may write to at once ("Messages to many", messaging/).

Each app declares the segments it offers as the ``segments`` hook of the portal contract
(ikmo/subprojects.py): a ``Segment`` names who may use it, the small form that narrows it
(the organisation directory's own filter, a workshop, an event, a call and its statuses) and
the people it reaches (and, optionally, contact addresses without an account). The form's choices are the sender's own visibility (a workshop they
manage, an event they may see the attendance of), so choosing someone else's is a form error,
never a 5xx. The worker rebuilds the form from the stored parameters *for the sender* when it
sends, so a sender who lost the right meanwhile sends nothing.
"""

from __future__ import annotations

from django import forms
from django.http import QueryDict

PREFIX = "segment"
MAX_PARAM_LENGTH = 100
MAX_PARAM_VALUES = 20


class Segment:
    key: str = ""  # "<app>.<segment>", e.g. "qualification.workshop"
    label = ""  # lazy translated name
    help_text = ""  # who it reaches, in plain words
    subproject: str = ""  # the sub-project whose leads see messages to it; "" centre-wide

    def allowed(self, user) -> bool:
        raise NotImplementedError

    def form(self, user, data=None) -> forms.Form:
        """The form narrowing the segment, with ``PREFIX``; its choices are what ``user`` may
        see."""
        raise NotImplementedError

    def recipients(self, user, form):
        """Active people (a ``User`` queryset) the segment reaches, for a valid ``form``."""
        raise NotImplementedError

    def describe(self, form) -> str:
        """The chosen segment in words, for the log."""
        raise NotImplementedError

    def contact_addresses(self, user, form):
        """Further addresses the segment reaches besides its people (an organisation's public
        contact address), or None: a queryset with an ``address`` annotation (the address in
        lower case), as ``values_list("address", flat=True)``.

        An address that belongs to an active account reaches that person (their language,
        their newsletter choice); one that belongs to none gets service messages only, in
        German: nobody could have agreed to newsletters there (ikmo/notifications.py)."""
        return None

    # --- shared ---------------------------------------------------------------------------

    def params(self, form) -> dict[str, list[str]]:
        """The form's raw values (without the prefix), to store and rebuild it later."""
        data = form.data
        cleaned = {}
        for name in form.fields:
            values = [
                v.replace("\x00", "")[:MAX_PARAM_LENGTH]
                for v in data.getlist(form.add_prefix(name))[:MAX_PARAM_VALUES]
            ]
            values = [v for v in values if v]
            if values:
                cleaned[name] = values
        return cleaned

    def form_from_params(self, user, params: dict) -> forms.Form:
        data = QueryDict(mutable=True)
        for name, values in (params or {}).items():
            data.setlist(f"{PREFIX}-{name}", list(values))
        return self.form(user, data)


def all_segments() -> dict[str, Segment]:
    from .subprojects import hooks

    return {segment.key: segment for _app, found in hooks("segments") for segment in found}


def segment_for(key: str) -> Segment | None:
    return all_segments().get(key)


def segments_for(user) -> list[Segment]:
    """The segments ``user`` may write to, in the apps' order."""
    return [s for s in all_segments().values() if s.allowed(user)]
