"""Background work of the reports app: building evidence packs, sending reminders."""

from django_tasks import task


@task()
def evidence_pack_task(pack_id: int) -> str:
    """Runs at most once per request: a duplicate finds the pack no longer queued."""
    from .evidence import evidence_pack_run

    return evidence_pack_run(pack_id)
