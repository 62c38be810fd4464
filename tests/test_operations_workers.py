"""Work is never lost: a task worker killed with SIGKILL in the middle of issuing a
certificate, on the database backend and on RQ, as real processes on PostgreSQL. After the
reconciliation and a new worker, every completed enrollment has exactly one certificate.

The kill lands mid-task for sure: the test holds a row lock on one enrollment, so the worker
blocks inside `certificate_issue` (SELECT ... FOR UPDATE) until it is killed."""

import hashlib
import os
import time

import psycopg
import pytest
from django.test import override_settings

from certificates.models import Certificate
from courses.models import Enrollment
from courses.services import lesson_complete

from .factories import EmployeeFactory
from .ops_support import database_url, kill_group, manage, rq_url, start, wait_for

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
COUNT = 4


def _completed_enrollments(opd, make_course):
    course = make_course(lessons=1)
    with override_settings(TASKS=DUMMY_TASKS):  # completion queues nothing: the test queues
        for _ in range(COUNT):
            lesson_complete(employee=EmployeeFactory(opd=opd), lesson=course.test_lessons[0])
    enrollments = list(Enrollment.objects.filter(course=course).order_by("pk"))
    assert len(enrollments) == COUNT and not Certificate.objects.exists()
    return enrollments


def _enqueue_all(ids, **env):
    code = (
        "from certificates.tasks import certificate_issue_task\n"
        f"for pk in {list(ids)!r}: certificate_issue_task.enqueue(pk)\n"
    )
    result = manage("shell", "-c", code, **env)
    assert result.returncode == 0, result.stderr


def _waiters(lock):
    with lock.cursor() as cursor:  # autocommit side connection would be cleaner; a count is enough
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0]


def _kill_mid_task(enrollments, tmp_path, **env):
    blocked = enrollments[COUNT // 2]
    watcher = psycopg.connect(database_url().replace("postgres://", "postgresql://"), autocommit=True)
    lock = psycopg.connect(database_url().replace("postgres://", "postgresql://"))
    try:
        with lock.cursor() as cursor:  # held until rollback below: the worker blocks on this row
            cursor.execute("SELECT id FROM courses_enrollment WHERE id = %s FOR UPDATE", [blocked.pk])
        worker = start("run_worker", log=tmp_path / "worker-1.log", **env)
        try:
            wait_for(lambda: _waiters(watcher) > 0, timeout=25, what="the worker to block inside certificate_issue")
            time.sleep(0.3)
        finally:
            kill_group(worker)
        issued_before = Certificate.objects.count()
    finally:
        lock.rollback()
        lock.close()
        watcher.close()
    assert not Certificate.objects.filter(enrollment=blocked).exists()
    return issued_before


def _check_exactly_once(enrollments):
    for enrollment in enrollments:
        certificates = list(Certificate.objects.filter(enrollment=enrollment))
        assert len(certificates) == 1, enrollment.pk
        with certificates[0].pdf.open("rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == certificates[0].sha256


def test_database_worker_killed_mid_task_loses_and_duplicates_nothing(opd_a, make_course, tmp_path):
    from django_tasks_db.models import DBTaskResult

    env = {"TASK_BACKEND": "database"}
    enrollments = _completed_enrollments(opd_a, make_course)
    _enqueue_all([e.pk for e in enrollments], **env)
    _kill_mid_task(enrollments, tmp_path, **env)
    assert DBTaskResult.objects.filter(status="RUNNING").count() == 1  # left behind by the dead worker

    time.sleep(2.2)  # the dead worker's heartbeat goes stale (INTEGRITAS_WORKER_DEAD_SECONDS=2)
    result = manage("reconcile", "--grace-minutes", "0", **env)
    assert result.returncode == 0, result.stderr
    # the dead worker's task is back in the queue; the other certificates' tasks still wait there
    assert result.stdout.strip() == "1 tugas, 0 paket bukti, 0 impor data pegawai, 0 sertifikat diantrekan ulang", result.stdout
    assert not DBTaskResult.objects.filter(status="RUNNING").exists()

    second = manage("run_worker", "--batch", timeout=90, **env)
    assert second.returncode == 0, second.stderr[-2000:]
    _check_exactly_once(enrollments)
    assert manage("reconcile", "--grace-minutes", "0", **env).stdout.startswith("0 tugas, 0 paket bukti, 0 impor data pegawai, 0 sertifikat")


@pytest.fixture
def rq_env():
    import redis

    url = rq_url()
    if not url:
        # .ci/run's PostgreSQL pass sets CACHE_URL=redis://127.0.0.1:6379/15, so CI runs this test
        if os.environ.get("CI") and os.environ.get("DATABASE_URL", "").startswith("postgres"):
            pytest.fail("the PostgreSQL CI pass must have Redis (CACHE_URL) for the RQ worker test")
        pytest.skip("needs Redis: CACHE_URL=redis://... or INTEGRITAS_TEST_RQ_URL (.ci/run sets it on PostgreSQL)")
    client = redis.Redis.from_url(url)

    def clear():
        keys = list(client.scan_iter("rq:*"))
        if keys:
            client.delete(*keys)

    clear()
    yield {"TASK_BACKEND": "rq", "RQ_URL": url}
    clear()


def test_rq_worker_killed_mid_task_loses_and_duplicates_nothing(opd_a, make_course, tmp_path, rq_env):
    enrollments = _completed_enrollments(opd_a, make_course)
    _enqueue_all([e.pk for e in enrollments], **rq_env)
    _kill_mid_task(enrollments, tmp_path, **rq_env)

    time.sleep(2.2)
    result = manage("reconcile", "--grace-minutes", "0", **rq_env)
    assert result.returncode == 0, result.stderr
    # the job the dead worker had started is queued again; the others still wait: no duplicates
    assert result.stdout.strip() == "1 tugas, 0 paket bukti, 0 impor data pegawai, 0 sertifikat diantrekan ulang", result.stdout

    second = manage("run_worker", "--batch", timeout=90, **rq_env)
    assert second.returncode == 0, second.stderr[-2000:]
    _check_exactly_once(enrollments)
