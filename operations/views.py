import hmac
import ipaddress
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from organizations.permissions import sees_all_opds

from . import services


def _check(name, probe, checks):
    try:
        checks[name] = probe()
        return True
    except Exception as exc:  # a monitor wants the reason, not a 500 page
        checks[name] = {"status": "error", "detail": exc.__class__.__name__}
        return False


@never_cache
@require_safe
def readyz(request):
    """Readiness: database, cache, task queue depth, age of the workers' last heartbeat.
    503 when the database or cache fails, or when tasks wait and no worker beat recently."""
    checks = {}

    def database():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return {"status": "ok", "vendor": connection.vendor}

    def cache():
        from django.core.cache import cache as default_cache

        default_cache.set("integritas:readyz", "1", 10)
        if default_cache.get("integritas:readyz") != "1":
            raise RuntimeError("cache did not keep a value")
        return {"status": "ok"}

    ok = _check("database", database, checks) & _check("cache", cache, checks)

    def queue():
        state = services.queue_state()
        age = services.last_heartbeat_age(timezone.now()) if state.backend != "immediate" else None
        stale = state.backend != "immediate" and state.waiting > 0 and (age is None or age > settings.WORKER_DEAD_SECONDS)
        return {
            "status": "error" if stale else "ok", "backend": state.backend, "waiting": state.waiting,
            "running": state.running, "failed": state.failed,
            "worker_heartbeat_age_seconds": None if age is None else round(age, 1),
        }

    if _check("queue", queue, checks):
        ok = ok and checks["queue"]["status"] == "ok"
    else:
        ok = False
    return JsonResponse({"status": "ok" if ok else "error", **checks}, status=200 if ok else 503)


def _metrics_allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].encode(), token.encode()):
        return True
    # REMOTE_ADDR is nginx's own address behind the proxy; nginx passes the client's real
    # address in X-Real-IP and refuses /metrics from outside itself (deploy/nginx).
    address = request.META.get("REMOTE_ADDR", "")
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(network, strict=False) for network in settings.METRICS_NETWORKS)


@never_cache
@require_safe
def metrics(request):
    """Prometheus metrics: only for a bearer token or the monitoring networks; 404 otherwise."""
    from .metrics import render

    if not _metrics_allowed(request):
        raise Http404
    return HttpResponse(render(), content_type="text/plain; version=0.0.4; charset=utf-8")


@require_safe
def pending_view(request):
    """'Pekerjaan tertunda': what waits for a worker and what the reconciliation would queue again."""
    from django_tasks.base import TaskResultStatus

    from organizations.models import RosterImport, RosterImportStatus
    from reports.models import EvidencePack, EvidencePackStatus

    from .models import ScheduledRun, WorkerHeartbeat

    if not sees_all_opds(request.user):
        raise PermissionDenied
    now = timezone.now()
    state_error = None
    try:
        state = services.queue_state()
    except Exception as exc:
        state, state_error = None, exc.__class__.__name__
    tasks = []
    if services.uses_database_backend():
        from django_tasks_db.models import DBTaskResult

        tasks = list(
            DBTaskResult.objects.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING, TaskResultStatus.FAILED])
            .order_by("-enqueued_at")
            .only("task_path", "status", "enqueued_at", "started_at", "worker_ids", "exception_class_path")[:50]
        )
    missing = services.enrollments_without_certificate(now, grace=timedelta(0)).select_related("employee", "course")
    context = {
        "state": state, "state_error": state_error, "tasks": tasks,
        "orphans": len(services.tasks_orphaned(now)) if services.uses_database_backend() else None,
        "missing_count": missing.count(), "missing": list(missing[:50]),
        "packs": list(EvidencePack.objects.filter(status__in=[EvidencePackStatus.QUEUED, EvidencePackStatus.RUNNING]).select_related("requested_by")[:50]),
        "stuck_after": services.stuck_after(),
        "stuck_packs": services.packs_stuck(now).count(),
        "imports": list(RosterImport.objects.filter(status__in=[RosterImportStatus.READING, RosterImportStatus.APPLYING]).only("filename", "queued_at", "status")[:50]),
        "stuck_imports": services.roster_imports_stuck(now).count(),
        "workers": list(WorkerHeartbeat.objects.all()[:50]), "dead_after": settings.WORKER_DEAD_SECONDS, "now": now,
        "runs": list(ScheduledRun.objects.all()[:30]),
    }
    return TemplateResponse(request, "operations/pending.html", context)
