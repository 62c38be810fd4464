"""Reads, always scoped to what the asking user may see (STYLE.md habit 4)."""

from django.db.models import QuerySet
from django.http import Http404

from .models import Employee, Opd, Role, RoleAssignment, RosterImport
from .permissions import active_roles, has_role, sees_all_opds


def opds_visible_to(user) -> QuerySet[Opd]:
    if not user.is_authenticated:
        return Opd.objects.none()
    if sees_all_opds(user):
        return Opd.objects.all()
    if has_role(user, Role.COORDINATOR):
        return Opd.objects.filter(
            coordinator_roles__in=RoleAssignment.objects.active().filter(
                user=user, role=Role.COORDINATOR
            )
        ).distinct()
    return Opd.objects.none()


def employees_visible_to(user) -> QuerySet[Employee]:
    if not user.is_authenticated:
        return Employee.objects.none()
    if sees_all_opds(user):
        return Employee.objects.all()
    if has_role(user, Role.COORDINATOR):
        return Employee.objects.filter(opd__in=opds_visible_to(user).values("pk"))
    return Employee.objects.none()


def access_employee(user, pk) -> Employee:
    """The employee if `user` may see them; 404 for missing and not-yours alike."""
    try:
        return employees_visible_to(user).select_related("opd").get(pk=pk)
    except (Employee.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_opd(user, pk) -> Opd:
    try:
        return opds_visible_to(user).get(pk=pk)
    except (Opd.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def roster_imports_visible_to(user) -> QuerySet[RosterImport]:
    if user.is_authenticated and user.has_perm("organizations.view_rosterimport"):
        return RosterImport.objects.all()
    return RosterImport.objects.none()


def employee_for_user(user) -> Employee | None:
    if not user.is_authenticated:
        return None
    return Employee.objects.select_related("opd").filter(user=user).first()


__all__ = [
    "opds_visible_to",
    "employees_visible_to",
    "access_employee",
    "access_opd",
    "roster_imports_visible_to",
    "employee_for_user",
    "active_roles",
]
