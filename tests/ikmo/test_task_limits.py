"""Every Celery task's time limits are consistent with the global ones.

A task that declares only `time_limit` inherits CELERY_TASK_SOFT_TIME_LIMIT. When that is
larger, Celery refuses to send the task ("soft_time_limit must be less than or equal to
time_limit"), or a long job is cut short by the global cap: beat then fails every few
minutes and nobody notices.
"""

import pytest
from django.conf import settings

from ikmo.celery import app


def _project_tasks():
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


def _effective(task):
    hard = task.time_limit if task.time_limit is not None else settings.CELERY_TASK_TIME_LIMIT
    soft = (
        task.soft_time_limit
        if task.soft_time_limit is not None
        else settings.CELERY_TASK_SOFT_TIME_LIMIT
    )
    return hard, soft


def test_the_project_registers_its_tasks():
    names = set(_project_tasks())
    assert {
        "ikmo.tasks.render_document",
        "ikmo.tasks.send_email",
        "ikmo.tasks.sweep_background_work",
        "privacy.tasks.build_export",
        "actionfund.tasks.run_export",
        "privacy.tasks.apply_retention",
        "volunteering.tasks.erase_expired_volunteer_data",
    } <= names


@pytest.mark.parametrize("name", sorted(_project_tasks()))
def test_each_task_soft_limit_is_below_its_hard_limit(name):
    task = _project_tasks()[name]
    hard, soft = _effective(task)
    assert soft < hard, (
        f"{name}: soft limit {soft}s (declared {task.soft_time_limit}, global "
        f"{settings.CELERY_TASK_SOFT_TIME_LIMIT}) is not below its time limit {hard}s; "
        "declare soft_time_limit on the task"
    )


@pytest.mark.parametrize("name", sorted(_project_tasks()))
def test_a_declared_time_limit_comes_with_its_own_soft_limit(name):
    """A declared `time_limit` with the global soft limit either breaks sending (below it) or
    silently shortens the task (far above it): declare both."""
    task = _project_tasks()[name]
    declared = task.__class__.__dict__.get("time_limit")
    if declared is not None:
        assert task.__class__.__dict__.get("soft_time_limit") is not None, name


def test_every_beat_entry_can_be_sent(monkeypatch):
    """What beat does every few minutes: apply_async each scheduled task (to a stand-in
    broker). Celery checks the limits there and raises if the soft one is larger."""
    tasks = _project_tasks()
    sent = []
    monkeypatch.setattr(app, "send_task", lambda name, *a, **kw: sent.append(name))
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        for entry in settings.CELERY_BEAT_SCHEDULE.values():
            tasks[entry["task"]].apply_async()
    finally:
        app.conf.task_always_eager = eager
    assert sorted(sent) == sorted(e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values())
