"""Work is never lost: worker heartbeats, queue depth, and the reconciliation that queues
again what a dead worker or a lost task left behind.

What the reconciliation looks for (each step is idempotent, so running it twice is harmless):

1. tasks marked running whose worker stopped beating (database backend: `DBTaskResult`;
   RQ: the queue's started-job registry) are put back in the queue;
2. evidence packs still "queued" or "running" past INTEGRITAS_STUCK_AFTER_MINUTES are put
   back to "queued" and their task is queued again (building claims the pack with one UPDATE);
3. completed enrollments without a current certificate, completed more than a few minutes
   ago, get their certificate task queued again (issuing is idempotent).

Roster imports are applied in one transaction inside the request (no running state), so
they cannot be left half-done.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass, field
from datetime import UTC, timedelta

from django.conf import settings
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

logger = logging.getLogger("integritas.operations")

CERTIFICATE_TASK = "certificates.tasks.certificate_issue_task"
EVIDENCE_TASK = "reports.tasks.evidence_pack_task"


def node_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def worker_id_default() -> str:
    return f"{socket.gethostname()[:40]}-{os.getpid()}"[:64]


# --- Heartbeats ------------------------------------------------------------------------


def heartbeat_beat(*, worker_id: str, backend: str, started_at=None) -> None:
    from .models import WorkerHeartbeat

    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"hostname": socket.gethostname()[:255], "pid": os.getpid(), "backend": backend, "last_seen": now},
        create_defaults={
            "hostname": socket.gethostname()[:255], "pid": os.getpid(), "backend": backend, "last_seen": now,
            "started_at": started_at or now,
        },
    )


def heartbeat_remove(worker_id: str) -> None:
    from .models import WorkerHeartbeat

    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def dead_after() -> timedelta:
    return timedelta(seconds=settings.WORKER_DEAD_SECONDS)


def live_worker_ids(now=None) -> set[str]:
    from .models import WorkerHeartbeat

    now = now or timezone.now()
    return set(WorkerHeartbeat.objects.filter(last_seen__gt=now - dead_after()).values_list("worker_id", flat=True))


def last_heartbeat_age(now=None) -> float | None:
    """Seconds since the freshest heartbeat of any worker; None when no worker ever beat."""
    from django.db.models import Max

    from .models import WorkerHeartbeat

    last = WorkerHeartbeat.objects.aggregate(last=Max("last_seen"))["last"]
    if last is None:
        return None
    return max(0.0, ((now or timezone.now()) - last).total_seconds())


# --- Queue ------------------------------------------------------------------------------------


def task_backend_path() -> str:
    from django_tasks import task_backends

    backend = task_backends["default"]
    return f"{type(backend).__module__}.{type(backend).__name__}"


def uses_database_backend() -> bool:
    return task_backend_path().startswith("django_tasks_db")


def uses_rq_backend() -> bool:
    return task_backend_path().startswith("django_tasks_rq")


def rq_queues():
    import django_rq

    return [django_rq.get_queue(name) for name in settings.RQ_QUEUES]


@dataclass
class QueueState:
    backend: str
    waiting: int = 0
    running: int = 0
    failed: int = 0
    detail: list = field(default_factory=list)


def queue_state() -> QueueState:
    """How much is waiting, running and failed in the task queue (cheap: counts only)."""
    if uses_database_backend():
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        counts = dict(
            DBTaskResult.objects.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING, TaskResultStatus.FAILED])
            .values_list("status")
            .annotate(n=Count("id"))
        )
        return QueueState(
            "database", counts.get(TaskResultStatus.READY, 0), counts.get(TaskResultStatus.RUNNING, 0), counts.get(TaskResultStatus.FAILED, 0)
        )
    if uses_rq_backend():
        state = QueueState("rq")
        for queue in rq_queues():
            state.waiting += queue.count
            state.running += queue.started_job_registry.count
            state.failed += queue.failed_job_registry.count
        return state
    return QueueState("immediate")


# --- Reconciliation -------------------------------------------------------------------------


@dataclass
class Reconciled:
    tasks: int = 0
    packs: int = 0
    certificates: int = 0
    imports: int = 0

    def __str__(self):
        return (
            f"{self.tasks} tugas, {self.packs} paket bukti, {self.imports} impor data pegawai, "
            f"{self.certificates} sertifikat diantrekan ulang"
        )

    def __bool__(self):
        return bool(self.tasks or self.packs or self.certificates or self.imports)


def tasks_orphaned(now=None):
    """Database backend: the running task results whose worker is not beating any more."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    live = live_worker_ids(now)
    orphans = []
    for result in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=now - dead_after()).only(
        "id", "worker_ids", "started_at"
    ):
        worker = result.worker_ids[-1] if result.worker_ids else None
        if worker not in live:
            orphans.append(result)
    return orphans


def requeue_orphaned_tasks(now=None) -> int:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    if uses_database_backend():
        count = 0
        for result in tasks_orphaned(now):
            # Only if still running: the UPDATE is the claim, a racing reconciler does nothing.
            count += DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.READY, started_at=None, run_after=timezone.now()
            )
        if count:
            logger.warning("reconcile: %s task(s) of dead workers queued again", count)
        return count
    if uses_rq_backend():
        return _requeue_rq_orphans(now)
    return 0


