"""Demo quizzes: a final quiz for every demo course (bank of 12+ questions each) and a
pre-test for the gratification course. Idempotent: a course that has questions is skipped."""

from django.utils.html import escape

from courses.models import CoursePage

from .demo_questions import BS, QUESTIONS
from .models import Choice, Question, QuestionType, Quiz, QuizKind, ReviewPolicy


def _question_type(choices: list[str], key: str) -> str:
    if choices == BS:
        return QuestionType.TRUE_FALSE
    return QuestionType.MULTIPLE if "," in key else QuestionType.SINGLE


def seed(*, stdout, style):
    created = 0
    for slug, rows in QUESTIONS.items():
        course = CoursePage.objects.filter(slug=slug).first()
        if course is None or Question.objects.filter(course=course).exists():
            continue
        for category, text, choices, key, explanation in rows:
            question = Question.objects.create(
                course=course, category=category, type=_question_type(choices, key),
                text=f"<p>{escape(text)}</p>", explanation=f"<p>{escape(explanation)}</p>",
            )
            letters = {k.strip().upper() for k in key.split(",")}
            Choice.objects.bulk_create(
                [Choice(question=question, text=choice, is_correct="ABCDE"[i] in letters, sort_order=i) for i, choice in enumerate(choices)]
            )
            created += 1
        Quiz.objects.get_or_create(
            course=course, kind=QuizKind.FINAL, active=True,
            defaults={
                "title": f"Kuis akhir: {course.title}", "question_count": 10, "pass_mark": 70, "time_limit_minutes": 20,
                "max_attempts": 3, "cooldown_minutes": 10, "review_policy": ReviewPolicy.FULL,
                "instructions": "Jawab semua soal. Jawaban tersimpan otomatis; kirim sebelum waktu habis.",
            },
        )
        if slug == "mengenal-dan-menolak-gratifikasi":
            Quiz.objects.get_or_create(
                course=course, kind=QuizKind.PRETEST, active=True,
                defaults={
                    "title": "Tes awal: seberapa kenal Anda dengan gratifikasi?", "question_count": 6, "pass_mark": 70,
                    "max_attempts": 1, "review_policy": ReviewPolicy.SCORE, "requires_lessons": False,
                    "instructions": "Tes awal mengukur pengetahuan awal dan tidak dihitung untuk kelulusan.",
                },
            )
    stdout.write(style.MIGRATE_HEADING("Kuis demo:"))
    stdout.write(f"  {Quiz.objects.count()} kuis, {Question.objects.count()} soal ({created} baru).")
