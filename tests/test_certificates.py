"""Certificates: issue on completion, frozen PDF, QR verification, revocation, registry."""

import hashlib
import io
import os
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.base import ContentFile

from certificates.models import Certificate, CertificateSettings
from certificates.services import CertificateRefused, certificate_issue, certificate_reissue, certificate_revoke
from courses.models import Enrollment
from courses.services import lesson_complete

from .factories import EmployeeFactory, UserFactory


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def qr_payloads(content: bytes) -> list[str]:
    import pypdfium2
    import zxingcpp

    document = pypdfium2.PdfDocument(content)
    image = document[0].render(scale=3).to_pil()
    return [result.text for result in zxingcpp.read_barcodes(image)]


@pytest.fixture
def complete(django_capture_on_commit_callbacks):
    """Complete every lesson of `course` for `employee`, running on-commit work (the task)."""

    def run(employee, course):
        with django_capture_on_commit_callbacks(execute=True):
            for lesson in course.test_lessons:
                lesson_complete(employee=employee, lesson=lesson)
        return Enrollment.objects.get(employee=employee, course=course)

    return run


def test_completing_a_course_issues_a_frozen_hashed_pdf(learner, make_course, complete, settings):
    employee = learner.employee
    employee.full_name = "Zulkarnaén Noor Müller"
    employee.save()
    course = make_course(lessons=2, title="Mengenal dan Menolak Gratifikasi", jp_hours=4)
    enrollment = complete(employee, course)
    certificate = Certificate.objects.get(enrollment=enrollment)
    content = certificate.pdf.read()
    assert hashlib.sha256(content).hexdigest() == certificate.sha256
    text = pdf_text(content)
    assert "Zulkarnaén Noor Müller" in text
    assert certificate.number in text and "Mengenal dan Menolak Gratifikasi" in text
    assert employee.nip in text and employee.opd.name in text
    assert qr_payloads(content) == [f"{settings.SITE_BASE_URL}/verifikasi/{certificate.code}/"]
    assert len(certificate.code) == 16 and certificate.code.isalnum()
    assert mail.outbox and certificate.number in mail.outbox[-1].body


def test_issuing_again_returns_the_same_certificate(learner, make_course, complete):
    enrollment = complete(learner.employee, make_course(lessons=1))
    first = Certificate.objects.get(enrollment=enrollment)
    assert certificate_issue(enrollment=enrollment).pk == first.pk
    assert Certificate.objects.count() == 1


def test_numbers_follow_the_pattern_without_gaps(opd_a, make_course, complete):
    course = make_course(lessons=1)
    numbers = []
    for _ in range(3):
        employee = EmployeeFactory(opd=opd_a)
        complete(employee, course)
        numbers.append(Certificate.objects.get(employee=employee).number)
    year = Certificate.objects.first().year
    assert numbers == [f"00001/SERT-INT/{year}", f"00002/SERT-INT/{year}", f"00003/SERT-INT/{year}"]


def test_unfinished_enrollment_gets_no_certificate(learner, make_course):
    course = make_course(lessons=2)
    lesson_complete(employee=learner.employee, lesson=course.test_lessons[0])
    with pytest.raises(CertificateRefused):
        certificate_issue(enrollment=Enrollment.objects.get(course=course))


def test_transfer_and_name_change_never_touch_an_issued_certificate(learner, make_course, complete, opd_b):
    enrollment = complete(learner.employee, make_course(lessons=1))
    certificate = Certificate.objects.get(enrollment=enrollment)
    before = certificate.pdf.read()
    employee = learner.employee
    employee.opd, employee.full_name, employee.position = opd_b, "Nama Baru", "Jabatan Baru"
    employee.save()
    certificate.refresh_from_db()
    assert certificate.opd_name == "Dinas A" and certificate.full_name != "Nama Baru"
    assert certificate.pdf.open("rb").read() == before


def test_html_and_remote_urls_in_fields_print_as_text_and_fetch_nothing(learner, make_course, complete, monkeypatch):
    import urllib.request

    def no_network(*args, **kwargs):
        raise AssertionError("the renderer tried to fetch a URL")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    employee = learner.employee
    employee.full_name = '<img src="http://203.0.113.9/x.png"> Budi'
    employee.position = '<img src="file:///etc/passwd">'
    employee.save()
    certificate = Certificate.objects.get(enrollment=complete(employee, make_course(lessons=1)))
    text = pdf_text(certificate.pdf.read())
    assert '<img src="http://203.0.113.9/x.png"> Budi' in text.replace("\n", " ")
    assert "file:///etc/passwd" in text


