"""Checks a course must pass before it is published, registered by apps above courses.

The JP basis needs the quiz time, which courses cannot read; quizzes registers its check in
`AppConfig.ready()`:

    publish_check_register(jp_basis_check)

A check is `func(course) -> str | None`: `course` is the version about to go live (fields
from the revision being published); a returned message refuses the publication. Every
path that publishes a course goes through `CoursePage.publish`, which raises
`PublishRefused`; the admin's edit form asks first so the editor sees the message.
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError

Check = Callable[["CoursePage"], "str | None"]  # noqa: F821

_checks: list[Check] = []


class PublishRefused(ValidationError):
    pass


def publish_check_register(func: Check) -> Check:
    if func not in _checks:
        _checks.append(func)
    return func


def course_publish_problems(course) -> list[str]:
    return [message for check in _checks if (message := check(course))]
