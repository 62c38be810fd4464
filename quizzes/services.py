"""The attempt lifecycle: start, autosave, submit, and closing at the deadline.

The server owns the clock: a deadline is stored at start (start + time limit, capped by
the course's close date), answers are accepted only before it, and an attempt left open
past it is graded with what was saved (by `attempts_close_expired`, run periodically and
lazily whenever the learner comes back).
"""

import datetime
import random
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Enrollment, EnrollmentSource
from courses.services import enrollment_ensure, enrollment_record_final_quiz_passed

from .drawing import exposure_from_snapshots, questions_draw
from .models import Attempt, AttemptState, Question, Quiz, QuizKind
from .scoring import answer_index, answers_problem, answers_problem_indexed, grade, has_passed
from .selectors import quiz_start_problem


class QuizRefused(Exception):
    """The learner may not do this now; `message` says why in their words."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def _deadline(quiz: Quiz, started: datetime.datetime) -> datetime.datetime | None:
    deadline = started + datetime.timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
    closes_on = quiz.course.closes_on
    if closes_on is not None:
        course_end = timezone.make_aware(datetime.datetime.combine(closes_on + datetime.timedelta(days=1), datetime.time.min))
        deadline = min(deadline, course_end) if deadline else course_end
    return deadline


_OPAQUE = secrets.SystemRandom()


def _opaque_ids(count: int) -> list[int]:
    """`count` distinct random positive integers (31 bits: they stay ints in forms and JSON)."""
    return _OPAQUE.sample(range(1, 2**31), count)


def _snapshot(quiz: Quiz, employee, rng: random.Random) -> list[dict]:
    """Draw the attempt's questions (evenly across the quiz's categories, fresh-first for
    this learner: see drawing.py) and freeze them with their choices and key."""
    bank = Question.objects.in_use().filter(course_id=quiz.course_id)
    if quiz.category_list:
        bank = bank.filter(category__in=quiz.category_list)
    # what this learner has already seen in any quiz of the course (a pre-test that shares
    # a category counts too), in the order the attempts were started
    earlier = Attempt.objects.filter(quiz__course_id=quiz.course_id, employee=employee).order_by("started_at", "pk")
    exposure = exposure_from_snapshots(enumerate(earlier.values_list("snapshot", flat=True).iterator(), start=1))
    drawn_ids = questions_draw(
        bank=bank.values_list("pk", "category"), count=quiz.question_count, categories=quiz.category_list, exposure=exposure, rng=rng
    )
    by_id = Question.objects.prefetch_related("choices").in_bulk(drawn_ids)
    drawn = [by_id[pk] for pk in drawn_ids]
    if not quiz.shuffle_questions:
        drawn.sort(key=lambda q: q.pk)
    snapshot = []
    for question in drawn:
        # Each choice gets a random identifier for this attempt: the page must not reveal the
        # order in which the author wrote the choices (database ids would), nor the key.
        # `choice` keeps the database id for item analysis; it never leaves the server.
        ids = _opaque_ids(len(question.choices.all()))
        choices = [
            {"id": opaque, "choice": c.pk, "text": c.text, "correct": c.is_correct, "feedback": c.feedback}
            for opaque, c in zip(ids, question.choices.all(), strict=True)
        ]
        if quiz.shuffle_choices and question.type != "true_false":
            rng.shuffle(choices)
        snapshot.append(
            {
                "id": question.pk, "type": question.type, "category": question.category,
                "text": question.text, "explanation": question.explanation, "choices": choices,
            }
        )
    return snapshot


def attempt_start(*, quiz: Quiz, employee, now=None, rng: random.Random | None = None) -> Attempt:
    """Start an attempt, or return the learner's open one. Draws the questions and freezes
    them in a snapshot. Refuses with QuizRefused (attempts used up, cooldown, audience...).

    The learner's roster row is locked while checking and creating, so racing starts (two
    tabs, a double tap) cannot both pass the attempt limit; the unique constraints on the
    open attempt and on the attempt number back this up in the database."""
    from organizations.models import Employee

    now = now or timezone.now()
    if employee is None:  # a staff account without a roster row: say why, start nothing
        problem = quiz_start_problem(quiz=quiz, employee=None, now=now)
        raise QuizRefused(problem.message, problem.code)
    attempts_close_expired(now=now, quiz=quiz, employee=employee)
    try:
        with transaction.atomic():
            Employee.objects.select_for_update().filter(pk=employee.pk).first()
            current = Attempt.objects.filter(quiz=quiz, employee=employee, state=AttemptState.IN_PROGRESS).first()
            if current is not None:
                return current
            problem = quiz_start_problem(quiz=quiz, employee=employee, now=now)
            if problem is not None:
                raise QuizRefused(problem.message, problem.code)
            snapshot = _snapshot(quiz, employee, rng or random.SystemRandom())
            if not snapshot:
                raise QuizRefused(_("Bank soal kuis ini masih kosong. Hubungi pengelola kursus."), "no_questions")
            if not Enrollment.objects.filter(employee=employee, course_id=quiz.course_id).exists():
                source = EnrollmentSource.AUTOMATIC if quiz.course.mandatory else EnrollmentSource.SELF
                enrollment_ensure(employee=employee, course=quiz.course, source=source)
            last = Attempt.objects.filter(quiz=quiz, employee=employee).order_by("-number").values_list("number", flat=True).first()
            return Attempt.objects.create(
                quiz=quiz, employee=employee, number=(last or 0) + 1, started_at=now, deadline=_deadline(quiz, now), snapshot=snapshot,
                answer_index=answer_index(snapshot),
            )
    except IntegrityError:
        # Only without the row lock (SQLite's own locking aside): the winner's open attempt.
        winner = Attempt.objects.filter(quiz=quiz, employee=employee, state=AttemptState.IN_PROGRESS).first()
        if winner is not None:
            return winner
        raise QuizRefused(_("Percobaan lain baru saja dimulai. Muat ulang halaman."), "race") from None


# what an autosave reads of an attempt (never the snapshot)
SAVE_FIELDS = ("id", "quiz_id", "employee_id", "state", "deadline", "answers", "answer_index", "saved_at")


def _answer_index_of(attempt: Attempt) -> dict:
    """The attempt's answer index; attempts started before it existed get it from the snapshot."""
    if attempt.answer_index:
        return attempt.answer_index
    snapshot = Attempt.objects.filter(pk=attempt.pk).values_list("snapshot", flat=True).first() or []
    return answer_index(snapshot)


