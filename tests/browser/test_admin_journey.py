"""Issue 13: HR walks the admin pages our code adds; every one passes axe-core at 360 px and
1280 px, and none scrolls the whole page sideways on a phone (tables scroll in their box)."""

import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone
from playwright.sync_api import expect

from organizations.models import EmploymentType, Role
from organizations.services import role_assign

from ..factories import EmployeeFactory, OpdFactory, UserFactory
from ..test_reports import _enrol
from .a11y import check_page
from .test_report_flow import _staff_log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_hr_walks_reports_and_assignment_on_a_phone_and_a_desktop(page, make_course):
    dinsos = OpdFactory(code="SETDA-BAG-KERJASAMA-AGRARIA", name="Bagian Kerja Sama dan Agraria Sekretariat Daerah")
    course = make_course(lessons=2, title="Pengaduan Pelanggaran (Whistleblowing) dan LHKPN")
    other = make_course(lessons=1, title="Konflik Kepentingan")
    people = [EmployeeFactory(opd=dinsos, full_name=f"Pegawai Uji {i}") for i in range(6)]
    EmployeeFactory(opd=dinsos, employment_type=EmploymentType.NON_ASN, nip=None, full_name="Honorer Uji")
    for person in people[:3]:
        _enrol(person, other, state="completed", when=timezone.now())
    _enrol(people[0], course, state="in_progress", when=timezone.now())
    hr = UserFactory(email="hr@example.test")
    role_assign(user=hr, role=Role.HR, acting_user=None)
    secret = generate_totp_secret()
    TOTP.activate(hr, secret)

    _staff_log_in(page, "/admin/laporan/penyelesaian/", hr.email, secret)
    expect(page.get_by_role("heading", name="Laporan Penyelesaian Pelatihan")).to_be_visible()
    check_page(page, "laporan penyelesaian")
    page.locator('tr[data-opd="SETDA-BAG-KERJASAMA-AGRARIA"]').get_by_role("link").first.click()
    expect(page.locator("#peserta tbody tr")).to_have_count(7)
    check_page(page, "rincian OPD")

    # the assignment preview counts each employee once, and says what the result will be
    page.goto("/admin/tugaskan-kursus/")
    page.get_by_label("Kursus").select_option(label=course.title)
    page.get_by_label(dinsos.name).check()
    page.get_by_role("button", name=re.compile("Pratinjau|Lihat")).click()
    expect(page.get_by_text("6 pegawai akan didaftarkan. Lanjutkan?")).to_be_visible()
    check_page(page, "tugaskan kursus")

    for path, label in (
        ("/admin/laporan/jp/", "buku JP"),
        ("/admin/laporan/peningkatan/", "peningkatan"),
        ("/admin/laporan/rekap-beku/", "rekap beku"),
        ("/admin/laporan/pengingat/", "log pengingat"),
        ("/admin/impor-pegawai/", "impor pegawai"),
        ("/admin/pegawai/", "pegawai"),
        ("/admin/opd/", "OPD"),
    ):
        page.goto(path)
        check_page(page, label)


def _staff(role, email):
    user = UserFactory(email=email)
    role_assign(user=user, role=role, acting_user=None)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, secret


