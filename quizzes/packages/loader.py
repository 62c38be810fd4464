"""Write a `CoursePackage` into Wagtail pages, quizzes and questions, all or nothing.

What changes is decided by comparing the package with the export of what is live
(`course_package_plan`), so loading the same package twice writes nothing, and the admin's
preview shows exactly what a load would do. Pages change through revisions: the first
install publishes; later loads submit the new revisions to the review workflow unless
`publish=True`.
"""

import math
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_record

from ..jp_basis import basis_for_package, jp_problem, minutes_per_jp_setting
from .errors import PackageError, Problem
from .lessons import Lesson
from .reader import CoursePackage, QuizSpec, package_read

NEW, CHANGED, SAME, REMOVED = "baru", "diubah", "tetap", "dinonaktifkan"


@dataclass
class Change:
    kind: str
    name: str
    action: str


@dataclass
class LoadPlan:
    package: CoursePackage
    course: object | None
    changes: list[Change] = field(default_factory=list)
    words: int = 0
    minutes: str = ""
    jp_supported: int | None = None
    published: bool = False
    submitted: bool = False

    @property
    def first_install(self) -> bool:
        return self.course is None

    @property
    def changed(self) -> bool:
        return any(change.action != SAME for change in self.changes)

    def count(self, action: str) -> int:
        return sum(1 for change in self.changes if change.action == action)


def _stored_policy(value: str) -> str:
    from ..models import ReviewPolicy

    values = set(ReviewPolicy.values)
    if value in values:
        return value
    # Until the model knows `correctness_until_done`, the nearest stricter policy.
    return "correctness"


def _normalised_quiz(spec: QuizSpec) -> QuizSpec:
    return replace(spec, review_policy=_stored_policy(spec.review_policy))


def _lesson_key(lesson: Lesson, media: dict[str, bytes]):
    return (lesson.title, lesson.blocks, {path: media.get(path) for path in lesson.media_paths()})


def _problem(package: CoursePackage, message: str, line=None) -> PackageError:
    prefix = f"{package.root.rstrip('/')}/" if package.root else ""
    return PackageError([Problem(prefix + "course.yaml", line, message)])


def course_package_plan(package: CoursePackage, *, publish: bool = False) -> LoadPlan:
    """What loading `package` would change; writes nothing. Raises PackageError when the JP
    claimed exceeds the basis or the JP setting is missing. Compared with what is live when
    publishing, else with the newest revisions (a load already waiting for review is not
    submitted again)."""
    from courses.models import CoursePage

    from .exporter import course_package_files

    basis = basis_for_package(package)
    per_jp = minutes_per_jp_setting()
    problem = jp_problem(claimed=package.jp, basis=basis, minutes_per_jp=per_jp)
    if problem:
        raise _problem(package, problem, package.jp_line)
    course = CoursePage.objects.filter(slug=package.slug).first()
    plan = LoadPlan(package=package, course=course, words=basis.words, minutes=basis.minutes_display, jp_supported=basis.jp_supported(per_jp))
    current = None
    if course is not None:
        try:
            current = package_read(course_package_files(course, latest=not publish))
        except PackageError:
            current = None  # edited in the admin beyond what the format says: treat everything as changed
    add = plan.changes.append
    add(Change(_("Kursus"), package.title, NEW if course is None else (SAME if current and current.course_fields() == package.course_fields() else CHANGED)))
    old_lessons = {lesson.slug: (i, lesson) for i, lesson in enumerate(current.lessons)} if current else {}
    for index, lesson in enumerate(package.lessons):
        old = old_lessons.get(lesson.slug)
        if old is None:
            action = NEW
        elif old[0] == index and _lesson_key(old[1], current.media) == _lesson_key(lesson, package.media):
            action = SAME
        else:
            action = CHANGED
        add(Change(_("Pelajaran"), lesson.title, action))
    for slug, (_i, lesson) in old_lessons.items():
        if slug not in {lesson.slug for lesson in package.lessons}:
            add(Change(_("Pelajaran"), lesson.title, REMOVED))
    old_quizzes = current.quizzes if current else {}
    for kind, quiz in package.quizzes.items():
        old = old_quizzes.get(kind)
        add(Change(_("Kuis"), quiz.title, NEW if old is None else (SAME if old == _normalised_quiz(quiz) else CHANGED)))
    for kind, quiz in old_quizzes.items():
        if kind not in package.quizzes:
            add(Change(_("Kuis"), quiz.title, REMOVED))
    old_questions = {q.text: q for q in current.questions} if current else {}
    if current is None and course is not None:
        from ..models import Question

        old_questions = {text: None for text in Question.objects.in_use().filter(course=course).values_list("text", flat=True)}
    for question in package.questions:
        old = old_questions.get(question.text, False)
        action = NEW if old is False else (SAME if old is not None and old.identity() == question.identity() else CHANGED)
        add(Change(_("Soal"), question.text, action))
    for text in old_questions:
        if text not in {q.text for q in package.questions}:
            add(Change(_("Soal"), text, REMOVED))
    return plan