def attempt_save_answers(*, attempt: Attempt, answers: dict, now=None) -> Attempt:
    """Store answers (all or nothing) while the attempt is open and before its deadline.
    `answers` maps question ids to lists of choice ids; an empty list clears a question."""
    now = now or timezone.now()
    problem = answers_problem_indexed(_answer_index_of(attempt), answers)
    if problem is not None:
        raise QuizRefused(problem, "invalid")
    closed = False
    with transaction.atomic():
        # the snapshot stays in the database: saving costs the same for 10 or 100 questions
        locked = Attempt.objects.select_for_update().only(*SAVE_FIELDS).get(pk=attempt.pk)
        if not locked.is_open:
            raise QuizRefused(_("Percobaan ini sudah dikirim; jawaban tidak dapat diubah."), "not_open")
        if locked.is_past_deadline(now):
            locked = Attempt.objects.select_related("quiz").get(pk=attempt.pk)  # grading needs it all
            _finish(locked, AttemptState.CLOSED, now)
            closed = True
        else:
            merged = {**locked.answers, **{str(k): sorted(set(v)) for k, v in answers.items()}}
            locked.answers = {k: v for k, v in merged.items() if v}
            locked.saved_at = now
            locked.save(update_fields=["answers", "saved_at"])
    if closed:
        raise QuizRefused(_("Waktu sudah habis; jawaban setelah batas waktu tidak diterima. Jawaban yang tersimpan sebelumnya sudah dinilai."), "deadline")
    return locked


