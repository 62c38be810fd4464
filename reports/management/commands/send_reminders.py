"""Email learners who have not finished an open mandatory course, and the weekly digest to
each coordinator. Run it daily (cron or a systemd timer; `make run` schedules it through
`run_schedule`). Intervals: INTEGRITAS_REMINDER_INTERVAL_DAYS, INTEGRITAS_DIGEST_INTERVAL_DAYS.

    manage.py send_reminders [--dry-run]
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reports.models import ReminderKind
from reports.reminders import ReminderMailError, mail_problem, reminders_plan, reminders_send


class Command(BaseCommand):
    help = "Kirim pengingat kursus wajib kepada peserta dan ringkasan mingguan kepada koordinator."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Tampilkan siapa yang akan menerima email, tanpa mengirim apa pun.")

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            plan = reminders_plan()
            for email in plan.emails:
                self.stdout.write(f"[{email.kind}] {email.label}")
            self.stdout.write(self._summary(plan, "Akan dikirim"))
            problem = mail_problem()
            if problem:
                self.stderr.write(problem)
            return
        try:
            plan = reminders_send()
        except ReminderMailError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(self._summary(plan, "Terkirim"))

    def _summary(self, plan, verb: str) -> str:
        return (
            f"{verb}: {plan.count(ReminderKind.LEARNER)} pengingat peserta, {plan.count(ReminderKind.DIGEST)} ringkasan koordinator. "
            f"Dilewati: {plan.skipped_recent} sudah menerima dalam selang waktu "
            f"({settings.REMINDER_INTERVAL_DAYS}/{settings.DIGEST_INTERVAL_DAYS} hari), {plan.skipped_no_address} tanpa alamat email."
        )
