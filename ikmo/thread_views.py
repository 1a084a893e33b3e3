"""The views of message threads, mounted by each app under its own URL names::

    path("applications/<int:pk>/messages/", thread_views.thread,
         {"kind": "actionfund.application"}, name="application_messages"),
    path("applications/<int:pk>/messages/new/", thread_views.message_post,
         {"kind": "actionfund.application"}, name="application_message_post"),
    path("applications/<int:pk>/messages/<int:message_pk>/file/",
         thread_views.attachment_download, {"kind": "actionfund.application"},
         name="application_message_file"),

The record is looked up among those the person may see (the kind's selector: a 404
otherwise); posting needs a side (a 403 otherwise). A record's own page shows its thread
with ``thread_context`` and ``{% include "ikmo/_thread.html" with thread=thread %}``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services, uploads
from .audit import audit_log
from .forms import MessageForm
from .threads import thread_kinds
from .viewtools import form_errors, get_visible_or_404, require


def _kind_and_record(request, kind, pk):
    try:
        kind = thread_kinds()[kind]
    except KeyError:
        raise Http404 from None
    return kind, get_visible_or_404(kind.visible(request.user), pk=pk)


def thread_context(request, record, *, form=None) -> selectors.ThreadPage:
    """The thread of ``record`` for its page (newest messages, the reply form), and the
    person's read marker moved to what they are shown."""
    page = selectors.thread_page(user=request.user, record=record, before=request.GET.get("before"))
    if page.can_post:
        page.form = form or MessageForm(kind=page.kind, can_note=page.can_note)
    if page.thread is not None and page.newest_id > page.last_read_id:
        services.thread_mark_read(thread=page.thread, user=request.user, message_id=page.newest_id)
    return page


@login_required
@require_GET
def thread(request, pk, kind):
    """A record's messages on a page of their own, earlier messages page by page."""
    kind, record = _kind_and_record(request, kind, pk)
    return _thread_page(request, kind, record)


@login_required
@require_POST
def message_post(request, pk, kind):
    """The reply form's address: a refused message comes back with what was typed."""
    kind, record = _kind_and_record(request, kind, pk)
    require(kind.may_post(request.user, record))
    form = MessageForm(
        request.POST, request.FILES, kind=kind, can_note=kind.on_centre_side(request.user)
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            message = services.message_post(
                record=record,
                author=request.user,
                body=data["body"],
                internal=data.get("internal", False),
                upload=data["attachment"],
                form_token=data["token"],
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request,
                _("Your internal note was saved.")
                if message.is_internal
                else _("Your message was sent."),
            )
            return redirect(_back_to(request, data.get("next"), kind.thread_url(record)))
    return _thread_page(request, kind, record, form=form)


def _thread_page(request, kind, record, *, form=None):
    page = thread_context(request, record, form=form)
    return render(
        request,
        "ikmo/thread_page.html",
        {
            "thread": page,
            "record": record,
            "title": kind.title_of(record),
            "back_url": kind.record_url(request.user, record),
            # After a refused post from the record's page, a corrected one returns there.
            "next_url": form.data.get("next", "") if form is not None else "",
        },
    )


def _back_to(request, target, default) -> str:
    """The page the form was on (a record's page), if it is one of ours."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target.split("#", 1)[0] + "#messages"
    return default + "#messages"


@login_required
def attachment_download(request, pk, message_pk, kind):
    """A message's file, for those who may read the message (never an internal note's
    file to the organisation), as an attachment under a name we make."""
    kind, record = _kind_and_record(request, kind, pk)
    thread = selectors.thread_for(record)
    if thread is None:
        raise Http404
    message = get_object_or_404(
        selectors.messages_visible_to(
            user=request.user, thread=thread, kind=kind, record=record
        ).exclude(attachment=""),
        pk=message_pk,
    )
    audit_log(
        actor=request.user,
        action="ikmo.message_file.downloaded",
        target=record,
        organisation=thread.organisation,
        changes={"message": message.pk, "file": message.attachment_name},
    )
    return uploads.file_response(
        message.attachment, prefix="message", pk=message.pk, content_type=message.attachment_type
    )
