"""Reminder emails: learners who have not finished an open mandatory course, and a weekly
digest to each coordinator with their OPDs' numbers.

    plan = reminders_plan()             # who would get what now (nothing is written)
    result = reminders_send()           # send the plan, log each email accepted

Rules:
- learners: active roster rows in the course audience, course live, open, not past its
  close date, not completed; one email per learner listing all their unfinished courses;
  at most one per `REMINDER_INTERVAL_DAYS`;
- coordinators: active assignments with an email; at most one per `DIGEST_INTERVAL_DAYS`;
- an email is logged (`ReminderLog`) only after the mail server accepted it. With no mail
  server configured (console or dummy backend) or one that does not answer, the run stops
  with `ReminderMailError` before anything is marked as sent.
"""

import datetime
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage, get_connection
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from courses.models import CoursePage, Enrollment, EnrollmentStatus
from courses.selectors import course_structure, courses_with_audience
from organizations.models import Employee, Role, RoleAssignment

from .models import ReminderKind, ReminderLog
from .selectors import ReportFilters, completion_report, mandatory_report

NOT_A_MAIL_SERVER = ("django.core.mail.backends.console.EmailBackend", "django.core.mail.backends.dummy.EmailBackend")
LOCK_KEY = "reports:reminders:running"


class ReminderMailError(Exception):
    def __init__(self, message: str, sent: int = 0):
        super().__init__(message)
        self.message = message
        self.sent = sent


@dataclass
class Email:
    kind: str
    address: str
    subject: str
    body: str
    payload: dict
    employee_id: int | None = None
    user_id: int | None = None
    label: str = ""


@dataclass
class ReminderPlan:
    emails: list[Email] = field(default_factory=list)
    skipped_recent: int = 0
    skipped_no_address: int = 0

    def count(self, kind: str) -> int:
        return sum(1 for email in self.emails if email.kind == kind)


def open_mandatory_courses(today) -> list[CoursePage]:
    """Live mandatory courses that have opened and not closed, soonest close date first."""
    courses = [c for c in courses_with_audience() if c.mandatory and c.has_opened(today) and not c.has_closed(today)]
    return sorted(courses, key=lambda c: (c.closes_on or datetime.date.max, c.title))


def _address(employee: Employee) -> str:
    user = employee.user
    if user is not None and user.is_active and user.email:
        return user.email
    return employee.email


def _learner_emails(now, plan: ReminderPlan) -> None:
    today = timezone.localdate(now)
    courses = open_mandatory_courses(today)
    if not courses:
        return
    recent = set(
        ReminderLog.objects.filter(kind=ReminderKind.LEARNER, sent_at__gt=now - timedelta(days=settings.REMINDER_INTERVAL_DAYS))
        .values_list("employee_id", flat=True)
    )
    lesson_counts = {c.pk: len(course_structure(c.path).lessons) for c in courses}
    pending: dict[int, list] = defaultdict(list)
    employees: dict[int, Employee] = {}
    for course in courses:
        done = dict(
            Enrollment.objects.filter(course=course).exclude(status=EnrollmentStatus.COMPLETED)
            .annotate(n=Count("lesson_progress")).values_list("employee_id", "n")
        )
        finished = Enrollment.objects.filter(course=course, status=EnrollmentStatus.COMPLETED).values("employee_id")
        for employee in Employee.objects.filter(course.audience_q()).exclude(pk__in=finished).select_related("user"):
            employees[employee.pk] = employee
            pending[employee.pk].append({
                "title": course.title, "closes_on": course.closes_on, "done": done.get(employee.pk, 0), "total": lesson_counts[course.pk],
                "link": f"{settings.SITE_BASE_URL}{reverse('course_continue', args=[course.pk])}", "course_id": course.pk,
            })
    for employee_id, items in sorted(pending.items(), key=lambda pair: employees[pair[0]].full_name):
        employee = employees[employee_id]
        if employee_id in recent:
            plan.skipped_recent += 1
            continue
        address = _address(employee)
        if not address:
            plan.skipped_no_address += 1
            continue
        body = render_to_string("reports/email/reminder.txt", {"name": employee.full_name, "courses": items, "interval": settings.REMINDER_INTERVAL_DAYS})
        plan.emails.append(Email(
            kind=ReminderKind.LEARNER, address=address, employee_id=employee_id, body=body,
            subject=_("Pengingat: %(n)d kursus wajib belum selesai") % {"n": len(items)},
            payload={"courses": [item["course_id"] for item in items]},
            label=f"{employee.nip or '-'} {employee.full_name} <{address}>: {', '.join(item['title'] for item in items)}",
        ))