class _MediaResolver:
    def __init__(self, package: CoursePackage):
        self.package = package
        self.cache = {}

    def get(self, path: str, kind: str):
        from wagtail.documents import get_document_model
        from wagtail.images import get_image_model

        if (path, kind) in self.cache:
            return self.cache[(path, kind)]
        model = get_image_model() if kind == "image" else get_document_model()
        content = self.package.media[path]
        title = PurePosixPath(path).stem
        found = None
        for candidate in model.objects.filter(title=title):
            try:
                with candidate.file.open("rb") as handle:
                    if handle.read() == content:
                        found = candidate
                        break
            except OSError:
                continue
        if found is None:
            found = model.objects.create(title=title, file=ContentFile(content, name=PurePosixPath(path).name))
        self.cache[(path, kind)] = found
        return found


def _body(lesson: Lesson, media: _MediaResolver) -> list:
    body = []
    for block_type, value in lesson.blocks:
        if block_type == "image":
            value = {**value, "image": media.get(value["image"], "image")}
        elif block_type == "download":
            value = {**value, "document": media.get(value["document"], "document")}
        elif block_type == "video":
            value = {**value, "video": media.get(value["video"], "document")}
        body.append((block_type, value))
    return body


def _lesson_minutes(lesson: Lesson) -> int:
    from ..jp_basis import basis_compute

    return max(1, math.ceil(basis_compute(lessons_blocks=[lesson.blocks], quiz_question_counts=[]).minutes))


def _start_review(obj, user):
    """Submit `obj` (a page, a quiz or a question) to its review workflow, restarting a
    review already in progress with the new revision."""
    workflow = obj.get_workflow()
    if workflow is None:
        return False
    state = obj.current_workflow_state
    if state is not None:
        state.cancel(user=user)
    workflow.start(obj, user)
    return True


