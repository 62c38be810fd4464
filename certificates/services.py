"""Issuing, revoking and re-issuing certificates."""

import base64
import datetime
import hashlib
import secrets

from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from courses.models import CoursePage, Enrollment, EnrollmentStatus

from .models import DEFAULT_NUMBER_PATTERN, Certificate, CertificateSequence, CertificateSettings, predicate_for
from .pdf import certificate_html, image_data_uri, render_html_to_pdf
from .signing import SigningError, SigningUnavailable, sign_pdf

SIGNATURE_FIELD = "TandaTanganSertifikat"


class CertificateRefused(Exception):
    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def verification_code() -> str:
    """80 random bits, 16 lowercase base32 characters: short, URL-safe, unambiguous to type."""
    return base64.b32encode(secrets.token_bytes(10)).decode().lower()


def _take_number(year: int, pattern: str) -> tuple[int, str]:
    """The next number of `year` in one statement: an upsert that increments and returns the
    counter. The row lock it takes lasts until commit, so numbers have no gaps and no
    duplicates (PostgreSQL, and SQLite 3.35+, both support ON CONFLICT ... RETURNING)."""
    table = connection.ops.quote_name(CertificateSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (year, last) VALUES (%s, 1) "
            f"ON CONFLICT (year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [year],
        )
        last = cursor.fetchone()[0]
    try:
        number = pattern.format(seq=last, year=year)
    except (KeyError, IndexError, ValueError):
        number = DEFAULT_NUMBER_PATTERN.format(seq=last, year=year)
    return last, number


def _scores(enrollment) -> tuple:
    """(best passed final quiz score, score of the first submitted pre-test: what the learner
    knew before the course), from one read of the learner's few attempts in the course."""
    from quizzes.models import Attempt, QuizKind

    attempts = (
        Attempt.objects.filter(employee_id=enrollment.employee_id, quiz__course_id=enrollment.course_id)
        .filter(Q(quiz__kind=QuizKind.FINAL, passed=True) | Q(quiz__kind=QuizKind.PRETEST, score__isnull=False))
        .order_by("finished_at", "pk")
        .values_list("quiz__kind", "score")
    )
    final = pretest = None
    for kind, score in attempts:
        if kind == QuizKind.FINAL:
            final = score if final is None or (score is not None and score > final) else final
        elif pretest is None:
            pretest = score
    return final, pretest


def _lessons(course) -> list[dict]:
    """The course's published lessons, from its structure kept per content version (no query
    once the course has been served)."""
    from courses.selectors import course_structure

    structure = course_structure(course.path)
    if structure is not None:
        rows = [(lesson.title, lesson.estimated_minutes) for lesson in structure.lessons]
    else:  # the course is no longer published (a certificate issued again, say): read them
        from courses.models import LessonPage

        rows = LessonPage.objects.child_of(course).live().order_by("path").values_list("title", "estimated_minutes")
    return [{"title": title, "minutes": minutes or 0} for title, minutes in rows]


def _minutes_per_jp(program) -> int | None:
    """BKPSDM's JP setting, printed on the transkrip beside the minutes; a demo value only on
    the demo site."""
    if not program.minutes_per_jp or (program.minutes_per_jp_is_demo and not program.demo_site):
        return None
    return program.minutes_per_jp


def _signatory(settings_obj, program) -> tuple[str, str]:
    """The signatory's name and NIP. The demo's fictional signatory (marked "(demo)") is printed
    only while the site runs the demo; elsewhere the block keeps the title and leaves the
    name blank rather than put a fictional person on an official document."""
    name, nip = settings_obj.signatory_name, settings_obj.signatory_nip
    if "(demo)" in name.lower() and not program.demo_site:
        return "", ""
    return name, nip


def _valid_until(course, completed_at):
    months = course.certificate_validity_months
    if not months:
        return None
    day = timezone.localtime(completed_at).date()
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):  # 31 January + 1 month is 28/29 February
        try:
            return datetime.date(year, month, candidate)
        except ValueError:
            continue
    return None


