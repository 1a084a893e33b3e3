"""Reading message threads (ikmo/threads.py): which messages a person is shown, and what is new.

Every read goes through ``messages_visible_to``: the organisation's side never gets an
internal note, whichever page, download or e-mail asks. A page shows the newest
``PAGE_SIZE`` messages, oldest first, and links to the earlier ones: its queries do not grow
with the thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType

from .models import CheckIn, Thread, ThreadRead
from .threads import ThreadKind, kind_of

PAGE_SIZE = 50


def thread_for(record) -> Thread | None:
    """The thread of a record, or None before its first message."""
    return Thread.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=record.pk
    ).first()


def messages_visible_to(*, user, thread: Thread, kind: ThreadKind, record):
    """The messages of ``thread`` this person may read; internal notes for the centre only.
    The caller has looked the record up among those the person may see."""
    messages = thread.messages.select_related("author")
    if not kind.on_centre_side(user, record):
        messages = messages.filter(is_internal=False)
    return messages


@dataclass
class ThreadPage:
    """What ikmo/_thread.html renders: a page of messages and the reply form."""

    kind: ThreadKind
    record: object
    thread: Thread | None
    messages: list  # oldest first
    earlier_before: int | None  # the `before` value of the link to earlier messages
    last_read_id: int
    unread: int
    can_post: bool
    can_note: bool
    form: object = None

    @property
    def url(self) -> str:
        return self.kind.thread_url(self.record)

    @property
    def post_url(self) -> str:
        return self.kind.post_url(self.record)

    @property
    def newest_id(self) -> int:
        return max((m.pk for m in self.messages), default=0)


def _number(text) -> int | None:
    text = str(text or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        return None
    return int(text)


def thread_page(*, user, record, before=None, size: int = PAGE_SIZE) -> ThreadPage:
    """The newest ``size`` messages (or those before message id ``before``) the person may
    read, oldest first, with how many of them are new to the person."""
    kind = kind_of(record)
    can_note = kind.on_centre_side(user, record)
    thread = thread_for(record)
    messages, earlier, last_read, unread = [], None, 0, 0
    if thread is not None:
        visible = messages_visible_to(user=user, thread=thread, kind=kind, record=record)
        before = _number(before)
        shown = visible.filter(pk__lt=before) if before else visible
        newest_first = list(shown.order_by("-pk")[: size + 1])
        if len(newest_first) > size:
            newest_first = newest_first[:size]
            earlier = newest_first[-1].pk
        messages = newest_first[::-1]
        read = ThreadRead.objects.filter(thread=thread, user=user).first()
        last_read = read.last_read_message_id if read else 0
        unread = visible.filter(pk__gt=last_read).exclude(author=user).count()
    return ThreadPage(
        kind=kind,
        record=record,
        thread=thread,
        messages=messages,
        earlier_before=earlier,
        last_read_id=last_read,
        unread=unread,
        can_post=kind.may_post(user, record),
        can_note=can_note,
    )


def unread_threads_of(user, *, limit: int = 5) -> list[tuple[Thread, ThreadKind, int]]:
    """Threads with messages the person has not read yet, among the records they may see:
    ``(thread, kind, new messages)``, newest first. One query for every kind of thread
    (internal notes count for the kinds whose centre side the person is on)."""
    from django.db.models import Count, OuterRef, Q, Subquery
    from django.db.models.functions import Coalesce

    from .threads import thread_kinds

    if not user.is_authenticated:
        return []
    last_read = ThreadRead.objects.filter(thread=OuterRef("pk"), user=user).values(
        "last_read_message_id"
    )
    records, centre_side, kinds = Q(), [], {}
    for kind in thread_kinds().values():
        content_type = ContentType.objects.get_for_model(kind.model_class)
        kinds[content_type.pk] = kind
        visible = kind.visible(user).order_by().values("pk")
        records |= Q(content_type=content_type, object_id__in=visible)
        if kind.on_centre_side(user):
            centre_side.append(content_type.pk)
    if not kinds:
        return []
    new = Q(messages__pk__gt=Coalesce(Subquery(last_read), 0)) & ~Q(messages__author=user)
    new &= Q(messages__is_internal=False) | Q(content_type__in=centre_side)
    threads = (
        Thread.objects.filter(records)
        .select_related("organisation")
        .only("content_type", "object_id", "organisation__name")
        .annotate(new=Count("messages", filter=new))
        .filter(new__gt=0)
        .order_by("-pk")[:limit]
    )
    return [(thread, kinds[thread.content_type_id], thread.new) for thread in threads]


def checkins_of(*, kind_key: str, occasion_id: int) -> dict[int, CheckIn]:
    """The check-ins by code of one workshop or event, by registration id: one query for a
    whole attendance list."""
    rows = CheckIn.objects.filter(kind=kind_key, occasion_id=occasion_id)
    return {row.registration_id: row for row in rows}
