"""The periodic jobs, for a deployment without cron (and for `make run`). Run it on every
node if you like: each job runs once per period across all of them (see operations.scheduler).

    every minute     close quiz attempts past their deadline (quizzes)
    every 5 minutes  reconcile: queue again what dead workers or lost tasks left behind
    every 10 minutes delete evidence packs past their expiry (reports); drop HR/auditor role
                     requests left unapproved too long (organizations)
    once a day       from INTEGRITAS_REMINDER_HOUR (WITA): queue `send_reminders_task`

    manage.py run_schedule [--once] [--now ISO-8601]
"""

import logging
import signal
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from operations.scheduler import tick

logger = logging.getLogger("integritas.operations")


class Command(BaseCommand):
    help = "Jalankan pekerjaan berkala (sekali per periode di seluruh node): tutup percobaan kuis kedaluwarsa, rekonsiliasi, hapus paket bukti kedaluwarsa, antre pengingat harian."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Satu putaran saja, lalu berhenti.")
        parser.add_argument("--now", help="Waktu putaran (ISO 8601), untuk uji; hanya dengan --once.")

    def handle(self, *args, once=False, now=None, verbosity=1, **options):
        at = None
        if now:
            at = parse_datetime(now)
            if at is None or not once:
                raise CommandError("--now harus berupa waktu ISO 8601 dan hanya dipakai bersama --once.")
        if once:
            self._report(tick(at), verbosity)
            return
        self.running = True
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        while self.running:
            # A long-running process: drop connections that died (PostgreSQL restarted).
            close_old_connections()
            try:
                self._report(tick(), verbosity)
            except Exception:  # the database may be away for a moment: try again next tick
                logger.exception("run_schedule: tick failed")
            close_old_connections()
            # Wake a second into the next minute, so that no minute's period is skipped.
            wake = (int(time.time()) // 60 + 1) * 60 + 1
            while self.running and time.time() < wake:
                time.sleep(min(1.0, max(0.0, wake - time.time())))

    def _stop(self, signum, frame):
        self.running = False

    def _report(self, ran, verbosity):
        for name, result in ran:
            if result or verbosity > 1:
                self.stdout.write(f"{timezone.localtime():%Y-%m-%d %H:%M} {name}: {result}")
