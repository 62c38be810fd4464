"""The attempt lifecycle: start, autosave, submit, and closing at the deadline.

The server owns the clock: a deadline is stored at start (start + time limit, capped by
the course's close date), answers are accepted only before it, and an attempt left open
past it is graded with what was saved (by `attempts_close_expired`, run periodically and
lazily whenever the learner comes back).
"""

import datetime
import json
import random
import secrets

from django.db import IntegrityError, NotSupportedError, transaction
from django.db.models import BooleanField, F, Func, JSONField, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Enrollment, EnrollmentSource
from courses.services import enrollment_ensure, enrollment_record_final_quiz_passed
from organizations.models import Employee

from .drawing import exposure_from_snapshots, questions_draw
from .models import Attempt, AttemptState, Question, Quiz, QuizKind
from .scoring import (
    MULTIPLE_ANSWER_TYPE,
    answer_index,
    answers_problem,
    answers_problem_indexed,
    choices_well_formed,
    grade,
    has_passed,
)
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


def _answers_normalised(answers: dict) -> dict:
    """Question ids as strings, each list of choices sorted once."""
    return {str(k): sorted(set(v)) for k, v in answers.items()}


def _answers_merged(stored: dict, answers: dict) -> dict:
    """The save rule: a question answered again replaces its earlier answer, an empty list
    clears it. `AnswersMerged` is the same rule computed by the database."""
    merged = {**(stored or {}), **_answers_normalised(answers)}
    return {k: v for k, v in merged.items() if v}


