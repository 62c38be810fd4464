"""Writes of the learner's journey: enrolment, lesson completion, course completion.

Completion is decided here and only here (`enrollment_evaluate`), the moment something
that may complete a course happens; there is no periodic job to wait for.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record

from .completion import completion_requirements_met
from .models import CoursePage, Enrollment, EnrollmentSource, EnrollmentStatus, LessonPage, LessonProgress
from .selectors import course_of_lesson, courses_with_audience, learning_problem, with_audience
from .signals import enrollment_completed

ASSIGN_BATCH = 1000


class LearningRefused(Exception):
    """The learner may not do this; `message` says why in their words."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def _refuse_if_problem(*, employee, course: CoursePage, for_write: bool) -> None:
    problem = learning_problem(employee=employee, course=course, for_write=for_write)
    if problem is not None:
        raise LearningRefused(problem.message, problem.code)


def enrollment_ensure(*, employee, course: CoursePage, source: str, assigned_by=None) -> tuple[Enrollment, bool]:
    """The employee's enrollment in `course`, created if missing; safe against a double submit
    (the unique constraint decides, the loser reads the winner's row)."""
    existing = Enrollment.objects.filter(employee=employee, course=course).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return (
                Enrollment.objects.create(employee=employee, course=course, source=source, assigned_by=assigned_by),
                True,
            )
    except IntegrityError:
        return Enrollment.objects.get(employee=employee, course=course), False


def course_enroll(*, employee, course: CoursePage) -> Enrollment:
    """"Daftar": the learner joins a course open to them."""
    _refuse_if_problem(employee=employee, course=course, for_write=True)
    source = EnrollmentSource.AUTOMATIC if course.mandatory else EnrollmentSource.SELF
    enrollment, _created = enrollment_ensure(employee=employee, course=course, source=source)
    return enrollment


def enrollments_ensure_mandatory(*, employee) -> int:
    """Enrol `employee` in every published, not yet closed mandatory course of their
    audience. Returns how many enrollments were created. Two queries when nothing is new."""
    if employee is None or not employee.active:
        return 0
    courses = [course for course in courses_with_audience() if course.mandatory]  # cached per content version
    wanted = {course.pk for course in courses if course.audience_includes(employee) and not course.has_closed()}
    if not wanted:
        return 0
    have = set(Enrollment.objects.filter(employee=employee, course_id__in=wanted).values_list("course_id", flat=True))
    missing = wanted - have
    if missing:
        Enrollment.objects.bulk_create(
            [Enrollment(employee=employee, course_id=pk, source=EnrollmentSource.AUTOMATIC) for pk in sorted(missing)],
            ignore_conflicts=True,
        )
    return len(missing)


def enrollments_assign_preview(*, course: CoursePage, opds) -> dict[int, tuple[int, int]]:
    """Per OPD id: (active employees in the course audience, of whom already enrolled).

    Two grouped queries: counting over a join with enrollments would count an employee once
    per enrollment in *any* course."""
    from django.db.models import Count

    from organizations.models import Employee

    with_audience([course])
    audience = Employee.objects.filter(course.audience_q(), opd__in=opds)
    totals = dict(audience.values("opd_id").annotate(n=Count("pk")).values_list("opd_id", "n"))
    enrolled = dict(
        Enrollment.objects.filter(course=course, employee__in=audience)
        .values("employee__opd_id")
        .annotate(n=Count("pk"))
        .values_list("employee__opd_id", "n")
    )
    return {opd_id: (total, enrolled.get(opd_id, 0)) for opd_id, total in totals.items()}


