"""Races on attempts, on PostgreSQL where row locks and partial unique indexes are real."""

import pytest
from django.utils import timezone

from quizzes.models import Attempt, AttemptState
from quizzes.services import QuizRefused, attempt_start, attempt_submit

from .test_courses_concurrency import _race

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_concurrent_submits_grade_once(learner, make_course, make_quiz):
    quiz = make_quiz(make_course(lessons=1), questions=5)
    attempt = attempt_start(quiz=quiz, employee=learner.employee)
    outcomes = []

    def submit():
        try:
            attempt_submit(attempt=Attempt.objects.get(pk=attempt.pk))
            outcomes.append("graded")
        except QuizRefused as refusal:
            outcomes.append(refusal.code)

    assert _race(submit, count=4) == []
    assert sorted(outcomes) == ["graded", "not_open", "not_open", "not_open"]
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.SUBMITTED and attempt.finished_at is not None


def test_concurrent_starts_make_one_attempt(learner, make_course, make_quiz):
    quiz = make_quiz(make_course(lessons=1))
    started = []
    errors = _race(lambda: started.append(attempt_start(quiz=quiz, employee=learner.employee).pk), count=4)
    assert errors == []
    assert len(set(started)) == 1
    assert Attempt.objects.filter(quiz=quiz).count() == 1


def test_maximum_attempts_hold_under_a_race(learner, make_course, make_quiz):
    quiz = make_quiz(make_course(lessons=1), max_attempts=2)
    first = attempt_start(quiz=quiz, employee=learner.employee)
    attempt_submit(attempt=first)
    outcomes = []

    def start_and_submit():
        try:
            attempt = attempt_start(quiz=quiz, employee=learner.employee, now=timezone.now())
            attempt_submit(attempt=attempt)
            outcomes.append("ok")
        except QuizRefused as refusal:
            outcomes.append(refusal.code)

    assert _race(start_and_submit, count=4) == []
    assert Attempt.objects.filter(quiz=quiz).count() == 2
