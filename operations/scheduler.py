"""Periodic jobs, run exactly once per period however many nodes run the scheduler.

Each job has a period (a minute, ten minutes, a day from the reminder hour...). Before
running a job, a scheduler inserts a `ScheduledRun(job, period)` row; the unique constraint
lets exactly one INSERT succeed, on PostgreSQL and on SQLite alike, so the other schedulers
skip that period. A job that raises gives its claim back (the row is deleted) so that the
next tick, on any node, tries again. Every job is idempotent besides.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .services import node_name

logger = logging.getLogger("integritas.operations")


@dataclass(frozen=True)
class Job:
    name: str
    period: Callable[[datetime], str | None]  # None: not due in this moment (e.g. before the reminder hour)
    run: Callable[[], object]


def every(seconds: int) -> Callable[[datetime], str]:
    def period(now: datetime) -> str:
        return f"{seconds}s:{int(now.timestamp()) // seconds}"

    return period


def daily_from_reminder_hour(now: datetime) -> str | None:
    local = timezone.localtime(now)
    if local.hour < settings.REMINDER_HOUR:
        return None
    return f"day:{local.date().isoformat()}"


def _close_expired_attempts():
    from quizzes.services import attempts_close_expired

    return attempts_close_expired()


def _expire_packs():
    from reports.evidence import evidence_packs_expire

    return evidence_packs_expire()


def _queue_reminders():
    from reports.tasks import send_reminders_task

    return send_reminders_task.enqueue().id


def _expire_role_requests():
    from organizations.services import role_requests_expire

    return role_requests_expire()


def _reconcile():
    from .services import reconcile

    result = reconcile()
    return str(result) if result else ""


def _prune_runs():
    """Old claims, and the heartbeats of workers gone for a day (their tasks were requeued long ago)."""
    from .models import ScheduledRun, WorkerHeartbeat

    now = timezone.now()
    runs = ScheduledRun.objects.filter(started_at__lt=now - timedelta(days=settings.SCHEDULE_KEEP_DAYS)).delete()[0]
    WorkerHeartbeat.objects.filter(last_seen__lt=now - timedelta(days=1)).delete()
    return runs


def jobs() -> list[Job]:
    return [
        Job("close_expired_attempts", every(60), _close_expired_attempts),
        Job("evidence_packs_expire", every(600), _expire_packs),
        Job("role_requests_expire", every(600), _expire_role_requests),
        Job("reconcile", every(settings.RECONCILE_SECONDS), _reconcile),
        Job("send_reminders", daily_from_reminder_hour, _queue_reminders),
        Job("prune_schedule_runs", every(86400), _prune_runs),
    ]


def claim(job: str, period: str, node: str | None = None):
    """The claim row, or None when another scheduler already has this period."""
    from .models import ScheduledRun

    try:
        with transaction.atomic():
            return ScheduledRun.objects.create(job=job, period=period, node=(node or node_name())[:120])
    except IntegrityError:
        return None


def tick(now: datetime | None = None, *, node: str | None = None) -> list[tuple[str, object]]:
    """Run every job that is due and not yet claimed for its period; returns what ran."""
    from .models import ScheduledRun

    now = now or timezone.now()
    ran = []
    for job in jobs():
        period = job.period(now)
        if period is None:
            continue
        run = claim(job.name, period, node)
        if run is None:
            continue
        try:
            result = job.run()
        except Exception:  # one failing job must not stop the others; give the period back
            logger.exception("scheduler: %s failed", job.name)
            ScheduledRun.objects.filter(pk=run.pk).delete()
            continue
        ScheduledRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), result=str(result or "")[:2000])
        ran.append((job.name, result))
    return ran
