"""Learner-facing quiz views: start page, the attempt (one page, autosaved), submit, result."""

import datetime
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from organizations.selectors import employee_for_user

from .models import QuizKind
from .selectors import access_attempt, access_quiz, attempt_review, public_questions, quiz_overview, quiz_overviews
from .services import (
    QuizRefused,
    attempt_autosave,
    attempt_save_answers,
    attempt_start,
    attempt_submit,
    attempts_close_expired,
)

MAX_JSON_BYTES = 64 * 1024


def course_section(*, request, course, enrollment) -> str:
    """The quiz box on the course page (registered with courses.extensions)."""
    if enrollment is not None:
        employee = enrollment.employee
        overviews = quiz_overviews(course=course, employee=employee, enrollment=enrollment)
    else:
        overviews = quiz_overviews(course=course, employee=employee_for_user(request.user))
    if not overviews:
        return ""
    return render_to_string("quizzes/includes/course_section.html", {"overviews": overviews}, request=request)


@login_required
@require_safe
def quiz_detail(request, quiz_id: int):
    quiz = access_quiz(quiz_id)
    employee = employee_for_user(request.user)
    if employee is not None:
        attempts_close_expired(quiz=quiz, employee=employee)
    overview = quiz_overview(quiz=quiz, employee=employee)
    return TemplateResponse(request, "quizzes/quiz_detail.html", {"quiz": quiz, "overview": overview})


@login_required
@require_POST
def quiz_start(request, quiz_id: int):
    quiz = access_quiz(quiz_id)
    try:
        attempt = attempt_start(quiz=quiz, employee=employee_for_user(request.user))
    except QuizRefused as refusal:
        messages.error(request, refusal.message)
        return redirect("quiz_detail", quiz_id=quiz.pk)
    return redirect("attempt_take", attempt_id=attempt.pk)


@never_cache
@login_required
@require_safe
def attempt_take(request, attempt_id: int):
    attempt = access_attempt(request.user, attempt_id)
    if attempt.is_open and attempt.is_past_deadline():
        attempts_close_expired(quiz=attempt.quiz, employee=attempt.employee_id)
        attempt.refresh_from_db()
    if not attempt.is_open:
        return redirect("attempt_result", attempt_id=attempt.pk)
    now = timezone.now()
    return TemplateResponse(
        request,
        "quizzes/attempt.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "questions": public_questions(attempt),
            "now": now,
            # a countdown helps within a sitting; a deadline set by the course close date is a date
            "show_countdown": attempt.deadline is not None and attempt.deadline - now <= datetime.timedelta(hours=24),
        },
    )


def _form_answers(request, attempt) -> dict[str, list[int]]:
    """Answers from the plain form: every question of the attempt, unchecked ones empty."""
    answers = {}
    for question_id in attempt.answer_index or {str(q["id"]): None for q in attempt.snapshot}:
        values = request.POST.getlist(f"q{question_id}")
        try:
            answers[question_id] = [int(v) for v in values]
        except ValueError:
            raise QuizRefused(_("Format jawaban tidak sah."), "invalid") from None
    return answers


@never_cache
@login_required
@require_POST
def attempt_save(request, attempt_id: int):
    """Autosave (JSON from the page script) or the "Simpan jawaban" button (plain form).

    An autosave that fits is stored by one UPDATE (`attempt_autosave`); anything else takes
    the long way, which reads the attempt and says what is wrong (404, 400 or 409)."""
    is_json = request.content_type == "application/json"
    unreadable = None
    if is_json:
        try:
            answers = _json_answers(request)
        except QuizRefused as problem:
            unreadable = problem
        else:
            saved_at = attempt_autosave(user=request.user, attempt_id=attempt_id, answers=answers)
            if saved_at is not None:
                return _saved_json(saved_at)
    attempt = access_attempt(request.user, attempt_id, for_save=True)
    try:
        if unreadable is not None:
            raise unreadable
        if not is_json:
            answers = _form_answers(request, attempt)
        attempt = attempt_save_answers(attempt=attempt, answers=answers)
    except QuizRefused as refusal:
        if is_json:
            status = 409 if refusal.code in ("not_open", "deadline") else 400
            return JsonResponse({"ok": False, "error": refusal.message, "code": refusal.code}, status=status)
        messages.error(request, refusal.message)
        return redirect("attempt_take", attempt_id=attempt.pk)
    if is_json:
        return _saved_json(attempt.saved_at)
    messages.success(request, _("Jawaban tersimpan."))
    return redirect("attempt_take", attempt_id=attempt.pk)


def _json_answers(request) -> dict:
    """The answers of an autosave's JSON body, or QuizRefused saying what is wrong with it."""
    if len(request.body) > MAX_JSON_BYTES:
        raise QuizRefused(_("Permintaan terlalu besar."), "invalid")
    try:
        payload = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise QuizRefused(_("Format jawaban tidak sah."), "invalid") from None
    answers = payload.get("answers") if isinstance(payload, dict) else None
    if not isinstance(answers, dict):
        raise QuizRefused(_("Format jawaban tidak sah."), "invalid")
    return answers


def _saved_json(saved_at) -> JsonResponse:
    """What the page script shows beside "Tersimpan": the time of the save, in WITA."""
    return JsonResponse({"ok": True, "saved_at": timezone.localtime(saved_at).strftime("%H:%M:%S")})


@never_cache
@login_required
@require_POST
def attempt_finish(request, attempt_id: int):
    """"Kirim": asks once when questions are unanswered (without JavaScript, on a page)."""
    attempt = access_attempt(request.user, attempt_id)
    try:
        answers = _form_answers(request, attempt) if attempt.is_open else {}
        unanswered = [number for number, q in enumerate(attempt.snapshot, start=1) if not answers.get(str(q["id"])) and not attempt.answers.get(str(q["id"]))]
        if attempt.is_open and unanswered and request.POST.get("confirm") != "1" and not attempt.is_past_deadline():
            attempt = attempt_save_answers(attempt=attempt, answers=answers)
            return TemplateResponse(request, "quizzes/confirm_submit.html", {"attempt": attempt, "unanswered": unanswered})
        attempt = attempt_submit(attempt=attempt, answers=answers)
    except QuizRefused as refusal:
        messages.error(request, refusal.message)
        if refusal.code in ("not_open", "deadline"):
            return redirect("attempt_result", attempt_id=attempt.pk)
        return redirect("attempt_take", attempt_id=attempt.pk)
    return redirect("attempt_result", attempt_id=attempt.pk)


@login_required
@require_safe
def attempt_result(request, attempt_id: int):
    attempt = access_attempt(request.user, attempt_id)
    if attempt.is_open:
        return redirect("attempt_take", attempt_id=attempt.pk)
    return TemplateResponse(
        request,
        "quizzes/result.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "review": attempt_review(attempt),
            "course_url": reverse("quiz_detail", args=[attempt.quiz_id]),
            "next_step": _next_step_after(attempt),
        },
    )


def _next_step_after(attempt) -> dict | None:
    """What a passed final quiz leads to: the course's completion page (with the certificate)
    when the course is now complete, otherwise the lessons still to do."""
    from courses.extensions import next_step_url
    from courses.models import Enrollment

    if not attempt.passed or attempt.quiz.kind != QuizKind.FINAL:
        return None
    course = attempt.quiz.course
    enrollment = Enrollment.objects.filter(employee=attempt.employee, course_id=course.pk).first()
    if enrollment is not None and enrollment.is_completed:
        return {"url": next_step_url(course, enrollment) or course.url, "completed": True}
    return {"url": reverse("course_continue", args=[course.pk]), "completed": False}
