"""Private files: issued certificates and evidence packs.

They live in their own storage (`STORAGES["private"]`, under INTEGRITAS_PRIVATE_ROOT), apart
from the public media of Wagtail's images and documents, so no `/media/` URL ever reaches
them, whatever serves `/media/` (Django's static() in DEBUG, nginx in production). Their
names carry 128 random bits: even a listing-free guess ("paket-bukti-20261130-1.zip", a
verification code printed on a certificate) finds nothing. They are handed out only by
views that checked the permission first (`private_file_response`).

Behind nginx (INTEGRITAS_PRIVATE_ACCEL_PREFIX set, e.g. "/_private/"), the view answers with
an empty response and `X-Accel-Redirect`; nginx sends the file from an `internal` location
that no outside URL reaches (deploy/nginx/integritas.conf). Otherwise Django streams it."""

import contextlib
import hashlib
import logging
import os
import secrets
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, storages
from django.http import FileResponse, Http404, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header

logger = logging.getLogger(__name__)


@deconstructible(path="core.files.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """A file system storage under settings.PRIVATE_ROOT that has no URL: `.url()` raises,
    so no template or API can link to a private file by mistake."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_ROOT)

    @cached_property
    def base_url(self):
        return None

    def _save(self, name, content):
        """Django writes the file in place: a disk that fills up mid-write would leave a
        partial file behind. It is removed, and the error goes on to the caller: the issuing
        task fails visibly, its transaction records nothing, and reconciliation queues the
        enrollment again (operations.services.reconcile)."""
        path = self.path(name)
        existed = os.path.exists(path)
        try:
            return super()._save(name, content)
        except OSError:
            if not existed:
                with contextlib.suppress(OSError):
                    os.remove(path)
            raise

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)


def private_storage():
    """The private storage; a callable for `FileField(storage=...)`, so the field follows
    settings.STORAGES and migrations name the callable, not a path."""
    return storages["private"]


def private_name(folder: str, filename: str) -> str:
    """`<folder>/<year>/<32 random hex digits><suffix>`: the original name is dropped (it
    was predictable); downloads get a readable name from the view (Content-Disposition)."""
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"{folder}/{timezone.now():%Y}/{secrets.token_hex(16)}{suffix}"


def private_file_response(fieldfile, *, filename: str, content_type: str) -> HttpResponse:
    """The file of `fieldfile` as an attachment named `filename`. Call only after the
    permission check: this function checks nothing but that the file exists."""
    if not fieldfile or not fieldfile.storage.exists(fieldfile.name):
        raise Http404
    prefix = settings.PRIVATE_ACCEL_PREFIX
    if prefix:  # nginx keeps Content-Type, Content-Disposition and Cache-Control from here
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(fieldfile.name)
        response["Content-Disposition"] = content_disposition_header(True, filename)
    else:
        response = FileResponse(fieldfile.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    patch_cache_control(response, private=True, no_store=True)  # never kept by a shared proxy
    return response


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


def _remove_empty_parents(directory: Path, root: Path) -> None:
    """Drop the directories a move emptied (media/certificates/2026/), up to `root`."""
    root = root.resolve()
    directory = directory.resolve()
    while directory != root and root in directory.parents:
        try:
            directory.rmdir()
        except OSError:  # not empty (or not ours to remove): stop here
            return
        directory = directory.parent


def private_files_move(model, field_name: str, *, folder: str, media_root=None, storage=None) -> dict:
    """Move the files of `model.<field_name>` from the public MEDIA_ROOT into the private
    storage under new random names and point the rows at them (the data migrations of
    certificates and reports; `model` may be a historical model). The bytes are copied as
    they are and checked by SHA-256 before the row changes and the public copy is deleted.
    Idempotent: a row whose file already is in private storage is left alone. A file that
    is missing is logged and skipped: one lost file must not stop the others moving.
    Returns counts: moved, already, missing, failed."""
    media_root = Path(media_root or settings.MEDIA_ROOT)
    storage = storage or private_storage()
    counts = {"moved": 0, "already": 0, "missing": 0, "failed": 0}
    rows = model._default_manager.exclude(**{field_name: ""}).exclude(**{f"{field_name}__isnull": True})
    for pk, name in rows.values_list("pk", field_name).iterator():
        if storage.exists(name):
            counts["already"] += 1
            continue
        source = media_root / name
        if not source.is_file():
            logger.warning("private files: %s %s: %s is missing from %s; left as it is", model.__name__, pk, name, media_root)
            counts["missing"] += 1
            continue
        before = _sha256_of(source)
        with source.open("rb") as handle:
            new_name = storage.save(private_name(folder, name), File(handle, name=os.path.basename(name)))
        if _sha256_of(Path(storage.path(new_name))) != before:
            storage.delete(new_name)
            logger.error("private files: %s %s: the copy of %s differs; left in place", model.__name__, pk, name)
            counts["failed"] += 1
            continue
        model._default_manager.filter(pk=pk).update(**{field_name: new_name})
        source.unlink()
        _remove_empty_parents(source.parent, media_root)
        counts["moved"] += 1
    if any(counts.values()):
        logger.info("private files: %s.%s %s", model.__name__, field_name, counts)
    return counts


def private_files_restore(model, field_name: str, *, media_root=None, storage=None) -> dict:
    """The reverse of `private_files_move` for a migration rolled back: each file goes back
    under MEDIA_ROOT with the same (random) name, so the older code finds it and nobody
    can guess it. Missing files are logged and skipped."""
    media_root = Path(media_root or settings.MEDIA_ROOT)
    storage = storage or private_storage()
    counts = {"moved": 0, "missing": 0}
    rows = model._default_manager.exclude(**{field_name: ""}).exclude(**{f"{field_name}__isnull": True})
    for pk, name in rows.values_list("pk", field_name).iterator():
        if not storage.exists(name):
            logger.warning("private files: %s %s: %s is missing from the private storage; left as it is", model.__name__, pk, name)
            counts["missing"] += 1
            continue
        target = media_root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with storage.open(name, "rb") as source, target.open("wb") as handle:
            while block := source.read(1024 * 1024):
                handle.write(block)
        storage.delete(name)
        counts["moved"] += 1
    return counts
