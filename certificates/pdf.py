"""Rendering a certificate to PDF, once, at issue.

xhtml2pdf runs under a resource policy that forbids the network and confines file reads to
this app's `assets/` directory (the embedded font). Images (logo, signature, QR code) are
read by us from storage and embedded as data URIs, so the renderer never follows a path or
URL that came from data. Every text field goes through Django's autoescaping: a name with
HTML, a `file://` path or a remote image URL prints as text and fetches nothing.
"""

import base64
import io
import logging
from decimal import Decimal
from pathlib import Path

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

logger = logging.getLogger(__name__)
ASSETS = Path(__file__).resolve().parent / "assets"
MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"]


class CertificateRenderError(Exception):
    pass


def tanggal(value) -> str:
    """A date in Indonesian, whatever the active language: 28 November 2026."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def verification_url(code: str) -> str:
    return f"{settings.SITE_BASE_URL}{reverse('certificate_verify', args=[code])}"


def verification_form_url() -> str:
    return f"{settings.SITE_BASE_URL}{reverse('certificate_verify_form')}"


def qr_data_uri(url: str) -> str:
    buffer = io.BytesIO()
    # A fixed mask skips segno's evaluation of all eight (most of its time); any mask scans.
    segno.make(url, error="m", mask=2).save(buffer, kind="png", scale=6, border=2)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


_IMAGE_URIS: dict[tuple, str] = {}


def image_data_uri(image) -> str:
    """A Wagtail image embedded as a data URI, or "" when it is missing or unreadable. Kept
    in the process per image file (a replaced file has a new name): issuing a certificate
    does not look up the rendition and read the file again each time."""
    if image is None:
        return ""
    key = (image.pk, image.file.name)
    uri = _IMAGE_URIS.get(key)
    if uri is not None:
        return uri
    try:
        rendition = image.get_rendition("max-600x300|format-png")
        with rendition.file.open("rb") as handle:
            content = handle.read()
    except Exception:  # a missing or broken file must not stop a certificate being issued
        logger.warning("Certificate image %s could not be read; left out", image.pk, exc_info=True)
        return ""
    uri = "data:image/png;base64," + base64.b64encode(content).decode()
    if len(_IMAGE_URIS) >= 16:
        _IMAGE_URIS.clear()
    _IMAGE_URIS[key] = uri
    return uri


def link_callback(uri: str, rel: str) -> str:
    """Only the bundled fonts resolve, and the data URIs we embedded ourselves; anything else
    fetches nothing."""
    if uri.startswith("data:image/png;base64,"):
        return uri
    name = uri.removeprefix("assets/")
    try:
        candidate = (ASSETS / name).resolve()
        if candidate.is_file() and ASSETS in candidate.parents:
            return str(candidate)
    except (OSError, ValueError):
        pass
    return ""


def _policy():
    from xhtml2pdf.config.resources import ResourceAccessPolicy

    return ResourceAccessPolicy.server(base_dir=ASSETS, allow_remote=False)


def render_html_to_pdf(html: str) -> bytes:
    from xhtml2pdf import pisa

    output = io.BytesIO()
    result = pisa.CreatePDF(html, dest=output, link_callback=link_callback, encoding="utf-8", resource_policy=_policy())
    if result.err:
        raise CertificateRenderError(f"xhtml2pdf reported {result.err} error(s)")
    return output.getvalue()


def code_display(code: str) -> str:
    """The verification code as printed under the QR code: groups of four, easy to type."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def angka(value) -> str:
    """A score in Indonesian notation: 86,67; 90 stays 90."""
    if value is None:
        return ""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def certificate_html(*, certificate, logo_uri: str, signature_uri: str, signed: bool) -> str:
    """Both pages of a certificate, from its frozen facts only. `signed` prints the statement
    that the document is electronically signed: pass it only for a file that will be."""
    from django.utils import timezone

    started = timezone.localtime(certificate.started_at).date() if certificate.started_at else None
    completed = timezone.localtime(certificate.completed_at).date()
    period = tanggal(completed) if started is None or started >= completed else f"{tanggal(started)} s.d. {tanggal(completed)}"
    texts = certificate.issuer_lines or {}
    transcript = certificate.transcript or {}
    predicates = [(angka(Decimal(minimum)), label) for minimum, label in transcript.get("predicates", [])]
    return render_to_string(
        "certificates/pdf.html",
        {
            "c": certificate,
            "period": period,
            "completed": tanggal(completed),
            "issued": tanggal(timezone.localtime(certificate.issued_at).date()),
            "valid_until": tanggal(certificate.valid_until) if certificate.valid_until else "",
            "score": angka(certificate.score),
            "pretest": angka(certificate.pretest_score),
            "qr": qr_data_uri(verification_url(certificate.code)),
            "verify_url": verification_url(certificate.code),
            "verify_base": verification_form_url(),
            "code": code_display(certificate.code),
            "logo": logo_uri,
            "signature": signature_uri,
            "texts": texts,
            "lessons": transcript.get("lessons", []),
            "total_minutes": transcript.get("total_minutes", 0),
            "minutes_per_jp": transcript.get("minutes_per_jp"),
            "predicates": predicates,
            "signed": signed,
            "signature_issuer": texts.get("signature_issuer", ""),
        },
    )
