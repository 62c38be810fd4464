"""A live course → package files (`{relative path: bytes}`), and those files as a ZIP.

Deterministic: the same live course always gives the same bytes, so an export, imported
into an empty database and exported again, is byte-identical (tests/test_curriculum.py).
"""

import csv
import html
import io
import re
import zipfile
from pathlib import PurePosixPath

import yaml
from django.utils.text import slugify

from .lessons import Lesson, lesson_to_markdown
from .reader import EMPLOYMENT_TYPES, FORMAT_VERSION

TYPE_NAMES = {"single": "tunggal", "multiple": "jamak", "true_false": "benar_salah"}


def _plain(value: str) -> str:
    paragraphs = re.findall(r"<p[^>]*>(.*?)</p>", value or "", flags=re.S) or [value or ""]
    return "\n".join(html.unescape(re.sub(r"<[^>]+>", "", p)).strip() for p in paragraphs if p.strip())


class _Media:
    """Package names for the images and documents a course uses: media/<slug of title>.<ext>."""

    def __init__(self):
        self.files: dict[str, bytes] = {}
        self.names: dict[tuple[str, int], str] = {}

    def path(self, obj, kind: str) -> str:
        key = (kind, obj.pk)
        if key not in self.names:
            suffix = PurePosixPath(obj.file.name).suffix.lower()
            base = slugify(obj.title) or kind
            name, n = f"media/{base}{suffix}", 2
            while name in self.files:
                name, n = f"media/{base}-{n}{suffix}", n + 1
            with obj.file.open("rb") as handle:
                self.files[name] = handle.read()
            self.names[key] = name
        return self.names[key]


def _items(value):
    return [item["value"] if isinstance(item, dict) and "value" in item and "type" in item else item for item in value]


def lesson_blocks_export(lesson, media: _Media) -> list:
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    images = get_image_model().objects.in_bulk([b["value"].get("image") for b in lesson.body.raw_data if b["type"] == "image"])
    documents = get_document_model().objects.in_bulk(
        [b["value"].get(k) for b in lesson.body.raw_data for k in ("document", "video") if b["type"] in ("download", "video")]
    )
    blocks = []
    for raw in lesson.body.raw_data:
        block_type, value = raw["type"], raw["value"]
        if block_type == "heading":
            blocks.append(("heading", {"text": value.get("text", ""), "level": value.get("level", "h2")}))
        elif block_type == "paragraph":
            blocks.append(("paragraph", value))
        elif block_type == "callout":
            blocks.append(("callout", {"kind": value.get("kind", "info"), "title": value.get("title") or "", "body": value.get("body", "")}))
        elif block_type == "case_study":
            blocks.append(("case_study", {k: value.get(k) or "" for k in ("title", "scenario", "question", "discussion")}))
        elif block_type == "key_points":
            blocks.append(("key_points", {"title": value.get("title") or "", "points": _items(value.get("points", []))}))
        elif block_type == "self_check":
            items = [{"question": i.get("question", ""), "answer": i.get("answer", "")} for i in _items(value.get("items", []))]
            blocks.append(("self_check", {"items": items}))
        elif block_type == "image":
            image = images.get(value.get("image"))
            if image is not None:
                blocks.append(("image", {"image": media.path(image, "gambar"), "alt_text": value.get("alt_text", ""), "caption": value.get("caption") or ""}))
        elif block_type == "download":
            document = documents.get(value.get("document"))
            if document is not None:
                blocks.append(("download", {"document": media.path(document, "dokumen"), "title": value.get("title", ""), "description": value.get("description") or ""}))
        elif block_type == "video":
            document = documents.get(value.get("video"))
            if document is not None:
                blocks.append(
                    (
                        "video",
                        {
                            "video": media.path(document, "video"),
                            "title": value.get("title", ""),
                            "duration_minutes": int(value.get("duration_minutes") or 0),
                            "transcript": value.get("transcript") or "",
                        },
                    )
                )
        elif block_type == "local_contact":
            blocks.append(("local_contact", {"kind": value.get("kind", "upg"), "intro": value.get("intro") or ""}))
    return blocks


def _quiz_categories(quiz) -> list[str]:
    return list(quiz.draw_categories or [])


