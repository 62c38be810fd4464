"""Request and response shapes of /api/v1/ (they make the OpenAPI document)."""

import datetime
import re
from typing import Literal

from django.conf import settings
from ninja import Field, Schema
from pydantic import ConfigDict, field_validator

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ErrorDetail(Schema):
    code: str = Field(description="Kode tetap yang dapat diperiksa program klien.")
    message: str
    details: dict | list | None = None


class ErrorOut(Schema):
    error: ErrorDetail


class RosterRowIn(Schema):
    """One roster row: the columns of the roster file."""

    model_config = ConfigDict(extra="forbid")

    nip: str = Field("", max_length=40, description="18 digit; boleh kosong untuk non-ASN.")
    nama: str = Field(..., max_length=400)
    email: str = Field(..., max_length=254)
    opd_kode: str = Field(..., max_length=40)
    jabatan: str = Field("", max_length=400)
    jenis_pegawai: str = Field(..., max_length=20, description="PNS, PPPK atau NON_ASN.")
    kepala_opd: str = Field("", max_length=10, description="ya, tidak, atau kosong.")

    @field_validator("*")
    @classmethod
    def _plain_text(cls, value: str) -> str:
        # control characters and lone surrogates cannot be stored as text (PostgreSQL refuses NUL)
        if _CONTROL.search(value):
            raise ValueError("berisi karakter kendali")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("bukan teks UTF-8 yang sah") from None
        return value


class RosterIn(Schema):
    model_config = ConfigDict(extra="forbid")

    rows: list[RosterRowIn] = Field(..., min_length=1, max_length=settings.ROSTER_MAX_ROWS)
    dry_run: bool = Field(False, description="Hanya pratinjau: tidak ada yang ditulis.")
    deactivate_missing: bool = Field(
        False, description="Daftar lengkap: nonaktifkan pegawai (dalam cakupan klien) yang tidak ada di daftar."
    )


class FieldChange(Schema):
    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(..., alias="from")
    to: str


class RosterRowOut(Schema):
    row: int
    nip: str | None
    email: str
    status: Literal["new", "changed", "unchanged", "error"]
    errors: list[str]
    changes: dict[str, FieldChange]


class RosterOut(Schema):
    dry_run: bool
    applied: bool
    counts: dict[str, int]
    rows: list[RosterRowOut]
    deactivated: list[str]


class RosterJobAccepted(Schema):
    job_id: int
    status: str
    status_url: str


class RosterJobOut(Schema):
    job_id: int
    status: Literal["queued", "running", "applied", "rejected", "failed"]
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    result: dict


class Page(Schema):
    count: int
    page: int
    page_size: int
    next: str | None


class EmployeeOut(Schema):
    id: int
    nip: str | None
    full_name: str
    email: str
    opd_code: str
    opd_name: str
    position: str
    employment_type: str
    active: bool
    has_account: bool
    updated_at: datetime.datetime


class EmployeePage(Page):
    results: list[EmployeeOut]


class EnrollmentOut(Schema):
    id: int
    nip: str | None
    full_name: str
    opd_code: str
    course_slug: str
    course_title: str
    jp_hours: int
    status: Literal["not_started", "in_progress", "completed"]
    enrolled_at: datetime.datetime
    started_at: datetime.datetime | None
    last_activity_at: datetime.datetime | None
    completed_at: datetime.datetime | None


class EnrollmentPage(Page):
    results: list[EnrollmentOut]


class JpOut(Schema):
    employee_id: int
    nip: str | None
    full_name: str
    opd_code: str
    year: int
    jp: int
    target: int


class JpPage(Page):
    results: list[JpOut]


class CertificateOut(Schema):
    number: str
    code: str
    nip: str | None
    full_name: str
    opd_code: str
    opd_name: str
    course_title: str
    course_slug: str
    jp_hours: int
    start_date: datetime.date | None
    end_date: datetime.date | None
    issued_at: datetime.datetime
    valid_until: datetime.date | None
    organiser: str
    verification_url: str
    status: Literal["valid", "expired", "revoked"]
    is_current: bool
    revoked_at: datetime.datetime | None


class CertificatePage(Page):
    results: list[CertificateOut]


class SignatureOut(Schema):
    """The stored PDF checked now: unchanged since issue (its SHA-256), electronically signed,
    and whether that signature is valid against the configured trust roots."""

    file_intact: bool
    signed: bool
    valid: bool
    signer: str | None
    signed_at: datetime.datetime | None
    problem: str | None


class VerificationOut(Schema):
    code: str
    status: Literal["valid", "expired", "revoked"]
    status_label: str
    number: str
    full_name: str
    nip_masked: str | None
    opd_name: str
    course_title: str
    jp_hours: int
    score: float | None
    completed_at: datetime.date | None
    issued_at: datetime.date | None
    valid_until: datetime.date | None
    revoked_at: datetime.date | None
    revocation_reason: str | None
    replaced_by_code: str | None
    sha256: str
    verification_url: str
    signature: SignatureOut

