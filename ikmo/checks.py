"""System checks over the registered Celery tasks.

A task that declares only `time_limit` gets the global soft limit
(CELERY_TASK_SOFT_TIME_LIMIT). When that is not below the task's hard limit, Celery refuses
to send the task ("soft_time_limit must be less than or equal to time_limit"): beat then
fails every few minutes and nobody notices. This check says so at `manage.py check`
(and so at every deploy, runserver and test run).
"""

from django.conf import settings
from django.core.checks import Error, Tags, register


def task_limit_errors(tasks) -> list[Error]:
    """An error for each task whose soft limit is not below its hard limit. A bound task's
    limits already hold the global ones where it declares none (Celery fills them in)."""
    errors = []
    for name, task in sorted(tasks.items()):
        hard = task.time_limit if task.time_limit is not None else settings.CELERY_TASK_TIME_LIMIT
        soft = (
            task.soft_time_limit
            if task.soft_time_limit is not None
            else settings.CELERY_TASK_SOFT_TIME_LIMIT
        )
        if hard is not None and soft is not None and soft >= hard:
            errors.append(
                Error(
                    f"Celery task {name}: soft time limit {soft}s is not below its time "
                    f"limit {hard}s, so Celery refuses to send it.",
                    hint="Declare soft_time_limit below time_limit on the task.",
                    obj=name,
                    id="ikmo.E101",
                )
            )
    return errors


def project_tasks() -> dict:
    """The tasks the project registers (Celery's own excluded), every app's tasks imported."""
    from django.utils.module_loading import autodiscover_modules

    from .celery import app

    # Not app.loader.import_default_modules(): Celery's Django fixup runs the system checks
    # from that very signal, which would call this again.
    autodiscover_modules("tasks")
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


@register(Tags.compatibility)
def check_task_time_limits(app_configs, **kwargs):
    return task_limit_errors(project_tasks())