def test_auditor_editor_and_hr_pages_pass_axe_at_both_widths(page, make_course, make_quiz, django_capture_on_commit_callbacks):
    """The registry, its detail and revoke pages, the evidence packs, the pending work; the
    question bank pages, JP basis and course import; API clients and staff roles."""
    from certificates.models import Certificate
    from courses.services import lesson_complete

    opd = OpdFactory(code="SETDA-BAG-KERJASAMA-AGRARIA", name="Bagian Kerja Sama dan Agraria Sekretariat Daerah")
    course = make_course(lessons=1, title="Mengenal dan Menolak Gratifikasi")
    quiz = make_quiz(make_course(lessons=1, title="Konflik Kepentingan"), questions=4)
    learner = EmployeeFactory(opd=opd, full_name="Rahmah Fitriani Nur Azizah")
    with django_capture_on_commit_callbacks(execute=True):
        lesson_complete(employee=learner, lesson=course.test_lessons[0])
    certificate = Certificate.objects.get()

    auditor, secret = _staff(Role.AUDITOR, "auditor@example.test")
    _staff_log_in(page, "/admin/sertifikat/", auditor.email, secret)
    expect(page.get_by_role("link", name=certificate.number)).to_be_visible()
    check_page(page, "registri sertifikat")
    page.get_by_role("link", name=certificate.number).click()
    expect(page.get_by_text("Diganti oleh")).to_be_visible()
    check_page(page, "rincian sertifikat")
    for path, label in (
        (f"/admin/sertifikat-cabut/{certificate.pk}/", "cabut sertifikat"),
        ("/admin/laporan/paket-bukti/", "paket bukti"),
        ("/admin/operasional/tertunda/", "pekerjaan tertunda"),
    ):
        page.goto(path)
        check_page(page, label)
    page.context.clear_cookies()

    editor, secret = _staff(Role.EDITOR, "editor@example.test")
    _staff_log_in(page, "/admin/impor-soal/", editor.email, secret)
    check_page(page, "impor soal")
    for path, label in (
        ("/admin/mutu-soal/", "mutu soal"),
        (f"/admin/mutu-soal/?quiz={quiz.pk}", "mutu soal per kuis"),
        ("/admin/dasar-jp/", "dasar JP"),
        ("/admin/impor-kursus/", "impor kursus"),
        (f"/admin/analisis-kuis/{quiz.pk}/", "analisis kuis"),
    ):
        page.goto(path)
        check_page(page, label)
    page.context.clear_cookies()

    hr, secret = _staff(Role.HR, "hr2@example.test")
    _staff_log_in(page, "/admin/klien-api/", hr.email, secret)
    check_page(page, "klien API")
    for path, label in (("/admin/klien-api/new/", "klien API baru"), ("/admin/peran-staf/", "peran staf"), ("/admin/riwayat-diklat/", "riwayat diklat")):
        page.goto(path)
        check_page(page, label)


def test_hr_follows_a_large_roster_file_read_and_applied_in_the_background(page, settings, monkeypatch, tmp_path):
    """Issue 14 item 5: a large roster is read and applied by a task; the page that HR looks
    at follows it by itself and ends on the result and the next step."""
    from organizations import services
    from organizations.models import Employee

    from ..factories import make_nip

    OpdFactory(code="DINKES", name="Dinas Kesehatan")
    settings.ROSTER_SYNC_MAX_BYTES = 500
    queued = []
    monkeypatch.setattr(services, "_roster_task_on_commit", queued.append)  # the worker, by hand
    lines = ["nip,nama,email,opd_kode,jabatan,jenis_pegawai"] + [
        f"{make_nip(sequence=i)},Pegawai Besar {i},besar{i}@example.test,DINKES,Staf,PNS" for i in range(1, 31)
    ]
    upload = tmp_path / "pegawai-besar.csv"
    upload.write_text("\n".join(lines) + "\n", encoding="utf-8")
    hr, secret = _staff(Role.HR, "hr-besar@example.test")

    _staff_log_in(page, "/admin/impor-pegawai/", hr.email, secret)
    page.locator('input[type="file"]').set_input_files(str(upload))
    page.get_by_role("button", name="Unggah dan pratinjau").click()
    expect(page.get_by_text("pembacaannya sudah diantrekan")).to_be_visible()
    check_page(page, "impor besar: menunggu")

    services.roster_import_work(queued.pop())
    # the page refreshes itself (Refresh: 3) into the preview
    expect(page.get_by_role("button", name="Konfirmasi impor")).to_be_visible(timeout=10_000)
    expect(page.get_by_text("Konfirmasi akan menambah 30 pegawai")).to_be_visible()
    page.get_by_role("button", name="Konfirmasi impor").click()
    expect(page.get_by_text("Sedang menerapkan 30 baris")).to_be_visible()
    check_page(page, "impor besar: diterapkan")

    services.roster_import_work(queued.pop())
    expect(page.get_by_text("sudah diterapkan")).to_be_visible(timeout=10_000)
    assert Employee.objects.filter(full_name__startswith="Pegawai Besar").count() == 30
    page.get_by_role("link", name="Lihat data pegawai").click()
    expect(page).to_have_url(re.compile(r"/admin/pegawai/"))