def test_settings_apply_to_new_certificates_only_and_missing_images_are_fine(opd_a, make_course, complete):
    from wagtail.images.models import Image

    course = make_course(lessons=1)
    first = EmployeeFactory(opd=opd_a)
    complete(first, course)
    settings_obj = CertificateSettings.load()
    settings_obj.signatory_name = "Drs. Penanda Tangan Baru"
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 20), "white").save(buffer, format="PNG")
    signature = Image.objects.create(title="hilang", file=ContentFile(buffer.getvalue(), name="ttd.png"))
    signature.file.storage.delete(signature.file.name)  # the file went missing from storage
    settings_obj.signature = signature
    settings_obj.save()
    second = EmployeeFactory(opd=opd_a)
    complete(second, course)
    old, new = Certificate.objects.get(employee=first), Certificate.objects.get(employee=second)
    assert "Drs. Penanda Tangan Baru" not in pdf_text(old.pdf.read())
    assert "Drs. Penanda Tangan Baru" in pdf_text(new.pdf.read())


# --- verification --------------------------------------------------------------------------------


def test_verification_page_shows_status_facts_masked_nip_and_hash(client, learner, make_course, complete):
    certificate = Certificate.objects.get(enrollment=complete(learner.employee, make_course(lessons=1)))
    response = client.get(f"/verifikasi/{certificate.code}/")
    body = response.content.decode()
    assert response.status_code == 200 and "VALID" in body
    assert certificate.sha256 in body and certificate.nip not in body
    assert f"{certificate.nip[:4]}**********{certificate.nip[-4:]}" in body
    assert response["X-Robots-Tag"].startswith("noindex")
    # the public page never serves the issued PDF (it carries the full NIP)
    assert client.get(f"/verifikasi/{certificate.code}/unduh/").status_code == 404
    assert "/unduh/" not in body


