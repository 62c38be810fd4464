"""The periodic jobs, for a deployment without cron (and for `make run`):

    every minute     close quiz attempts past their deadline (quizzes)
    every 10 minutes delete evidence packs past their expiry (reports); issue certificates
                     whose task failed (an unusable signing key, say) (certificates); drop
                     HR/auditor role requests left unapproved too long (organizations)
    once a day       from INTEGRITAS_REMINDER_HOUR (WITA): queue `send_reminders_task`

With cron or systemd timers, run `close_expired_attempts` and `send_reminders` instead.
Each job is idempotent, so a restart that repeats one does no harm: reminders keep their
own per-person interval.

    manage.py run_schedule [--once]
"""

import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from certificates.services import certificates_issue_missing
from organizations.services import role_requests_expire
from quizzes.services import attempts_close_expired
from reports.evidence import evidence_packs_expire
from reports.tasks import send_reminders_task

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Jalankan pekerjaan berkala: tutup percobaan kuis kedaluwarsa, hapus paket bukti kedaluwarsa, antre pengingat harian."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Satu putaran saja, lalu berhenti.")

    def handle(self, *args, once=False, verbosity=1, **options):
        self.verbosity = verbosity
        last_expiry = 0.0
        reminders_on = None
        while True:
            started = time.monotonic()
            self._run("close_expired_attempts", attempts_close_expired)
            if started - last_expiry >= 600 or once:
                self._run("evidence_packs_expire", evidence_packs_expire)
                self._run("certificates_issue_missing", certificates_issue_missing)
                self._run("role_requests_expire", role_requests_expire)
                last_expiry = started
            now = timezone.localtime()
            if now.hour >= settings.REMINDER_HOUR and reminders_on != now.date():
                self._run("send_reminders", lambda: send_reminders_task.enqueue().id)
                reminders_on = now.date()
            if once:
                return
            time.sleep(max(1.0, 60 - (time.monotonic() - started)))

    def _run(self, name, job):
        try:
            result = job()
        except Exception:  # one failing job must not stop the others
            logger.exception("run_schedule: %s failed", name)
            return
        if result or self.verbosity > 1:
            self.stdout.write(f"{timezone.localtime():%Y-%m-%d %H:%M} {name}: {result}")
