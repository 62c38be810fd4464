"""Races on the learner's side, on PostgreSQL where row locks and constraints are real."""

import threading

import pytest
from django.db import connection

from courses.models import Enrollment, EnrollmentSource, EnrollmentStatus, LessonProgress
from courses.services import course_enroll, lesson_complete
from courses.signals import enrollment_completed

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def _race(target, count=2):
    barrier = threading.Barrier(count)
    errors = []

    def run():
        try:
            barrier.wait(timeout=10)
            target()
        except Exception as exc:  # collected and asserted on below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


def test_two_simultaneous_clicks_on_the_last_lesson_complete_once(learner, make_course):
    course = make_course(lessons=2)
    employee = learner.employee
    lesson_complete(employee=employee, lesson=course.test_lessons[0])
    received = []

    def receiver(sender, enrollment, **kwargs):
        received.append(enrollment.pk)

    enrollment_completed.connect(receiver)
    try:
        errors = _race(lambda: lesson_complete(employee=employee, lesson=course.test_lessons[1]), count=4)
    finally:
        enrollment_completed.disconnect(receiver)
    assert errors == []
    assert LessonProgress.objects.filter(lesson=course.test_lessons[1]).count() == 1
    enrollment = Enrollment.objects.get(employee=employee, course=course)
    assert enrollment.status == EnrollmentStatus.COMPLETED
    assert received == [enrollment.pk]


def test_two_simultaneous_daftar_make_one_enrollment(learner, make_course):
    course = make_course(lessons=1, mandatory=False)
    errors = _race(lambda: course_enroll(employee=learner.employee, course=course), count=4)
    assert errors == []
    assert Enrollment.objects.filter(course=course).count() == 1
    assert Enrollment.objects.get(course=course).source == EnrollmentSource.SELF
