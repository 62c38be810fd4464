import datetime
import itertools

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from organizations.models import Employee, EmploymentType, Opd, OpdKind

_seq = itertools.count(1)


def make_nip(*, birth=datetime.date(1985, 1, 1), tmt=(2010, 1), gender="1", sequence=None) -> str:
    sequence = sequence if sequence is not None else next(_seq) % 999 + 1
    return f"{birth:%Y%m%d}{tmt[0]:04d}{tmt[1]:02d}{gender}{sequence:03d}"


class OpdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opd
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"OPD-{n:03d}")
    name = factory.Sequence(lambda n: f"Dinas Uji {n}")
    kind = OpdKind.DINAS


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.Sequence(lambda n: f"user{n}@example.test")
    first_name = factory.Faker("name", locale="id_ID")
    password = factory.PostGenerationMethodCall("set_password", "Rahasia-Uji-2026")

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    nip = factory.LazyFunction(make_nip)
    full_name = factory.Faker("name", locale="id_ID")
    email = factory.Sequence(lambda n: f"pegawai{n}@example.test")
    opd = factory.SubFactory(OpdFactory)
    position = "Pengadministrasi Umum"
    employment_type = EmploymentType.PNS
