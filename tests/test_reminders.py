"""Reminders: who gets an email, how often, the coordinator digest, and a run with no mail
server or a dead one (nothing marked as sent)."""

import datetime
import io
import socket

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from courses.services import lesson_complete
from reports.models import ReminderKind, ReminderLog

from .factories import EmployeeFactory


@pytest.fixture
def world(make_course, opd_a, opd_b, coordinator_a):
    today = timezone.localdate()
    course = make_course(lessons=2, title="Gratifikasi", closes_on=today + datetime.timedelta(days=10))
    closed = make_course(lessons=1, title="Sudah ditutup", opens_on=today - datetime.timedelta(days=30), closes_on=today - datetime.timedelta(days=1))
    make_course(lessons=1, title="Pilihan", mandatory=False)
    people = {
        "starting": EmployeeFactory(opd=opd_a, full_name="Budi Belum"),
        "halfway": EmployeeFactory(opd=opd_a, full_name="Citra Separuh"),
        "done": EmployeeFactory(opd=opd_a, full_name="Dewi Selesai"),
        "inactive": EmployeeFactory(opd=opd_a, full_name="Eko Nonaktif", active=False),
        "no_email": EmployeeFactory(opd=opd_b, full_name="Fajar Tanpa Email", email=""),
        "other_opd": EmployeeFactory(opd=opd_b, full_name="Gita OPD B"),
    }
    lesson_complete(employee=people["halfway"], lesson=course.test_lessons[0])
    for lesson in course.test_lessons:
        lesson_complete(employee=people["done"], lesson=lesson)
    coordinator_a.email = "koordinator@example.test"
    coordinator_a.save()
    return course, closed, people


def _recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_learners_who_have_not_finished_get_one_reminder_per_interval(world, coordinator_a):
    course, closed, people = world
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    expected = sorted([people["starting"].email, people["halfway"].email, people["other_opd"].email, coordinator_a.email])
    assert _recipients() == expected
    assert "Terkirim: 3 pengingat peserta, 1 ringkasan koordinator" in out.getvalue() and "1 tanpa alamat email" in out.getvalue()
    halfway = next(m for m in mail.outbox if m.to == [people["halfway"].email])
    assert "Gratifikasi" in halfway.body and "1 dari 2 pelajaran selesai" in halfway.body and "Sudah ditutup" not in halfway.body
    assert f"/belajar/kursus/{course.pk}/lanjutkan/" in halfway.body
    assert timezone.localdate().strftime("%Y") in halfway.body  # the close date, spelled out
    digest = next(m for m in mail.outbox if m.to == [coordinator_a.email])
    assert "Dinas B" not in digest.body and "Dinas A: 1 dari 3 pegawai aktif selesai (33,3%)" in digest.body
    assert ReminderLog.objects.filter(kind=ReminderKind.LEARNER).count() == 3
    assert ReminderLog.objects.filter(kind=ReminderKind.DIGEST, user=coordinator_a).count() == 1
    # A second run the same week sends nothing more.
    mail.outbox.clear()
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert mail.outbox == [] and "Terkirim: 0 pengingat peserta, 0 ringkasan koordinator" in out.getvalue()
    # After the interval, those still not finished are reminded again.
    ReminderLog.objects.update(sent_at=timezone.now() - datetime.timedelta(days=8))
    lesson_complete(employee=people["halfway"], lesson=course.test_lessons[1])
    call_command("send_reminders", stdout=io.StringIO())
    assert people["halfway"].email not in _recipients() and people["starting"].email in _recipients()


def test_dry_run_lists_recipients_and_sends_nothing(world):
    course, closed, people = world
    out, err = io.StringIO(), io.StringIO()
    call_command("send_reminders", "--dry-run", stdout=out, stderr=err)
    assert mail.outbox == [] and not ReminderLog.objects.exists()
    assert "Budi Belum" in out.getvalue() and "Dewi Selesai" not in out.getvalue() and "Eko Nonaktif" not in out.getvalue()
    assert "Akan dikirim: 3 pengingat peserta, 1 ringkasan koordinator" in out.getvalue()


@override_settings(EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend")
def test_no_mail_server_configured_is_a_clear_error_and_nothing_is_marked(world):
    with pytest.raises(CommandError, match="Server email belum dikonfigurasi"):
        call_command("send_reminders", stdout=io.StringIO())
    assert not ReminderLog.objects.exists()
    err = io.StringIO()
    call_command("send_reminders", "--dry-run", stdout=io.StringIO(), stderr=err)
    assert "belum dikonfigurasi" in err.getvalue()


def test_an_unreachable_mail_server_marks_nothing_as_sent(world):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1", EMAIL_PORT=port, EMAIL_TIMEOUT=2):
        with pytest.raises(CommandError, match="Tidak dapat terhubung ke server email"):
            call_command("send_reminders", stdout=io.StringIO())
    assert not ReminderLog.objects.exists()


def test_the_scheduled_task_reports_a_missing_mail_server_without_failing(world):
    from reports.tasks import send_reminders_task

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        result = send_reminders_task.enqueue()
    assert "belum dikonfigurasi" in result.return_value and not ReminderLog.objects.exists()
    send_reminders_task.enqueue()
    assert ReminderLog.objects.count() == 4


def test_run_schedule_expires_packs_and_queues_reminders(world, auditor):
    from reports.models import EvidencePack

    stale = EvidencePack.objects.create(requested_by=auditor, as_of=timezone.localdate(), status="done", expires_at=timezone.now())
    with override_settings(REMINDER_HOUR=23 if timezone.localtime().hour < 23 else 24):
        call_command("run_schedule", "--once", stdout=io.StringIO())
    assert not ReminderLog.objects.exists()  # before the hour: not yet
    stale.refresh_from_db()
    assert stale.status == "expired"
    with override_settings(REMINDER_HOUR=0):
        call_command("run_schedule", "--once", stdout=io.StringIO())
    assert ReminderLog.objects.count() == 4


def test_reminder_log_page(client, hr, world):
    call_command("send_reminders", stdout=io.StringIO())
    client.force_login(hr)
    body = client.get("/admin/laporan/pengingat/").content.decode()
    assert "Budi Belum" in body and "koordinator@example.test" in body
    body = client.get("/admin/laporan/pengingat/", {"jenis": "digest"}).content.decode()
    assert "Budi Belum" not in body and "koordinator@example.test" in body
