"""Background jobs: work that is a database row first and a Celery task second.

`BackgroundJob` is the abstract row under every job (`ikmo.GeneratedDocument`,
`ikmo.ListExport`, `privacy.DataExport`): one status vocabulary, progress, attempts,
the error, the private file, who asked, and when it was asked, handed over, started,
finished and when its file expires. A concrete job names its task (`task_name`), how its
file is named and typed, its audit action for downloads, and who may download it
(`can_download`). The one sweeper (`ikmo.tasks.sweep_jobs`) and the one download view
(`ikmo.views.job_download`) work over every concrete subclass (`job_models()`).
"""

from __future__ import annotations

from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Being generated")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Deleted after the retention period")


def job_file_path(instance, filename):
    # Each job names its own (random) path: a stored file's path never reveals whose it is.
    return instance.upload_path()


class BackgroundJob(models.Model):
    Status = JobStatus

    # Set by each concrete job.
    task_name: str = ""  # dotted path of the Celery task that does the work, given the id
    produces_file: bool = True  # False: the work itself is the result (a bulk message)
    download_action: str = ""  # audit action written on every download (of a file)
    file_type: str = "application/octet-stream"  # the file's MIME type
    download_reauth: bool = False  # ask for the password again before the download

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=JobStatus.choices,
        default=JobStatus.PENDING,
        db_index=True,
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("error"), max_length=500, blank=True)
    file = models.FileField(_("file"), upload_to=job_file_path, blank=True, max_length=200)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    enqueued_at = models.DateTimeField(_("enqueued at"), null=True, blank=True)
    # When a worker last took it up: a run older than the task's time limit lost its worker.
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # After this the sweeper deletes the file (status "expired"); empty: kept.
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    # --- what each job says about itself --------------------------------------------------

    def upload_path(self) -> str:
        raise NotImplementedError

    @property
    def download_name(self) -> str:
        raise NotImplementedError

    def can_download(self, user) -> bool:
        """Whether `user` may see this job and fetch its file. Deny unless a job says so."""
        return False

    def file_lifetime(self) -> timedelta | None:
        """How long a finished file is kept; None keeps it."""
        return None

    @property
    def audit_organisation(self):
        return getattr(self, "organisation", None)

    @classmethod
    def job_task(cls):
        return import_string(cls.task_name)

    # --- state ---------------------------------------------------------------------------

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED, JobStatus.EXPIRED)

    @property
    def progress_step(self) -> int:
        """Progress rounded down to Bootstrap's width classes (w-0/25/50/75/100): no inline styles."""
        return (self.progress // 25) * 25

    def is_expired(self, now=None) -> bool:
        if self.status == JobStatus.EXPIRED:
            return True
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    @property
    def is_downloadable(self) -> bool:
        return self.status == JobStatus.DONE and bool(self.file) and not self.is_expired()

    def is_stale(self, now=None) -> bool:
        """Whether no worker is doing this job's work (the sweeper's rule, for one row)."""
        return type(self).stale(now).filter(pk=self.pk).exists()

    @classmethod
    def stale(cls, now=None):
        """Jobs whose work no worker is doing: never handed to a broker, handed over long
        ago and not started (a lost message), or started by a worker that died."""
        from django.db.models import Q

        now = now or timezone.now()
        # An on-commit send may still be in flight.
        fresh = now - timedelta(seconds=settings.IKMO_ENQUEUE_GRACE_SECONDS)
        lost = now - timedelta(seconds=settings.IKMO_DOCUMENT_REQUEUE_AFTER_SECONDS)
        # A live worker would have finished or been stopped by the time limit by then.
        dead = now - timedelta(
            seconds=cls.job_task().time_limit + settings.IKMO_TASK_STALE_GRACE_SECONDS
        )
        pending = Q(status=JobStatus.PENDING) & (
            Q(enqueued_at__isnull=True, created_at__lt=fresh) | Q(enqueued_at__lt=lost)
        )
        running = Q(status=JobStatus.RUNNING) & (
            Q(started_at__lt=dead) | Q(started_at__isnull=True, enqueued_at__lt=lost)
        )
        return cls.objects.filter(pending | running)

    # --- transitions (by id, as tasks hold only the id) ----------------------------------

    @classmethod
    def mark_running(cls, pk, *, progress: int = 5) -> bool:
        """Claim the job for this worker. False if it is finished (nothing to do)."""
        return bool(
            cls.objects.filter(pk=pk, status__in=[JobStatus.PENDING, JobStatus.RUNNING]).update(
                status=JobStatus.RUNNING, progress=progress, started_at=timezone.now()
            )
        )

    @classmethod
    def mark_progress(cls, pk, value: int) -> None:
        cls.objects.filter(pk=pk).update(progress=value)

    @classmethod
    def mark_done(cls, pk, content: bytes | File, *, then=None, **fields):
        """Store the file and finish the job, once: a job a concurrent run finished first
        keeps its file. `content` is the bytes, or a `File` (streamed to storage in chunks,
        for large files). `fields` are set too; `then(job)` runs in the same transaction
        (e.g. the audit entry). Returns the job."""
        with transaction.atomic():
            job = cls.objects.select_for_update().get(pk=pk)
            if job.status == JobStatus.DONE:
                return job
            if not isinstance(content, File):
                content = ContentFile(content)
            job.file.save(job.download_name, content, save=False)
            now = timezone.now()
            lifetime = job.file_lifetime()
            job.status = JobStatus.DONE
            job.progress = 100
            job.error = ""
            job.finished_at = now
            job.expires_at = now + lifetime if lifetime is not None else None
            job.attempts += 1
            for name, value in fields.items():
                setattr(job, name, value)
            job.save()
            if then is not None:
                then(job)
        return job

    @classmethod
    def mark_failed(cls, pk, *, error: str, final: bool) -> None:
        """A failed attempt waits for its retry; the last one gives up. A finished job stays."""
        status = JobStatus.FAILED if final else JobStatus.PENDING
        cls.objects.filter(pk=pk).exclude(status__in=[JobStatus.DONE, JobStatus.EXPIRED]).update(
            status=status, error=error[:500]
        )

    def expire(self) -> bool:
        """Delete the file; the row stays as a record that it existed. False if done before."""
        model = type(self)
        with transaction.atomic():
            job = model.objects.select_for_update().get(pk=self.pk)
            if job.status == JobStatus.EXPIRED:
                return False
            name = job.file.name
            job.file = ""
            job.status = JobStatus.EXPIRED
            job.save(update_fields=["file", "status"])
            if name:
                storage = model._meta.get_field("file").storage
                transaction.on_commit(lambda: storage.delete(name))
        self.file, self.status = job.file, job.status
        return True

    def record_download(self, user) -> None:
        from .audit import audit_log

        audit_log(
            actor=user,
            action=self.download_action,
            target=self,
            organisation=self.audit_organisation,
        )


def job_models() -> list[type[BackgroundJob]]:
    """Every concrete background job of the installed apps: nothing to list by hand."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, BackgroundJob) and not model._meta.abstract
    ]
