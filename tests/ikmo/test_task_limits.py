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
        "ikmo.tasks.run_list_export",
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


# The system check (ikmo/checks.py) says the same at `manage.py check`, so a bad task is
# caught at deploy and by every test run, not by beat in production.


@pytest.fixture
def extra_task():
    """Register a task on the project's Celery app for one test, then remove it."""
    names = []

    def register(**limits):
        name = f"tests.ikmo.limits_{len(names)}"

        def work():
            pass

        app.task(name=name, **limits)(work)
        names.append(name)
        return name

    yield register
    for name in names:
        app.tasks.pop(name, None)


def test_the_system_check_finds_nothing_wrong_with_the_project_tasks():
    from ikmo.checks import check_task_time_limits

    assert check_task_time_limits(None) == []


@pytest.mark.parametrize(
    ("limits", "error_id"),
    [
        ({"time_limit": 60}, "ikmo.E101"),  # the global soft limit (240 s) is above it
        ({"time_limit": 50, "soft_time_limit": 100}, "ikmo.E101"),
        ({"time_limit": 60, "soft_time_limit": 60}, "ikmo.E101"),
    ],
)
def test_the_system_check_fires_for_a_task_with_bad_limits(extra_task, limits, error_id):
    from django.core.checks import run_checks
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    name = extra_task(**limits)
    errors = [e for e in run_checks() if e.obj == name]
    assert [e.id for e in errors] == [error_id]
    with pytest.raises(SystemCheckError, match=error_id):
        call_command("check")


def test_a_task_with_both_limits_in_order_passes_the_check(extra_task):
    from django.core.checks import run_checks

    ordered = extra_task(time_limit=60, soft_time_limit=50)
    only_hard_above_global = extra_task(time_limit=900)
    assert [e for e in run_checks() if e.obj in (ordered, only_hard_above_global)] == []
