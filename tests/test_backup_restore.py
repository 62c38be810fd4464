"""The restore drill, on PostgreSQL: issue certificates -> deploy/backup -> the database and
the files (public media and private storage) are gone -> deploy/restore into an empty
database and empty directories -> every certificate's file, read from the restored private
storage, matches its stored SHA-256 and its verification page says it is valid.

The test database stays (the test is connected to it); the restore goes to a new, empty
database and directory, and the original files are deleted before it."""

import json
import os
import shutil
import subprocess

import psycopg
import pytest
from django.test import override_settings

from certificates.models import Certificate
from courses.services import lesson_complete

from .factories import EmployeeFactory
from .ops_support import ROOT, database_url, manage

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

CHECK = """
import hashlib, json, os
from django.test import Client, override_settings
# test settings pin both roots
override_settings(MEDIA_ROOT=os.environ["DJANGO_MEDIA_ROOT"], PRIVATE_ROOT=os.environ["INTEGRITAS_PRIVATE_ROOT"]).enable()
from certificates.models import Certificate
client = Client(HTTP_HOST="localhost")
out = []
for c in Certificate.objects.order_by("pk"):
    with c.pdf.open("rb") as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()
    page = client.get(f"/verifikasi/{c.code}/")
    body = page.content.decode()
    out.append({"number": c.number, "hash_ok": digest == c.sha256, "status": page.status_code,
                "valid": "<strong>VALID</strong>" in body and "asli dan berlaku" in body and c.sha256 in body})
print("RESULT " + json.dumps(out))
"""


def _admin(sql):
    with psycopg.connect(database_url().rsplit("/", 1)[0].replace("postgres://", "postgresql://") + "/postgres", autocommit=True) as conn:
        conn.execute(sql)


def test_backup_then_restore_into_empty_database_and_storage(opd_a, make_course, tmp_path):
    media, private, backups = tmp_path / "media", tmp_path / "private", tmp_path / "backups"
    restored_media, restored_private = tmp_path / "restored-media", tmp_path / "restored-private"
    course = make_course(lessons=1)
    media.mkdir()
    (media / "images").mkdir()
    (media / "images" / "gambar.png").write_bytes(b"public image")  # public media is backed up too
    with override_settings(MEDIA_ROOT=media, PRIVATE_ROOT=private):
        for _ in range(3):
            lesson_complete(employee=EmployeeFactory(opd=opd_a), lesson=course.test_lessons[0])
    issued = {c.number: c.sha256 for c in Certificate.objects.all()}
    assert len(issued) == 3 and len(list(private.rglob("*.pdf"))) == 3 and not list(media.rglob("*.pdf"))

    env = {"DATABASE_URL": database_url(), "DJANGO_MEDIA_ROOT": str(media), "INTEGRITAS_PRIVATE_ROOT": str(private),
           "INTEGRITAS_BACKUP_KEEP": "2"}

    def run(*args, **extra):
        return subprocess.run(args, cwd=ROOT, env={**os.environ, **env, **extra}, capture_output=True, text=True, timeout=120)

    for _ in range(3):  # three backups, the newest two kept
        backup = run("deploy/backup", str(backups))
        assert backup.returncode == 0, backup.stderr
    kept = sorted(p.name for p in backups.iterdir())
    assert len(kept) == 2 and backup.stdout.strip().endswith(kept[-1])
    chosen = backups / kept[-1]
    assert subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=chosen, capture_output=True).returncode == 0

    shutil.rmtree(media)  # the files are gone
    shutil.rmtree(private)
    drill_db = database_url().rsplit("/", 1)[1] + "_drill"
    drill_url = database_url().rsplit("/", 1)[0] + "/" + drill_db
    _admin(f'DROP DATABASE IF EXISTS "{drill_db}"')
    _admin(f'CREATE DATABASE "{drill_db}"')
    try:
        target = {"DATABASE_URL": drill_url, "DJANGO_MEDIA_ROOT": str(restored_media), "INTEGRITAS_PRIVATE_ROOT": str(restored_private)}
        restore = run("deploy/restore", str(chosen), **target)
        assert restore.returncode == 0, restore.stderr
        again = run("deploy/restore", str(chosen), **target)  # not over live data
        assert again.returncode == 4 and "not empty" in again.stderr

        assert (restored_media / "images" / "gambar.png").read_bytes() == b"public image"
        assert len(list(restored_private.rglob("*.pdf"))) == 3 and not list(restored_media.rglob("*.pdf"))
        check = manage("shell", "-c", CHECK, **target)
        assert check.returncode == 0, check.stderr[-2000:]
        results = json.loads(check.stdout.split("RESULT ", 1)[1])
        assert {r["number"] for r in results} == set(issued)
        assert all(r["hash_ok"] and r["status"] == 200 and r["valid"] for r in results), results
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{drill_db}" WITH (FORCE)')


def test_restore_refuses_a_damaged_backup(opd_a, tmp_path):
    media, private, backups = tmp_path / "media", tmp_path / "private", tmp_path / "backups"
    media.mkdir()
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_MEDIA_ROOT": str(media), "INTEGRITAS_PRIVATE_ROOT": str(private)}
    backup = subprocess.run(["deploy/backup", str(backups)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert backup.returncode == 0, backup.stderr
    chosen = next(backups.iterdir())
    with (chosen / "private.tar").open("ab") as handle:
        handle.write(b"x")
    restore = subprocess.run(["deploy/restore", str(chosen)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert restore.returncode == 3 and "damaged" in restore.stderr
