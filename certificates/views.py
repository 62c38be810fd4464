"""The learner's certificates and the public verification pages."""

from allauth.core.internal import ratelimit as ratelimit_impl
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.files import private_file_response
from courses.models import Enrollment, EnrollmentStatus
from courses.selectors import access_live_course
from organizations.selectors import employee_for_user

from .models import Certificate
from .selectors import (
    access_own_certificate,
    certificate_by_code,
    certificate_signature_state,
    certificates_of,
    verification_code_normalize,
)

NOINDEX = "noindex, nofollow, noarchive"


def course_section(*, request, course, enrollment) -> str:
    """The certificate box on a completed course's page (registered with courses.extensions)."""
    if enrollment is None or enrollment.status != EnrollmentStatus.COMPLETED:
        return ""
    certificate = Certificate.objects.filter(enrollment=enrollment, is_current=True).first()
    return render_to_string("certificates/includes/course_section.html", {"certificate": certificate}, request=request)


def completion_step(*, course, enrollment) -> str:
    """After the last step of a course: its completion page (courses.extensions.next_step_register)."""
    return reverse("course_completed", args=[course.pk]) if enrollment.is_completed else ""


CERTIFICATE_PENDING_REFRESH_SECONDS = 5


@login_required
@require_safe
def course_completed(request, course_id: int):
    """"Kursus selesai": the learner's next step after passing, with the certificate as soon as
    it is issued ("sedang diterbitkan" until then; the page refreshes itself, no JavaScript)."""
    course = access_live_course(course_id)
    employee = employee_for_user(request.user)
    enrollment = Enrollment.objects.filter(employee=employee, course=course).first() if employee else None
    if enrollment is None or not enrollment.is_completed:
        return redirect(course.url)
    certificate = Certificate.objects.filter(enrollment=enrollment, is_current=True).first()
    response = TemplateResponse(
        request,
        "certificates/course_completed.html",
        {"course": course, "enrollment": enrollment, "certificate": certificate,
         "refresh_seconds": None if certificate else CERTIFICATE_PENDING_REFRESH_SECONDS},
    )
    if certificate is None:
        response["Refresh"] = str(CERTIFICATE_PENDING_REFRESH_SECONDS)
    return response


def _file_response(certificate: Certificate, *, suffix: str = ""):
    filename = certificate.number.replace("/", "-") + suffix + ".pdf"
    response = private_file_response(certificate.pdf, filename=filename, content_type="application/pdf")
    response["X-Robots-Tag"] = NOINDEX
    return response


@login_required
@require_safe
def my_certificates(request):
    employee = employee_for_user(request.user)
    certificates = list(certificates_of(request.user).order_by("-issued_at")) if employee else []
    pending = []
    if employee is not None:
        certified = {c.enrollment_id for c in certificates}
        pending = list(
            Enrollment.objects.filter(employee=employee, status=EnrollmentStatus.COMPLETED)
            .exclude(pk__in=certified)
            .select_related("course")
        )
    return TemplateResponse(
        request, "certificates/my_certificates.html", {"certificates": certificates, "pending": pending, "employee": employee}
    )


@login_required
@require_safe
def my_certificate_download(request, pk: int):
    certificate = access_own_certificate(request.user, pk)
    return _file_response(certificate, suffix="-DICABUT" if certificate.is_revoked else "")


def _rate_limited(request) -> bool:
    # allauth's limiter, configured in ACCOUNT_RATE_LIMITS like ours for activation; its public
    # `consume` skips GET requests, and verification is all GETs (a scanned QR code).
    return not ratelimit_impl.consume(
        request=request, app="allauth.account", action="verify_certificate", limit_get=True
    )


@require_safe
def verify_form(request):
    raw = request.GET.get("kode", "")
    code = verification_code_normalize(raw)
    error = ""
    if code:
        if code.isalnum() and len(code) <= 32:
            return redirect("certificate_verify", code=code)
        error = _("Kode verifikasi hanya berisi huruf dan angka, seperti yang tercetak di bawah kode QR.")
    response = TemplateResponse(request, "certificates/verify_form.html", {"error": error, "code": raw.strip()})
    response["X-Robots-Tag"] = NOINDEX
    return response


VERIFY_UPLOAD_MAX_BYTES = 10 * 1024 * 1024


@require_http_methods(["GET", "HEAD", "POST"])
def verify(request, code: str):
    """The public verification page. It never serves the issued PDF (that carries the full
    NIP): whoever holds a copy checks it here, by its SHA-256 computed in the browser (the file
    never leaves the device) or, without JavaScript, by sending it once (read, never stored)."""
    if _rate_limited(request):
        return TemplateResponse(request, "certificates/verify_limited.html", status=429)
    try:
        certificate = certificate_by_code(code)
    except Http404:
        response = TemplateResponse(request, "certificates/verify_unknown.html", {"code": code}, status=404)
    else:
        context = {"c": certificate, "signature": certificate_signature_state(certificate)}
        if request.method == "POST":
            context["file_check"] = _uploaded_copy_check(request, certificate)
        response = TemplateResponse(request, "certificates/verify.html", context)
    response["X-Robots-Tag"] = NOINDEX
    return response


def _uploaded_copy_check(request, certificate) -> dict:
    """Compare a copy sent by a verifier with the issued file's SHA-256, in memory."""
    import hashlib

    upload = request.FILES.get("berkas")
    if upload is None:
        return {"error": _("Pilih berkas PDF sertifikat yang ingin Anda periksa.")}
    if upload.size > VERIFY_UPLOAD_MAX_BYTES:
        return {"error": _("Berkas lebih besar dari 10 MB; itu bukan sertifikat yang diterbitkan Integritas.")}
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    sha256 = digest.hexdigest()
    return {"matches": sha256 == certificate.sha256, "sha256": sha256, "name": upload.name[:120]}
