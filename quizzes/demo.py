"""Demo courses: the curriculum packages in curriculum/, loaded as `load_curriculum` does
(quizzes and question banks included), then learners part-way through them.

Idempotent: loading an unchanged package changes nothing.
"""

from courses.completion import completion_requirement_register, completion_requirement_unregister
from courses.demo import seed_progress_report

from .completion import final_quiz_passed
from .management.commands.load_curriculum import curriculum_paths
from .packages.errors import PackageError
from .packages.loader import course_package_load
from .packages.reader import package_files_from_dir, package_read


def seed(*, stdout, style):
    courses = []
    for path in curriculum_paths():
        try:
            package = package_read(package_files_from_dir(path), root=str(path))
            plan = course_package_load(package=package, publish=True, source="seed_demo")
        except PackageError as error:
            stdout.write(style.ERROR(f"  {path}: ditolak\n" + "\n".join(f"    {p}" for p in error.problems)))
            continue
        courses.append(plan.course)
    # Demo learners finish courses by their lessons, as they did before the packages brought
    # quizzes along: the demo's certificates and reports need completions to show.
    completion_requirement_unregister(final_quiz_passed)
    try:
        seed_progress_report(courses, stdout=stdout, style=style)
    finally:
        completion_requirement_register(final_quiz_passed)
