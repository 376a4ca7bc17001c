"""The dashboard's periodic work: folding the rollup's appended rows (CELERY_BEAT_SCHEDULE)."""

from celery import shared_task


@shared_task
def compact_rollup() -> dict:
    """Fold the rows the triggers appended into one per key (nightly). Idempotent; the counts
    read the same before and after."""
    from dashboard import rollup

    before, after = rollup.compact()
    return {"before": before, "after": after}
