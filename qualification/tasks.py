"""Beat sweepers for reminders. Due dates live in the database; each message is claimed
through a sent-marker, so running a sweeper twice (or on two workers) sends nothing twice."""

from celery import shared_task

from . import services

SWEEP_LIMITS = {"time_limit": 300, "soft_time_limit": 270}


@shared_task(**SWEEP_LIMITS)
def send_workshop_reminders():
    return services.workshop_reminders_send_all()


@shared_task(**SWEEP_LIMITS)
def send_workshop_followups():
    return services.workshop_followups_send_all()


@shared_task(**SWEEP_LIMITS)
def send_coaching_follow_up_reminders():
    return services.coaching_follow_up_reminders_send_all()


@shared_task(**SWEEP_LIMITS)
def send_coaching_nudges():
    return services.coaching_nudges_send_all()
