"""Evidence packs and reminders under concurrency, on PostgreSQL: a duplicated pack task
builds one pack; two reminder runs at once send each email once."""

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from courses.services import lesson_complete
from reports.evidence import evidence_pack_run
from reports.models import EvidencePack, ReminderLog

from .factories import EmployeeFactory
from .test_courses_concurrency import _race

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_a_duplicated_pack_task_builds_the_pack_once(auditor, make_course, opd_a):
    from wagtail.models import ModelLogEntry

    course = make_course(lessons=1)
    lesson_complete(employee=EmployeeFactory(opd=opd_a), lesson=course.test_lessons[0])
    pack = EvidencePack.objects.create(requested_by=auditor, as_of=timezone.localdate())
    results = []
    assert _race(lambda: results.append(evidence_pack_run(pack.pk)), count=3) == []
    pack.refresh_from_db()
    assert pack.status == "done" and [r for r in results if r] == [pack.sha256]
    assert ModelLogEntry.objects.filter(action="integritas.evidence_pack").count() == 1


def test_two_reminder_runs_at_once_send_each_email_once(make_course, opd_a):
    course = make_course(lessons=2)
    people = [EmployeeFactory(opd=opd_a) for _ in range(5)]
    lesson_complete(employee=people[0], lesson=course.test_lessons[0])
    errors = []

    def run():
        try:
            call_command("send_reminders", stdout=io.StringIO())
        except Exception as exc:  # the loser is told another run is in progress
            errors.append(str(exc))

    assert _race(run, count=2) == []
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert ReminderLog.objects.count() == 5
    assert all("sedang berjalan" in e for e in errors)
