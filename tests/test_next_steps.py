"""Issue 13: a next step everywhere a learner finishes something."""

import pytest

from certificates.models import Certificate
from courses.models import Enrollment
from courses.services import lesson_complete
from quizzes.models import QuizKind
from quizzes.services import attempt_start, attempt_submit

pytestmark = pytest.mark.django_db


def _key(attempt, *, right=True):
    return {str(q["id"]): [next(c["id"] for c in q["choices"] if c["correct"] == right)] for q in attempt.snapshot}


def test_the_last_lesson_leads_to_the_final_quiz(client, learner, make_course, make_quiz):
    course = make_course(lessons=3)
    quiz = make_quiz(course, kind=QuizKind.FINAL, requires_lessons=True)
    client.force_login(learner)
    for lesson in course.test_lessons[:2]:
        client.post(f"/belajar/pelajaran/{lesson.pk}/selesai/")

    response = client.post(f"/belajar/pelajaran/{course.test_lessons[2].pk}/selesai/", follow=True)

    assert response.redirect_chain[-1][0] == f"/kuis/{quiz.pk}/"
    assert "Langkah berikutnya: kuis akhir" in response.content.decode()


def test_finishing_lessons_out_of_order_still_leads_forward(client, learner, make_course, make_quiz):
    course = make_course(lessons=3)
    quiz = make_quiz(course, kind=QuizKind.FINAL, requires_lessons=True)
    client.force_login(learner)
    for index in (2, 0):
        client.post(f"/belajar/pelajaran/{course.test_lessons[index].pk}/selesai/")

    response = client.post(f"/belajar/pelajaran/{course.test_lessons[1].pk}/selesai/")

    assert response["Location"] == f"/kuis/{quiz.pk}/"


def test_a_course_without_quiz_ends_on_its_completion_page(client, learner, make_course, django_capture_on_commit_callbacks):
    course = make_course(lessons=1)
    client.force_login(learner)

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(f"/belajar/pelajaran/{course.test_lessons[0].pk}/selesai/")

    assert response["Location"] == f"/belajar/kursus/{course.pk}/selesai/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "sedang diterbitkan" in html and 'http-equiv="refresh"' in html
    assert page["Refresh"] == "5"


def test_the_completion_page_offers_the_certificate_once_issued(client, learner, make_course, django_capture_on_commit_callbacks):
    course = make_course(lessons=1)
    client.force_login(learner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/belajar/pelajaran/{course.test_lessons[0].pk}/selesai/")
    certificate = Certificate.objects.get(course=course)

    page = client.get(f"/belajar/kursus/{course.pk}/selesai/")

    html = page.content.decode()
    assert f"/sertifikat/{certificate.pk}/unduh/" in html
    assert "http-equiv" not in html and "Refresh" not in page


def test_the_completion_page_before_completion_sends_back_to_the_course(client, learner, make_course):
    course = make_course(lessons=2)
    client.force_login(learner)

    response = client.get(f"/belajar/kursus/{course.pk}/selesai/")

    assert response.status_code == 302 and response["Location"] == course.url


def test_passing_the_final_quiz_points_to_completion_and_the_course_page_stops_offering_retries(
    client, learner, make_course, make_quiz, django_capture_on_commit_callbacks
):
    course = make_course(lessons=1)
    quiz = make_quiz(course, kind=QuizKind.FINAL, requires_lessons=True, cooldown_minutes=60)
    lesson_complete(employee=learner.employee, lesson=course.test_lessons[0])
    attempt = attempt_start(quiz=quiz, employee=learner.employee)
    with django_capture_on_commit_callbacks(execute=True):
        attempt_submit(attempt=attempt, answers=_key(attempt))
    assert Enrollment.objects.get(course=course).is_completed
    client.force_login(learner)

    result = client.get(f"/kuis/percobaan/{attempt.pk}/hasil/").content.decode()
    course_page = client.get(course.url).content.decode()

    assert f"/belajar/kursus/{course.pk}/selesai/" in result
    assert "Kursus ini selesai" in result
    assert "Anda sudah lulus kuis ini." in course_page
    assert "mencoba lagi" not in course_page
