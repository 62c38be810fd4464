"""PAdES signatures with pyHanko: signing, validating against the demo CA, tampering, bad keys."""

import datetime
import io
from concurrent.futures import ThreadPoolExecutor

import pytest

from certificates.signing import SigningError, SigningUnavailable, pdf_signature_check, sign_pdf, signer_status
from certificates.signing_demo import demo_signing_create


def plain_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, "Sertifikat uji")
    page.showPage()
    page.save()
    return buffer.getvalue()


@pytest.fixture(scope="session")
def demo_keys(tmp_path_factory):
    return demo_signing_create(tmp_path_factory.mktemp("demo-signing"))


@pytest.fixture
def signing_settings(settings, demo_keys):
    settings.SIGNING_PKCS12 = str(demo_keys.pkcs12)
    settings.SIGNING_PASSPHRASE = demo_keys.passphrase
    settings.SIGNING_TRUST_ROOTS = [str(demo_keys.ca)]
    settings.SIGNING_REFUSE_DEMO = False
    return settings


def test_signed_pdf_validates_against_the_demo_ca_with_pyhanko(signing_settings, demo_keys):
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    signed = sign_pdf(plain_pdf(), reason="Uji", field_name="SertifikatIntegritas")
    reader = PdfFileReader(io.BytesIO(signed))
    [embedded] = reader.embedded_signatures
    context = ValidationContext(trust_roots=[load_cert_from_pemder(demo_keys.ca)])
    # pyHanko's sync validator runs its own event loop: keep it off the thread where the
    # browser tests' Playwright loop may still be running in this test process
    with ThreadPoolExecutor(max_workers=1) as executor:
        status = executor.submit(validate_pdf_signature, embedded, context).result()
    assert status.bottom_line and status.intact and status.valid and status.trusted
    assert embedded.field_name == "SertifikatIntegritas"
    assert "DEMO Penanda Tangan" in status.signing_cert.subject.human_friendly

    check = pdf_signature_check(signed)
    assert check["valid"] and check["intact"] and check["trusted"] and check["signed"]
    assert "DEMO Penanda Tangan" in check["signer"]
    assert abs(check["signed_at"] - datetime.datetime.now(datetime.UTC)) < datetime.timedelta(minutes=5)
    assert check["problem"] == ""


def test_flipping_one_byte_of_the_signed_content_breaks_the_signature(signing_settings):
    original = plain_pdf()
    signed = bytearray(sign_pdf(original, reason="Uji"))
    position = original.index(b"Sertifikat uji") if b"Sertifikat uji" in original else len(original) // 2
    signed[position] ^= 0x01
    check = pdf_signature_check(bytes(signed))
    assert check["valid"] is False
    assert check["problem"]


