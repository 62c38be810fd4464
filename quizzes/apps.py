from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "Kuis"

    def ready(self):
        from courses.completion import completion_requirement_register
        from courses.extensions import course_section_register, next_step_register

        from .completion import final_quiz_passed, next_step
        from .views import course_section

        completion_requirement_register(final_quiz_passed)
        course_section_register(course_section)
        next_step_register(next_step)
