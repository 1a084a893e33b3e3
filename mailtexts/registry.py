"""Every e-mail the portal sends, declared once, with the placeholders staff may use.

Each portal app lists its mails in its ``mails`` hook (``<app>/mails.py``, ``MAILS``), one
``MailKind`` per code template name (the ``template=`` given to ``ikmo.mail.email_queue``, or
for allauth's account mails the template prefix it hands to the portal's account adapter,
organisations/adapters.py, which looks up staff's text the same way).
Staff-edited texts (``mailtexts.models.MailText``) are plain text with ``{placeholder}``
fields: they never see the render context's objects, only the strings each ``Placeholder``
derives from it here. tests/mailtexts/test_mailtexts.py fails for a ``template=`` in the
code that is not declared (tests/mailtexts/test_account_mails.py for a mail allauth sends),
so no mail ships without being editable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import formats, timezone
from django.utils.functional import Promise

from ikmo.subprojects import hooks


@dataclass(frozen=True)
class Placeholder:
    name: str  # what staff write between braces: {name}
    description: str | Promise
    value: Callable[[dict], object]  # render context -> the value (formatted by as_text)
    sample: str  # a clearly fictional value for previews without a real record
    required: bool = False  # must appear in every custom text (links, mostly)

    def text(self, context: dict) -> str:
        return as_text(self.value(context))


@dataclass(frozen=True)
class MailKind:
    template: str  # the code template name, as given to email_queue
    title: str | Promise
    description: str | Promise
    placeholders: tuple[Placeholder, ...]
    # The render context of the latest real record this mail is about (None if there is
    # none yet), for the staff preview. It never sends anything.
    example: Callable[[], dict | None] | None = None
    # Mails about the portal's own security and data protection: portal admins only.
    admins_only: bool = False
    # A clearly fictional render context for the code's own text (the first draft and the
    # reference on the staff page), for mails that must never show a real record (links
    # that are credentials). Its placeholder values are the samples.
    sample_context: Callable[[], dict] | None = None
    # The code's body template is ``<template><body_suffix>``: ``_body.txt`` for mails queued
    # with email_queue, ``_message.txt`` for allauth's (organisations.adapters.AccountAdapter).
    body_suffix: str = "_body.txt"
    subproject: str = field(default="", compare=False)  # set from the declaring app

    def placeholder(self, name: str) -> Placeholder | None:
        return next((p for p in self.placeholders if p.name == name), None)

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.placeholders]

    @property
    def required_names(self) -> list[str]:
        return [p.name for p in self.placeholders if p.required]

    def values(self, context: dict) -> dict[str, str]:
        return {p.name: p.text(context) for p in self.placeholders}

    def sample_values(self) -> dict[str, str]:
        return {p.name: p.sample for p in self.placeholders}

    @property
    def code_templates(self) -> tuple[str, str]:
        """The code's own (subject, body) template names."""
        return f"{self.template}_subject.txt", f"{self.template}{self.body_suffix}"


def as_text(value) -> str:
    """A plain string in the active language: dates and times in its format, None empty."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "DATE_FORMAT")
    return str(value)


def all_mails() -> list[MailKind]:
    """Every declared mail, in the apps' order."""
    found = []
    for config, mails in hooks("mails"):
        for kind in mails:
            found.append(_with_subproject(kind, config.subproject))
    return found


def mail_kind(template: str) -> MailKind | None:
    return next((k for k in all_mails() if k.template == template), None)


def _with_subproject(kind: MailKind, subproject: str) -> MailKind:
    from dataclasses import replace

    return replace(kind, subproject=subproject) if subproject else kind
