"""Build the evidence pack for KPK observers from the command line.

    manage.py export_evidence --out PATH.zip [--opd CODE ...] [--course SLUG ...] [--as-of YYYY-MM-DD]
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from courses.models import CoursePage
from organizations.models import Opd
from reports.evidence import EvidenceScopeError, evidence_pack_build


class Command(BaseCommand):
    help = "Buat paket bukti (ZIP) untuk observasi KPK."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="Berkas ZIP tujuan.")
        parser.add_argument("--opd", nargs="*", default=[], help="Kode OPD (bawaan: semua OPD aktif).")
        parser.add_argument("--course", nargs="*", default=[], help="Slug kursus untuk rekap per kursus.")
        parser.add_argument("--as-of", dest="as_of", help="Per tanggal, YYYY-MM-DD (bawaan: hari ini, WITA).")

    def handle(self, *args, out, opd, course, as_of, **options):
        today = timezone.localdate()
        try:
            date = datetime.date.fromisoformat(as_of) if as_of else today
        except ValueError:
            raise CommandError(f"Tanggal tidak sah: {as_of!r}; gunakan YYYY-MM-DD.") from None
        if date > today:
            raise CommandError("Tanggal tidak boleh di masa depan.")
        scope = Opd.objects.filter(active=True)
        if opd:
            unknown = sorted(set(opd) - set(Opd.objects.filter(code__in=opd).values_list("code", flat=True)))
            if unknown:
                raise CommandError(f"OPD tidak dikenal: {', '.join(unknown)}")
            scope = Opd.objects.filter(code__in=opd)
        courses = list(CoursePage.objects.filter(slug__in=course))
        unknown = sorted(set(course) - {c.slug for c in courses})
        if unknown:
            raise CommandError(f"Kursus tidak dikenal: {', '.join(unknown)}")
        if not str(out).endswith(".zip"):
            raise CommandError("--out harus berakhiran .zip")
        try:
            pack = evidence_pack_build(out=out, scope=scope, courses=courses, as_of=date)
        except EvidenceScopeError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"Paket bukti: {out}\n  OPD: {pack.opds}, pegawai: {pack.employees}, sertifikat: {pack.certificates}\n"
            f"  SHA-256 paket: {pack.sha256}\n  SHA-256 manifest: {pack.manifest_sha256}"
        )
