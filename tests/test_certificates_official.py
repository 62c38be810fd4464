"""The certificate as an official e-certificate: kop, frozen facts, transkrip, predikat,
electronic signature at issue, verification of the signature, settings that refuse bad input."""

import datetime
import hashlib
import io
import os
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from certificates.models import Certificate, CertificateSequence, CertificateSettings, predicate_thresholds_parse
from certificates.services import certificate_issue
from certificates.signing import SigningError, pdf_signature_check
from certificates.signing_demo import demo_signing_create
from core.models import ProgramSettings
from courses.models import Enrollment
from courses.services import lesson_complete
from operations.services import requeue_missing_certificates


def pages_text(content: bytes) -> list[str]:
    from pypdf import PdfReader

    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages]


@pytest.fixture(scope="session")
def demo_keys(tmp_path_factory):
    return demo_signing_create(tmp_path_factory.mktemp("demo-signing-cert"))


@pytest.fixture
def signing(settings, demo_keys):
    settings.SIGNING_PKCS12 = str(demo_keys.pkcs12)
    settings.SIGNING_PASSPHRASE = demo_keys.passphrase
    settings.SIGNING_TRUST_ROOTS = [str(demo_keys.ca)]
    return settings


@pytest.fixture
def unsigned(settings):
    settings.SIGNING_PKCS12 = ""
    return settings


@pytest.fixture
def official_settings(db):
    settings_obj = CertificateSettings.load()
    settings_obj.issuer = "Pemerintah Kota Banjarbaru"
    settings_obj.issuing_unit = "Inspektorat Daerah"
    settings_obj.address = "Jl. Pangeran Suriansyah No. 5, Banjarbaru"
    settings_obj.organiser = "Inspektorat Daerah Kota Banjarbaru"
    settings_obj.signatory_name = "Dr. Siti Aminah, M.Si."
    settings_obj.signatory_nip = "197001011995032001"
    settings_obj.save()
    return settings_obj


@pytest.fixture
def finished(learner, make_course, make_quiz, django_capture_on_commit_callbacks):
    """A learner who took the pre-test (40), passed the final quiz (92.5) and read 3 lessons."""
    from quizzes.models import Attempt, AttemptState, QuizKind

    def run(*, pangkat="Penata Muda Tingkat I, III/b", final=Decimal("92.50"), course=None):
        employee = learner.employee
        employee.pangkat_golongan = pangkat
        employee.position = "Analis Kebijakan Ahli Pertama"
        employee.save()
        course = course or make_course(lessons=3, title="Mengenal dan Menolak Gratifikasi", jp_hours=4)
        now = timezone.now()
        for kind, score, passed in ((QuizKind.PRETEST, Decimal("40.00"), None), (QuizKind.FINAL, final, True)):
            quiz = make_quiz(course, questions=1, kind=kind, active=False)
            Attempt.objects.create(
                quiz=quiz, employee=employee, number=1, state=AttemptState.SUBMITTED, finished_at=now,
                score=score, passed=passed,
            )
        *first, last = course.test_lessons
        for lesson in first:
            lesson_complete(employee=employee, lesson=lesson)
        enrollment = Enrollment.objects.get(employee=employee, course=course)
        Enrollment.objects.filter(pk=enrollment.pk).update(started_at=now - datetime.timedelta(days=12))
        with django_capture_on_commit_callbacks(execute=True):
            lesson_complete(employee=employee, lesson=last)
        return Certificate.objects.get(enrollment=enrollment)

    return run


