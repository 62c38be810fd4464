"""Electronic signatures (PAdES) on the documents Integritas issues, with pyHanko.

The key and certificate chain of the signing official come from a PKCS#12 file named by
`INTEGRITAS_SIGNING_PKCS12` (passphrase in `INTEGRITAS_SIGNING_PASSPHRASE`); in production
that is the city's certificate from its certification authority (BSrE). Signatures are
checked against the roots in `INTEGRITAS_SIGNING_TRUST_ROOTS` (PEM/DER files, comma
separated). Nothing here reaches the network: no timestamp authority, no OCSP/CRL fetching.

The public API, also used by the evidence pack:

- `sign_pdf(data, *, reason, field_name="Signature1") -> bytes`: raises `SigningUnavailable`
  when no key is configured and `SigningError` when the key is there but unusable (wrong
  passphrase, expired certificate, a DEMO key on a production site, a PDF pyHanko cannot read);
- `signer_status() -> SignerStatus`: whether documents can be signed now, by whom, until when,
  and otherwise what is wrong, in Indonesian, for the admin;
- `pdf_signature_check(data) -> dict`: whether a PDF's signature is intact and trusted, who
  signed it and when, for the verification page and the tests.

pyHanko is asyncio-based and its synchronous helpers call `asyncio.run`, which fails inside a
running event loop (ASGI, Playwright tests). `_run` therefore runs the coroutine in a worker
thread with its own loop whenever the calling thread already has one.
"""

from __future__ import annotations

import asyncio
import datetime
import functools
import io
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

DEMO_MARKER = "DEMO"


class SigningUnavailable(Exception):
    """No signing key is configured: documents are issued unsigned."""


class SigningError(Exception):
    """A signing key is configured but cannot be used now; `message` says why, in Indonesian."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SignerStatus:
    configured: bool
    ok: bool = False
    subject: str = ""
    issuer: str = ""
    not_after: datetime.datetime | None = None
    is_demo: bool = False
    problem: str = ""
    trust_roots: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.ok


def _run(make_coroutine):
    """Run pyHanko's async work to completion, from sync code, with or without a running loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make_coroutine())
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pyhanko") as executor:
        return executor.submit(lambda: asyncio.run(make_coroutine())).result()


def _configured_path() -> str:
    return (getattr(settings, "SIGNING_PKCS12", "") or "").strip()


def _passphrase() -> bytes | None:
    value = getattr(settings, "SIGNING_PASSPHRASE", "") or ""
    return value.encode() if value else None


@dataclass(frozen=True)
class _Credentials:
    signer: object  # pyhanko.sign.signers.SimpleSigner
    subject: str
    issuer: str
    not_before: datetime.datetime
    not_after: datetime.datetime
    is_demo: bool


def _name_text(name) -> str:
    """A certificate name as people read it: its common name (and organisation), not the full DN."""
    native = name.native if hasattr(name, "native") else {}
    common = native.get("common_name") if isinstance(native, dict) else None
    if isinstance(common, list):
        common = common[0] if common else None
    return common or name.human_friendly


@functools.lru_cache(maxsize=4)
def _load_cached(path: str, mtime_ns: int, size: int, passphrase: bytes | None) -> _Credentials:
    from pyhanko.sign.signers import SimpleSigner

    data = Path(path).read_bytes()
    try:
        signer = SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=passphrase)
    except (ValueError, TypeError) as exc:
        raise SigningError(
            _("Berkas kunci penandatanganan (PKCS#12) tidak dapat dibuka: kata sandinya salah atau berkasnya rusak.")
        ) from exc
    cert = signer.signing_cert
    subject, issuer = _name_text(cert.subject), _name_text(cert.issuer)
    validity = cert["tbs_certificate"]["validity"]
    return _Credentials(
        signer=signer, subject=subject, issuer=issuer,
        not_before=validity["not_before"].native, not_after=validity["not_after"].native,
        is_demo=DEMO_MARKER in subject.upper() or DEMO_MARKER in issuer.upper(),
    )


def _credentials(*, check_time: bool = True) -> _Credentials:
    path = _configured_path()
    if not path:
        raise SigningUnavailable(_("Kunci penandatanganan elektronik belum diatur; dokumen diterbitkan tanpa tanda tangan elektronik."))
    try:
        stat = os.stat(path)
    except OSError as exc:
        raise SigningError(
            _("Berkas kunci penandatanganan (PKCS#12) tidak ditemukan atau tidak dapat dibaca: %(path)s") % {"path": path}
        ) from exc
    credentials = _load_cached(path, stat.st_mtime_ns, stat.st_size, _passphrase())
    if check_time:
        now = timezone.now()
        if credentials.not_after <= now:
            raise SigningError(
                _("Sertifikat penanda tangan (%(subject)s) sudah kedaluwarsa sejak %(date)s; pasang sertifikat yang baru.")
                % {"subject": credentials.subject, "date": _tanggal(credentials.not_after)}
            )
        if credentials.not_before > now:
            raise SigningError(
                _("Sertifikat penanda tangan (%(subject)s) baru berlaku mulai %(date)s.")
                % {"subject": credentials.subject, "date": _tanggal(credentials.not_before)}
            )
    if credentials.is_demo and getattr(settings, "SIGNING_REFUSE_DEMO", False):
        raise SigningError(_("Kunci penandatanganan DEMO tidak boleh dipakai di server produksi."))
    return credentials