def _digest_emails(now, plan: ReminderPlan) -> None:
    today = timezone.localdate(now)
    recent = set(
        ReminderLog.objects.filter(kind=ReminderKind.DIGEST, sent_at__gt=now - timedelta(days=settings.DIGEST_INTERVAL_DAYS))
        .values_list("user_id", flat=True)
    )
    coordinators = {a.user for a in RoleAssignment.objects.active().filter(role=Role.COORDINATOR, user__is_active=True).select_related("user")}
    courses = open_mandatory_courses(today)
    link = f"{settings.SITE_BASE_URL}{reverse('reports_completion')}"
    for user in sorted(coordinators, key=lambda u: u.pk):
        if user.pk in recent:
            plan.skipped_recent += 1
            continue
        if not user.email:
            plan.skipped_no_address += 1
            continue
        reports = [(_("Semua kursus wajib"), mandatory_report(user=user, filters=ReportFilters(course=None, as_of=today)))]
        reports += [(c.title, completion_report(user=user, filters=ReportFilters(course=c, as_of=today))) for c in courses]
        if not reports[0][1].rows:
            continue
        name = getattr(getattr(user, "employee", None), "full_name", "") or user.get_full_name() or user.email
        body = render_to_string("reports/email/digest.txt", {
            "name": name, "as_of": today, "link": link, "reports": [{"title": title, "rows": report.rows} for title, report in reports],
        })
        plan.emails.append(Email(
            kind=ReminderKind.DIGEST, address=user.email, user_id=user.pk, body=body,
            subject=_("Ringkasan mingguan pelatihan integritas OPD Anda"),
            payload={"opds": [row.code for row in reports[0][1].rows], "completed": reports[0][1].totals.completed, "employees": reports[0][1].totals.employees},
            label=f"{name} <{user.email}>: {', '.join(row.code for row in reports[0][1].rows)}",
        ))


def reminders_plan(now=None) -> ReminderPlan:
    now = now or timezone.now()
    plan = ReminderPlan()
    with translation.override(settings.LANGUAGE_CODE):
        _learner_emails(now, plan)
        _digest_emails(now, plan)
    return plan


def mail_problem() -> str:
    if settings.EMAIL_BACKEND in NOT_A_MAIL_SERVER:
        return _(
            "Server email belum dikonfigurasi (EMAIL_URL menunjuk ke %(backend)s). Setel EMAIL_URL=smtp://… lalu ulangi; "
            "tidak ada pengingat yang dikirim atau ditandai terkirim."
        ) % {"backend": settings.EMAIL_BACKEND.rsplit(".", 2)[-2]}
    return ""


def reminders_send(*, now=None) -> ReminderPlan:
    """Send the plan. Raises ReminderMailError (nothing more marked as sent) when the mail
    server is missing, unreachable or stops accepting mail; what was accepted stays logged."""
    problem = mail_problem()
    if problem:
        raise ReminderMailError(problem)
    if not cache.add(LOCK_KEY, "1", timeout=3600):
        raise ReminderMailError(_("Pengiriman pengingat lain sedang berjalan; coba lagi nanti."))
    try:
        plan = reminders_plan(now)
        if not plan.emails:
            return plan
        connection = get_connection(fail_silently=False)
        try:
            connection.open()
        except (OSError, smtplib.SMTPException) as exc:
            raise ReminderMailError(
                _("Tidak dapat terhubung ke server email (%(error)s); tidak ada pengingat yang ditandai terkirim.") % {"error": exc}
            ) from None
        sent = 0
        try:
            for email in plan.emails:
                message = EmailMessage(email.subject, email.body, None, [email.address], connection=connection)
                try:
                    message.send()
                except (OSError, smtplib.SMTPException) as exc:
                    raise ReminderMailError(
                        _("Server email berhenti menerima setelah %(sent)d email (%(error)s); sisanya tidak ditandai terkirim.")
                        % {"sent": sent, "error": exc},
                        sent=sent,
                    ) from None
                ReminderLog.objects.create(
                    kind=email.kind, employee_id=email.employee_id, user_id=email.user_id, address=email.address,
                    subject=email.subject, payload=email.payload,
                )
                sent += 1
        finally:
            connection.close()
        return plan
    finally:
        cache.delete(LOCK_KEY)