class AnswersMerged(Func):
    """The attempt's stored answers with `answers` merged in, computed by the database in the
    UPDATE itself: a question answered again replaces its earlier answer, an empty list clears
    it (the same rule as `{**stored, **new}` without the empty ones). PostgreSQL: jsonb `||`,
    then `-` the cleared keys; SQLite: json_patch (RFC 7396), where null removes a key."""

    output_field = JSONField()

    def __init__(self, answers: dict):
        normalised = _answers_normalised(answers)
        self.keep = {k: v for k, v in normalised.items() if v}
        self.clear = [k for k, v in normalised.items() if not v]
        super().__init__(F("answers"))

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError(f"AnswersMerged is written for PostgreSQL and SQLite, not {connection.vendor}")

    def as_postgresql(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        return f"(({column} || %s::jsonb) - %s::text[])", (*params, json.dumps(self.keep), self.clear)

    def as_sqlite(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        patch = {**self.keep, **dict.fromkeys(self.clear)}
        return f"json_patch({column}, %s)", (*params, json.dumps(patch))


class AnswersFit(Func):
    """True when `answers` fit the attempt's answer index, computed by the database in the
    UPDATE's WHERE: every question is one of the attempt's, every choice one of that
    question's, and more than one choice only for a multiple-answer question. The same
    rule as `answers_problem_indexed`, which says what is wrong when this does not hold.
    Question ids must be digits and choices well formed (checked in Python first).

    PostgreSQL: jsonb containment of {"<question>": [[choices]]} (a single choice, or none)
    or {"<question>": ["multiple", [choices]]} in the index's {"<question>": [type, [ids]]}.
    SQLite: no question of `answers` without its entry, its type or each of its choices."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, answers: dict):
        self.answers = _answers_normalised(answers)
        super().__init__(F("answer_index"))

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError(f"AnswersFit is written for PostgreSQL and SQLite, not {connection.vendor}")

    def as_postgresql(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        pattern = {k: ([MULTIPLE_ANSWER_TYPE, v] if len(v) > 1 else [v]) for k, v in self.answers.items()}
        return f"({column} @> %s::jsonb)", (*params, json.dumps(pattern))

    def as_sqlite(self, compiler, connection, **extra):
        column, params = compiler.compile(self.source_expressions[0])
        entry = """'$."' || p.key || '"'"""
        return (
            f"NOT EXISTS (SELECT 1 FROM json_each(%s) AS p WHERE json_type({column}, {entry}) IS NULL"
            f" OR (json_array_length(p.value) > 1 AND json_extract({column}, {entry} || '[0]') <> %s)"
            f" OR EXISTS (SELECT 1 FROM json_each(p.value) AS c WHERE NOT EXISTS ("
            f"SELECT 1 FROM json_each({column}, {entry} || '[1]') AS a WHERE a.value = c.value)))",
            (json.dumps(self.answers), *params, *params, MULTIPLE_ANSWER_TYPE, *params),
        )


def _saved_if_open(attempts, answers: dict, now) -> int:
    """Merge `answers` into the attempts of `attempts` that are open and before their
    deadline, in one UPDATE; how many were saved."""
    return (
        attempts.filter(state=AttemptState.IN_PROGRESS)
        .filter(Q(deadline__isnull=True) | Q(deadline__gt=now))
        .update(answers=AnswersMerged(answers), saved_at=now)
    )


def attempt_autosave(*, user, attempt_id: int, answers: dict, now=None):
    """An autosave in one statement, nothing read first: the UPDATE finds the attempt by id
    among the user's own, open, before its deadline, with answers that fit its questions.
    Returns when it was saved, or None when that statement matched nothing (a missing or
    someone else's attempt, answers that do not fit, a submitted or late attempt): the caller
    then goes through `access_attempt` and `attempt_save_answers`, which say which."""
    if not all(str(k).isdigit() and str(k).isascii() and choices_well_formed(v) for k, v in answers.items()):
        return None
    now = now or timezone.now()
    mine = Attempt.objects.filter(pk=attempt_id, employee_id__in=Employee.objects.filter(user_id=user.pk).values("pk"))
    return now if _saved_if_open(mine.filter(AnswersFit(answers)), answers, now) else None


def attempt_save_answers(*, attempt: Attempt, answers: dict, now=None) -> Attempt:
    """Store answers (all or nothing) while the attempt is open and before its deadline.
    `answers` maps question ids to lists of choice ids; an empty list clears a question.

    An open attempt before its deadline is saved by one UPDATE that checks both in its WHERE
    and merges the answers in the database (no transaction, no row read under lock: two
    round trips fewer per autosave). A submit holding the row lock makes it wait and then
    find the attempt no longer open. Anything else (submitted, past the deadline) goes the
    locked way below, which says why or grades the attempt at its deadline."""
    now = now or timezone.now()
    problem = answers_problem_indexed(_answer_index_of(attempt), answers)
    if problem is not None:
        raise QuizRefused(problem, "invalid")
    if _saved_if_open(Attempt.objects.filter(pk=attempt.pk), answers, now):
        attempt.answers = _answers_merged(attempt.answers, answers)  # as stored, unless another tab saved meanwhile
        attempt.saved_at = now
        return attempt
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
            locked.answers = _answers_merged(locked.answers, answers)
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
                locked.answers = _answers_merged(locked.answers, answers)
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
    """Keep an uploaded file for the preview/confirm/review steps, with its preview read
    once here (reading it raises TableFileError); later steps never parse it again."""
    from .importing import question_preview_pack, questions_preview
    from .models import QuestionImport

    preview = questions_preview(filename=filename, content=content)
    record = QuestionImport.objects.create(
        filename=filename[:255], content=content, uploaded_by=acting_user, parsed=question_preview_pack(preview)
    )
    return record, preview


def question_import_preview(*, record):
    """The preview of a staged file as computed at upload. Records staged before previews
    were kept are parsed once more and keep the result. Raises TableFileError."""
    from .importing import question_preview_pack, question_preview_unpack, questions_preview

    if record.parsed:
        return question_preview_unpack(record.parsed)
    preview = questions_preview(filename=record.filename, content=bytes(record.content))
    record.parsed = question_preview_pack(preview)
    record.save(update_fields=["parsed"])
    return preview


def question_import_confirm(*, record, acting_user) -> int:
    """Create the new questions of a staged file as drafts, all or nothing, and send the file
    to review as one batch. The drafts are never drawn (`live=False`) until a reviewer
    approves the batch (`question_import_approve`). Refuses a file with errors and a file
    already confirmed. Returns how many questions were created."""
    from core.audit import audit_record

    from .importing import STATUS_NEW
    from .models import Choice, QuestionImport, QuestionImportStatus

    with transaction.atomic():
        record = QuestionImport.objects.select_for_update().get(pk=record.pk)
        if record.applied or record.status != QuestionImportStatus.STAGED:
            raise QuizRefused(_("Berkas ini sudah diimpor."), "applied")
        preview = question_import_preview(record=record)
        if preview.has_errors:
            raise ImportRejected(preview)
        new_rows = [row for row in preview.rows if row.status == STATUS_NEW]
        # what was new at upload may have arrived since (another file, an editor): skip it
        arrived = set(
            Question.objects.filter(course_id__in={row.course.pk for row in new_rows}, text__in=[row.text for row in new_rows])
            .values_list("course_id", "text")
        )
        created = 0
        for row in new_rows:
            if (row.course.pk, row.text) in arrived:
                continue
            question = Question.objects.create(
                course_id=row.course.pk, category=row.category, type=row.type, text=row.text, explanation=row.explanation,
                live=False, question_import=record,
            )
            Choice.objects.bulk_create(
                [Choice(question=question, text=t, is_correct=c, feedback=f, sort_order=i) for i, (t, c, f) in enumerate(row.choices)]
            )
            question.save_revision(user=acting_user)
            created += 1
        record.applied = True
        record.created_count = created
        # nothing new to review: the batch is done
        record.status = QuestionImportStatus.PENDING if created else QuestionImportStatus.APPROVED
        record.save(update_fields=["applied", "created_count", "status"])
        audit_record(instance=record, action="integritas.question_import", user=acting_user, data={"file": record.filename, "created": created})
    return created


def question_import_review_problem(*, record, user) -> str | None:
    """None when `user` may approve or reject the batch now; otherwise why not, in their words.
    Reviewers (who publish questions) decide; nobody decides on their own upload."""
    from .models import QuestionImportStatus

    if not user.has_perm("quizzes.publish_question"):
        return _("Hanya Peninjau Konten yang dapat menyetujui atau menolak impor soal.")
    if record.status == QuestionImportStatus.APPROVED:
        return _("Impor soal ini sudah disetujui.")
    if record.status == QuestionImportStatus.REJECTED:
        return _("Impor soal ini sudah ditolak. Unggah ulang berkas yang sudah diperbaiki.")
    if record.status != QuestionImportStatus.PENDING:
        return _("Impor soal ini belum dikonfirmasi oleh pengunggahnya.")
    if record.uploaded_by_id is not None and record.uploaded_by_id == user.pk:
        return _("Anda mengunggah berkas ini; peninjau lain yang harus menyetujui atau menolaknya.")
    return None


def _locked_for_review(record, acting_user):
    from .models import QuestionImport

    record = QuestionImport.objects.select_for_update().get(pk=record.pk)
    problem = question_import_review_problem(record=record, user=acting_user)
    if problem is not None:
        raise QuizRefused(problem, "review_refused")
    return record


def question_import_approve(*, record, acting_user) -> int:
    """Publish every draft question of a batch at once (one transaction, one audit entry,
    and each question's own publish in its history). Returns how many went live."""
    from core.audit import audit_record

    from .models import QuestionImportStatus

    with transaction.atomic():
        record = _locked_for_review(record, acting_user)
        published = 0
        for question in record.questions.filter(live=False).order_by("pk"):
            # The row of a never-published question holds what was imported (edits made
            # since wait in later revisions): the batch goes live exactly as previewed.
            question.save_revision(user=acting_user).publish(user=acting_user, skip_permission_checks=True)
            published += 1
        record.status = QuestionImportStatus.APPROVED
        record.reviewed_by, record.reviewed_at = acting_user, timezone.now()
        record.save(update_fields=["status", "reviewed_by", "reviewed_at"])
        audit_record(
            instance=record, action="integritas.question_import_approve", user=acting_user,
            data={"file": record.filename, "published": published},
        )
    return published


def question_import_reject(*, record, acting_user, reason: str) -> int:
    """Delete every draft question of a batch and record who rejected it and why. Returns
    how many drafts were deleted."""
    from core.audit import audit_record

    from .models import QuestionImportStatus

    reason = (reason or "").strip()
    if not reason:
        raise QuizRefused(_("Tuliskan alasan penolakan untuk pengunggah."), "reason_missing")
    with transaction.atomic():
        record = _locked_for_review(record, acting_user)
        drafts = record.questions.filter(live=False)
        deleted = drafts.count()
        for question in drafts:
            question.delete()  # its choices and revisions go with it
        record.status = QuestionImportStatus.REJECTED
        record.reviewed_by, record.reviewed_at, record.review_note = acting_user, timezone.now(), reason[:2000]
        record.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
        audit_record(
            instance=record, action="integritas.question_import_reject", user=acting_user,
            data={"file": record.filename, "deleted": deleted, "reason": record.review_note},
        )
    return deleted
