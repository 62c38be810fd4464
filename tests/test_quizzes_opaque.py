"""Issue 14 item 4: nothing on the attempt page tells the key or the author's order."""

import random
from collections import Counter

import pytest

from quizzes.models import Attempt, Choice, Question, Quiz
from quizzes.selectors import public_questions
from quizzes.services import _snapshot, attempt_start

from .factories import EmployeeFactory

pytestmark = pytest.mark.django_db

ATTEMPTS = 1000


def test_the_keys_rendered_position_and_identifier_are_uniform_over_1000_attempts(make_course, opd_a):
    course = make_course(lessons=0)
    question = Question.objects.create(course=course, category="umum", text="<p>Soal?</p>")
    # the author wrote the key second, as in 19 of 40 demo questions
    written = Choice.objects.bulk_create(
        [Choice(question=question, text=f"Pilihan {i}", is_correct=(i == 1), sort_order=i) for i in range(4)]
    )
    quiz = Quiz.objects.create(course=course, title="Kuis", question_count=1, pass_mark=50, requires_lessons=False,
                               shuffle_choices=True, max_attempts=None, cooldown_minutes=0)
    employee = EmployeeFactory(opd=opd_a)
    first = attempt_start(quiz=quiz, employee=employee, rng=random.Random(0))  # through the service once
    positions, id_ranks, seen_ids = Counter(), Counter(), set()
    pks = {c.pk for c in written}
    for n in range(ATTEMPTS):
        # the draw a new attempt makes (attempt_start stores it); 1,000 learners' first attempts
        attempt = first if n == 0 else Attempt(quiz=quiz, employee=employee, snapshot=_snapshot(quiz, employee, random.Random(n)))
        shown = public_questions(attempt)[0]["choices"]
        key = next(c["id"] for c in attempt.snapshot[0]["choices"] if c["correct"])
        ids = [c["id"] for c in shown]
        positions[ids.index(key)] += 1
        id_ranks[sorted(ids).index(key)] += 1
        seen_ids.update(ids)
        assert set(shown[0]) == {"id", "text"}  # nothing else about a choice reaches the page
    print(f"\nkey shown at positions 1-4: {[positions[i] for i in range(4)]}; "
          f"key's identifier rank 1-4: {[id_ranks[i] for i in range(4)]}")
    # uniform: each of 4 cells expects 250; 180..320 is beyond 4.5 standard deviations
    assert all(180 <= positions[i] <= 320 for i in range(4)), positions
    assert all(180 <= id_ranks[i] <= 320 for i in range(4)), id_ranks
    assert not seen_ids & pks  # database ids never appear
    assert len(seen_ids) > 3 * ATTEMPTS  # identifiers are fresh for every attempt
