"""Helpers for the operations tests that run real worker and scheduler processes against
the test database (PostgreSQL): the data a test makes must be committed (transaction=True)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def database_url() -> str:
    s = connection.settings_dict
    user = s.get("USER") or "postgres"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


def rq_url() -> str | None:
    """The Redis database of this test run (CACHE_URL's), or INTEGRITAS_TEST_RQ_URL."""
    url = os.environ.get("INTEGRITAS_TEST_RQ_URL") or os.environ.get("CACHE_URL", "")
    return url if url.startswith("redis://") else None


def env(**extra) -> dict:
    values = dict(os.environ)
    values.update(
        DJANGO_SETTINGS_MODULE="elearning.settings.test", DATABASE_URL=database_url(), PYTHONUNBUFFERED="1",
        INTEGRITAS_WORKER_HEARTBEAT_SECONDS="1", INTEGRITAS_WORKER_DEAD_SECONDS="2",
    )
    values.update({k: str(v) for k, v in extra.items()})
    return values


def manage(*args, timeout=60, **extra) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env(**extra), capture_output=True, text=True, timeout=timeout
    )


def start(*args, log: Path, **extra) -> subprocess.Popen:
    """A manage.py process in its own process group (a work horse dies with its worker)."""
    return subprocess.Popen(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env(**extra), stdout=log.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def kill_group(process: subprocess.Popen) -> None:
    """SIGKILL the process and every descendant, as when the machine dies: RQ's work horse
    runs in a session of its own, so killing the process group alone would spare it."""
    for pid in [*_descendants(process.pid), process.pid]:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=10)


def wait_for(predicate, *, timeout=20.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")

