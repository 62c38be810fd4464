"""Background work: issuing a certificate when an enrollment completes."""

import datetime
import logging

from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)
RETRY_AFTER = datetime.timedelta(minutes=10)


@task()
def certificate_issue_task(enrollment_id: int) -> str:
    """Idempotent: a retried or duplicated task returns the certificate already issued.

    When the signing key is configured but unusable (wrong passphrase, expired certificate) or
    the PDF cannot be rendered, nothing is stored; the task is queued again for later (on
    backends that can defer) and fails, so the failure shows in the task results. The scheduler's
    reconciliation (operations.services.requeue_missing_certificates) also queues again every
    completed enrollment still without a certificate."""
    from courses.models import Enrollment

    from .pdf import CertificateRenderError
    from .services import certificate_issue
    from .signing import SigningError

    enrollment = Enrollment.objects.filter(pk=enrollment_id).first()
    if enrollment is None:
        return ""
    try:
        return certificate_issue(enrollment=enrollment).number
    except (SigningError, CertificateRenderError) as exc:
        _retry_later(enrollment_id)
        logger.warning("Certificate of enrollment %s not issued, retrying later: %s", enrollment_id, exc)
        raise


def _retry_later(enrollment_id: int) -> None:
    if not certificate_issue_task.get_backend().supports_defer:
        return  # the run_schedule sweep picks it up
    certificate_issue_task.using(run_after=timezone.now() + RETRY_AFTER).enqueue(enrollment_id)
