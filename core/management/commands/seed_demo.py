"""Fill the database with demo data, idempotently.

Each app of ours may provide `<app>/demo.py` with `seed(*, stdout, style)`; they run in
INSTALLED_APPS order, which is the dependency order (core, accounts, organizations, ...).
Core imports none of them: it finds them through the app registry.
"""

import importlib
import importlib.util

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings


class Command(BaseCommand):
    help = "Isi basis data dengan data demo (OPD Kota Banjarbaru, pegawai fiktif, akun per peran)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Jalankan walau DEBUG mati.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo menolak berjalan dengan DEBUG mati (kemungkinan server produksi). "
                "Gunakan --force bila Anda yakin."
            )
        for config in apps.get_app_configs():
            module_name = f"{config.name}.demo"
            if not config.path.startswith(str(settings.BASE_DIR)) or importlib.util.find_spec(module_name) is None:
                continue
            module = importlib.import_module(module_name)
            # Demo addresses are fictional (.test): nothing is mailed while seeding.
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"), transaction.atomic():
                module.seed(stdout=self.stdout, style=self.style)
        self.stdout.write(self.style.SUCCESS("Data demo siap."))
