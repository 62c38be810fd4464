"""Sections that apps above courses add to the course page (the final quiz, certificates).

Courses cannot import them, so they register a renderer in their `AppConfig.ready()`:

    course_section_register(render)   # render(request, course, enrollment) -> HTML or ""

Renderers run in registration order; each must issue a fixed number of queries.

The same apps say what a learner's *next step* is once the lessons are done (the final quiz,
then the completion page with the certificate):

    next_step_register(func)          # func(course, enrollment) -> URL or ""
"""

from collections.abc import Callable

from django.utils.safestring import SafeString, mark_safe

Section = Callable[..., str]

_sections: list[Section] = []


def course_section_register(func: Section) -> Section:
    if func not in _sections:
        _sections.append(func)
    return func


def course_sections(request, course, enrollment) -> list[SafeString]:
    rendered = (func(request=request, course=course, enrollment=enrollment) for func in _sections)
    return [mark_safe(html) for html in rendered if html]


# Sections on "Pembelajaran Saya" (for instance an OPD head's review box), same contract:
# render(request, employee) -> HTML or "".
_learning_sections: list[Section] = []


def learning_section_register(func: Section) -> Section:
    if func not in _learning_sections:
        _learning_sections.append(func)
    return func


def learning_sections(request, employee) -> list[SafeString]:
    if employee is None:
        return []
    rendered = (func(request=request, employee=employee) for func in _learning_sections)
    return [mark_safe(html) for html in rendered if html]


# The learner's next step in a course once every lesson is done: the first registered
# function that answers a URL wins (quizzes: the final quiz not yet passed; certificates: the
# completion page once the enrollment is complete).
_next_steps: list[Callable[..., str]] = []


def next_step_register(func: Callable[..., str]) -> Callable[..., str]:
    if func not in _next_steps:
        _next_steps.append(func)
    return func


def next_step_url(course, enrollment) -> str:
    if enrollment is None:
        return ""
    for func in _next_steps:
        url = func(course=course, enrollment=enrollment)
        if url:
            return url
    return ""
