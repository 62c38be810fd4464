"""Who may see which certificate."""

from django.db.models import Q, QuerySet
from django.http import Http404

from organizations.models import Role
from organizations.permissions import has_role, sees_all_opds
from organizations.selectors import employee_for_user, opds_visible_to

from .models import Certificate


def certificates_visible_to(user) -> QuerySet[Certificate]:
    """The registry: HR, auditors and observers see all; a coordinator those issued in, or
    held by someone now in, their OPDs."""
    if not user.is_authenticated or not user.has_perm("certificates.view_certificate"):
        return Certificate.objects.none()
    if sees_all_opds(user):
        return Certificate.objects.all()
    if has_role(user, Role.COORDINATOR):
        opds = opds_visible_to(user).values("pk")
        return Certificate.objects.filter(Q(opd__in=opds) | Q(employee__opd__in=opds))
    return Certificate.objects.none()


def access_certificate(user, pk) -> Certificate:
    try:
        return certificates_visible_to(user).get(pk=pk)
    except (Certificate.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def certificates_of(user) -> QuerySet[Certificate]:
    employee = employee_for_user(user)
    if employee is None:
        return Certificate.objects.none()
    return Certificate.objects.filter(employee=employee)


def access_own_certificate(user, pk) -> Certificate:
    """The learner's own certificate; 404 for someone else's and for a missing one alike."""
    try:
        return certificates_of(user).get(pk=pk)
    except (Certificate.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def certificate_by_code(code: str) -> Certificate:
    code = (code or "").strip().lower()
    if not code.isalnum() or len(code) > 32:
        raise Http404
    try:
        return Certificate.objects.select_related("replaced_by").get(code=code)
    except Certificate.DoesNotExist:
        raise Http404 from None
