"""Demo people around the courses: a reviewer account, and learners part-way through so the
site never looks empty. The courses themselves are the curriculum packages, loaded by
quizzes/demo.py (the loader lives in quizzes, which also writes the quizzes), which then
calls `seed_progress` here.
"""

import random

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from organizations.models import Employee, EmploymentType, Role, RoleAssignment

from .models import CoursePage, Enrollment, EnrollmentSource, LessonPage
from .services import enrollment_ensure, enrollments_ensure_mandatory, lesson_complete
from .setup import REVIEWER_GROUP_NAME, site_structure_ensure

DEMO_DOMAIN = "demo.integritas.test"
DEMO_PASSWORD = "Integritas-Demo-2026"


def seed_reviewer(stdout) -> str:
    """A reviewer: editor role (admin access, MFA) plus the reviewer group (publishing)."""
    from allauth.account.models import EmailAddress

    from organizations.services import role_assign

    User = get_user_model()
    email = f"peninjau@{DEMO_DOMAIN}"
    user = User.objects.filter(email=email).first() or User(username="peninjau", email=email, first_name="Maulida Rosyadi")
    user.set_password(DEMO_PASSWORD)
    user.is_active = True
    user.save()
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    if not RoleAssignment.objects.filter(user=user, role=Role.EDITOR).exists():
        role_assign(user=user, role=Role.EDITOR, acting_user=None, opds=[], valid_until=None)
    user.groups.add(Group.objects.get(name=REVIEWER_GROUP_NAME))
    return email


def seed_progress(courses: list[CoursePage]) -> None:
    """Enrol everyone in their mandatory courses and put a share of them part-way or done."""
    rng = random.Random(3)
    lessons = {course.pk: list(LessonPage.objects.live().child_of(course)) for course in courses}
    # demo rows only: a database that also holds bench data (100k employees) seeds in seconds
    employees = list(
        Employee.objects.filter(active=True, email__endswith=f"@{DEMO_DOMAIN}").select_related("opd").order_by("pk")
    )
    already = set(Enrollment.objects.filter(course__in=courses).values_list("employee_id", "course_id"))
    for employee in employees:
        enrollments_ensure_mandatory(employee=employee)
    for employee in employees:
        if employee.email == f"asn@{DEMO_DOMAIN}":
            _demo_learner_progress(employee, courses, lessons)
            continue
        if employee.email.endswith(f"@{DEMO_DOMAIN}") and not employee.email.startswith("pegawai"):
            continue  # staff demo accounts start clean
        for course in courses:
            if (employee.pk, course.pk) in already or not course.audience_includes(employee):
                continue
            roll = rng.random()
            if not course.mandatory:
                if roll > 0.2:
                    continue
                enrollment_ensure(employee=employee, course=course, source=EnrollmentSource.SELF)
                roll = rng.random()
            if roll < 0.35:
                done = len(lessons[course.pk])
            elif roll < 0.65:
                done = rng.randint(1, max(1, len(lessons[course.pk]) - 1))
            else:
                done = 0
            for lesson in lessons[course.pk][:done]:
                lesson_complete(employee=employee, lesson=lesson)


def _demo_learner_progress(employee, courses, lessons):
    """The demo learner: one course done, one half-way, the rest untouched."""
    by_slug = {course.slug: course for course in courses}
    values = by_slug.get("nilai-nilai-antikorupsi")
    gratification = by_slug.get("mengenal-dan-menolak-gratifikasi")
    if values and not Enrollment.objects.filter(employee=employee, course=values, status="completed").exists():
        for lesson in lessons[values.pk]:
            lesson_complete(employee=employee, lesson=lesson)
    if gratification:
        for lesson in lessons[gratification.pk][:2]:
            lesson_complete(employee=employee, lesson=lesson)


def seed(*, stdout, style):
    site_structure_ensure()
    reviewer = seed_reviewer(stdout)
    stdout.write(style.MIGRATE_HEADING("Peninjau konten:"))
    stdout.write(f"  Peninjau konten (menerbitkan hasil editor): {reviewer}  {DEMO_PASSWORD}")


def seed_progress_report(courses: list[CoursePage], *, stdout, style, finish=None):
    """`finish(courses)`, given by the app that owns the final quizzes, lets the learners who
    have done every lesson sit them, so that completions and certificates appear."""
    seed_progress(courses)
    if finish is not None:
        finish(courses)
    counts = {course.title: Enrollment.objects.filter(course=course, status="completed").count() for course in courses}
    stdout.write(style.MIGRATE_HEADING("Kursus demo:"))
    for course in courses:
        stdout.write(
            f"  {course.title:<45} {'wajib' if course.mandatory else 'pilihan':<8} {course.jp_hours} JP · "
            f"selesai: {counts.get(course.title, 0)}"
        )
    non_asn = Employee.objects.filter(employment_type=EmploymentType.NON_ASN).count()
    without = [course.title for course in courses if not course.audience_non_asn]
    if without:
        stdout.write(f"  Pegawai non-ASN ({non_asn}) bukan sasaran kursus: {', '.join(without)}.")