def test_certificate_prints_the_official_facts_and_freezes_them(official_settings, finished, unsigned):
    certificate = finished()
    assert certificate.pangkat_golongan == "Penata Muda Tingkat I, III/b"
    assert certificate.pretest_score == Decimal("40.00") and certificate.score == Decimal("92.50")
    assert certificate.predicate == "Sangat Memuaskan"
    assert certificate.organiser == "Inspektorat Daerah Kota Banjarbaru"
    assert [row["minutes"] for row in certificate.transcript["lessons"]] == [5, 5, 5]
    assert certificate.transcript["total_minutes"] == 15
    assert certificate.issuer_lines["address"] == "Jl. Pangeran Suriansyah No. 5, Banjarbaru"
    first, second = pages_text(certificate.pdf.read())
    for text in (
        "PEMERINTAH KOTA BANJARBARU", "INSPEKTORAT DAERAH", "Jl. Pangeran Suriansyah No. 5", "SERTIFIKAT",
        certificate.number, certificate.full_name, "Pangkat/Golongan", "Penata Muda Tingkat I, III/b",
        "Analis Kebijakan Ahli Pertama", "Unit Kerja", "Dinas A", "Mengenal dan Menolak Gratifikasi",
        "4 jam pelajaran (JP)", "nilai akhir 92,5", "predikat Sangat Memuaskan", "Inspektorat Daerah Kota Banjarbaru",
        " s.d. ", "Dr. Siti Aminah, M.Si.", "Halaman 1 dari 2",
    ):
        assert text in first, text
    code = " ".join(certificate.code[i : i + 4] for i in range(0, 16, 4))
    assert code in first
    for text in (
        "TRANSKRIP PELATIHAN", "Pelajaran 1", "Pelajaran 3", "Jumlah 15", "Tes awal 40", "92,5",
        "≥ 90 Sangat Memuaskan", "≥ 80 Memuaskan", code, f"/verifikasi/{certificate.code}/", "Halaman 2 dari 2",
    ):
        assert text in second, text
    # unsigned: no claim of an electronic signature anywhere
    assert "ditandatangani secara elektronik" not in first + second
    assert certificate.signed_by == "" and certificate.signed_at is None
    assert pdf_signature_check(certificate.pdf.open("rb").read())["signed"] is False

    # frozen: a later promotion, new thresholds and a new address change nothing issued
    sha = certificate.sha256
    employee = certificate.employee
    employee.pangkat_golongan = "Penata, III/c"
    employee.save()
    official_settings.address = "Alamat baru"
    official_settings.predicate_thresholds = "95: Istimewa\n0: Lulus"
    official_settings.save()
    certificate.refresh_from_db()
    assert certificate.pangkat_golongan == "Penata Muda Tingkat I, III/b" and certificate.predicate == "Sangat Memuaskan"
    assert hashlib.sha256(certificate.pdf.open("rb").read()).hexdigest() == sha


def test_pangkat_golongan_is_printed_only_when_known(official_settings, finished, unsigned):
    certificate = finished(pangkat="")
    first, second = pages_text(certificate.pdf.read())
    assert "Pangkat/Golongan" not in first and "Pangkat/Golongan" not in second


def test_predicate_follows_the_thresholds_in_the_settings(official_settings, finished, unsigned):
    official_settings.predicate_thresholds = "95: Istimewa\n75: Baik\n0: Cukup"
    official_settings.save()
    certificate = finished(final=Decimal("80.00"))
    assert certificate.predicate == "Baik"
    assert ["95", "Istimewa"] in certificate.transcript["predicates"]


