"""What the API (and the admin's download) says about a certificate.

Two shapes: the course-history record HR systems keep (course name, hours, start and end
dates, certificate number, organiser), and what the public verification page shows.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate, CertificateSettings


def verification_url(certificate: Certificate) -> str:
    return settings.SITE_BASE_URL + reverse("certificate_verify", args=[certificate.code])


def organiser_name() -> str:
    """The issuing institution as set in the certificate settings (Inspektorat)."""
    return CertificateSettings.load().issuer


def _date(value):
    return timezone.localtime(value).date() if value else None


def certificate_record(certificate: Certificate, *, organiser: str) -> dict:
    enrollment = certificate.enrollment
    started = enrollment.started_at or enrollment.enrolled_at
    return {
        "number": certificate.number,
        "code": certificate.code,
        "nip": certificate.nip or None,
        "full_name": certificate.full_name,
        "opd_code": certificate.opd_code,
        "opd_name": certificate.opd_name,
        "course_title": certificate.course_title,
        "course_slug": certificate.course_slug,
        "jp_hours": certificate.jp_hours,
        "start_date": _date(started),
        "end_date": _date(certificate.completed_at),
        "issued_at": certificate.issued_at,
        "valid_until": certificate.valid_until,
        "organiser": organiser,
        "verification_url": verification_url(certificate),
        "status": certificate.status,
        "is_current": certificate.is_current,
        "revoked_at": certificate.revoked_at,
    }


EXPORT_HEADER = [
    "NIP",
    "Nama",
    "OPD saat terbit",
    "Nama diklat/kursus",
    "JP",
    "Tanggal mulai",
    "Tanggal selesai",
    "Nomor sertifikat",
    "Penyelenggara",
    "URL verifikasi",
    "Status",
]


def certificate_export_row(record: dict) -> list:
    return [
        record["nip"] or "",
        record["full_name"],
        record["opd_name"],
        record["course_title"],
        record["jp_hours"],
        record["start_date"].isoformat() if record["start_date"] else "",
        record["end_date"].isoformat() if record["end_date"] else "",
        record["number"],
        record["organiser"],
        record["verification_url"],
        record["status"],
    ]


def certificate_verification(certificate: Certificate) -> dict:
    """The facts of the public page `/verifikasi/<code>/`, masked the same way."""
    replaced_by = certificate.replaced_by
    return {
        "code": certificate.code,
        "status": certificate.status,
        "status_label": str(certificate.get_status_display()),
        "number": certificate.number,
        "full_name": certificate.full_name,
        "nip_masked": certificate.masked_nip or None,
        "opd_name": certificate.opd_name,
        "course_title": certificate.course_title,
        "jp_hours": certificate.jp_hours,
        "score": float(certificate.score) if certificate.score is not None else None,
        "completed_at": _date(certificate.completed_at),
        "issued_at": _date(certificate.issued_at),
        "valid_until": certificate.valid_until,
        "revoked_at": _date(certificate.revoked_at),
        "revocation_reason": certificate.revocation_reason or None,
        "replaced_by_code": replaced_by.code if replaced_by else None,
        "sha256": certificate.sha256,
        "verification_url": verification_url(certificate),
        "signature": _signature(certificate),
    }


def _signature(certificate) -> dict:
    """The stored file's electronic signature, as the public verification page shows it."""
    from certificates.selectors import certificate_signature_state

    state = certificate_signature_state(certificate)
    return {
        "file_intact": bool(state["file"] and state["hash_matches"]),
        "signed": bool(state["signed"]),
        "valid": bool(state["valid"]),
        "signer": state.get("signer") or None,
        "signed_at": state.get("signed_at"),
        "problem": str(state.get("problem") or "") or None,
    }
