from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = "Sertifikat"

    def ready(self):
        from courses.extensions import course_section_register, next_step_register
        from courses.signals import enrollment_completed

        from .views import completion_step, course_section

        enrollment_completed.connect(_enqueue_issue, dispatch_uid="certificates_issue_on_completion")
        course_section_register(course_section)
        next_step_register(completion_step)


def _enqueue_issue(sender, enrollment_id, **kwargs):
    from .tasks import certificate_issue_task

    certificate_issue_task.enqueue(enrollment_id)