def _quizzes_write(*, course, package: CoursePackage, publish: bool, acting_user) -> list:
    """Write the package's quizzes and questions. Publishing (a first install by a reviewer,
    or a reviewer's "publish now"), the rows change at once, as the live version. Otherwise
    each change waits as a revision (a new quiz or question as a draft, `live=False`, never
    drawn) and is returned for the review workflow, like the pages: a package load by an
    editor changes no live quiz setting and no live question (DESIGN.md invariant 10)."""
    from ..models import Choice, Question, Quiz

    to_review = []

    def write(obj, *, children=None):
        if publish:
            if obj.pk is not None and obj.workflow_in_progress:
                obj.current_workflow_state.cancel(user=acting_user)  # superseded by what goes live now
            obj.live = True
            obj.save()
            if children is not None:
                obj.choices.all().delete()
                Choice.objects.bulk_create([Choice(question=obj, **values) for values in children])
            if isinstance(obj, Quiz):  # the quiz's history shows the load and who did it
                obj.save_revision(user=acting_user).publish(user=acting_user, skip_permission_checks=True)
            return
        if obj.pk is None:  # new: a draft row, so the revision has something to belong to
            obj.live = False
            obj.save()
            if children is not None:
                Choice.objects.bulk_create([Choice(question=obj, **values) for values in children])
        elif children is not None:
            obj.choices = [Choice(**values) for values in children]  # in memory, into the revision only
        obj.save_revision(user=acting_user)
        to_review.append(obj)

    for kind, spec in package.quizzes.items():
        values = {
            "title": spec.title, "instructions": spec.instructions, "draw_categories": list(spec.categories),
            "question_count": spec.question_count, "pass_mark": spec.pass_mark,
            "time_limit_minutes": spec.time_limit_minutes, "max_attempts": spec.max_attempts,
            "cooldown_minutes": spec.cooldown_minutes, "review_policy": _stored_policy(spec.review_policy),
            "shuffle_questions": spec.shuffle_questions, "shuffle_choices": spec.shuffle_choices,
            "requires_lessons": spec.requires_lessons,
        }
        quiz = Quiz.objects.filter(course=course, kind=kind, active=True).first()
        if quiz is None:
            quiz = Quiz(course=course, kind=kind, active=True)
        if quiz.pk is None or (publish and not quiz.live) or any(getattr(quiz, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(quiz, name, value)
            quiz.full_clean()
            write(quiz)
    for quiz in Quiz.objects.filter(course=course, active=True).exclude(kind__in=list(package.quizzes)):
        quiz.active = False
        write(quiz)

    bank = {q.text: q for q in Question.objects.filter(course=course).prefetch_related("choices").order_by("pk")}
    for spec in package.questions:
        question = bank.get(spec.text)
        choices = [(c.text, c.is_correct, c.feedback) for c in question.choices.all()] if question else None
        if (
            question is not None
            and question.active
            and (question.live or not publish)  # a draft from an earlier load goes live now
            and (question.category, question.type, question.explanation, choices)
            == (spec.category, spec.type, spec.explanation, list(spec.choices))
        ):
            continue
        if question is None:
            question = Question(course=course, text=spec.text)
        question.category, question.type, question.explanation, question.active = spec.category, spec.type, spec.explanation, True
        children = None
        if choices != list(spec.choices):
            children = [
                {"text": t, "is_correct": ok, "feedback": fb, "sort_order": i} for i, (t, ok, fb) in enumerate(spec.choices)
            ]
        write(question, children=children)
    wanted = {q.text for q in package.questions}
    for question in Question.objects.filter(course=course, active=True).exclude(text__in=wanted):
        question.active = False
        write(question)
    return to_review


def course_package_load(
    *, package: CoursePackage, publish: bool = False, may_publish: bool = True, acting_user=None, source: str = ""
) -> LoadPlan:
    """Load one course package in one transaction; returns the plan it carried out.

    A first install publishes, and so does `publish=True`; otherwise the new revisions go to
    the review workflow. `may_publish=False` (a user without publish permission) always
    submits for review."""
    from courses.models import CourseIndexPage, CoursePage, LessonPage
    from courses.setup import site_structure_ensure
    from organizations.models import Opd


    with transaction.atomic():
        plan = course_package_plan(package, publish=publish and may_publish)
        if not plan.changed:
            return plan
        publish = (publish or plan.first_install) and may_publish
        index = CourseIndexPage.objects.first() or site_structure_ensure()[1]
        media = _MediaResolver(package)
        course = plan.course
        fields = {
            "title": package.title,
            "summary": package.summary,
            "learning_objectives": "\n".join(package.objectives),
            "category": package.category,
            "jp_hours": package.jp,
            "mandatory": package.mandatory,
            "for_opd_heads": package.for_opd_heads,
            "audience_pns": "PNS" in package.employment_types,
            "audience_pppk": "PPPK" in package.employment_types,
            "audience_non_asn": "NON_ASN" in package.employment_types,
            "opens_on": package.opens_on,
            "closes_on": package.closes_on,
            "certificate_validity_months": package.certificate_validity_months,
            "cover_image": media.get(package.cover, "image") if package.cover else None,
        }
        opds = list(Opd.objects.filter(code__in=package.audience_opds))
        to_publish, to_review = [], []
        if course is None:
            course = index.add_child(instance=CoursePage(slug=package.slug, live=False, **fields))
            course.audience_opds.set(opds)
            revision = course.save_revision(user=acting_user)
            (to_publish if publish else to_review).append(revision)
        elif plan.changes[0].action != SAME:
            for name, value in fields.items():
                setattr(course, name, value)
            course.audience_opds.set(opds)
            revision = course.save_revision(user=acting_user)
            (to_publish if publish else to_review).append(revision)

        existing = {page.slug: page for page in LessonPage.objects.child_of(course).specific()}
        lesson_changes = [c for c in plan.changes if c.kind == _("Pelajaran") and c.action != REMOVED]
        ordered = []
        for lesson, change in zip(package.lessons, lesson_changes, strict=True):
            page = existing.get(lesson.slug)
            if change.action == SAME and page is not None:
                ordered.append(page)
                continue
            values = {"title": lesson.title, "body": _body(lesson, media), "estimated_minutes": _lesson_minutes(lesson)}
            if page is None:
                page = course.add_child(instance=LessonPage(slug=lesson.slug, live=False, **values))
                revision = page.save_revision(user=acting_user)
                (to_publish if publish else to_review).append(revision)
            else:
                for name, value in values.items():
                    setattr(page, name, value)
                revision = page.save_revision(user=acting_user)
                (to_publish if publish else to_review).append(revision)
            ordered.append(page)
        current_order = [page.pk for page in LessonPage.objects.child_of(course).filter(pk__in=[p.pk for p in ordered])]
        if current_order != [page.pk for page in ordered]:
            for page in ordered:
                page.refresh_from_db()
                page.move(course, pos="last-child")
        wanted = {lesson.slug for lesson in package.lessons}
        if publish:
            for slug, page in existing.items():
                if slug not in wanted and page.live:
                    page.unpublish(user=acting_user)

        snippets_to_review = _quizzes_write(course=course, package=package, publish=publish, acting_user=acting_user)

        # Lessons first: the course's JP is checked against what is live when it is published.
        to_publish.sort(key=lambda revision: str(revision.object_id) == str(course.pk))
        for revision in to_publish:
            revision.publish(user=acting_user)
        reviewed = set()
        for revision in to_review:
            page = revision.content_object.specific
            if page.pk not in reviewed:
                reviewed.add(page.pk)
                page.refresh_from_db()
                plan.submitted = _start_review(page, acting_user) or plan.submitted
        for obj in snippets_to_review:
            plan.submitted = _start_review(obj, acting_user) or plan.submitted
        plan.published = bool(to_publish)
        plan.course = CoursePage.objects.get(pk=course.pk)
        audit_record(
            instance=course,
            action="integritas.course_package_load",
            user=acting_user,
            data={
                "source": source,
                "new": plan.count(NEW),
                "changed": plan.count(CHANGED),
                "removed": plan.count(REMOVED),
                "published": publish,
                "jp": package.jp,
                "jp_supported": plan.jp_supported,
                "minutes": plan.minutes,
            },
        )
    return plan
