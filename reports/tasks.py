"""Background work of the reports app: building evidence packs, sending reminders."""

from django_tasks import task


@task()
def evidence_pack_task(pack_id: int) -> str:
    """Runs at most once per request: a duplicate finds the pack no longer queued."""
    from .evidence import evidence_pack_run

    return evidence_pack_run(pack_id)


@task()
def send_reminders_task() -> str:
    """The scheduled run of `send_reminders`: a missing or failing mail server is logged as
    an error and nothing is marked as sent; the next run tries again."""
    import logging

    from .models import ReminderKind
    from .reminders import ReminderMailError, reminders_send

    try:
        plan = reminders_send()
    except ReminderMailError as exc:
        logging.getLogger(__name__).error("send_reminders: %s", exc.message)
        return exc.message
    return f"{plan.count(ReminderKind.LEARNER)} learner reminders, {plan.count(ReminderKind.DIGEST)} digests"