def test_a_verifier_checks_a_copy_by_sending_it_once_and_nothing_is_stored(client, learner, make_course, complete, settings):
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile

    def files():
        roots = (settings.MEDIA_ROOT, settings.PRIVATE_ROOT)
        return sorted(str(p) for root in roots for p in Path(root).rglob("*") if p.is_file())

    certificate = Certificate.objects.get(enrollment=complete(learner.employee, make_course(lessons=1)))
    content = certificate.pdf.open("rb").read()
    url = f"/verifikasi/{certificate.code}/"
    stored = files()

    same = client.post(url, {"berkas": SimpleUploadedFile("salinan.pdf", content, "application/pdf")}).content.decode()
    assert "Cocok." in same and certificate.sha256 in same
    changed = bytearray(content)
    changed[len(changed) // 2] ^= 0x01
    other = client.post(url, {"berkas": SimpleUploadedFile("salinan.pdf", bytes(changed), "application/pdf")}).content.decode()
    assert "Tidak cocok." in other
    assert "Pilih berkas PDF" in client.post(url, {}).content.decode()
    assert certificate.nip not in same + other
    assert Certificate.objects.count() == 1 and files() == stored  # read, never kept


@pytest.mark.parametrize("code", ["tidakada12345678", "abc.def", "x" * 40, "%3Cscript%3E"])
def test_unknown_or_malformed_codes_get_a_helpful_404(client, db, code):
    response = client.get(f"/verifikasi/{code}/")
    assert response.status_code == 404
    assert "Sertifikat tidak ditemukan" in response.content.decode()


def test_verify_form_redirects_and_explains_bad_input(client, db):
    assert client.get("/verifikasi/", {"kode": "ABCD EFGH-1234"}).url == "/verifikasi/abcdefgh1234/"
    assert "hanya berisi huruf dan angka" in client.get("/verifikasi/", {"kode": "<script>"}).content.decode()


def test_verification_is_rate_limited(client, db, settings):
    limit = int(settings.ACCOUNT_RATE_LIMITS["verify_certificate"].split("/")[0])
    statuses = [client.get("/verifikasi/tidakada12345678/").status_code for _ in range(limit + 2)]
    assert set(statuses[:limit]) == {404} and statuses[limit:] == [429, 429]


def test_revocation_and_reissue(client, learner, auditor, make_course, complete):
    enrollment = complete(learner.employee, make_course(lessons=1))
    certificate = Certificate.objects.get(enrollment=enrollment)
    with pytest.raises(CertificateRefused):
        certificate_revoke(certificate=certificate, reason="  ", acting_user=auditor)
    new = certificate_reissue(certificate=certificate, full_name="Nama Dibetulkan", reason="Salah ketik nama", acting_user=auditor)
    certificate.refresh_from_db()
    assert certificate.is_revoked and certificate.replaced_by == new and not certificate.is_current
    assert new.is_current and new.full_name == "Nama Dibetulkan" and new.number != certificate.number
    assert "Nama Dibetulkan" in pdf_text(new.pdf.read())
    body = client.get(f"/verifikasi/{certificate.code}/").content.decode()
    assert "DICABUT" in body and "Salah ketik nama" in body and new.number in body
    from wagtail.models import ModelLogEntry

    assert ModelLogEntry.objects.filter(action="integritas.certificate_reissue", user=auditor).exists()
    revoked = certificate_revoke(certificate=new, reason="Data kepegawaian tidak sah", acting_user=auditor)
    assert "DICABUT" in client.get(f"/verifikasi/{revoked.code}/").content.decode()
    assert ModelLogEntry.objects.filter(action="integritas.certificate_revoke", user=auditor).exists()


# --- learner's certificates --------------------------------------------------------------------------


def test_learner_lists_and_downloads_only_their_own(client, learner, opd_a, make_course, complete, auditor):
    course = make_course(lessons=1)
    mine = Certificate.objects.get(enrollment=complete(learner.employee, course))
    other = EmployeeFactory(opd=opd_a, user=UserFactory())
    theirs = Certificate.objects.get(enrollment=complete(other, course))
    client.force_login(learner)
    body = client.get("/sertifikat/").content.decode()
    assert mine.number in body and theirs.number not in body
    assert client.get(f"/sertifikat/{mine.pk}/unduh/").status_code == 200
    assert client.get(f"/sertifikat/{theirs.pk}/unduh/").status_code == 404
    assert client.get("/sertifikat/999999/unduh/").status_code == 404
    certificate_revoke(certificate=mine, reason="Uji", acting_user=auditor)
    response = client.get(f"/sertifikat/{mine.pk}/unduh/")
    assert response.status_code == 200 and "DICABUT" in response["Content-Disposition"]
    assert "Dicabut" in client.get("/sertifikat/").content.decode()


# --- registry, ZIP, scope ---------------------------------------------------------------------------


@pytest.fixture
def issued(opd_a, opd_b, make_course, complete):
    """Three certificates: two in OPD A (one course each), one in OPD B."""
    first, second = make_course(lessons=1, title="Gratifikasi"), make_course(lessons=1, title="Konflik")
    a1, a2, b1 = EmployeeFactory(opd=opd_a), EmployeeFactory(opd=opd_a), EmployeeFactory(opd=opd_b, full_name="=HYPERLINK(\"x\")")
    complete(a1, first)
    complete(a2, second)
    complete(b1, first)
    return Certificate.objects.order_by("sequence")


def _zip(response):
    import zipfile

    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_registry_zip_has_pdfs_by_opd_and_a_safe_manifest(client, auditor, issued):
    client.force_login(auditor)
    archive = _zip(client.get("/admin/sertifikat-zip/"))
    names = sorted(archive.namelist())
    assert len(names) == 4 and names[-1] == "manifest.csv"
    for certificate in issued:
        name = f"{certificate.opd_code}/{certificate.nip}_{certificate.course_slug}_{certificate.number.replace('/', '-')}.pdf"
        assert hashlib.sha256(archive.read(name)).hexdigest() == certificate.sha256
        assert archive.getinfo(name).compress_type == 0  # stored
    manifest = archive.read("manifest.csv").decode("utf-8-sig")
    assert manifest.splitlines()[0].startswith("nomor,kode,nip,nama")
    assert "'=HYPERLINK" in manifest and "/verifikasi/" in manifest


def test_registry_zip_follows_filters_and_coordinator_scope(client, coordinator_a, auditor, issued, opd_a):
    client.force_login(auditor)
    course = issued[0].course
    archive = _zip(client.get("/admin/sertifikat-zip/", {"course": course.pk}))
    assert len([n for n in archive.namelist() if n.endswith(".pdf")]) == 2
    client.force_login(coordinator_a)
    archive = _zip(client.get("/admin/sertifikat-zip/"))
    assert {n.split("/")[0] for n in archive.namelist() if n.endswith(".pdf")} == {"OPD-A"}
    body = client.get("/admin/sertifikat/").content.decode()
    assert issued[0].number in body and issued[2].number not in body
    assert client.get(f"/admin/sertifikat/inspect/{issued[2].pk}/").status_code == 404


def test_auditor_revokes_in_the_admin_and_observer_cannot(client, auditor, observer, issued):
    certificate = issued[0]
    client.force_login(observer)
    assert client.post(f"/admin/sertifikat-cabut/{certificate.pk}/", {"action": "revoke", "reason": "x"}).status_code == 302
    certificate.refresh_from_db()
    assert not certificate.is_revoked
    client.force_login(auditor)
    response = client.post(f"/admin/sertifikat-cabut/{certificate.pk}/", {"action": "reissue", "reason": "Salah nama", "full_name": ""})
    assert "Isi nama yang benar" in response.content.decode()
    response = client.post(f"/admin/sertifikat-cabut/{certificate.pk}/", {"action": "revoke", "reason": "Data tidak sah"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.is_revoked and certificate.revocation_reason == "Data tidak sah"


def test_long_names_still_fit_the_certificate_page_and_the_transkrip_follows(learner, make_course, complete):
    from pypdf import PdfReader

    employee = learner.employee
    employee.full_name = "Prof. Dr. Ir. Hj. Raden Ayu Siti Nurhaliza Kartika Dewi Anggraeni Puspitasari, S.H., M.H., M.Si."
    employee.position = "Kepala Subbagian Perencanaan, Evaluasi, Pelaporan dan Keuangan"
    employee.pangkat_golongan = "Pembina Utama Muda, IV/c"
    employee.save()
    CertificateSettings.objects.update_or_create(pk=CertificateSettings.load().pk, defaults={"signatory_name": "Dr. Penanda Tangan"})
    course = make_course(lessons=1, title="Whistleblowing, Perlindungan Pelapor, dan Laporan Harta Kekayaan Penyelenggara Negara")
    certificate = Certificate.objects.get(enrollment=complete(employee, course))
    content = certificate.pdf.read()
    if os.environ.get("INTEGRITAS_DUMP_PDF"):  # to look at it: pdftoppm -r 70 -png
        Path(os.environ["INTEGRITAS_DUMP_PDF"]).write_bytes(content)
    pages = PdfReader(io.BytesIO(content)).pages
    assert len(pages) == 2
    first, second = (" ".join(page.extract_text().split()) for page in pages)
    assert "Dr. Penanda Tangan" in first and "Halaman 1 dari 2" in first and "TRANSKRIP" not in first
    assert "TRANSKRIP PELATIHAN" in second and "Halaman 2 dari 2" in second


def test_registry_rows_link_to_the_detail_page_and_carry_the_row_actions(client, auditor, observer, issued):
    client.force_login(auditor)
    body = client.get("/admin/sertifikat/").content.decode()
    certificate = issued[0]
    assert f'href="/admin/sertifikat/inspect/{certificate.pk}/"' in body
    assert "Periksa" in body and "Halaman verifikasi" in body
    assert f"/admin/sertifikat-cabut/{certificate.pk}/" in body
    from django.utils import timezone
    from django.utils.formats import date_format

    assert date_format(timezone.localtime(certificate.issued_at), "j F Y") in body  # the site's date format

    client.force_login(observer)  # reads only: no revoke action
    body = client.get("/admin/sertifikat/").content.decode()
    assert f'href="/admin/sertifikat/inspect/{certificate.pk}/"' in body
    assert "/admin/sertifikat-cabut/" not in body


def test_registry_detail_prints_dashes_labels_and_wita_times(client, auditor, issued):
    from django.utils import timezone

    certificate = issued[0]
    client.force_login(auditor)
    html = client.get(f"/admin/sertifikat/inspect/{certificate.pk}/").content.decode()
    import re

    values = re.findall(r"<dd[^>]*>(.*?)</dd>", html, flags=re.S)
    assert values and not [v for v in values if v.strip() == "None"]
    assert "—" in values or any(v.strip() == "—" for v in values)
    assert "Replaced by" not in html and "Diganti oleh" in html
    issued_local = timezone.localtime(certificate.issued_at)
    assert f"{issued_local:%H:%M} WITA" in html


# what one issue costs in statements: lock the enrollment (without joining its course), look for
# a current certificate, the certificate and programme settings (each read once), the final and
# pre-test scores (one read), the number, the insert; the course comes from the live courses and
# its lessons from the course's structure, both kept per content version; no reference-index
# rows (they were 3 more statements, issue 17)
ISSUE_STATEMENTS = 7


def test_issuing_costs_a_fixed_number_of_statements_and_no_reference_index_rows(learner, make_course):
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from wagtail.models import ReferenceIndex

    course = make_course(lessons=3)
    for lesson in course.test_lessons:  # on-commit work does not run here: nothing is issued yet
        lesson_complete(employee=learner.employee, lesson=lesson)
    enrollment = Enrollment.objects.get(employee=learner.employee, course=course)
    assert not Certificate.objects.filter(enrollment=enrollment).exists()
    from core.models import ProgramSettings
    from courses.selectors import courses_with_audience

    CertificateSettings.load(), ProgramSettings.load()  # the settings rows exist on a running site
    courses_with_audience()  # and the live courses are kept in the process
    with CaptureQueriesContext(connection) as queries:
        certificate = certificate_issue(enrollment=enrollment)
    assert certificate.course_title == course.title and certificate.jp_hours == course.jp_hours
    statements = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert len(statements) == ISSUE_STATEMENTS, "\n".join(s[:100] for s in statements)
    assert not ReferenceIndex.objects.filter(base_content_type=ContentType.objects.get_for_model(Certificate)).exists()
    assert not ReferenceIndex.objects.filter(content_type=ContentType.objects.get_for_model(Certificate), object_id=str(certificate.pk)).exists()


def test_scores_are_the_best_passed_final_and_the_first_pretest(learner, make_course, make_quiz):
    """One read of the learner's attempts gives both scores printed on the certificate: the
    best final attempt that passed (a higher failed one does not count) and the first pre-test
    submitted (not the best, not the latest); another course's attempts count for nothing."""
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    from certificates.services import _scores
    from quizzes.models import Attempt, AttemptState, QuizKind

    course, other = make_course(lessons=1), make_course(lessons=1)
    employee = learner.employee
    now = timezone.now()
    rows = [
        (course, QuizKind.PRETEST, "55.00", None, 3), (course, QuizKind.PRETEST, "30.00", None, 5),
        (course, QuizKind.PRETEST, None, None, 6),  # started, never scored: not "submitted"
        (course, QuizKind.FINAL, "70.00", True, 2), (course, QuizKind.FINAL, "95.00", False, 1),
        (course, QuizKind.FINAL, "85.00", True, 1), (other, QuizKind.FINAL, "100.00", True, 1),
        (other, QuizKind.PRETEST, "99.00", None, 9),
    ]
    for number, (target, kind, score, passed, days_ago) in enumerate(rows, start=1):
        quiz = make_quiz(target, questions=1, kind=kind, active=False)
        Attempt.objects.create(
            quiz=quiz, employee=employee, number=number, state=AttemptState.SUBMITTED,
            finished_at=now - datetime.timedelta(days=days_ago), score=Decimal(score) if score else None, passed=passed,
        )
    enrollment = Enrollment.objects.get_or_create(employee=employee, course=course)[0]
    assert _scores(enrollment) == (Decimal("85.00"), Decimal("30.00"))


def test_a_course_withdrawn_after_completion_still_gets_its_certificate_with_its_facts(learner, make_course):
    """The course comes from the live courses kept per content version; a course unpublished
    after the learner completed it is read from the database instead."""
    course = make_course(lessons=1, title="Kursus Ditarik")
    lesson_complete(employee=learner.employee, lesson=course.test_lessons[0])
    enrollment = Enrollment.objects.get(employee=learner.employee, course=course)
    Certificate.objects.filter(enrollment=enrollment).delete()  # issued on commit in some setups: start clean
    course.unpublish()
    certificate = certificate_issue(enrollment=enrollment)
    assert (certificate.course_title, certificate.course_slug, certificate.jp_hours) == ("Kursus Ditarik", course.slug, course.jp_hours)
