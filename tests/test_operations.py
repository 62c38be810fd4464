"""Operations: readiness, metrics, request ids and JSON logs, reconciliation, the
'Pekerjaan tertunda' admin page, private files handed to nginx."""

import json
import logging
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from certificates.models import Certificate
from courses.models import Enrollment
from courses.services import lesson_complete
from operations import services
from operations.logs import JsonFormatter, request_id_var
from operations.models import WorkerHeartbeat

from .factories import EmployeeFactory

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def _completed_without_certificate(opd, make_course, count=2):
    course = make_course(lessons=1)
    with override_settings(TASKS=DUMMY_TASKS):
        for _ in range(count):
            lesson_complete(employee=EmployeeFactory(opd=opd), lesson=course.test_lessons[0])
    return list(Enrollment.objects.filter(course=course))


# --- readiness -------------------------------------------------------------------------------


def test_readiness_reports_database_cache_and_queue(client, db):
    body = client.get("/readyz").json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok" and body["cache"]["status"] == "ok"
    assert body["queue"]["backend"] == "immediate"


def test_readiness_fails_when_the_database_fails(client, db, monkeypatch):
    class Down:
        vendor = "down"

        def cursor(self):
            raise RuntimeError("down")

    monkeypatch.setattr("operations.views.connection", Down())
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["database"]["status"] == "error"


@override_settings(TASKS=DB_TASKS)
def test_readiness_fails_when_tasks_wait_and_no_worker_beats(client, opd_a, make_course):
    from certificates.tasks import certificate_issue_task

    enrollment = _completed_without_certificate(opd_a, make_course, count=1)[0]
    certificate_issue_task.enqueue(enrollment.pk)
    response = client.get("/readyz")
    assert response.status_code == 503
    queue = response.json()["queue"]
    assert queue["status"] == "error" and queue["backend"] == "database" and queue["waiting"] >= 1
    assert queue["worker_heartbeat_age_seconds"] is None
    services.heartbeat_beat(worker_id="node-1", backend="database")
    body = client.get("/readyz").json()
    assert body["status"] == "ok" and body["queue"]["worker_heartbeat_age_seconds"] < 5
    WorkerHeartbeat.objects.update(last_seen=timezone.now() - timedelta(minutes=5))
    assert client.get("/readyz").status_code == 503


# --- metrics ----------------------------------------------------------------------------------


def test_metrics_for_the_monitoring_network(client, db):
    client.get("/healthz")
    body = client.get("/metrics").content.decode()
    assert "integritas_http_requests_total" in body
    assert "integritas_http_request_duration_seconds_bucket" in body
    assert "integritas_certificates_issued 0.0" in body
    assert 'integritas_task_queue{backend="immediate",state="waiting"}' in body


@override_settings(METRICS_TOKEN="rahasia-pemantauan")
def test_metrics_from_elsewhere_need_the_token(client, db):
    outside = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get("/metrics", **outside).status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer salah", **outside).status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer rahasia-pemantauan", **outside).status_code == 200


@override_settings(METRICS_TOKEN="")
def test_metrics_without_a_token_are_only_for_the_networks(client, db):
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer ").status_code == 404


# --- request ids and JSON logs --------------------------------------------------------------------


def test_every_response_carries_a_request_id(client, db):
    fresh = client.get("/healthz")["X-Request-ID"]
    assert len(fresh) == 32
    assert client.get("/healthz", HTTP_X_REQUEST_ID="nginx-abc12345")["X-Request-ID"] == "nginx-abc12345"
    assert client.get("/healthz", HTTP_X_REQUEST_ID="bad id\n<script>")["X-Request-ID"] != "bad id\n<script>"


def test_log_lines_are_json_with_the_request_id():
    token = request_id_var.set("req-12345678")
    try:
        record = logging.LogRecord("integritas.x", logging.WARNING, __file__, 1, "Sertifikat %s gagal", ("A/1",), None)
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(token)
    assert line["request_id"] == "req-12345678" and line["message"] == "Sertifikat A/1 gagal" and line["level"] == "WARNING"


# --- reconciliation ------------------------------------------------------------------------------


def test_reconcile_issues_missing_certificates_after_the_grace_period(opd_a, make_course):
    enrollments = _completed_without_certificate(opd_a, make_course)
    assert services.reconcile().certificates == 0  # just completed: the normal task may still be on its way
    later = timezone.now() + timedelta(minutes=30)
    assert services.reconcile(now=later).certificates == 2  # immediate backend: issued now
    assert Certificate.objects.filter(enrollment__in=enrollments).count() == 2
    assert services.reconcile(now=later).certificates == 0


