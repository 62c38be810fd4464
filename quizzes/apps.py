from django.apps import AppConfig
from django.db.models.signals import post_migrate


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "Kuis"

    def ready(self):
        from courses.completion import completion_requirement_register
        from courses.extensions import course_section_register, next_step_register
        from courses.publishing import publish_check_register

        from .completion import final_quiz_passed, next_step
        from .jp_basis import course_jp_check
        from .views import course_section

        completion_requirement_register(final_quiz_passed)
        publish_check_register(course_jp_check)
        course_section_register(course_section)
        next_step_register(next_step)

        from .setup import on_post_migrate

        post_migrate.connect(on_post_migrate, dispatch_uid="quizzes_quiz_review")
