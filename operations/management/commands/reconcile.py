"""Queue again what was lost: tasks of dead workers, stuck evidence packs, completed
enrollments without a certificate. `run_schedule` runs this every few minutes.

    manage.py reconcile [--grace-minutes N]
"""

from datetime import timedelta

from django.core.management.base import BaseCommand

from operations.services import reconcile


class Command(BaseCommand):
    help = "Antrekan ulang pekerjaan yang hilang: tugas pekerja yang mati, paket bukti macet, sertifikat yang belum terbit."

    def add_arguments(self, parser):
        parser.add_argument("--grace-minutes", type=int, default=None, help="Abaikan penyelesaian yang lebih baru dari ini.")

    def handle(self, *args, grace_minutes=None, **options):
        grace = timedelta(minutes=grace_minutes) if grace_minutes is not None else None
        self.stdout.write(str(reconcile(grace=grace)))
