"""Learner-facing views. Course and lesson pages are Wagtail pages whose `serve()` hands
over to `serve_course` / `serve_lesson` here, so access rules sit next to the other views."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from wagtail.models import Page
from wagtail.views import serve as wagtail_serve

from organizations.selectors import employee_for_user

from .extensions import course_sections, learning_sections, next_step_url
from .fragments import LESSON_BODIES, outline_html
from .models import CoursePage, EnrollmentSource, LessonPage
from .selectors import (
    access_live_course,
    access_live_lesson,
    course_of_lesson,
    course_outline,
    course_structure,
    enrollment_for,
    learner_state,
    learning_overview,
    learning_problem,
    pinned_content_version,
    site_for_request,
    with_audience,
)
from .services import LearningRefused, course_enroll, enrollment_ensure, enrollments_ensure_mandatory, lesson_complete

SEARCH_PAGE_SIZE = 10


def serve_page(request, path):
    """Wagtail's page view, with the content version read once for the whole request and
    the Site found without a query (both kept per content version in the process). The
    response is rendered here, while the version is pinned."""
    with pinned_content_version():
        request._wagtail_site = site_for_request(request)
        response = wagtail_serve(request, path)
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response.render()
    return response


def serve_course(request, course: CoursePage, preview: bool = False):
    if not request.user.is_authenticated and not preview:
        return redirect_to_login(request.get_full_path())
    structure = course_structure(course.path)
    if structure is not None:
        course.__dict__["audience_opd_ids"] = structure.course.audience_opd_ids
    else:  # an editor's preview of an unpublished course
        with_audience([course])
    employee, enrollment = (None, None) if preview else learner_state(user=request.user, course=course)
    problem = learning_problem(employee=employee, course=course) if not preview else None
    if enrollment is None and problem is None and course.mandatory and not course.has_closed():
        enrollment, _created = enrollment_ensure(employee=employee, course=course, source=EnrollmentSource.AUTOMATIC)
    outline = course_outline(course=course, enrollment=enrollment)
    context = course.get_context(request)
    context.update(
        course=course,
        employee=employee,
        problem=problem,
        enrollment=enrollment,
        outline=outline,
        outline_html=outline_html(outline, "courses/includes/outline_item_course.html", problem=problem is not None),
        can_enroll=problem is None and enrollment is None and not course.has_closed() and not preview,
        preview=preview,
        sections=[] if preview else course_sections(request, course, enrollment),
    )
    return TemplateResponse(request, course.get_template(request), context)


def serve_lesson(request, lesson: LessonPage, preview: bool = False):
    if preview:
        course = lesson.get_parent().specific
        outline = course_outline(course=course, enrollment=None)
        context = lesson.get_context(request)
        context.update(_lesson_context(lesson=lesson, course=course, outline=outline, enrollment=None, preview=True))
        return TemplateResponse(request, lesson.get_template(request), context)

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    course = course_of_lesson(lesson)
    employee, enrollment = learner_state(user=request.user, course=course)
    problem = learning_problem(employee=employee, course=course)
    if problem is not None:
        return TemplateResponse(
            request, "courses/no_access.html", {"course": course, "problem": problem, "page": lesson}, status=403
        )
    if enrollment is None:
        if not course.mandatory:
            messages.info(request, _("Daftar ke kursus ini dulu untuk mulai belajar."))
            return redirect(course.url)
        enrollment, _created = enrollment_ensure(employee=employee, course=course, source=EnrollmentSource.AUTOMATIC)
    outline = course_outline(course=course, enrollment=enrollment)
    context = lesson.get_context(request)
    context.update(_lesson_context(lesson=lesson, course=course, outline=outline, enrollment=enrollment))
    context["body_html"] = lesson_body(request, lesson)
    return TemplateResponse(request, lesson.get_template(request), context)


def lesson_body(request, lesson: LessonPage) -> str:
    """The lesson body's HTML, the same for every learner: rendered once per published
    revision in each process (no cache round trip per request; a publish changes the key). The
    lesson comes without its body (the course structure defers it): a miss reads it, once."""
    key = (lesson.pk, lesson.live_revision_id, lesson.last_published_at)
    return LESSON_BODIES.render("courses/includes/lesson_body.html", {"page": lesson}, key, request=request)


def _lesson_context(*, lesson, course, outline, enrollment, preview=False) -> dict:
    previous, following = outline.neighbours(lesson)
    return {
        "course": course,
        "outline": outline,
        "outline_html": outline_html(outline, "courses/includes/outline_item_lesson.html", current=lesson),
        "enrollment": enrollment,
        "previous_lesson": previous,
        "next_lesson": following,
        "position": outline.position(lesson),
        "is_done": lesson.pk in outline.done_ids,
        "can_record": not preview and not course.has_closed(),
        "preview": preview,
    }


@login_required
@require_safe
def my_learning(request):
    employee = employee_for_user(request.user)
    with pinned_content_version():
        if employee is not None:
            enrollments_ensure_mandatory(employee=employee)
        overview = learning_overview(user=request.user, employee=employee)
    return TemplateResponse(
        request,
        "courses/my_learning.html",
        {"overview": overview, "employee": employee, "sections": learning_sections(request, employee)},
    )


@login_required
@require_POST
def enroll(request, course_id: int):
    course = access_live_course(course_id)
    with_audience([course])
    try:
        course_enroll(employee=employee_for_user(request.user), course=course)
    except LearningRefused as refusal:
        messages.error(request, refusal.message)
        return redirect(course.url)
    messages.success(request, _("Anda terdaftar di kursus “%(title)s”. Selamat belajar!") % {"title": course.title})
    return redirect("course_continue", course_id=course.pk)


@login_required
@require_safe
def course_continue(request, course_id: int):
    """"Lanjutkan": the first lesson not yet done, or the course page when all are done."""
    course = access_live_course(course_id)
    employee = employee_for_user(request.user)
    enrollment = enrollment_for(employee=employee, course=course)
    outline = course_outline(course=course, enrollment=enrollment)
    target = outline.first_unfinished
    return redirect(target.url if target is not None else course.url)


@login_required
@require_POST
def complete_lesson(request, lesson_id: int):
    lesson = access_live_lesson(lesson_id)
    course = course_of_lesson(lesson)
    try:
        _progress, created = lesson_complete(employee=employee_for_user(request.user), lesson=lesson)
    except LearningRefused as refusal:
        messages.error(request, refusal.message)
        return redirect(lesson.url if refusal.code in ("closed", "not_enrolled") else course.url)
    enrollment = enrollment_for(employee=employee_for_user(request.user), course=course)
    if enrollment is not None and enrollment.is_completed and created:
        messages.success(request, _("Selamat! Anda telah menyelesaikan kursus “%(title)s”.") % {"title": course.title})
        return redirect(next_step_url(course, enrollment) or course.url)
    outline = course_outline(course=course, enrollment=enrollment)
    if created:
        messages.success(request, _("Pelajaran “%(title)s” ditandai selesai.") % {"title": lesson.title})
    target = outline.next_unfinished(lesson)
    if target is not None:
        return redirect(target.url)
    # every lesson is done: on to the final quiz, or the completion page
    step = next_step_url(course, enrollment)
    if step and created and not enrollment.is_completed:
        messages.info(request, _("Semua pelajaran sudah selesai. Langkah berikutnya: kuis akhir."))
    return redirect(step or course.url)


@login_required
@require_safe
def search(request):
    query = request.GET.get("q", "").strip()[:200]
    results = None
    page_obj = None
    if query:
        pages = Page.objects.live().type(CoursePage, LessonPage).specific().search(query)
        paginator = Paginator(pages, SEARCH_PAGE_SIZE)
        page_obj = paginator.get_page(request.GET.get("halaman"))
        results = list(page_obj.object_list)
        course_paths = {page.path[: -page.steplen] for page in results if isinstance(page, LessonPage)}
        courses = {c.path: c for c in CoursePage.objects.live().filter(path__in=course_paths)}
        for page in results:
            page.course = courses.get(page.path[: -page.steplen]) if isinstance(page, LessonPage) else None
    return TemplateResponse(
        request, "courses/search.html", {"query": query, "results": results, "page_obj": page_obj}
    )