def _pages(course, latest: bool):
    """The course and its lessons as learners see them, or (`latest`) with pending drafts and
    reviews applied: what the site will show once everything submitted is approved."""
    from courses.models import LessonPage

    if not latest:
        return course, list(LessonPage.objects.live().child_of(course).specific())
    lessons = [
        page.get_latest_revision_as_object()
        for page in LessonPage.objects.child_of(course).specific()
        if page.live or page.has_unpublished_changes
    ]
    return course.get_latest_revision_as_object(), lessons


def course_package_files(course, *, latest: bool = False) -> dict[str, bytes]:
    """The live version of `course` as package files (with `latest`, its newest revisions)."""
    from ..importing import COLUMNS
    from ..models import Question, Quiz

    media = _Media()
    lessons = []
    course, pages = _pages(course, latest)
    for index, page in enumerate(pages, start=1):
        lessons.append(Lesson(filename=f"{index:02d}-{page.slug}.md", slug=page.slug, title=page.title, blocks=lesson_blocks_export(page, media)))
    types = {"PNS": course.audience_pns, "PPPK": course.audience_pppk, "NON_ASN": course.audience_non_asn}
    data = {
        "format": FORMAT_VERSION,
        "slug": course.slug,
        "title": course.title,
        "summary": course.summary,
        "objectives": course.objectives,
        "category": course.category,
        "jp": course.jp_hours,
        "mandatory": course.mandatory,
    }
    if course.for_opd_heads:
        data["for_opd_heads"] = True
    data |= {
        "audience": {
            "opds": sorted(opd.code for opd in course.audience_opds.all()),
            "employment_types": [t for t in EMPLOYMENT_TYPES if types[t]],
        },
        "opens_on": course.opens_on,
        "closes_on": course.closes_on,
        "certificate_validity_months": course.certificate_validity_months,
    }
    if course.cover_image_id:
        from wagtail.images import get_image_model

        data["cover"] = media.path(get_image_model().objects.get(pk=course.cover_image_id), "sampul")
    data["lessons"] = [lesson.filename for lesson in lessons]
    quizzes = {}
    for kind in ("pretest", "final"):
        quiz = Quiz.objects.in_use().filter(course=course, kind=kind).first()
        if quiz is None:
            continue
        quizzes[kind] = {
            "title": quiz.title,
            "instructions": quiz.instructions,
            "categories": _quiz_categories(quiz),
            "question_count": quiz.question_count,
            "pass_mark": quiz.pass_mark,
            "time_limit_minutes": quiz.time_limit_minutes,
            "max_attempts": quiz.max_attempts,
            "cooldown_minutes": quiz.cooldown_minutes,
            "review_policy": quiz.review_policy,
            "shuffle_questions": quiz.shuffle_questions,
            "shuffle_choices": quiz.shuffle_choices,
            "requires_lessons": quiz.requires_lessons,
        }
    if quizzes:
        data["quizzes"] = quizzes
    files = {"course.yaml": yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100).encode("utf-8")}
    for lesson in lessons:
        files[f"lessons/{lesson.filename}"] = lesson_to_markdown(lesson).encode("utf-8")
    questions = Question.objects.in_use().filter(course=course).prefetch_related("choices").order_by("pk")
    if quizzes or questions:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(COLUMNS)
        for question in questions:
            choices = list(question.choices.all())[:5]
            letters = "ABCDE"
            row = {
                "kursus": course.slug,
                "kategori": question.category,
                "jenis": TYPE_NAMES.get(question.type, question.type),
                "pertanyaan": _plain(question.text),
                "kunci": ",".join(letters[i] for i, c in enumerate(choices) if c.is_correct),
                "pembahasan": _plain(question.explanation),
            }
            for i, choice in enumerate(choices):
                row[f"pilihan_{letters[i].lower()}"] = choice.text
                row[f"umpan_balik_{letters[i].lower()}"] = choice.feedback
            writer.writerow([row.get(column, "") for column in COLUMNS])
        files["questions.csv"] = buffer.getvalue().encode("utf-8")
    files.update(media.files)
    return dict(sorted(files.items()))


def package_zip(files: dict[str, bytes], *, folder: str) -> bytes:
    """Files as a ZIP under one folder, with fixed timestamps so equal files give equal bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, content in sorted(files.items()):
            info = zipfile.ZipInfo(f"{folder}/{path}", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return buffer.getvalue()
