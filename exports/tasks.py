from celery import shared_task


@shared_task
def build_export(export_id: int) -> None:
    """A large export, written by the worker (``exports.services.export_build``)."""
    from exports.services import export_build

    export_build(export_id=export_id)
