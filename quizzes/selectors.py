"""Reads for quizzes: what a learner may do now, their attempts, and the public (key-less)
view of an attempt's questions."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from courses.selectors import LearningProblem, course_structure, learning_problem
from organizations.selectors import employee_for_user

from .models import Attempt, AttemptState, Quiz, QuizKind, ReviewPolicy


def access_quiz(pk) -> Quiz:
    """An active, live quiz of a published course, or 404."""
    try:
        quiz = Quiz.objects.in_use().select_related("course").get(pk=pk)
    except (Quiz.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    structure = course_structure(quiz.course.path)
    if structure is None:
        raise Http404
    quiz.course = structure.course
    return quiz


def access_attempt(user, pk, *, for_save: bool = False) -> Attempt:
    """The user's own attempt; 404 for missing and for someone else's alike. `for_save`
    loads only what an autosave needs: not the snapshot, not the quiz; one query."""
    if for_save:
        from .services import SAVE_FIELDS

        if not user.is_authenticated:
            raise Http404
        try:
            return Attempt.objects.only(*SAVE_FIELDS).get(pk=pk, employee__user=user)
        except (Attempt.DoesNotExist, ValueError, TypeError):
            raise Http404 from None
    employee = employee_for_user(user)
    if employee is None:
        raise Http404
    try:
        return Attempt.objects.select_related("quiz").get(pk=pk, employee=employee)
    except (Attempt.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def quizzes_of_course(course) -> list[Quiz]:
    return list(Quiz.objects.in_use().filter(course=course).order_by("-kind"))  # pretest first


def _when(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment), "j F Y H:i")


_UNKNOWN = object()


def quiz_start_problem(*, quiz: Quiz, employee, now=None, attempts=None, enrollment=_UNKNOWN) -> LearningProblem | None:
    """None when `employee` may start a new attempt of `quiz` now; otherwise why not.

    `attempts` (the employee's attempts of the quiz) and `enrollment` spare their queries
    when the caller already has them."""
    from courses.models import Enrollment, LessonProgress

    now = now or timezone.now()
    problem = learning_problem(employee=employee, course=quiz.course, for_write=True)
    if problem is not None:
        return problem
    if attempts is not None:
        finished = [a.finished_at for a in attempts if a.state != AttemptState.IN_PROGRESS]
    else:
        finished = list(
            Attempt.objects.filter(quiz=quiz, employee=employee).exclude(state=AttemptState.IN_PROGRESS).values_list("finished_at", flat=True)
        )
    if quiz.max_attempts is not None and len(finished) >= quiz.max_attempts:
        return LearningProblem("attempts_used", _("Kesempatan mengerjakan kuis ini sudah habis (%(n)s kali).") % {"n": quiz.max_attempts})
    if quiz.cooldown_minutes and finished:
        available = max(finished) + datetime.timedelta(minutes=quiz.cooldown_minutes)
        if now < available:
            return LearningProblem("cooldown", _("Anda dapat mencoba lagi mulai %(when)s WITA.") % {"when": _when(available)})
    if quiz.kind == QuizKind.FINAL and quiz.requires_lessons:
        structure = course_structure(quiz.course.path)
        lesson_ids = {lesson.pk for lesson in structure.lessons} if structure else set()
        if enrollment is _UNKNOWN:
            enrollment = Enrollment.objects.filter(employee=employee, course_id=quiz.course_id).first()
        done = set()
        if enrollment is not None:
            done = set(LessonProgress.objects.filter(enrollment=enrollment, lesson_id__in=lesson_ids).values_list("lesson_id", flat=True))
        if (enrollment is None or not enrollment.is_completed) and not lesson_ids <= done:
            return LearningProblem("lessons_first", _("Selesaikan semua pelajaran kursus ini sebelum mengerjakan kuis akhir."))
    return None


@dataclass
class QuizOverview:
    quiz: Quiz
    attempts: list[Attempt]
    open_attempt: Attempt | None
    problem: LearningProblem | None

    @property
    def attempts_left(self) -> int | None:
        if self.quiz.max_attempts is None:
            return None
        used = sum(1 for a in self.attempts if not a.is_open)
        return max(0, self.quiz.max_attempts - used)

    @property
    def best(self) -> Attempt | None:
        graded = [a for a in self.attempts if a.score is not None]
        return max(graded, key=lambda a: a.score) if graded else None

    @property
    def can_start(self) -> bool:
        return self.open_attempt is None and self.problem is None


def quiz_overview(*, quiz: Quiz, employee) -> QuizOverview:
    attempts = list(Attempt.objects.filter(quiz=quiz, employee=employee).order_by("-number")) if employee else []
    open_attempt = next((a for a in attempts if a.is_open), None)
    if employee is None:
        problem = learning_problem(employee=None, course=quiz.course)
    else:
        problem = None if open_attempt else quiz_start_problem(quiz=quiz, employee=employee)
    return QuizOverview(quiz=quiz, attempts=attempts, open_attempt=open_attempt, problem=problem)


def quiz_overviews(*, course, employee, enrollment=_UNKNOWN) -> list[QuizOverview]:
    """`quiz_overview` of every active quiz of `course` (audience loaded): a fixed number
    of queries whatever the number of quizzes."""
    quizzes = quizzes_of_course(course)
    if not quizzes:
        return []
    by_quiz: dict[int, list[Attempt]] = {quiz.pk: [] for quiz in quizzes}
    if employee is not None:
        for attempt in Attempt.objects.filter(quiz__in=quizzes, employee=employee).order_by("-number"):
            by_quiz[attempt.quiz_id].append(attempt)
    overviews = []
    for quiz in quizzes:
        quiz.course = course
        attempts = by_quiz[quiz.pk]
        for attempt in attempts:
            attempt.quiz = quiz
        open_attempt = next((a for a in attempts if a.is_open), None)
        if employee is None:
            problem = learning_problem(employee=None, course=course)
        elif open_attempt:
            problem = None
        else:
            problem = quiz_start_problem(quiz=quiz, employee=employee, attempts=attempts, enrollment=enrollment)
        overviews.append(QuizOverview(quiz=quiz, attempts=attempts, open_attempt=open_attempt, problem=problem))
    return overviews


def public_questions(attempt: Attempt) -> list[dict]:
    """The attempt's questions as the learner may see them before submitting: texts and
    choices only. The key, per-choice feedback and explanations never leave the server."""
    return [
        {
            "id": q["id"],
            "number": number,
            "type": q["type"],
            "text": q["text"],
            "choices": [{"id": c["id"], "text": c["text"]} for c in q["choices"]],
            "chosen": attempt.answers.get(str(q["id"]), []),
        }
        for number, q in enumerate(attempt.snapshot, start=1)
    ]


REVIEW_SCORE = "score"
REVIEW_CORRECTNESS = "correctness"
REVIEW_FULL = "full"


def quiz_done_for(*, quiz: Quiz, employee) -> bool:
    """Whether the learner is finished with `quiz`: passed it once, or used every attempt.
    Until then the keys stay hidden under the `correctness_until_done` policy."""
    finished = Attempt.objects.filter(quiz=quiz, employee=employee).exclude(state=AttemptState.IN_PROGRESS)
    counts = finished.aggregate(total=Count("pk"), passed=Count("pk", filter=Q(passed=True)))
    if counts["passed"]:
        return True
    return quiz.max_attempts is not None and counts["total"] >= quiz.max_attempts


@dataclass
class AttemptReview:
    """What the result page shows of a submitted attempt.

    level: "score" (the score only), "correctness" (right/wrong per question and the
    learner's own choices, no key) or "full" (keys, feedback and explanations).
    withheld: when the keys are held back for now, the sentence that says until when."""

    level: str
    rows: list[dict]
    withheld: str = ""


def _review_level(attempt: Attempt) -> tuple[str, str]:
    policy = attempt.quiz.review_policy
    if policy == ReviewPolicy.FULL:
        return REVIEW_FULL, ""
    if policy == ReviewPolicy.CORRECTNESS:
        return REVIEW_CORRECTNESS, ""
    if policy == ReviewPolicy.CORRECTNESS_UNTIL_DONE:
        if quiz_done_for(quiz=attempt.quiz, employee=attempt.employee_id):
            return REVIEW_FULL, ""
        if attempt.quiz.max_attempts is None:
            return REVIEW_CORRECTNESS, _("Kunci jawaban dan pembahasan ditampilkan setelah Anda lulus kuis ini.")
        return REVIEW_CORRECTNESS, _("Kunci jawaban dan pembahasan ditampilkan setelah Anda lulus atau semua kesempatan terpakai.")
    return REVIEW_SCORE, ""  # "score", and any value this code does not know: show the least


def attempt_review(attempt: Attempt) -> AttemptReview:
    """After submission, what the quiz's review policy allows the learner to see now.
    The key and explanations are in the rows only at the "full" level."""
    level, withheld = _review_level(attempt)
    if level == REVIEW_SCORE:
        return AttemptReview(level=level, rows=[])
    rows = []
    for number, q in enumerate(attempt.snapshot, start=1):
        chosen = set(attempt.answers.get(str(q["id"]), []))
        row = {"number": number, "text": q["text"], "type": q["type"], "right": attempt.results.get(str(q["id"]))}
        if level == REVIEW_FULL:
            row["explanation"] = q["explanation"]
            row["choices"] = [
                {"text": c["text"], "chosen": c["id"] in chosen, "correct": c["correct"], "feedback": c["feedback"] if c["id"] in chosen or c["correct"] else ""}
                for c in q["choices"]
            ]
        else:
            row["chosen_texts"] = [c["text"] for c in q["choices"] if c["id"] in chosen]
        rows.append(row)
    return AttemptReview(level=level, rows=rows, withheld=withheld)


# --- item quality of a bank (admin) ------------------------------------------------------------------


def question_bank_warnings(*, course_id: int, categories: list[str] | None = None) -> tuple[list, dict[str, int]]:
    """Item-quality warnings for a course's active questions (only `categories` when given),
    and the number of active questions per category. Two queries."""
    from .models import Question
    from .quality import bank_warnings, question_bank_items

    questions = Question.objects.in_use().filter(course_id=course_id).prefetch_related("choices").order_by("pk")
    if categories:
        questions = questions.filter(category__in=categories)
    questions = list(questions)
    sizes: dict[str, int] = {}
    for question in questions:
        sizes[question.category] = sizes.get(question.category, 0) + 1
    return bank_warnings(question_bank_items(questions)), dict(sorted(sizes.items()))