@override_settings(TASKS=DB_TASKS)
def test_reconcile_requeues_the_tasks_of_dead_workers_only(db):
    from django_tasks_db.models import DBTaskResult

    from certificates.tasks import certificate_issue_task

    old = timezone.now() - timedelta(minutes=5)
    dead_enrollment, alive_enrollment = 1, 2  # enrollment ids the two tasks carry
    dead = DBTaskResult.objects.get(pk=certificate_issue_task.enqueue(dead_enrollment).id)
    alive = DBTaskResult.objects.get(pk=certificate_issue_task.enqueue(alive_enrollment).id)
    DBTaskResult.objects.filter(pk=dead.pk).update(status="RUNNING", started_at=old, worker_ids=["node-dead"])
    DBTaskResult.objects.filter(pk=alive.pk).update(status="RUNNING", started_at=old, worker_ids=["node-alive"])
    services.heartbeat_beat(worker_id="node-alive", backend="database")
    assert services.requeue_orphaned_tasks() == 1
    assert DBTaskResult.objects.get(pk=dead.pk).status == "READY"
    assert DBTaskResult.objects.get(pk=alive.pk).status == "RUNNING"
    # its certificate task is waiting again: the certificate step does not queue a duplicate
    assert services._pending_certificate_task_ids() == {dead_enrollment, alive_enrollment}


def test_reconcile_requeues_a_stuck_evidence_pack(auditor):
    from reports.models import EvidencePack

    pack = EvidencePack.objects.create(requested_by=auditor, as_of=timezone.localdate(), status="running")
    EvidencePack.objects.filter(pk=pack.pk).update(requested_at=timezone.now() - timedelta(hours=3))
    fresh = EvidencePack.objects.create(requested_by=auditor, as_of=timezone.localdate(), status="running")
    assert services.reconcile().packs == 1
    pack.refresh_from_db()
    fresh.refresh_from_db()
    assert pack.status in ("done", "failed")  # built again by the (immediate) task
    assert fresh.status == "running"  # still within its time


# --- admin page and private files ---------------------------------------------------------------


def test_pending_page_shows_what_waits(client, hr, opd_a, make_course):
    enrollment = _completed_without_certificate(opd_a, make_course, count=1)[0]
    client.force_login(hr)
    body = client.get("/admin/operasional/tertunda/").content.decode()
    assert "Pekerjaan tertunda" in body and enrollment.employee.full_name in body
    assert "1 penyelesaian belum bersertifikat" in body


def test_private_files_are_handed_to_nginx_by_internal_redirect(client, learner, make_course):
    course = make_course(lessons=1)
    lesson_complete(employee=learner.employee, lesson=course.test_lessons[0])
    from certificates.services import certificate_issue

    certificate = certificate_issue(enrollment=Enrollment.objects.get(employee=learner.employee))
    client.force_login(learner)
    with override_settings(PRIVATE_ACCEL_PREFIX="/_private/"):
        response = client.get(f"/sertifikat/{certificate.pk}/unduh/")
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/_private/{certificate.pdf.name}"
    assert "attachment" in response["Content-Disposition"]
    plain = client.get(f"/sertifikat/{certificate.pk}/unduh/")
    assert "X-Accel-Redirect" not in plain and b"".join(plain.streaming_content).startswith(b"%PDF")


def test_a_full_disk_fails_the_issue_visibly_and_the_reconciliation_retries(opd_a, make_course, monkeypatch):
    import errno

    from django.core.files.storage import FileSystemStorage

    from certificates.services import certificate_issue

    enrollment = _completed_without_certificate(opd_a, make_course, count=1)[0]

    def full(self, name, content, max_length=None):
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(FileSystemStorage, "save", full)
        with pytest.raises(OSError):
            certificate_issue(enrollment=enrollment)
        assert not Certificate.objects.filter(enrollment=enrollment).exists()  # nothing recorded as issued
        assert services.reconcile(now=timezone.now() + timedelta(hours=1)).certificates == 1  # the retry fails too
    assert not Certificate.objects.filter(enrollment=enrollment).exists()
    assert services.reconcile(now=timezone.now() + timedelta(hours=1)).certificates == 1  # space again: issued
    assert Certificate.objects.filter(enrollment=enrollment).count() == 1


def test_django_request_log_lines_carry_the_request_id(client, db):
    """Django logs a 404 after the middleware chain has returned: the id must still be there."""
    from operations.logs import RequestIdFilter

    seen = []

    class Keep(logging.Handler):
        def emit(self, record):
            seen.append(json.loads(JsonFormatter().format(record)))

    handler = Keep()
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_X_REQUEST_ID="nginx-req-4242")
    finally:
        logger.removeHandler(handler)
    assert seen and seen[0]["request_id"] == "nginx-req-4242" and "Not Found" in seen[0]["message"]
    assert request_id_var.get() == ""  # cleared when the request finished
