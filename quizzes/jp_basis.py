"""The JP basis: a course's estimated learning time and the JP it supports
(curriculum/README.md, "JP: the learning-time basis"; DESIGN.md invariant 11).

    minutes = words ÷ 150 + 5 × case studies + 2 × self-checks + video minutes
              + 1 × question drawn, for each active quiz
    JP supported = floor(minutes ÷ "menit per JP")

Words are the lesson text a learner reads: headings, paragraphs, callouts, case studies,
key points, self-checks, captions and download labels. Not counted: lesson titles, image
alternative text (read by screen readers instead of seeing the image) and video
transcripts (the video's own duration counts instead). Minutes are kept as an exact
fraction, so rounding never lets a course claim a JP it does not have.

Lives in quizzes because the quiz time is part of the basis; quizzes may read courses.
"""

import math
from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext as _

WORDS_PER_MINUTE = 150
CASE_STUDY_MINUTES = 5
SELF_CHECK_MINUTES = 2
MINUTES_PER_QUESTION = 1


@dataclass(frozen=True)
class JpBasis:
    words: int
    case_studies: int
    self_checks: int
    video_minutes: int
    quiz_questions: int

    @property
    def minutes(self) -> Fraction:
        return (
            Fraction(self.words, WORDS_PER_MINUTE)
            + CASE_STUDY_MINUTES * self.case_studies
            + SELF_CHECK_MINUTES * self.self_checks
            + self.video_minutes
            + MINUTES_PER_QUESTION * self.quiz_questions
        )

    @property
    def minutes_display(self) -> str:
        return f"{float(self.minutes):.1f}".replace(".", ",")

    def jp_supported(self, minutes_per_jp: int | None) -> int | None:
        if not minutes_per_jp:
            return None
        return math.floor(self.minutes / minutes_per_jp)


def _words(text: str) -> int:
    from .packages.lessons import plain_text

    return len(plain_text(text).split())


def _items(values) -> list:
    """ListBlock raw data holds {"type": "item", "value": …, "id": …}; package blocks hold values."""
    return [v["value"] if isinstance(v, dict) and "value" in v and "type" in v else v for v in values or []]


def block_counts(blocks) -> tuple[int, int, int, int]:
    """(words, case studies, self-checks, video minutes) of lesson blocks given as
    `(type, value)` pairs or StreamField raw dicts."""
    words = case_studies = self_checks = video = 0
    for block in blocks:
        block_type, value = (block["type"], block["value"]) if isinstance(block, dict) else block
        if block_type == "heading":
            words += _words(value.get("text", ""))
        elif block_type == "paragraph":
            words += _words(value)
        elif block_type == "callout":
            words += _words(value.get("title", "")) + _words(value.get("body", ""))
        elif block_type == "case_study":
            case_studies += 1
            words += sum(_words(value.get(k, "")) for k in ("title", "scenario", "question", "discussion"))
        elif block_type == "key_points":
            words += _words(value.get("title", "")) + sum(_words(p) for p in _items(value.get("points")))
        elif block_type == "self_check":
            self_checks += 1
            for item in _items(value.get("items")):
                words += _words(item.get("question", "")) + _words(item.get("answer", ""))
        elif block_type == "image":
            words += _words(value.get("caption", ""))
        elif block_type == "download":
            words += _words(value.get("title", "")) + _words(value.get("description", ""))
        elif block_type == "video":
            words += _words(value.get("title", ""))
            video += int(value.get("duration_minutes") or 0)
        elif block_type == "local_contact":
            words += _words(value.get("intro", ""))
    return words, case_studies, self_checks, video


def basis_compute(*, lessons_blocks, quiz_question_counts) -> JpBasis:
    totals = [0, 0, 0, 0]
    for blocks in lessons_blocks:
        for index, count in enumerate(block_counts(blocks)):
            totals[index] += count
    return JpBasis(*totals, quiz_questions=sum(quiz_question_counts))


def basis_for_package(package) -> JpBasis:
    return basis_compute(
        lessons_blocks=[lesson.blocks for lesson in package.lessons],
        quiz_question_counts=[quiz.question_count for quiz in package.quizzes.values()],
    )


def basis_for_course(course) -> JpBasis:
    """The basis of what learners get now: the live lessons and the active quizzes."""
    from courses.models import LessonPage

    from .models import Quiz

    lessons = LessonPage.objects.live().child_of(course).specific()
    return basis_compute(
        lessons_blocks=[lesson.body.raw_data for lesson in lessons],
        quiz_question_counts=list(Quiz.objects.in_use().filter(course=course).values_list("question_count", flat=True)),
    )


def minutes_per_jp_setting() -> int | None:
    from core.models import ProgramSettings

    return ProgramSettings.load().minutes_per_jp


def jp_problem(*, claimed: int, basis: JpBasis, minutes_per_jp: int | None) -> str | None:
    """Why `claimed` JP cannot be published on this basis, or None when it can."""
    if claimed == 0:
        return None  # claims no JP: nothing to back
    if not minutes_per_jp:
        return _(
            "Menit per JP belum ditetapkan. BKPSDM harus mengisinya di Pengaturan program sebelum kursus "
            "dengan JP dapat diterbitkan."
        )
    supported = basis.jp_supported(minutes_per_jp)
    if claimed > supported:
        return _(
            "Kursus mengklaim %(claimed)s JP, tetapi waktu belajarnya (%(minutes)s menit: %(words)s kata, "
            "%(cases)s studi kasus, %(checks)s cek diri, %(video)s menit video, %(questions)s soal kuis) "
            "hanya mendukung %(supported)s JP pada %(per_jp)s menit per JP."
        ) % {
            "claimed": claimed,
            "minutes": basis.minutes_display,
            "words": basis.words,
            "cases": basis.case_studies,
            "checks": basis.self_checks,
            "video": basis.video_minutes,
            "questions": basis.quiz_questions,
            "supported": supported,
            "per_jp": minutes_per_jp,
        }
    return None


def course_jp_check(course) -> str | None:
    """Publish check (courses.publishing): the JP claimed must be supported by what is live."""
    return jp_problem(claimed=course.jp_hours, basis=basis_for_course(course), minutes_per_jp=minutes_per_jp_setting())
