import re

import pytest
from playwright.sync_api import expect

from certificates.models import Certificate
from organizations.models import Role
from organizations.services import role_assign

from ..conftest import PASSWORD
from ..factories import EmployeeFactory, OpdFactory, UserFactory
from ..test_certificates import qr_payloads

pytestmark = pytest.mark.django_db(transaction=True)


def _login(page, email):
    page.goto("/akun/login/")
    page.get_by_label("Email atau NIP").fill(email)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def test_certificate_from_completion_to_qr_verification_to_revocation(browser, live_server, make_course, settings, tmp_path):
    settings.SITE_BASE_URL = live_server.url  # the QR code points at this server
    settings.STAFF_MFA_REQUIRED = False  # the TOTP login is walked in test_foundation_flows
    opd = OpdFactory(code="DINKES", name="Dinas Kesehatan")
    learner = UserFactory(email="zul@example.test")
    EmployeeFactory(email=learner.email, opd=opd, user=learner, full_name="Zulkarnaén Noor")
    auditor = UserFactory(email="auditor@example.test")
    role_assign(user=auditor, role=Role.AUDITOR, acting_user=None)
    course = make_course(lessons=1, title="Mengenal dan Menolak Gratifikasi")

    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844}, accept_downloads=True)
    page = context.new_page()
    _login(page, learner.email)
    page.goto(course.test_lessons[0].url)
    page.get_by_role("button", name="Tandai selesai").click()
    expect(page.get_by_text("Selamat! Anda telah menyelesaikan kursus")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Unduh sertifikat (PDF)").click()
    pdf_path = tmp_path / "sertifikat.pdf"
    download_info.value.save_as(pdf_path)
    content = pdf_path.read_bytes()
    certificate = Certificate.objects.get()
    assert content[:5] == b"%PDF-"
    [verify_url] = qr_payloads(content)
    assert verify_url == f"{live_server.url}/verifikasi/{certificate.code}/"

    page.goto(verify_url)
    expect(page.get_by_text("Status: VALID")).to_be_visible()
    expect(page.get_by_text("Zulkarnaén Noor")).to_be_visible()
    expect(page.get_by_text(certificate.sha256)).to_be_visible()
    context.close()

    admin = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = admin.new_page()
    _login(page, auditor.email)
    page.goto("/admin/sertifikat/")
    expect(page.get_by_text(certificate.number)).to_be_visible()
    page.goto(f"/admin/sertifikat/inspect/{certificate.pk}/")
    page.get_by_role("link", name="Cabut atau terbitkan ulang").click()
    page.get_by_label("Cabut", exact=True).check()
    page.get_by_label("Alasan").fill("Diterbitkan untuk pegawai yang keliru")
    page.get_by_role("button", name="Lanjutkan").click()
    expect(page.get_by_text(re.compile(r"Sertifikat .* dicabut\."))).to_be_visible()

    page.goto(verify_url)
    expect(page.get_by_text("Status: DICABUT")).to_be_visible()
    expect(page.get_by_text("Diterbitkan untuk pegawai yang keliru")).to_be_visible()
    admin.close()