def certificate_issue(*, enrollment: Enrollment, full_name: str | None = None, acting_user=None) -> Certificate:
    """The certificate of a completed enrollment: issued (numbered, frozen, rendered and
    hashed) the first time, returned as it is every later time. Safe to call from a retried
    or duplicated task and from concurrent requests: the enrollment row is locked."""
    with transaction.atomic():
        enrollment = (
            Enrollment.objects.select_for_update(of=("self",))
            .select_related("employee__opd", "completed_opd")
            .get(pk=enrollment.pk)
        )
        # read after the lock, in a statement of its own: it sees a certificate that a
        # concurrent issue committed while this one waited for the row
        existing = Certificate.objects.filter(enrollment=enrollment, is_current=True).first()
        if existing is not None:
            return existing
        if enrollment.status != EnrollmentStatus.COMPLETED:
            raise CertificateRefused(_("Kursus belum selesai; sertifikat belum dapat diterbitkan."), "not_completed")
        enrollment.course = _published_course(enrollment.course_id)
        certificate = _build(enrollment, full_name=full_name)
    transaction.on_commit(lambda: _notify(certificate))
    return certificate


def _published_course(course_id: int) -> CoursePage:
    """The course as published, from the live courses kept in the process per content version
    (no join through wagtailcore_page under the row lock: 2-3 ms per certificate); read from
    the database when the course is not live (a certificate issued again after it closed)."""
    from courses.selectors import courses_with_audience

    course = next((c for c in courses_with_audience() if c.pk == course_id), None)
    return course if course is not None else CoursePage.objects.get(pk=course_id)


def _build(enrollment, *, full_name=None) -> Certificate:
    """Number, freeze, render, sign and store one certificate. Raises SigningError (the key is
    configured but unusable) or CertificateRenderError before anything is stored: the caller's
    transaction rolls back, the number is not used, and the task tries again later."""
    settings_obj = CertificateSettings.load()
    employee, course = enrollment.employee, enrollment.course
    opd = enrollment.completed_opd or employee.opd
    now = timezone.now()
    year = timezone.localtime(now).year
    levels = settings_obj.predicate_levels
    from core.models import ProgramSettings

    program = ProgramSettings.load()
    score, pretest = _scores(enrollment)
    lessons = _lessons(course)
    signatory = _signatory(settings_obj, program)
    sequence, number = _take_number(year, settings_obj.number_pattern)
    certificate = Certificate(
        enrollment=enrollment, employee=employee, course=course, number=number, year=year, sequence=sequence,
        code=verification_code(), full_name=full_name or employee.full_name, nip=employee.nip or "",
        opd=opd, opd_code=opd.code, opd_name=opd.name, position=employee.position,
        pangkat_golongan=employee.pangkat_golongan,
        course_title=course.title, course_slug=course.slug, jp_hours=course.jp_hours, score=score,
        pretest_score=pretest, predicate=predicate_for(score, levels),
        started_at=enrollment.started_at or enrollment.enrolled_at,
        completed_at=enrollment.completed_at, organiser=settings_obj.organiser,
        issuer_lines={
            "government": settings_obj.issuer, "unit": settings_obj.issuing_unit, "address": settings_obj.address,
            "city": settings_obj.city, "title": settings_obj.title, "statement": settings_obj.statement,
        },
        transcript={
            "lessons": lessons, "total_minutes": sum(row["minutes"] for row in lessons),
            "minutes_per_jp": _minutes_per_jp(program),
            "predicates": [[str(minimum), label] for minimum, label in levels],
        },
        signatory_name=signatory[0], signatory_nip=signatory[1], signatory_title=settings_obj.signatory_title, issued_at=now,
        valid_until=_valid_until(course, enrollment.completed_at),
    )
    logo, signature = image_data_uri(settings_obj.logo), image_data_uri(settings_obj.signature)
    content = _render_signed(certificate, logo=logo, signature=signature)
    certificate.sha256 = hashlib.sha256(content).hexdigest()
    certificate.pdf.save(f"{certificate.code}.pdf", ContentFile(content), save=False)
    certificate.save()
    return certificate