def enrollments_assign(*, course: CoursePage, opds, acting_user) -> int:
    """HR's "Tugaskan sekarang": enrol every active employee of `opds` who is in the course
    audience and not enrolled yet. Returns the number of new enrollments."""
    from organizations.models import Employee

    if course.has_closed():
        raise LearningRefused(_("Kursus ini sudah ditutup; peserta tidak dapat ditugaskan lagi."), "closed")
    opds = list(opds)
    if not opds:
        raise LearningRefused(_("Pilih paling sedikit satu OPD."), "no_opd")
    with_audience([course])
    with transaction.atomic():
        employee_ids = list(
            Employee.objects.filter(course.audience_q(), opd__in=opds)
            .exclude(enrollments__course=course)
            .values_list("pk", flat=True)
        )
        for start in range(0, len(employee_ids), ASSIGN_BATCH):
            Enrollment.objects.bulk_create(
                [
                    Enrollment(employee_id=pk, course=course, source=EnrollmentSource.ASSIGNED, assigned_by=acting_user)
                    for pk in employee_ids[start : start + ASSIGN_BATCH]
                ],
                ignore_conflicts=True,
            )
        audit_record(
            instance=course,
            action="integritas.enrollment_assign",
            user=acting_user,
            data={"opds": sorted(opd.code for opd in opds), "created": len(employee_ids)},
        )
    return len(employee_ids)


def lesson_complete(*, employee, lesson: LessonPage) -> tuple[LessonProgress, bool]:
    """"Tandai selesai". Idempotent: a second click returns the first record, (progress, False).
    Completes the enrollment when this was the last thing missing."""
    if not lesson.live:
        raise LearningRefused(_("Pelajaran ini tidak tersedia."), "not_live")
    course = course_of_lesson(lesson)
    _refuse_if_problem(employee=employee, course=course, for_write=True)
    enrollment = Enrollment.objects.filter(employee=employee, course=course).first()
    if enrollment is None:
        if not course.mandatory:
            raise LearningRefused(_("Daftar ke kursus ini dulu untuk mencatat kemajuan."), "not_enrolled")
        enrollment, _created = enrollment_ensure(employee=employee, course=course, source=EnrollmentSource.AUTOMATIC)
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update(of=("self",)).select_related("employee").get(pk=enrollment.pk)
        try:
            with transaction.atomic():
                progress, created = LessonProgress.objects.get_or_create(enrollment=enrollment, lesson=lesson)
        except IntegrityError:  # the other click of a double click won the race
            progress, created = LessonProgress.objects.get(enrollment=enrollment, lesson=lesson), False
        now = timezone.now()
        enrollment.last_activity_at = now
        enrollment.started_at = enrollment.started_at or now
        enrollment_evaluate(enrollment=enrollment, course=course, save=False)
        enrollment.save()
    return progress, created


def enrollment_evaluate(*, enrollment: Enrollment, course: CoursePage | None = None, save: bool = True) -> bool:
    """Bring the enrollment's status up to date; True if it became complete just now.

    Call inside a transaction holding the enrollment row (select_for_update), so that two
    requests never both complete it and `enrollment_completed` goes out once.
    """
    if enrollment.is_completed:
        return False
    course = course or enrollment.course
    lesson_ids = list(LessonPage.objects.live().child_of(course).values_list("pk", flat=True))
    done = LessonProgress.objects.filter(enrollment=enrollment, lesson_id__in=lesson_ids).count()
    became_complete = False
    if done == len(lesson_ids) and completion_requirements_met(enrollment):
        now = timezone.now()
        enrollment.status = EnrollmentStatus.COMPLETED
        enrollment.completed_at = now
        enrollment.started_at = enrollment.started_at or now
        enrollment.completed_opd_id = enrollment.employee.opd_id
        became_complete = True
        completed = enrollment
        transaction.on_commit(
            lambda: enrollment_completed.send(sender=Enrollment, enrollment=completed, enrollment_id=completed.pk)
        )
    elif done or enrollment.final_quiz_passed_at:
        enrollment.status = EnrollmentStatus.IN_PROGRESS
    if save:
        enrollment.save()
    return became_complete


def enrollment_record_final_quiz_passed(*, enrollment: Enrollment, passed_at=None) -> Enrollment:
    """For the quiz app: the learner passed the course's final quiz. Completes the
    enrollment if the lessons are done too."""
    with transaction.atomic():
        enrollment = (
            Enrollment.objects.select_for_update(of=("self",)).select_related("employee", "course").get(pk=enrollment.pk)
        )
        if enrollment.final_quiz_passed_at is None:
            enrollment.final_quiz_passed_at = passed_at or timezone.now()
        enrollment.last_activity_at = timezone.now()
        enrollment.started_at = enrollment.started_at or enrollment.last_activity_at
        enrollment_evaluate(enrollment=enrollment, save=False)
        enrollment.save()
    return enrollment
