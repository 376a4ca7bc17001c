"""Celery tasks. Each takes ids, is idempotent, and calls a service.

Beat runs the deadline sweep every minute (CELERY_BEAT_SCHEDULE in settings); the notices' tasks
are in ``notifications.tasks``.
"""

from celery import shared_task


@shared_task
def sweep_deadlines() -> dict:
    """The supervision ladder's due rungs, then the feedback windows that have closed."""
    from cases.services.sweep import sweep_deadlines as sweep

    return sweep()
