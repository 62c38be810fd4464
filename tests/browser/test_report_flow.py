import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone
from playwright.sync_api import expect

from organizations.models import Role
from organizations.services import role_assign

from ..conftest import PASSWORD
from ..factories import EmployeeFactory, OpdFactory, UserFactory
from ..test_reports import _enrol
from .test_foundation_flows import _totp_code

pytestmark = pytest.mark.django_db(transaction=True)


def _staff_log_in(page, path: str, email: str, secret: str) -> None:
    """Open `path` on a desktop screen and log in through allauth with password and TOTP."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(path)
    page.get_by_label("Email atau NIP").fill(email)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.get_by_label(re.compile("Kode|Code", re.I)).fill(_totp_code(secret))
    page.get_by_role("button", name=re.compile("Masuk|Sign In|Lanjut", re.I)).click()
    # the TOTP step redirects to `path`: wait for it, so that callers never look at (or run
    # axe on) the login page on a slow machine
    page.wait_for_url(lambda url: "/akun/" not in url)
    page.wait_for_load_state()


def test_hr_filters_drills_down_and_the_xlsx_matches_the_page(page, make_course, tmp_path):
    from openpyxl import load_workbook

    dinkes = OpdFactory(code="DINKES", name="Dinas Kesehatan")
    OpdFactory(code="DISDIK", name="Dinas Pendidikan")
    course = make_course(lessons=1, title="Mengenal dan Menolak Gratifikasi")
    for state in ("completed", "completed", "in_progress", "none"):
        employee = EmployeeFactory(opd=dinkes)
        if state != "none":
            _enrol(employee, course, state=state, when=timezone.now())
    hr = UserFactory(email="hr@example.test")
    role_assign(user=hr, role=Role.HR, acting_user=None)
    secret = generate_totp_secret()
    TOTP.activate(hr, secret)

    _staff_log_in(page, "/admin/laporan/penyelesaian/", hr.email, secret)
    expect(page.get_by_role("heading", name="Laporan Penyelesaian Pelatihan")).to_be_visible()

    page.get_by_label("Kursus").select_option(label="Mengenal dan Menolak Gratifikasi")
    page.get_by_role("button", name="Terapkan").click()
    row = page.locator('tr[data-opd="DINKES"]')
    expect(row).to_be_visible()
    cells = [c.strip() for c in row.locator("td").all_inner_texts()]
    assert cells[1:5] == ["4", "3", "1", "2"]

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Unduh XLSX").click()
    path = tmp_path / "rekap.xlsx"
    download_info.value.save_as(path)
    sheet = load_workbook(path).active
    data = {r[0]: r for r in sheet.iter_rows(values_only=True) if r and r[0] in ("DINKES",)}
    assert data["DINKES"][2:6] == (4, 3, 1, 2)

    row.get_by_role("link", name="Dinas Kesehatan").click()
    expect(page.get_by_role("heading", name="Dinas Kesehatan")).to_be_visible()
    expect(page.locator("#peserta tbody tr")).to_have_count(4)
    page.get_by_role("link", name="Selesai", exact=True).click()
    expect(page).to_have_url(re.compile(r"status=completed"))
    expect(page.locator("#peserta tbody tr")).to_have_count(2)


@pytest.fixture
def signing_settings(settings, tmp_path_factory):
    from certificates.signing_demo import demo_signing_create

    keys = demo_signing_create(tmp_path_factory.mktemp("demo-signing-browser"))
    settings.SIGNING_PKCS12 = str(keys.pkcs12)
    settings.SIGNING_PASSPHRASE = keys.passphrase
    settings.SIGNING_TRUST_ROOTS = [str(keys.ca)]
    settings.SIGNING_REFUSE_DEMO = False
    return settings


def test_auditor_builds_the_evidence_pack_and_downloads_it(page, make_course, tmp_path, signing_settings):
    import csv
    import hashlib
    import io
    import zipfile

    from courses.services import lesson_complete

    dinkes = OpdFactory(code="DINKES", name="Dinas Kesehatan")
    disdik = OpdFactory(code="DISDIK", name="Dinas Pendidikan")
    course = make_course(lessons=1, title="Mengenal dan Menolak Gratifikasi")
    for opd in (dinkes, dinkes, disdik):
        lesson_complete(employee=EmployeeFactory(opd=opd), lesson=course.test_lessons[0])
    from certificates.models import Certificate
    from certificates.services import certificate_revoke

    revoked = certificate_revoke(certificate=Certificate.objects.filter(opd=dinkes).order_by("pk").first(),
                                 reason="Diterbitkan untuk pegawai yang salah.", acting_user=None)
    auditor = UserFactory(email="inspektorat@example.test")
    role_assign(user=auditor, role=Role.AUDITOR, acting_user=None)
    secret = generate_totp_secret()
    TOTP.activate(auditor, secret)

    _staff_log_in(page, "/admin/", auditor.email, secret)
    page.get_by_role("link", name="Paket bukti").click()
    expect(page.get_by_text("Anda belum pernah membuat paket bukti.")).to_be_visible()

    page.get_by_label("Dinas Kesehatan").check()
    page.get_by_label("Mengenal dan Menolak Gratifikasi").check()
    page.get_by_role("button", name="Buat paket bukti").click()
    expect(page.locator("#status-paket")).to_have_text("Siap diunduh", timeout=30_000)
    expect(page.locator("#tanda-tangan-paket")).to_have_text("Ringkasan ditandatangani secara elektronik.")
    page.screenshot(path=str(tmp_path / "paket-bukti.png"), full_page=True)
    shown = page.locator("dd code").first.inner_text().strip()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Unduh paket bukti (ZIP)").click()
    path = tmp_path / "paket.zip"
    download_info.value.save_as(path)
    content = path.read_bytes()
    assert hashlib.sha256(content).hexdigest() == shown
    archive = zipfile.ZipFile(io.BytesIO(content))
    manifest = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    assert len(manifest) == 2
    for row in manifest:
        folder = "sertifikat-dicabut/DINKES/" if row["nomor"] == revoked.number else "sertifikat/DINKES/"
        [name] = [n for n in archive.namelist() if row["nomor"].replace("/", "-") in n]
        assert name.startswith(folder) and row["berkas"] == name
        assert hashlib.sha256(archive.read(name)).hexdigest() == row["sha256"]

    # the observer's check: the real sha256sum over the extracted pack
    import subprocess

    folder = tmp_path / "paket"
    archive.extractall(folder)
    checked = subprocess.run(["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "00_ringkasan.pdf: OK" in checked.stdout and "sertifikat-dicabut/DINKES/" in checked.stdout
    assert (folder / "BACA-SAYA.txt").exists() and (folder / "belum-selesai.xlsx").exists()
    from pypdf import PdfReader

    summary = " ".join(" ".join(p.extract_text() for p in PdfReader(folder / "00_ringkasan.pdf").pages).split())
    assert "Diterbitkan untuk pegawai yang salah" in summary and "Halaman 1 dari" in summary

    # the signatures, checked with pyHanko against the demo CA: the summary and a certificate
    from certificates.signing import pdf_signature_check

    for signed in [folder / "00_ringkasan.pdf", next((folder / "sertifikat" / "DINKES").glob("*.pdf"))]:
        check = pdf_signature_check(signed.read_bytes())
        assert check["valid"] and "DEMO" in check["signer"], (signed, check)
    assert "telah ditandatangani secara elektronik" in summary
    page.get_by_role("link", name="Kembali ke daftar paket").click()
    expect(page.locator("#daftar-paket tbody tr")).to_have_count(1)