def test_certificate_is_signed_at_issue_and_validates_against_the_demo_ca(official_settings, finished, signing, client):
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    certificate = finished()
    content = certificate.pdf.open("rb").read()
    if os.environ.get("INTEGRITAS_DUMP_PDF"):
        open(os.environ["INTEGRITAS_DUMP_PDF"], "wb").write(content)
    assert hashlib.sha256(content).hexdigest() == certificate.sha256  # the hash is of the signed file
    [embedded] = PdfFileReader(io.BytesIO(content)).embedded_signatures
    status = validate_pdf_signature(embedded, ValidationContext(trust_roots=[load_cert_from_pemder(signing.SIGNING_TRUST_ROOTS[0])]))
    assert status.bottom_line
    assert "DEMO Penanda Tangan" in certificate.signed_by and certificate.signed_at is not None
    first, _second = pages_text(content)
    assert "Dokumen ini telah ditandatangani secara elektronik" in first
    assert "DEMO CA Integritas" in first

    page = client.get(f"/verifikasi/{certificate.code}/").content.decode()
    assert "Tanda tangan elektronik sah." in page and "DEMO Penanda Tangan Integritas" in page

    # one byte of the stored file changed: the verification page says so
    tampered = bytearray(content)
    tampered[len(tampered) // 3] ^= 0x01
    with open(certificate.pdf.path, "wb") as handle:
        handle.write(bytes(tampered))
    page = client.get(f"/verifikasi/{certificate.code}/").content.decode()
    assert "Tanda tangan elektronik TIDAK sah." in page
    assert "tidak cocok lagi dengan sidik SHA-256" in page


def test_a_broken_key_stores_nothing_and_the_issue_is_retried_later(official_settings, finished, signing, caplog):
    signing.SIGNING_PASSPHRASE = "salah"
    with pytest.raises(Certificate.DoesNotExist):
        finished()  # the task failed: nothing was stored
    assert Certificate.objects.count() == 0
    assert not CertificateSequence.objects.filter(last__gt=0).exists()  # no number used up
    enrollment = Enrollment.objects.get()
    with pytest.raises(SigningError):
        certificate_issue(enrollment=enrollment)
    sweep = datetime.timedelta(minutes=5)
    assert requeue_missing_certificates(grace=sweep) == 0  # too recent for the reconciliation

    Enrollment.objects.filter(pk=enrollment.pk).update(completed_at=timezone.now() - datetime.timedelta(hours=1))
    signing.SIGNING_PASSPHRASE = signing_passphrase(signing)
    assert requeue_missing_certificates(grace=sweep) == 1  # queued again; the test backend runs it at once
    certificate = Certificate.objects.get()
    assert certificate.sequence == 1 and pdf_signature_check(certificate.pdf.open("rb").read())["valid"]


def signing_passphrase(settings) -> str:
    from pathlib import Path

    return (Path(settings.SIGNING_PKCS12).parent / "passphrase.txt").read_text().strip()


def test_an_expired_signer_is_refused_and_nothing_is_issued(official_settings, finished, signing, tmp_path):
    expired = demo_signing_create(
        tmp_path / "lama", signer_days=10, signer_not_before=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=30)
    )
    signing.SIGNING_PKCS12, signing.SIGNING_PASSPHRASE = str(expired.pkcs12), expired.passphrase
    with pytest.raises(Certificate.DoesNotExist):
        finished()
    with pytest.raises(SigningError, match="kedaluwarsa"):
        certificate_issue(enrollment=Enrollment.objects.get())


def test_demo_signatory_is_printed_only_on_a_demo_site(official_settings, finished, unsigned):
    official_settings.signatory_name = "Drs. H. Contoh Penanda Tangan, M.Si. (demo)"
    official_settings.save()
    program = ProgramSettings.load()
    program.demo_site = False
    program.save()
    certificate = finished()
    assert certificate.signatory_name == "" and certificate.signatory_nip == ""
    first, _ = pages_text(certificate.pdf.read())
    assert "(demo)" not in first and "Contoh Penanda Tangan" not in first
    assert "Inspektur Daerah Kota Banjarbaru" in first


def test_demo_signatory_is_kept_on_the_demo_site(official_settings, finished, unsigned):
    official_settings.signatory_name = "Drs. H. Contoh Penanda Tangan, M.Si. (demo)"
    official_settings.save()
    program = ProgramSettings.load()
    program.demo_site = True
    program.save()
    assert finished().signatory_name.endswith("(demo)")


# --- settings refuse bad input --------------------------------------------------------------


@pytest.mark.parametrize(
    "text, message",
    [
        ("90: A\n95: B", "lebih kecil"),
        ("90 Sangat Baik", "tidak sah"),
        ("120: Luar biasa", "tidak sah"),
        ("90: ", "tidak sah"),
        ("90: A\n90: B", "lebih kecil"),
    ],
)
def test_predicate_thresholds_must_be_well_formed_and_descending(text, message):
    with pytest.raises(ValidationError, match=message):
        predicate_thresholds_parse(text)


def test_predicate_thresholds_parse_decimals_and_blank_lines():
    assert predicate_thresholds_parse("87,5: Baik Sekali\n\n60: Baik") == [(Decimal("87.5"), "Baik Sekali"), (Decimal("60"), "Baik")]


