"""Background work: issuing a certificate when an enrollment completes."""

from django_tasks import task


@task()
def certificate_issue_task(enrollment_id: int) -> str:
    """Idempotent: a retried or duplicated task returns the certificate already issued."""
    from courses.models import Enrollment

    from .services import certificate_issue

    enrollment = Enrollment.objects.filter(pk=enrollment_id).first()
    if enrollment is None:
        return ""
    return certificate_issue(enrollment=enrollment).number