def _render_signed(certificate: Certificate, *, logo: str, signature: str) -> bytes:
    """The certificate's PDF, signed when a key is configured. The statement that the document
    is electronically signed is printed only on a file that is then signed; a configured but
    unusable key raises SigningError rather than giving an unsigned file that claims otherwise."""
    from .signing import signer_status

    status = signer_status()
    if status.configured and not status.ok:
        raise SigningError(status.problem)
    will_sign = status.configured
    if will_sign:
        certificate.signed_by = status.subject
        certificate.issuer_lines["signature_issuer"] = status.issuer
    html = certificate_html(certificate=certificate, logo_uri=logo, signature_uri=signature, signed=will_sign)
    content = render_html_to_pdf(html)
    if not will_sign:
        return content
    try:
        signed = sign_pdf(
            content, reason=_("Sertifikat %(number)s") % {"number": certificate.number}, field_name=SIGNATURE_FIELD
        )
    except SigningUnavailable:  # the key was removed between the two calls
        certificate.signed_by = ""
        return render_html_to_pdf(certificate_html(certificate=certificate, logo_uri=logo, signature_uri=signature, signed=False))
    certificate.signed_at = timezone.now()
    return signed


def _notify(certificate: Certificate) -> None:
    from django.conf import settings

    email = certificate.employee.email
    if not email:
        return
    link = f"{settings.SITE_BASE_URL}{reverse('my_certificates')}"
    send_mail(
        _("Sertifikat Anda: %(course)s") % {"course": certificate.course_title},
        _(
            "Selamat, %(name)s.\n\nAnda telah menyelesaikan “%(course)s”. Sertifikat nomor %(number)s dapat "
            "diunduh di %(link)s\n\nKeasliannya dapat diperiksa siapa pun di %(verify)s\n"
        )
        % {
            "name": certificate.full_name, "course": certificate.course_title, "number": certificate.number, "link": link,
            "verify": f"{settings.SITE_BASE_URL}{reverse('certificate_verify', args=[certificate.code])}",
        },
        None,
        [email],
    )


def certificate_revoke(*, certificate: Certificate, reason: str, acting_user) -> Certificate:
    reason = (reason or "").strip()
    if not reason:
        raise CertificateRefused(_("Tuliskan alasan pencabutan."), "no_reason")
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.is_revoked:
            raise CertificateRefused(_("Sertifikat ini sudah dicabut."), "revoked")
        certificate.revoked_at = timezone.now()
        certificate.revoked_by = acting_user
        certificate.revocation_reason = reason
        certificate.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
        audit_record(
            instance=certificate, action="integritas.certificate_revoke", user=acting_user,
            data={"number": certificate.number, "reason": reason},
        )
    return certificate


def certificate_reissue(*, certificate: Certificate, full_name: str, reason: str, acting_user) -> Certificate:
    """Correct a certificate (for instance a misspelt name): a new certificate with a new
    number and code is issued, and the old one is revoked as replaced by it."""
    full_name = (full_name or "").strip()
    reason = (reason or "").strip()
    if not full_name:
        raise CertificateRefused(_("Nama pada sertifikat baru tidak boleh kosong."), "no_name")
    if not reason:
        raise CertificateRefused(_("Tuliskan alasan penerbitan ulang."), "no_reason")
    with transaction.atomic():
        old = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if not old.is_current or old.is_revoked:
            raise CertificateRefused(_("Hanya sertifikat yang berlaku yang dapat diterbitkan ulang."), "not_current")
        Enrollment.objects.select_for_update(of=("self",)).get(pk=old.enrollment_id)
        old.is_current = False
        old.save(update_fields=["is_current"])
        enrollment = Enrollment.objects.select_related("employee__opd", "course", "completed_opd").get(pk=old.enrollment_id)
        new = _build(enrollment, full_name=full_name)
        old.replaced_by = new
        old.revoked_at = timezone.now()
        old.revoked_by = acting_user
        old.revocation_reason = _("Diganti oleh sertifikat %(number)s: %(reason)s") % {"number": new.number, "reason": reason}
        old.save(update_fields=["replaced_by", "revoked_at", "revoked_by", "revocation_reason"])
        audit_record(
            instance=new, action="integritas.certificate_reissue", user=acting_user,
            data={"old": old.number, "new": new.number, "reason": reason, "name": full_name},
        )
    transaction.on_commit(lambda: _notify(new))
    return new