def attempt_submit(*, attempt: Attempt, answers: dict | None = None, now=None) -> Attempt:
    """Grade the attempt once. Answers sent with the submit count only before the deadline;
    after it the attempt is graded with what was saved in time."""
    now = now or timezone.now()
    if answers:
        problem = answers_problem(attempt.snapshot, answers)
        if problem is not None:
            raise QuizRefused(problem, "invalid")
    with transaction.atomic():
        locked = Attempt.objects.select_for_update(of=("self",)).select_related("quiz").get(pk=attempt.pk)
        if not locked.is_open:
            raise QuizRefused(_("Percobaan ini sudah dikirim sebelumnya."), "not_open")
        if locked.is_past_deadline(now):
            _finish(locked, AttemptState.CLOSED, now)
        else:
            if answers:
                merged = {**locked.answers, **{str(k): sorted(set(v)) for k, v in answers.items()}}
                locked.answers = {k: v for k, v in merged.items() if v}
            _finish(locked, AttemptState.SUBMITTED, now)
    return locked


def _finish(attempt: Attempt, state: str, now) -> None:
    results, right, score = grade(attempt.snapshot, attempt.answers)
    attempt.state = state
    attempt.finished_at = min(now, attempt.deadline) if (state == AttemptState.CLOSED and attempt.deadline) else now
    attempt.results, attempt.correct_count, attempt.score = results, right, score
    attempt.passed = has_passed(score, attempt.quiz.pass_mark)
    attempt.save(update_fields=["state", "finished_at", "results", "correct_count", "score", "passed", "answers"])
    if attempt.passed and attempt.quiz.kind == QuizKind.FINAL:
        enrollment = Enrollment.objects.filter(employee_id=attempt.employee_id, course_id=attempt.quiz.course_id).first()
        if enrollment is not None:
            enrollment_record_final_quiz_passed(enrollment=enrollment, passed_at=attempt.finished_at)


def attempts_close_expired(*, now=None, quiz: Quiz | None = None, employee=None) -> int:
    """Grade and close every open attempt past its deadline (with the answers saved in
    time). Safe to run concurrently: each attempt is locked and re-checked."""
    now = now or timezone.now()
    expired = Attempt.objects.filter(state=AttemptState.IN_PROGRESS, deadline__lte=now)
    if quiz is not None:
        expired = expired.filter(quiz=quiz)
    if employee is not None:
        expired = expired.filter(employee=employee)
    closed = 0
    for pk in expired.values_list("pk", flat=True):
        with transaction.atomic():
            attempt = Attempt.objects.select_for_update(of=("self",)).select_related("quiz").get(pk=pk)
            if attempt.is_open and attempt.is_past_deadline(now):
                _finish(attempt, AttemptState.CLOSED, now)
                closed += 1
    return closed


# --- question bank import ---------------------------------------------------------------------


class ImportRejected(Exception):
    def __init__(self, preview):
        super().__init__("rejected")
        self.preview = preview


def question_import_stage(*, filename: str, content: bytes, acting_user):
    """Keep an uploaded file for the preview/confirm steps (reading it raises TableFileError)."""
    from .importing import questions_preview
    from .models import QuestionImport

    preview = questions_preview(filename=filename, content=content)
    record = QuestionImport.objects.create(filename=filename[:255], content=content, uploaded_by=acting_user)
    return record, preview


def question_import_confirm(*, record, acting_user) -> int:
    """Create the new questions of a staged file, all or nothing; refuses a file with errors
    and a file already applied. Returns how many questions were created."""
    from core.audit import audit_record

    from .importing import STATUS_NEW, questions_preview
    from .models import Choice, QuestionImport

    with transaction.atomic():
        record = QuestionImport.objects.select_for_update().get(pk=record.pk)
        if record.applied:
            raise QuizRefused(_("Berkas ini sudah diimpor."), "applied")
        preview = questions_preview(filename=record.filename, content=bytes(record.content))
        if preview.has_errors:
            raise ImportRejected(preview)
        created = 0
        for row in preview.rows:
            if row.status != STATUS_NEW:
                continue
            question = Question.objects.create(
                course=row.course, category=row.category, type=row.type, text=row.text, explanation=row.explanation
            )
            Choice.objects.bulk_create(
                [Choice(question=question, text=t, is_correct=c, feedback=f, sort_order=i) for i, (t, c, f) in enumerate(row.choices)]
            )
            created += 1
        record.applied = True
        record.created_count = created
        record.save(update_fields=["applied", "created_count"])
        audit_record(instance=record, action="integritas.question_import", user=acting_user, data={"file": record.filename, "created": created})
    return created