def test_flipping_any_byte_in_the_first_revision_never_validates(signing_settings):
    original = plain_pdf()
    signed = sign_pdf(original, reason="Uji")
    for position in range(0, len(original), max(1, len(original) // 17)):
        tampered = bytearray(signed)
        tampered[position] = (tampered[position] + 1) % 256
        assert pdf_signature_check(bytes(tampered))["valid"] is False, position


def test_untrusted_roots_are_reported(signing_settings, tmp_path):
    signed = sign_pdf(plain_pdf(), reason="Uji")
    other = demo_signing_create(tmp_path / "other")
    signing_settings.SIGNING_TRUST_ROOTS = [str(other.ca)]
    check = pdf_signature_check(signed)
    assert check["intact"] is True and check["trusted"] is False and check["valid"] is False
    assert "otoritas yang dipercaya" in check["problem"]


def test_an_unsigned_pdf_is_reported_as_unsigned(signing_settings):
    check = pdf_signature_check(plain_pdf())
    assert check["signed"] is False and check["valid"] is False
    assert "tidak bertanda tangan" in check["problem"]


def test_garbage_is_not_a_valid_signature(signing_settings):
    assert pdf_signature_check(b"bukan pdf")["valid"] is False


def test_without_a_key_signing_is_unavailable_and_the_status_says_so(settings):
    settings.SIGNING_PKCS12 = ""
    with pytest.raises(SigningUnavailable):
        sign_pdf(plain_pdf(), reason="Uji")
    status = signer_status()
    assert not status.configured and not status.ok
    assert "belum diatur" in status.problem


def test_missing_pkcs12_file_is_a_clear_error(signing_settings, tmp_path):
    signing_settings.SIGNING_PKCS12 = str(tmp_path / "tidak-ada.p12")
    with pytest.raises(SigningError, match="tidak ditemukan"):
        sign_pdf(plain_pdf(), reason="Uji")
    status = signer_status()
    assert status.configured and not status.ok and "tidak ditemukan" in status.problem


def test_wrong_passphrase_is_a_clear_error(signing_settings):
    signing_settings.SIGNING_PASSPHRASE = "salah"
    with pytest.raises(SigningError, match="kata sandinya salah"):
        sign_pdf(plain_pdf(), reason="Uji")
    assert "kata sandinya salah" in signer_status().problem


def test_a_file_that_is_not_pkcs12_is_a_clear_error(signing_settings, tmp_path):
    bogus = tmp_path / "bogus.p12"
    bogus.write_bytes(b"bukan pkcs12")
    signing_settings.SIGNING_PKCS12 = str(bogus)
    with pytest.raises(SigningError, match="tidak dapat dibuka"):
        sign_pdf(plain_pdf(), reason="Uji")


def test_expired_signer_certificate_is_refused(signing_settings, tmp_path):
    expired = demo_signing_create(
        tmp_path / "expired", signer_days=30,
        signer_not_before=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=60),
    )
    signing_settings.SIGNING_PKCS12 = str(expired.pkcs12)
    signing_settings.SIGNING_PASSPHRASE = expired.passphrase
    with pytest.raises(SigningError, match="kedaluwarsa"):
        sign_pdf(plain_pdf(), reason="Uji")
    status = signer_status()
    assert not status.ok and "kedaluwarsa" in status.problem and "DEMO" in status.subject


def test_signer_status_reports_subject_expiry_and_demo(signing_settings):
    status = signer_status()
    assert status.ok and status.configured and status.is_demo
    assert "DEMO Penanda Tangan" in status.subject and "DEMO CA" in status.issuer
    assert status.not_after > datetime.datetime.now(datetime.UTC)


def test_demo_keys_are_refused_when_the_site_refuses_demo_keys(signing_settings):
    signing_settings.SIGNING_REFUSE_DEMO = True
    with pytest.raises(SigningError, match="DEMO"):
        sign_pdf(plain_pdf(), reason="Uji")


def test_a_pdf_pyhanko_cannot_read_is_a_signing_error(signing_settings):
    with pytest.raises(SigningError):
        sign_pdf(b"%PDF-1.4 rusak", reason="Uji")


def test_signing_works_inside_a_running_event_loop(signing_settings):
    import asyncio

    async def inside():
        signed = sign_pdf(plain_pdf(), reason="Uji")
        return pdf_signature_check(signed)

    # a fresh thread with its own loop, as under a server or Playwright's sync API (which may
    # already run a loop on this test process's main thread)
    with ThreadPoolExecutor(max_workers=1) as executor:
        assert executor.submit(asyncio.run, inside()).result()["valid"] is True


def test_pkcs12_is_demo_recognises_the_demo_key(demo_keys):
    from certificates.signing_demo import pkcs12_is_demo

    assert pkcs12_is_demo(demo_keys.pkcs12, demo_keys.passphrase) is True


def test_a_production_start_with_a_demo_key_fails(demo_keys, tmp_path):
    import os
    import subprocess
    import sys

    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "elearning.settings.production", "DJANGO_SECRET_KEY": "k9Qz-" + "Ab3xR7pLm2Vw8Ny4Ts6Uj1Hc5Fe0Gd9KoPqZrWsXtYuBvCiDhEf",
        "DJANGO_DEBUG": "0", "INTEGRITAS_STAFF_MFA_REQUIRED": "1",
        "INTEGRITAS_SIGNING_PKCS12": str(demo_keys.pkcs12), "INTEGRITAS_SIGNING_PASSPHRASE": demo_keys.passphrase,
    }
    code = "import django; django.setup()"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "DEMO" in result.stderr
    env["INTEGRITAS_SIGNING_PKCS12"] = ""
    assert subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60).returncode == 0
