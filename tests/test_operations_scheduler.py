"""One scheduler, many nodes: each periodic job runs once per period, however many
schedulers run. The race is between real processes on PostgreSQL."""

import subprocess
import sys
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from operations import scheduler
from operations.models import ScheduledRun

from .ops_support import ROOT, env

WITA = ZoneInfo("Asia/Makassar")


def test_a_period_is_claimed_once(db):
    assert scheduler.claim("close_expired_attempts", "60s:1", node="a") is not None
    assert scheduler.claim("close_expired_attempts", "60s:1", node="b") is None
    assert scheduler.claim("close_expired_attempts", "60s:2", node="b") is not None


def test_a_failing_job_gives_its_period_back(db, monkeypatch):
    calls = []

    def boom():
        calls.append(1)
        raise RuntimeError("database away")

    monkeypatch.setattr(scheduler, "jobs", lambda: [scheduler.Job("boom", scheduler.every(60), boom)])
    at = datetime(2026, 11, 30, 10, 0, 5, tzinfo=WITA)
    assert scheduler.tick(at) == []
    assert not ScheduledRun.objects.filter(job="boom").exists()
    scheduler.tick(at)  # the same period is tried again
    assert len(calls) == 2


def test_reminders_wait_for_the_reminder_hour(db, settings):
    settings.REMINDER_HOUR = 8
    assert scheduler.daily_from_reminder_hour(datetime(2026, 11, 30, 7, 59, tzinfo=WITA)) is None
    assert scheduler.daily_from_reminder_hour(datetime(2026, 11, 30, 8, 0, tzinfo=WITA)) == "day:2026-11-30"


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_racing_run_each_job_once_per_period():
    first = datetime(2026, 11, 30, 10, 0, 30, tzinfo=WITA)
    moments = [first, first + timedelta(minutes=1)]
    processes = [
        subprocess.Popen(
            [sys.executable, "manage.py", "run_schedule", "--once", "--now", moment.isoformat(), "-v", "2"],
            cwd=ROOT, env=env(INTEGRITAS_REMINDER_HOUR=8), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for moment in moments
        for _node in range(2)  # two schedulers for every moment, started together
    ]
    outputs = [process.communicate(timeout=120) for process in processes]
    assert all(process.returncode == 0 for process in processes), [err[-1500:] for _out, err in outputs]
    ran = Counter(line.split(" ")[2].rstrip(":") for out, _err in outputs for line in out.splitlines() if line.strip())
    # two different minutes; one 10-minute (two jobs), 5-minute and daily period
    assert ran == Counter(
        close_expired_attempts=2, evidence_packs_expire=1, role_requests_expire=1, reconcile=1, send_reminders=1,
        prune_schedule_runs=1,
    ), ran
    assert ScheduledRun.objects.count() == 7
    assert all(run.finished_at for run in ScheduledRun.objects.all())
