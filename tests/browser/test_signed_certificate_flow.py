"""A learner downloads an electronically signed certificate; the verification page, reached
by typing the printed code with spaces, shows the signature state; a tampered file shows as
not valid."""

import hashlib
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import expect

from certificates.models import Certificate
from certificates.signing import pdf_signature_check
from certificates.signing_demo import demo_signing_create

from ..factories import EmployeeFactory, OpdFactory, UserFactory
from .test_certificate_flow import _login

pytestmark = pytest.mark.django_db(transaction=True)


def test_learner_downloads_a_signed_certificate_and_verification_shows_the_signature(
    browser, live_server, make_course, settings, tmp_path
):
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    keys = demo_signing_create(tmp_path / "demo-signing")
    settings.SIGNING_PKCS12, settings.SIGNING_PASSPHRASE = str(keys.pkcs12), keys.passphrase
    settings.SIGNING_TRUST_ROOTS = [str(keys.ca)]
    settings.SITE_BASE_URL = live_server.url
    settings.STAFF_MFA_REQUIRED = False
    opd = OpdFactory(code="DINKES", name="Dinas Kesehatan")
    learner = UserFactory(email="siti@example.test")
    EmployeeFactory(email=learner.email, opd=opd, user=learner, full_name="Siti Rahmawati", pangkat_golongan="Penata, III/c")
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
    assert hashlib.sha256(content).hexdigest() == certificate.sha256

    # pyHanko's own validator, against the demo CA, on the downloaded file
    # (in a thread of its own: Playwright's event loop runs in this one, and pyHanko's sync API
    # starts a loop of its own)
    def validate():
        [embedded] = PdfFileReader(open(pdf_path, "rb")).embedded_signatures
        return validate_pdf_signature(embedded, ValidationContext(trust_roots=[load_cert_from_pemder(str(keys.ca))]))

    with ThreadPoolExecutor(max_workers=1) as executor:
        assert executor.submit(validate).result().bottom_line
    tampered = bytearray(content)
    tampered[len(tampered) // 2] ^= 0x01
    assert pdf_signature_check(bytes(tampered))["valid"] is False

    # typed as printed under the QR code: groups of four, with spaces around
    spaced = " ".join(certificate.code[i : i + 4] for i in range(0, 16, 4))
    page.goto("/verifikasi/")
    page.get_by_label("Kode verifikasi").fill(f"  {spaced.upper()}  ")
    page.get_by_role("button", name="Periksa").click()
    expect(page).to_have_url(f"{live_server.url}/verifikasi/{certificate.code}/")
    expect(page.get_by_text("Status: VALID")).to_be_visible()
    expect(page.get_by_text("Tanda tangan elektronik sah.")).to_be_visible()
    expect(page.get_by_text("DEMO Penanda Tangan Integritas")).to_be_visible()

    # the full URL pasted works too
    page.goto("/verifikasi/")
    page.get_by_label("Kode verifikasi").fill(f" {live_server.url}/verifikasi/{certificate.code}/ ")
    page.get_by_role("button", name="Periksa").click()
    expect(page.get_by_text("Tanda tangan elektronik sah.")).to_be_visible()

    # the stored file altered behind our back: the page says the signature no longer holds
    with open(certificate.pdf.path, "wb") as handle:
        handle.write(bytes(tampered))
    from django.core.cache import cache

    cache.clear()
    page.goto(f"/verifikasi/{certificate.code}/")
    expect(page.get_by_text("Tanda tangan elektronik TIDAK sah.")).to_be_visible()
    context.close()
