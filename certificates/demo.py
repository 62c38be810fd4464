"""Demo certificates. Completing a course queues the issue task; here the first few are
issued at once (the demo learner's among them) so the registry, the ZIP and the
verification page work the moment `make run` starts, and one is re-issued with a corrected
name so a revoked certificate can be seen. The worker started by `make run` issues the rest
within a minute or so: that is the background path at work."""

from django.contrib.auth import get_user_model

from courses.models import Enrollment, EnrollmentStatus

from .models import Certificate, CertificateSettings
from .services import certificate_issue, certificate_reissue

DEMO_DOMAIN = "demo.integritas.test"
IMMEDIATE = 40


def seed(*, stdout, style):
    settings_obj = CertificateSettings.load()
    if not settings_obj.signatory_name:
        settings_obj.signatory_name = "Drs. H. Contoh Penanda Tangan, M.Si. (demo)"
        settings_obj.signatory_nip = "196801011990031001"
        settings_obj.save()
    completed = (  # demo learners only, whatever else (bench data) the database holds
        Enrollment.objects.filter(status=EnrollmentStatus.COMPLETED, employee__email__endswith=f"@{DEMO_DOMAIN}")
        .exclude(certificates__isnull=False)
        .order_by("pk")
    )
    first = [*completed.filter(employee__email=f"asn@{DEMO_DOMAIN}"), *completed[:IMMEDIATE]]
    for enrollment in first:  # issuing is idempotent, so a repeat is harmless
        certificate_issue(enrollment=enrollment)
    if not Certificate.objects.filter(replaced_by__isnull=False).exists():
        original = Certificate.objects.filter(is_current=True, revoked_at__isnull=True).exclude(employee__email__startswith="asn@").order_by("sequence").first()
        if original is not None:
            auditor = get_user_model().objects.filter(email=f"auditor@{DEMO_DOMAIN}").first()
            certificate_reissue(
                certificate=original, full_name=original.full_name + " (nama dibetulkan)",
                reason="Contoh demo: ejaan nama diperbaiki atas permintaan pegawai", acting_user=auditor,
            )
    total = Certificate.objects.count()
    revoked = Certificate.objects.filter(revoked_at__isnull=False).count()
    stdout.write(style.MIGRATE_HEADING("Sertifikat demo:"))
    waiting = Enrollment.objects.filter(status=EnrollmentStatus.COMPLETED).exclude(certificates__isnull=False).count()
    stdout.write(f"  {total} sertifikat ({revoked} dicabut/diganti); {waiting} lagi diterbitkan oleh worker latar belakang.")