def _requeue_rq_orphans(now=None) -> int:
    from rq.job import Job, JobStatus

    now = now or timezone.now()
    live = live_worker_ids(now)
    count = 0
    for queue in rq_queues():
        registry = queue.started_job_registry
        for job_id in registry.get_job_ids(cleanup=False):
            job = Job.fetch(job_id, connection=queue.connection) if Job.exists(job_id, connection=queue.connection) else None
            if job is None or job.get_status() != JobStatus.STARTED:
                continue
            started = job.started_at
            if started is not None and timezone.is_naive(started):
                started = started.replace(tzinfo=UTC)
            if job.worker_name in live or (started and started > now - dead_after()):
                continue
            registry.remove_executions(job)  # the dead worker's entry in the started registry
            queue.enqueue_job(job)
            count += 1
    if count:
        logger.warning("reconcile: %s RQ job(s) of dead workers queued again", count)
    return count


def stuck_after() -> timedelta:
    return timedelta(minutes=settings.STUCK_AFTER_MINUTES)


def packs_stuck(now=None):
    from reports.models import EvidencePack, EvidencePackStatus

    now = now or timezone.now()
    return EvidencePack.objects.filter(
        status__in=[EvidencePackStatus.QUEUED, EvidencePackStatus.RUNNING], requested_at__lt=now - stuck_after()
    )


def requeue_stuck_packs(now=None) -> int:
    from reports.models import EvidencePack, EvidencePackStatus
    from reports.tasks import evidence_pack_task

    count = 0
    for pack in packs_stuck(now).only("pk", "status"):
        if EvidencePack.objects.filter(pk=pack.pk, status=pack.status).update(
            status=EvidencePackStatus.QUEUED, stage="", done=0, requested_at=timezone.now()
        ):
            evidence_pack_task.enqueue(pack.pk)
            count += 1
    return count


def roster_imports_stuck(now=None):
    """Large roster files still being read or applied past the timeout (their task was lost)."""
    from organizations.models import RosterImport, RosterImportStatus

    now = now or timezone.now()
    return RosterImport.objects.filter(
        status__in=[RosterImportStatus.READING, RosterImportStatus.APPLYING], queued_at__lt=now - stuck_after()
    )


def requeue_stuck_roster_imports(now=None) -> int:
    from organizations.models import RosterImport
    from organizations.tasks import roster_import_task

    count = 0
    for record in roster_imports_stuck(now).only("pk", "status", "queued_at"):
        if RosterImport.objects.filter(pk=record.pk, status=record.status, queued_at=record.queued_at).update(
            queued_at=timezone.now()
        ):
            roster_import_task.enqueue(record.pk)
            count += 1
    return count


def enrollments_without_certificate(now=None, grace: timedelta | None = None):
    """Completed enrollments with no current certificate, completed before `now - grace`."""
    from certificates.models import Certificate
    from courses.models import Enrollment, EnrollmentStatus

    now = now or timezone.now()
    grace = timedelta(minutes=settings.CERTIFICATE_GRACE_MINUTES) if grace is None else grace
    current = Certificate.objects.filter(enrollment=OuterRef("pk"), is_current=True)
    return (
        Enrollment.objects.filter(status=EnrollmentStatus.COMPLETED, completed_at__lte=now - grace)
        .exclude(Exists(current))
        .order_by("completed_at")
    )


def _pending_certificate_task_ids() -> set[int]:
    """Enrollments whose certificate task is waiting or running: no duplicate is queued."""
    if uses_rq_backend():
        return _pending_rq_certificate_ids()
    if not uses_database_backend():
        return set()
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    ids = set()
    for args_kwargs in DBTaskResult.objects.filter(
        task_path=CERTIFICATE_TASK, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    ).values_list("args_kwargs", flat=True):
        args = (args_kwargs or {}).get("args") or []
        if args:
            ids.add(args[0])
    return ids


def _pending_rq_certificate_ids(limit: int = 20_000) -> set[int]:
    from rq.job import Job

    ids = set()
    for queue in rq_queues():
        job_ids = queue.get_job_ids(0, limit - 1) + queue.started_job_registry.get_job_ids(cleanup=False)
        for job in Job.fetch_many(job_ids, connection=queue.connection):
            if job is not None and job.func_name == CERTIFICATE_TASK and job.args:
                ids.add(job.args[0])
    return ids


def requeue_missing_certificates(now=None, grace: timedelta | None = None, limit: int = 1000) -> int:
    from certificates.tasks import certificate_issue_task

    pending = _pending_certificate_task_ids()
    count = 0
    for enrollment_id in enrollments_without_certificate(now, grace).values_list("pk", flat=True)[:limit]:
        if enrollment_id in pending:
            continue
        certificate_issue_task.enqueue(enrollment_id)
        count += 1
    if count:
        logger.warning("reconcile: %s certificate task(s) queued again", count)
    return count


def reconcile(now=None, grace: timedelta | None = None) -> Reconciled:
    """One pass: tasks of dead workers first (they may already issue what step 3 would)."""
    result = Reconciled()
    result.tasks = requeue_orphaned_tasks(now)
    result.packs = requeue_stuck_packs(now)
    result.imports = requeue_stuck_roster_imports(now)
    result.certificates = requeue_missing_certificates(now, grace)
    return result
