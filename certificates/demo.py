"""Demo certificates. Completing a course queues the issue task; here the first few are
issued at once (the demo learner's among them) so the registry, the ZIP and the
verification page work the moment `make run` starts, and one is re-issued with a corrected
name so a revoked certificate can be seen. The worker started by `make run` issues the rest
within a minute or so: that is the background path at work.

The demo also signs: unless INTEGRITAS_SIGNING_PKCS12 is set, a DEMO CA and a DEMO signer are
written once to var/demo-signing/ and used for this run (`make run` points the server and the
worker at the same files). The kop carries a placeholder emblem drawn for this project and
marked CONTOH: it is not the city's coat of arms."""

import io
import os

from django.conf import settings
from django.contrib.auth import get_user_model

from courses.models import Enrollment, EnrollmentStatus

from .models import Certificate, CertificateSettings
from .services import certificate_issue, certificate_reissue

DEMO_DOMAIN = "demo.integritas.test"
IMMEDIATE = 40


def demo_emblem_png() -> bytes:
    """A neutral placeholder emblem: a plain shield with a star, marked CONTOH. Drawn here so
    nothing resembling an official coat of arms ships with the demo."""
    from PIL import Image, ImageDraw, ImageFont

    from .pdf import ASSETS

    width, height = 360, 420
    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    shield = [(30, 20), (330, 20), (330, 260), (180, 410), (30, 260)]
    draw.polygon(shield, fill=(230, 238, 242, 255), outline=(11, 79, 108, 255), width=10)
    cx, cy, r_out, r_in = 180, 125, 72, 29
    import math

    star = []
    for i in range(10):
        radius = r_out if i % 2 == 0 else r_in
        angle = -math.pi / 2 + i * math.pi / 5
        star.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    draw.polygon(star, fill=(11, 79, 108, 255))
    bold = ImageFont.truetype(str(ASSETS / "fonts" / "DejaVuSans-Bold.ttf"), 50)
    small = ImageFont.truetype(str(ASSETS / "fonts" / "DejaVuSans-Bold.ttf"), 20)
    draw.text((cx, 238), "CONTOH", font=bold, fill=(180, 30, 30, 255), anchor="mm")
    draw.text((cx, 290), "BUKAN LAMBANG", font=small, fill=(11, 79, 108, 255), anchor="mm")
    draw.text((cx, 315), "RESMI", font=small, fill=(11, 79, 108, 255), anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _demo_emblem():
    from django.core.files.images import ImageFile
    from wagtail.images import get_image_model

    Image = get_image_model()
    title = "Lambang CONTOH (demo, bukan lambang resmi)"
    existing = Image.objects.filter(title=title).first()
    if existing is not None:
        return existing
    image = Image(title=title)
    image.file.save("lambang-contoh-demo.png", ImageFile(io.BytesIO(demo_emblem_png()), name="lambang-contoh-demo.png"), save=False)
    image.save()
    return image


def _demo_signing(stdout) -> None:
    """Use the DEMO keys for this process unless a key is configured."""
    from .signing_demo import demo_signing_create, demo_signing_load

    if settings.SIGNING_PKCS12:
        return
    directory = getattr(settings, "DEMO_SIGNING_DIR", None) or settings.BASE_DIR / "var" / "demo-signing"
    keys = demo_signing_load(directory) or demo_signing_create(directory)
    settings.SIGNING_PKCS12 = os.environ["INTEGRITAS_SIGNING_PKCS12"] = str(keys.pkcs12)
    settings.SIGNING_PASSPHRASE = os.environ["INTEGRITAS_SIGNING_PASSPHRASE"] = keys.passphrase
    settings.SIGNING_TRUST_ROOTS = [str(keys.ca)]
    os.environ["INTEGRITAS_SIGNING_TRUST_ROOTS"] = str(keys.ca)
    stdout.write(f"  Kunci tanda tangan DEMO: {keys.pkcs12} (CA DEMO: {keys.ca})")


def seed(*, stdout, style):
    from core.models import ProgramSettings

    program = ProgramSettings.load()
    if not program.demo_site:
        program.demo_site = True
        program.save(update_fields=["demo_site"])
    _demo_signing(stdout)
    settings_obj = CertificateSettings.load()
    if not settings_obj.signatory_name:
        settings_obj.signatory_name = "Drs. H. Contoh Penanda Tangan, M.Si. (demo)"
        settings_obj.signatory_nip = "196801011990031001"
    if settings_obj.logo_id is None:
        settings_obj.logo = _demo_emblem()
    if not settings_obj.address:
        settings_obj.address = "Alamat contoh (demo): Jl. Contoh No. 1, Banjarbaru · Telepon (0511) 000000"
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
