"""The task worker for the configured backend, with a heartbeat.

    TASK_BACKEND=database  ->  manage.py db_worker --queue-name '*'
    TASK_BACKEND=rq        ->  manage.py rqworker default (RQ_QUEUES)

Beside the worker, a thread writes the worker's heartbeat to the database every
INTEGRITAS_WORKER_HEARTBEAT_SECONDS. The reconciliation queues again the running tasks of a
worker whose heartbeat stopped (killed, machine lost); readiness reports the freshest beat.

    manage.py run_worker [--batch] [--worker-id ID]
"""

import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from operations.services import heartbeat_beat, heartbeat_remove, worker_id_default


class Command(BaseCommand):
    help = "Jalankan pekerja tugas latar (database atau RQ) beserta detak jantungnya."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Kerjakan antrean sampai kosong, lalu berhenti.")
        parser.add_argument("--worker-id", default=None, help="ID pekerja (bawaan: nama mesin dan PID).")

    def handle(self, *args, batch=False, worker_id=None, verbosity=1, **options):
        backend = settings.TASK_BACKEND
        if backend not in ("database", "rq"):
            raise CommandError("TASK_BACKEND harus database atau rq untuk menjalankan pekerja.")
        worker_id = (worker_id or worker_id_default())[:64]
        stop = threading.Event()
        started_at = timezone.now()
        heartbeat_beat(worker_id=worker_id, backend=backend, started_at=started_at)
        connection.close()  # RQ forks a work horse per job: it must not inherit this connection
        beat = threading.Thread(target=self._beat, args=(stop, worker_id, backend, started_at), daemon=True, name="heartbeat")
        beat.start()
        try:
            if backend == "database":
                call_command("db_worker", queue_name="*", worker_id=worker_id, batch=batch, verbosity=verbosity)
            else:
                # django-tasks-rq runs its tasks through its own Job class; plain RQ jobs fail ("Task object is not callable").
                call_command("rqworker", *settings.RQ_QUEUES, name=worker_id, burst=batch, job_class="django_tasks_rq.backend.Job", verbosity=verbosity)
        finally:
            stop.set()
            beat.join(timeout=5)
            heartbeat_remove(worker_id)

    @staticmethod
    def _beat(stop, worker_id, backend, started_at):
        interval = settings.WORKER_HEARTBEAT_SECONDS
        while not stop.wait(interval):
            try:
                heartbeat_beat(worker_id=worker_id, backend=backend, started_at=started_at)
            except Exception:  # the database is away for a moment: a fresh connection next beat
                connection.close()
                time.sleep(1)
        connection.close()  # this thread's own connection
