"""Extra conditions for completing a course, registered by apps above courses.

Courses decides completion (all published lessons done) but cannot import the apps that
add conditions, such as a final quiz. Such an app registers a requirement in its
`AppConfig.ready()`:

    completion_requirement_register(quiz_requirement)

A requirement is `func(enrollment) -> bool`; True means it does not block completion.
It must be cheap (one query at most): it runs each time a lesson is marked done.
"""

from collections.abc import Callable

Requirement = Callable[["Enrollment"], bool]  # noqa: F821

_requirements: list[Requirement] = []


def completion_requirement_register(func: Requirement) -> Requirement:
    if func not in _requirements:
        _requirements.append(func)
    return func


def completion_requirement_unregister(func: Requirement) -> None:
    if func in _requirements:
        _requirements.remove(func)


def completion_requirements_met(enrollment) -> bool:
    return all(requirement(enrollment) for requirement in _requirements)