def _tanggal(moment: datetime.datetime) -> str:
    from .pdf import tanggal

    return tanggal(timezone.localtime(moment).date())


def signer_status() -> SignerStatus:
    """Can documents be signed now? For the admin's certificate settings and registry banner."""
    roots = list(getattr(settings, "SIGNING_TRUST_ROOTS", []) or [])
    try:
        credentials = _credentials()
    except SigningUnavailable as exc:
        return SignerStatus(configured=False, problem=str(exc), trust_roots=roots)
    except SigningError as exc:
        try:  # still say whose certificate it is when only its dates are wrong
            loaded = _credentials(check_time=False)
        except (SigningError, SigningUnavailable):
            loaded = None
        return SignerStatus(
            configured=True, ok=False, problem=exc.message, trust_roots=roots,
            subject=loaded.subject if loaded else "", issuer=loaded.issuer if loaded else "",
            not_after=loaded.not_after if loaded else None, is_demo=loaded.is_demo if loaded else False,
        )
    return SignerStatus(
        configured=True, ok=True, subject=credentials.subject, issuer=credentials.issuer,
        not_after=credentials.not_after, is_demo=credentials.is_demo, trust_roots=roots,
    )


def signing_configured() -> bool:
    return bool(_configured_path())


def sign_pdf(data: bytes, *, reason: str, field_name: str = "Signature1") -> bytes:
    """`data` with a PAdES baseline signature (B-B) of the configured official appended."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    credentials = _credentials()
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name, reason=reason, location=getattr(settings, "SIGNING_LOCATION", "") or None,
        md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
    )
    pdf_signer = signers.PdfSigner(metadata, signer=credentials.signer)

    async def sign():
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        output = io.BytesIO()
        await pdf_signer.async_sign_pdf(writer, output=output)
        return output.getvalue()

    try:
        return _run(sign)
    except SigningError:
        raise
    except Exception as exc:  # pyHanko raises several kinds; the caller needs one
        logger.exception("PDF signing failed")
        raise SigningError(_("Dokumen gagal ditandatangani secara elektronik: %(error)s") % {"error": exc}) from exc


def _trust_roots() -> list:
    from pyhanko.keys import load_certs_from_pemder

    paths = [p for p in (getattr(settings, "SIGNING_TRUST_ROOTS", []) or []) if p]
    try:
        return list(load_certs_from_pemder(paths)) if paths else []
    except (OSError, ValueError):
        logger.warning("Signing trust roots could not be read: %s", paths, exc_info=True)
        return []


def pdf_signature_check(data: bytes) -> dict:
    """The state of the last signature in `data`, judged against the configured trust roots:
    {"signed", "intact", "valid", "trusted", "signer", "signed_at", "field", "problem"}.
    `valid` is the bottom line: intact, cryptographically sound, chained to a trust root and
    covering the whole file."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    result = {
        "signed": False, "intact": False, "valid": False, "trusted": False, "signer": "", "signed_at": None,
        "field": "", "covers_whole_file": False, "problem": "",
    }
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception:
        result["problem"] = _("Berkas PDF rusak atau tidak dapat dibaca.")
        return result
    if not signatures:
        result["problem"] = _("Dokumen ini tidak bertanda tangan elektronik.")
        return result
    signature = signatures[-1]
    result["signed"] = True
    result["field"] = signature.field_name or ""
    roots = _trust_roots()
    # Revocation is soft-fail and nothing is fetched: verification must work offline.
    context = ValidationContext(trust_roots=roots, allow_fetching=False)

    async def validate():
        try:
            return await async_validate_pdf_signature(signature, context)
        finally:
            await context.aclose()

    try:
        status = _run(validate)
    except Exception:
        logger.info("PDF signature could not be validated", exc_info=True)
        result["problem"] = _("Tanda tangan elektronik rusak: isi berkas tidak cocok dengan tanda tangannya.")
        return result
    try:
        result["signer"] = _name_text(status.signing_cert.subject)
    except Exception:
        result["signer"] = ""
    result["signed_at"] = status.signer_reported_dt
    result["intact"] = bool(status.intact and status.valid)
    result["trusted"] = bool(status.trusted)
    result["covers_whole_file"] = status.coverage is not None and status.coverage.name == "ENTIRE_FILE"
    result["valid"] = bool(status.bottom_line and result["covers_whole_file"])
    if not result["intact"]:
        result["problem"] = _("Tanda tangan elektronik tidak sah: dokumen telah diubah setelah ditandatangani.")
    elif not roots:
        result["problem"] = _("Akar kepercayaan penandatanganan belum diatur, sehingga penanda tangan tidak dapat dipastikan.")
    elif not result["trusted"]:
        result["problem"] = _("Sertifikat penanda tangan tidak berasal dari otoritas yang dipercaya.")
    elif not result["covers_whole_file"]:
        result["problem"] = _("Ada perubahan yang ditambahkan setelah dokumen ditandatangani.")
    return result
