"""Message threads: one conversation per record between an organisation and the centre.

A portal app offers threads on its records by naming ``threads = "threads.KINDS"`` in its
app config (the portal contract, ikmo/subprojects.py): a list of ``ThreadKind``. A kind says,
with the app's own selectors and permission predicates, who may see the record (exactly
they may read its thread), who writes for the organisation and who for the centre (only the
centre side reads and writes internal notes), and whom to tell about a new message. The
core keeps the rest once: the models (ikmo.models.Thread, Message, ThreadRead), posting and
notifying (ikmo/services.py), reading (ikmo/selectors.py), the views (ikmo/thread_views.py,
mounted by each app under its own URL names) and the template include
(ikmo/templates/ikmo/_thread.html).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.urls import reverse

from . import uploads
from .subprojects import hooks

# As for the action fund's attachments: what an organisation sends the centre anyway.
DEFAULT_ALLOWED = (uploads.PDF, uploads.PNG, uploads.JPEG, uploads.DOCX, uploads.XLSX)
DEFAULT_MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class ThreadKind:
    model: str  # "app_label.ModelName" of the record the thread hangs on
    route: str  # URL name of the record's messages page; takes the record's pk as `pk`
    post_route: str  # URL name the reply form posts to; `pk`
    download_route: str  # URL name of a message's attachment; `pk` and `message_pk`
    # (user) -> queryset of the records this person may see: the app's selector.
    visible: Callable
    # (user) -> bool: staff of the sub-project, who write for the centre and alone read and
    # write internal notes.
    is_centre_staff: Callable
    # (user, record) -> bool: writes for the organisation.
    on_organisation_side: Callable
    # (record) -> the organisation the conversation is with.
    organisation_of: Callable
    # (record) -> [(address, language)]: told of a message from the organisation.
    centre_recipients: Callable
    # (record) -> [(address, language)]: told of a (public) message from the centre.
    organisation_recipients: Callable
    # (record) -> str: how the record is named in headings and e-mails.
    title_of: Callable = str
    # (user, record) -> the record's own page for this person, or "" if they have none.
    record_url: Callable = lambda user, record: record.get_absolute_url()
    allowed: tuple = DEFAULT_ALLOWED
    max_bytes: int = DEFAULT_MAX_BYTES

    @property
    def key(self) -> str:
        return self.model.lower()

    @property
    def model_class(self):
        return apps.get_model(self.model)

    @property
    def allowed_label(self) -> str:
        return uploads.allowed_label(self.allowed)

    def on_centre_side(self, user, record=None) -> bool:
        return bool(user.is_authenticated and self.is_centre_staff(user))

    def may_post(self, user, record) -> bool:
        return self.on_centre_side(user) or self.on_organisation_side(user, record)

    def thread_url(self, record) -> str:
        return reverse(self.route, kwargs={"pk": record.pk})

    def post_url(self, record) -> str:
        return reverse(self.post_route, kwargs={"pk": record.pk})

    def download_url(self, record, message) -> str:
        return reverse(self.download_route, kwargs={"pk": record.pk, "message_pk": message.pk})


def thread_kinds() -> dict[str, ThreadKind]:
    """Every kind the installed portal apps offer, by key ("actionfund.application")."""
    return {kind.key: kind for _app, kinds in hooks("threads") for kind in kinds}


def kind_of(record) -> ThreadKind:
    return thread_kinds()[record._meta.label_lower]
