"""Issuing under concurrency, on PostgreSQL: one certificate per enrollment, gapless numbers."""

import pytest

from certificates.models import Certificate
from certificates.services import certificate_issue
from courses.models import Enrollment
from courses.services import lesson_complete

from .factories import EmployeeFactory
from .test_courses_concurrency import _race

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_concurrent_issue_for_one_enrollment_makes_one_certificate(learner, make_course):
    course = make_course(lessons=1)
    lesson_complete(employee=learner.employee, lesson=course.test_lessons[0])
    Certificate.objects.all().delete()  # the task may have run on commit; start from none
    enrollment = Enrollment.objects.get(course=course)
    issued = []
    assert _race(lambda: issued.append(certificate_issue(enrollment=enrollment).pk), count=4) == []
    assert len(set(issued)) == 1
    assert Certificate.objects.filter(enrollment=enrollment).count() == 1


def test_concurrent_issues_get_distinct_gapless_numbers(opd_a, make_course):
    course = make_course(lessons=1)
    enrollments = []
    for _ in range(6):
        employee = EmployeeFactory(opd=opd_a)
        lesson_complete(employee=employee, lesson=course.test_lessons[0])
        enrollments.append(Enrollment.objects.get(employee=employee))
    Certificate.objects.all().delete()
    from certificates.models import CertificateSequence

    CertificateSequence.objects.all().delete()
    queue = list(enrollments)

    def issue():
        certificate_issue(enrollment=queue.pop())

    assert _race(issue, count=6) == []
    assert sorted(Certificate.objects.values_list("sequence", flat=True)) == [1, 2, 3, 4, 5, 6]