@pytest.mark.parametrize("field", ["issuer", "issuing_unit", "address", "organiser", "statement", "signatory_name", "predicate_thresholds"])
def test_settings_text_with_html_is_refused(db, field):
    settings_obj = CertificateSettings.load()
    setattr(settings_obj, field, "<b>Inspektorat</b>" if field != "predicate_thresholds" else "90: <i>A</i>")
    with pytest.raises(ValidationError) as error:
        settings_obj.full_clean()
    assert field in error.value.message_dict
    assert "HTML" in " ".join(error.value.message_dict[field])


def _wagtail_image(content: bytes, name: str):
    from django.core.files.base import ContentFile
    from wagtail.images import get_image_model

    image = get_image_model()(title=name)
    image.file.save(name, ContentFile(content), save=False)
    image.width = image.height = 10  # a non-image gets no dimensions from the file
    image.save()
    return image


def _png(size=(40, 40)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_logo_over_2_mb_is_refused(db):
    import random

    from PIL import Image

    noise = random.Random(1).randbytes(1200 * 900 * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (1200, 900), noise).save(buffer, format="PNG")
    assert len(buffer.getvalue()) > 2 * 1024 * 1024
    settings_obj = CertificateSettings.load()
    settings_obj.logo = _wagtail_image(buffer.getvalue(), "besar.png")
    with pytest.raises(ValidationError) as error:
        settings_obj.full_clean()
    assert "maksimum 2 MB" in error.value.message_dict["logo"][0]


def test_a_logo_or_signature_that_is_not_an_image_is_refused(db):
    settings_obj = CertificateSettings.load()
    settings_obj.signature = _wagtail_image(b"%PDF-1.4 bukan gambar", "ttd.png")
    with pytest.raises(ValidationError) as error:
        settings_obj.full_clean()
    assert "bukan gambar" in error.value.message_dict["signature"][0]


def test_a_small_png_logo_is_accepted(db):
    settings_obj = CertificateSettings.load()
    settings_obj.logo = _wagtail_image(_png(), "lambang.png")
    settings_obj.full_clean()


def test_signatory_nip_must_be_18_digits(db):
    settings_obj = CertificateSettings.load()
    settings_obj.signatory_nip = "12345"
    with pytest.raises(ValidationError, match="18 digit"):
        settings_obj.full_clean()


# --- the admin says whether certificates are signed --------------------------------------------


def test_registry_and_settings_say_plainly_when_certificates_are_unsigned(make_staff, client, unsigned):
    from organizations.models import Role

    client.force_login(make_staff(Role.AUDITOR))
    page = client.get("/admin/sertifikat/").content.decode()
    assert "TANPA tanda tangan elektronik" in page


def test_registry_names_the_signer_and_warns_about_a_demo_key(make_staff, client, signing):
    from organizations.models import Role

    client.force_login(make_staff(Role.AUDITOR))
    page = client.get("/admin/sertifikat/").content.decode()
    assert "DEMO Penanda Tangan Integritas" in page and "kunci DEMO" in page


def test_registry_shows_a_broken_key_as_an_alert(make_staff, client, signing):
    from organizations.models import Role

    signing.SIGNING_PASSPHRASE = "salah"
    client.force_login(make_staff(Role.AUDITOR))
    page = client.get("/admin/sertifikat/").content.decode()
    assert "kata sandinya salah" in page and "belum diterbitkan" in page


# --- /verifikasi/ accepts what people type or paste -------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "{code}", "  {code}  ", "{spaced}", "{upper}", "  {spaced_upper} ",
        "{base}/verifikasi/{code}/", "  {base}/verifikasi/{code}/  ", "{base}/verifikasi/{code}/?utm=qr",
        "127.0.0.1:8000/verifikasi/{code}", "{dashed}",
    ],
)
def test_verify_form_accepts_the_code_or_the_url_with_spaces(client, official_settings, finished, unsigned, settings, typed):
    certificate = finished()
    code = certificate.code
    spaced = " ".join(code[i : i + 4] for i in range(0, 16, 4))
    value = typed.format(
        code=code, spaced=spaced, upper=code.upper(), spaced_upper=spaced.upper(), base=settings.SITE_BASE_URL,
        dashed=spaced.replace(" ", "-"),
    )
    response = client.get("/verifikasi/", {"kode": value})
    assert response.status_code == 302 and response["Location"] == f"/verifikasi/{code}/"


