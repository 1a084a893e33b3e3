"""Generated PDFs: a registry of document kinds, and the services that request and render them.

An app declares its kinds once, as the ``documents`` hook of the portal contract
(ikmo/subprojects.py), each with the template, how to build the context, and who may see
the result. Requesting creates the row and enqueues the
rendering after commit; the worker renders, stores the file under a random name, and
marks the row done. Downloads go through `get_document_for_user`.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import translation

from .audit import audit_log
from .models import GeneratedDocument
from .pdf import render_pdf
from .queue import enqueue_on_commit


@dataclass(frozen=True)
class DocumentKind:
    key: str
    template: str
    build_context: Callable[[object, GeneratedDocument], dict]  # (target, document)
    can_view: Callable[[object, object], bool]  # (user, target) -> bool
    title: Callable[[object], str]
    # The content depends on who asked (e.g. the profile sheet's timeline is filtered to the
    # requester's view): then only the requester, and portal admins who see everything, may
    # open it; anyone else asks for their own copy.
    for_requester: bool = False


def document_kinds() -> dict[str, DocumentKind]:
    """Every installed app's kinds, by key."""
    from .subprojects import hooks

    return {kind.key: kind for _app, kinds in hooks("documents") for kind in kinds}


def document_kind(key: str) -> DocumentKind:
    return document_kinds()[key]


def document_request(*, kind: str, target, organisation=None, by) -> GeneratedDocument:
    from .tasks import render_document

    spec = document_kind(kind)
    with transaction.atomic():
        document = GeneratedDocument.objects.create(
            kind=kind,
            content_type=ContentType.objects.get_for_model(target),
            object_id=str(target.pk),
            organisation=organisation,
            title=str(spec.title(target))[:200],
            language=(translation.get_language() or settings.LANGUAGE_CODE)[:10],
            requested_by=by,
        )
        audit_log(
            actor=by, action="ikmo.document.requested", target=document, organisation=organisation
        )
        enqueue_on_commit(render_document, document.pk, model=GeneratedDocument)
    return document


def document_render(*, document_id: int) -> GeneratedDocument | None:
    """Render one document. Safe to run twice: a finished document is left as it is."""
    if not GeneratedDocument.mark_running(document_id, progress=10):
        return None
    document = GeneratedDocument.objects.select_related("content_type").get(pk=document_id)
    spec = document_kind(document.kind)
    target = document.content_type.get_object_for_this_type(pk=document.object_id)
    # The worker renders in the language the person asked in, not the worker's default.
    with translation.override(document.language):
        context = spec.build_context(target, document)
        GeneratedDocument.mark_progress(document_id, 40)
        pdf = render_pdf(spec.template, {**context, "LANGUAGE_CODE": document.language})
    GeneratedDocument.mark_progress(document_id, 90)
    return GeneratedDocument.mark_done(document_id, pdf)


def document_record_failure(*, document_id: int, error: str, final: bool) -> None:
    GeneratedDocument.mark_failed(document_id, error=error, final=final)


def can_view_document(user, document: GeneratedDocument) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    spec = document_kinds().get(document.kind)
    if spec is None:
        return False
    if spec.for_requester and document.requested_by_id != user.pk and not user.is_portal_admin:
        return False
    target = document.target
    return target is not None and spec.can_view(user, target)


def documents_for_user(user, documents=None) -> list[GeneratedDocument]:
    """The documents (of ``documents``, or all the person may have a stake in) the person may
    open: lists show only these, and an organisation's export contains only these."""
    if not user.is_authenticated:
        return []
    if documents is None:
        if user.is_portal_admin:
            documents = GeneratedDocument.objects.all()
        else:
            documents = GeneratedDocument.objects.filter(
                Q(requested_by=user)
                | Q(
                    organisation__memberships__user=user,
                    organisation__memberships__status="active",
                )
            ).distinct()
    if not documents.query.is_sliced:
        documents = documents.select_related("content_type")
    # The targets the predicate checks: one query per kind of target, not one per document.
    return [d for d in documents.prefetch_related("target") if can_view_document(user, d)]


def get_document_for_user(user, pk) -> GeneratedDocument:
    """The one lookup for status pages and downloads; 404 for anyone not allowed."""
    document = get_object_or_404(GeneratedDocument.objects.select_related("content_type"), pk=pk)
    if not can_view_document(user, document):
        raise Http404
    return document
