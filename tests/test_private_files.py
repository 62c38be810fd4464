"""Private files (DESIGN invariant 9): issued certificates and evidence packs live in a
storage of their own under random names, are never reachable by a public URL (not even
by the DEBUG media route of `make run`), and are handed out only by views that check who
asks: streamed by Django, or by nginx through X-Accel-Redirect in production."""

import hashlib
import importlib
import re
import secrets
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import clear_url_caches
from django.utils import timezone

from certificates.models import Certificate
from courses.services import lesson_complete
from reports.models import EvidencePack

from .factories import EmployeeFactory, UserFactory

pytestmark = pytest.mark.django_db

RANDOM_NAME = re.compile(r"^(certificates|evidence)/\d{4}/[0-9a-f]{32}\.(pdf|zip)$")


@pytest.fixture
def roots(settings, tmp_path):
    """Fresh media and private directories: the crawl sees exactly this test's files."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT, settings.PRIVATE_ROOT


@pytest.fixture
def debug_media_urls(settings, roots):
    """The project's URLs as `make run` (DEBUG) builds them: elearning/urls.py adds Django's
    static() route that serves all of MEDIA_ROOT under /media/."""
    import elearning.urls

    settings.DEBUG = True
    importlib.reload(elearning.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(elearning.urls)
    clear_url_caches()


@pytest.fixture
def issued(learner, make_course, django_capture_on_commit_callbacks):
    course = make_course(lessons=1)
    with django_capture_on_commit_callbacks(execute=True):
        lesson_complete(employee=learner.employee, lesson=course.test_lessons[0])
    return Certificate.objects.get(employee=learner.employee)


@pytest.fixture
def built_pack(client, auditor, issued, opd_a, django_capture_on_commit_callbacks):
    client.force_login(auditor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/laporan/paket-bukti/", {"opds": [opd_a.pk]})
    client.logout()
    pack = EvidencePack.objects.get()
    assert pack.status == "done"
    return pack


@pytest.fixture
def other_learner(opd_b):
    user = UserFactory()
    EmployeeFactory(user=user, opd=opd_b, email=user.email)
    return user


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


# --- nothing private under a public URL ----------------------------------------------------------


def test_every_private_file_answers_404_by_every_public_path(client, roots, debug_media_urls, issued, built_pack, other_learner):
    media, private = roots
    files = sorted(p.relative_to(private).as_posix() for p in private.rglob("*") if p.is_file())
    assert {issued.pdf.name, built_pack.file.name} <= set(files)
    assert not [p for p in Path(media).rglob("*") if p.is_file()]  # nothing private in the public media
    # The route is live: a public file under MEDIA_ROOT is served, so a 404 below means "not there".
    control = Path(media) / "images" / "kontrol.txt"
    control.parent.mkdir(parents=True, exist_ok=True)
    control.write_bytes(b"publik")
    assert b"".join(client.get("/media/images/kontrol.txt").streaming_content) == b"publik"

    year = timezone.localdate().year
    predictable = [  # the names the files had before: the verification code, the date and the row id
        f"/media/certificates/{issued.issued_at:%Y}/{issued.code}.pdf",
        f"/media/certificates/{year}/{issued.code}.pdf",
        f"/media/evidence/{year}/paket-bukti-{built_pack.as_of:%Y%m%d}-{built_pack.pk}.zip",
        f"/media/evidence/{year}/paket-bukti-{built_pack.as_of:%Y%m%d}.zip",
    ]
    paths = list(predictable)
    for name in files:
        base = name.rsplit("/", 1)[-1]
        paths += [f"/media/{name}", f"/media/{base}", f"/media/private/{name}", f"/static/{name}", f"/static/{base}",
                  f"/{name}", f"/{base}", f"/_private/{name}", f"/private/{name}"]
    for who in (None, other_learner):
        client.logout()
        if who:
            client.force_login(who)
        answered = {path: client.get(path).status_code for path in paths}
        assert set(answered.values()) == {404}, {p: s for p, s in answered.items() if s != 404}


def test_private_files_have_random_names_in_their_own_storage(roots, issued, built_pack):
    media, private = roots
    for fieldfile in (issued.pdf, built_pack.file):
        assert RANDOM_NAME.match(fieldfile.name), fieldfile.name
        assert (Path(private) / fieldfile.name).is_file() and not (Path(media) / fieldfile.name).exists()
        with pytest.raises(ValueError):
            fieldfile.url  # noqa: B018 - no URL exists to link to
    assert issued.code not in issued.pdf.name
    assert _sha((Path(private) / issued.pdf.name).read_bytes()) == issued.sha256
    assert _sha((Path(private) / built_pack.file.name).read_bytes()) == built_pack.sha256


def test_a_private_root_inside_the_public_media_is_refused(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "media" / "private"
    assert "integritas.E001" in [e.id for e in run_checks()]
    settings.PRIVATE_ROOT = tmp_path / "private"
    assert "integritas.E001" not in [e.id for e in run_checks()]


# --- the serving views ---------------------------------------------------------------------------


def test_the_learner_downloads_their_own_certificate_and_nobody_else_does(client, roots, issued, learner, other_learner, auditor):
    url = f"/sertifikat/{issued.pk}/unduh/"
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/akun/" in anonymous.url  # to the login page
    client.force_login(learner)
    response = client.get(url)
    content = b"".join(response.streaming_content)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert content == (Path(roots[1]) / issued.pdf.name).read_bytes() and _sha(content) == issued.sha256
    number = issued.number.replace("/", "-")
    assert response["Content-Disposition"] == f'attachment; filename="{number}.pdf"'
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    for someone in (other_learner, auditor):  # not theirs: the same 404 as a missing one
        client.force_login(someone)
        assert client.get(url).status_code == 404
    assert client.get("/sertifikat/999999/unduh/").status_code == 404


def test_a_certificate_whose_file_is_gone_answers_404(client, roots, issued, learner):
    issued.pdf.storage.delete(issued.pdf.name)
    client.force_login(learner)
    assert client.get(f"/sertifikat/{issued.pk}/unduh/").status_code == 404


def test_only_the_requester_downloads_an_evidence_pack(client, roots, built_pack, auditor, make_staff, learner, opd_a, opd_b):
    from organizations.models import Role, RoleAssignment

    url = f"/admin/laporan/paket-bukti/{built_pack.pk}/unduh/"
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(auditor)
    response = client.get(url)
    content = b"".join(response.streaming_content)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert content == (Path(roots[1]) / built_pack.file.name).read_bytes() and _sha(content) == built_pack.sha256
    assert response["Content-Disposition"] == f'attachment; filename="paket-bukti-{built_pack.as_of:%Y%m%d}.zip"'
    # Another auditor, the coordinator of that very OPD or of another: not theirs -> 404.
    for someone in (make_staff(Role.AUDITOR), make_staff(Role.COORDINATOR, opds=[opd_a]), make_staff(Role.COORDINATOR, opds=[opd_b])):
        client.force_login(someone)
        assert client.get(url).status_code == 404
    # No admin access (a learner: to the login page), read-only (an observer), the role ended
    # (Wagtail's "permission denied" redirect): never the file.
    observer = make_staff(Role.OBSERVER)
    RoleAssignment.objects.filter(user=auditor).delete()
    for someone in (learner, observer, auditor):
        client.force_login(someone)
        refused = client.get(url)
        assert refused.status_code == 302 and (refused.url == "/admin/" or refused.url.startswith("/akun/login/")), (someone, refused)


# --- production: nginx sends the file ------------------------------------------------------------


@override_settings(PRIVATE_ACCEL_PREFIX="/_private/")
def test_behind_nginx_the_views_answer_with_an_internal_redirect_and_no_body(client, roots, issued, built_pack, learner, auditor):
    client.force_login(learner)
    response = client.get(f"/sertifikat/{issued.pk}/unduh/")
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/_private/{issued.pdf.name}" and RANDOM_NAME.match(issued.pdf.name)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{issued.number.replace("/", "-")}.pdf"'
    client.force_login(auditor)
    response = client.get(f"/admin/laporan/paket-bukti/{built_pack.pk}/unduh/")
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/_private/{built_pack.file.name}"
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="paket-bukti-{built_pack.as_of:%Y%m%d}.zip"'
    # The permission check still comes first.
    client.force_login(UserFactory())
    refused = client.get(f"/sertifikat/{issued.pk}/unduh/")
    assert refused.status_code == 404 and "X-Accel-Redirect" not in refused


# --- moving the files that were public -----------------------------------------------------------


def _put_in_media(media: Path, name: str, content: bytes) -> None:
    path = media / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def test_the_migration_moves_public_files_into_private_storage_with_the_same_bytes(roots, issued, built_pack, caplog):
    """The data migrations' functions, run as `migrate` runs them, on rows that still name
    their old public files; then once more (nothing to do), then with a file missing."""
    from django.apps import apps

    media, private = Path(roots[0]), Path(roots[1])
    certificate_bytes, pack_bytes = issued.pdf.open("rb").read(), built_pack.file.open("rb").read()
    old_certificate = f"certificates/{issued.issued_at:%Y}/{issued.code}.pdf"
    old_pack = f"evidence/{built_pack.as_of:%Y}/paket-bukti-{built_pack.as_of:%Y%m%d}-{built_pack.pk}.zip"
    issued.pdf.storage.delete(issued.pdf.name)
    built_pack.file.storage.delete(built_pack.file.name)
    _put_in_media(media, old_certificate, certificate_bytes)
    _put_in_media(media, old_pack, pack_bytes)
    Certificate.objects.filter(pk=issued.pk).update(pdf=old_certificate)
    EvidencePack.objects.filter(pk=built_pack.pk).update(file=old_pack)

    certificates_migration = importlib.import_module("certificates.migrations.0004_certificate_pdf_private_storage")
    reports_migration = importlib.import_module("reports.migrations.0005_evidence_pack_file_private_storage")
    certificates_migration.move_to_private(apps, None)
    reports_migration.move_to_private(apps, None)

    issued.refresh_from_db()
    built_pack.refresh_from_db()
    for fieldfile, old, content, digest in ((issued.pdf, old_certificate, certificate_bytes, issued.sha256),
                                            (built_pack.file, old_pack, pack_bytes, built_pack.sha256)):
        assert RANDOM_NAME.match(fieldfile.name) and fieldfile.name != old
        assert (private / fieldfile.name).read_bytes() == content and _sha(content) == digest
        assert not (media / old).exists()  # the public copy is gone
        assert not (media / old).parent.exists()  # and the directory it emptied
    moved_to = issued.pdf.name

    from core.files import private_files_move

    assert private_files_move(Certificate, "pdf", folder="certificates") == {"moved": 0, "already": 1, "missing": 0, "failed": 0}
    issued.refresh_from_db()
    assert issued.pdf.name == moved_to  # idempotent

    # A row whose file is missing is logged and skipped; the others still move.
    second = EmployeeFactory(opd=issued.opd)
    lost = Certificate.objects.create(
        enrollment=issued.enrollment, employee=second, course=issued.course, number="99999/UJI/2026", year=2026, sequence=99999,
        code="HILANG0000", full_name="Hilang", opd=issued.opd, opd_code="X", opd_name="X", course_title="X", course_slug="x",
        jp_hours=1, completed_at=timezone.now(), pdf="certificates/2026/HILANG0000.pdf", sha256="0" * 64, is_current=False,
    )
    third = f"certificates/2026/{secrets.token_hex(4)}.pdf"
    _put_in_media(media, third, b"%PDF-1.7 uji")
    Certificate.objects.filter(pk=issued.pk).update(pdf=third)
    with caplog.at_level("WARNING", logger="core.files"):
        counts = private_files_move(Certificate, "pdf", folder="certificates")
    assert counts == {"moved": 1, "already": 0, "missing": 1, "failed": 0}
    assert "HILANG0000.pdf is missing" in caplog.text
    lost.refresh_from_db()
    assert lost.pdf.name == "certificates/2026/HILANG0000.pdf"


def test_rolling_the_migration_back_puts_the_files_under_media_with_the_same_random_names(roots, issued):
    from django.apps import apps

    media, private = Path(roots[0]), Path(roots[1])
    name, content = issued.pdf.name, issued.pdf.open("rb").read()
    migration = importlib.import_module("certificates.migrations.0004_certificate_pdf_private_storage")
    migration.move_back_to_media(apps, None)
    assert (media / name).read_bytes() == content and not (private / name).exists()
    migration.move_to_private(apps, None)
    issued.refresh_from_db()
    assert (private / issued.pdf.name).read_bytes() == content and not (media / name).exists()


def test_bench_sample_certificates_are_private_too(roots):
    from reports.management.commands.generate_bench_data import Command

    name, digest = Command()._sample_pdf()
    assert RANDOM_NAME.match(name) and _sha((Path(roots[1]) / name).read_bytes()) == digest


def test_a_saved_file_never_keeps_its_given_name(roots):
    from reports.models import evidence_pack_file_name

    names = {evidence_pack_file_name(None, "paket-bukti-20261130-1.zip") for _ in range(3)}
    assert len(names) == 3 and all(RANDOM_NAME.match(n) and "paket-bukti" not in n for n in names)
    field = Certificate._meta.get_field("pdf")
    saved = field.storage.save(field.generate_filename(None, "ABCDEF.pdf"), ContentFile(b"x"))
    assert "ABCDEF" not in saved and (Path(roots[1]) / saved).is_file()


def test_a_full_disk_while_issuing_records_nothing_leaves_no_partial_file_and_is_retried(
    roots, learner, make_course, monkeypatch, django_capture_on_commit_callbacks
):
    """Issue 15, faults: the private storage fills up in the middle of writing a certificate.
    The issue fails visibly, no half-written file stays behind or is recorded as issued, and
    reconciliation issues it once the disk has room again."""
    import datetime
    import errno
    import os

    from certificates.services import certificate_issue
    from courses.models import Enrollment
    from operations.services import reconcile

    real_fdopen = os.fdopen

    class FillsUp:
        def __init__(self, handle):
            self.handle = handle

        def write(self, chunk):
            self.handle.write(chunk[: len(chunk) // 2])
            self.handle.flush()
            raise OSError(errno.ENOSPC, "No space left on device")

        def close(self):
            self.handle.close()

    course = make_course(lessons=1)
    with monkeypatch.context() as disk:
        disk.setattr(os, "fdopen", lambda fd, mode="r", *a, **k: FillsUp(real_fdopen(fd, mode, *a, **k)))
        with django_capture_on_commit_callbacks(execute=False):
            lesson_complete(employee=learner.employee, lesson=course.test_lessons[0])
        enrollment = Enrollment.objects.get(employee=learner.employee, course=course)
        assert enrollment.status == "completed"
        with pytest.raises(OSError, match="No space left"):
            certificate_issue(enrollment=enrollment)
    assert not Certificate.objects.exists()
    _media, private = roots
    assert not [p for p in Path(private).rglob("*") if p.is_file()], "a partial file stayed behind"

    later = timezone.now() + datetime.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert reconcile(now=later).certificates == 1
    certificate = Certificate.objects.get(enrollment=enrollment)
    with certificate.pdf.open("rb") as handle:
        assert _sha(handle.read()) == certificate.sha256
