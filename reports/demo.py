"""Demo: Dinas Kesehatan gets a head (a demo account) who can review the OPD's progress."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from organizations.models import Employee, EmploymentType, Opd

DEMO_DOMAIN = "demo.integritas.test"
DEMO_PASSWORD = "Integritas-Demo-2026"


def seed(*, stdout, style):
    opd = Opd.objects.filter(code="DINKES").first()
    if opd is None:
        return
    email = f"kepala@{DEMO_DOMAIN}"
    employee = Employee.objects.filter(email=email).first() or Employee.objects.create(
        nip="197003152000031003", full_name="dr. Kepala Dinas Kesehatan (demo)", email=email, opd=opd,
        position="Kepala Dinas", employment_type=EmploymentType.PNS,
    )
    User = get_user_model()
    user = User.objects.filter(email=email).first() or User(username=employee.nip, email=email, first_name=employee.full_name)
    user.set_password(DEMO_PASSWORD)
    user.save()
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    if employee.user_id != user.pk:
        employee.user = user
        employee.save(update_fields=["user"])
    if opd.head_id != employee.pk:
        opd.head = employee
        opd.save(update_fields=["head"])
    stdout.write(style.MIGRATE_HEADING("Kepala OPD demo:"))
    stdout.write(f"  {email}  {DEMO_PASSWORD}  (kepala Dinas Kesehatan: Pembelajaran Saya › Tinjau progres OPD)")
