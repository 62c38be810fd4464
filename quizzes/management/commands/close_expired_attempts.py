"""Grade and close quiz attempts whose deadline has passed.

Run it every minute (cron or a systemd timer in production; `make run` runs it in a loop).
Learners who come back are served correctly without it (attempts are also closed lazily),
but reports and certificates should not wait for them to come back.
"""

from django.core.management.base import BaseCommand

from quizzes.services import attempts_close_expired


class Command(BaseCommand):
    help = "Nilai dan tutup percobaan kuis yang melewati batas waktu."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=int, default=0, help="Ulangi setiap N detik (0: sekali saja).")

    def handle(self, *args, loop=0, **options):
        import time

        while True:
            closed = attempts_close_expired()
            if closed or options["verbosity"] > 1:
                self.stdout.write(f"{closed} percobaan ditutup dan dinilai.")
            if not loop:
                return
            time.sleep(loop)