def test_verify_page_accepts_a_code_with_spaces_in_the_path(client, official_settings, finished, unsigned):
    certificate = finished()
    spaced = " ".join(certificate.code[i : i + 4] for i in range(0, 16, 4))
    assert client.get(f"/verifikasi/{spaced}/").status_code == 200


def test_certificate_settings_page_shows_the_signing_state(client, make_staff, unsigned):
    from organizations.models import Role

    client.force_login(make_staff(Role.AUDITOR))
    settings_obj = CertificateSettings.load()
    page = client.get(f"/admin/settings/certificates/certificatesettings/{settings_obj.pk}/").content.decode()
    assert "TANPA tanda tangan elektronik" in page


def test_certificate_settings_form_refuses_html_and_changes_nothing(client, make_staff):
    from organizations.models import Role

    client.force_login(make_staff(Role.AUDITOR))
    settings_obj = CertificateSettings.load()
    url = f"/admin/settings/certificates/certificatesettings/{settings_obj.pk}/"
    data = {
        "issuer": "<script>x</script>", "issuing_unit": "Inspektorat Daerah", "address": "", "city": "Banjarbaru",
        "title": "SERTIFIKAT", "statement": "telah menyelesaikan", "organiser": "Inspektorat", "number_pattern": "{seq:05d}/X/{year}",
        "predicate_thresholds": "90: A\n95: B", "signatory_name": "", "signatory_nip": "", "signatory_title": "Inspektur",
    }
    page = client.post(url, data).content.decode()
    assert "tidak boleh memuat HTML" in page
    settings_obj.refresh_from_db()
    assert settings_obj.issuer == "Pemerintah Kota Banjarbaru"


def test_verify_page_of_an_unsigned_certificate_says_so_and_flags_a_changed_file(client, official_settings, finished, unsigned):
    certificate = finished()
    page = client.get(f"/verifikasi/{certificate.code}/").content.decode()
    assert "diterbitkan tanpa tanda tangan elektronik" in page
    assert "tidak cocok lagi" not in page
    with open(certificate.pdf.path, "ab") as handle:
        handle.write(b"\n% tambahan")
    page = client.get(f"/verifikasi/{certificate.code}/").content.decode()
    assert "tidak cocok lagi dengan sidik SHA-256" in page


def test_the_issue_task_requeues_itself_for_later_when_signing_is_broken(official_settings, learner, make_course, signing, settings):
    from django_tasks.backends.base import BaseTaskBackend
    from django_tasks_db.models import DBTaskResult

    from certificates.tasks import RETRY_AFTER, certificate_issue_task
    from courses.models import EnrollmentStatus

    course = make_course(lessons=1)
    enrollment = Enrollment.objects.create(
        employee=learner.employee, course=course, source="self", status=EnrollmentStatus.COMPLETED, completed_at=timezone.now()
    )
    signing.SIGNING_PASSPHRASE = "salah"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert isinstance(certificate_issue_task.get_backend(), BaseTaskBackend)
    with pytest.raises(SigningError):
        certificate_issue_task.call(enrollment.pk)
    assert not Certificate.objects.exists()
    [queued] = DBTaskResult.objects.all()
    assert queued.args_kwargs["args"] == [enrollment.pk]
    assert queued.run_after >= timezone.now() + RETRY_AFTER - datetime.timedelta(minutes=1)


def test_transkrip_prints_the_jp_setting_when_bkpsdm_has_set_it(official_settings, finished, unsigned):
    program = ProgramSettings.load()
    program.minutes_per_jp, program.minutes_per_jp_is_demo, program.demo_site = 45, False, False
    program.save()
    certificate = finished()
    assert certificate.transcript["minutes_per_jp"] == 45
    assert "4 JP (dasar: 45 menit per JP menurut pengaturan BKPSDM)" in pages_text(certificate.pdf.read())[1]


def test_a_demo_jp_setting_is_not_printed_outside_the_demo(official_settings, finished, unsigned):
    program = ProgramSettings.load()
    program.minutes_per_jp, program.minutes_per_jp_is_demo, program.demo_site = 15, True, False
    program.save()
    certificate = finished()
    assert certificate.transcript["minutes_per_jp"] is None
    assert "1 JP =" not in pages_text(certificate.pdf.read())[1]
