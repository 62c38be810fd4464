"""Reading and checking a roster file (BKPSDM's list of employees).

`roster_preview()` is a pure read: it parses a CSV or XLSX file, validates each row and
compares it with the database, so HR sees per row whether it is new, changed, unchanged or
wrong (with the reason) before anything is written. `services.roster_import()` applies a
preview that has no errors.

Accepted: CSV as Excel writes it (UTF-8 with or without BOM, or Windows-1252; `,` or `;`;
CRLF) and XLSX. Columns, in any order: nip, nama, email, opd_kode, jabatan, jenis_pegawai,
and optionally kepala_opd: "ya" makes the row's employee the head of their OPD, "tidak"
removes them as head, blank leaves the OPD's head as it is; and optionally pangkat_golongan
(e.g. "Penata Muda Tingkat I, III/b"): when the column is there its value is taken (blank
clears it); a file without the column leaves everyone's pangkat/golongan as it is.
"""

from dataclasses import dataclass, field, fields

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from core.tables import TableFileError, TableSpec, table_read

from .models import Employee, EmploymentType, Opd
from .nip import normalize_nip, parse_nip

COLUMNS = ["nip", "nama", "email", "opd_kode", "jabatan", "jenis_pegawai", "kepala_opd", "pangkat_golongan"]
OPTIONAL_COLUMNS = frozenset({"kepala_opd", "pangkat_golongan"})
_HEAD_VALUES = {"ya": True, "y": True, "1": True, "x": True, "kepala": True, "tidak": False, "t": False, "0": False, "bukan": False}

STATUS_NEW = "new"
STATUS_CHANGED = "changed"
STATUS_UNCHANGED = "unchanged"
STATUS_ERROR = "error"

# The fields an import may change, roster column -> model field.
FIELD_LABELS = {
    "full_name": "nama",
    "email": "email",
    "opd_id": "opd_kode",
    "position": "jabatan",
    "pangkat_golongan": "pangkat_golongan",
    "employment_type": "jenis_pegawai",
    "active": "aktif",
}

_EMPLOYMENT_ALIASES = {
    "PNS": EmploymentType.PNS,
    "PPPK": EmploymentType.PPPK,
    "NON_ASN": EmploymentType.NON_ASN,
    "NONASN": EmploymentType.NON_ASN,
    "NON-ASN": EmploymentType.NON_ASN,
    "NON ASN": EmploymentType.NON_ASN,
}


@dataclass
class RosterRow:
    line: int
    nip: str | None = None
    nip_input: str = ""
    full_name: str = ""
    email: str = ""
    opd_code: str = ""
    position: str = ""
    employment_type: str = ""
    status: str = STATUS_NEW
    errors: list[str] = field(default_factory=list)
    changes: dict[str, tuple[str, str]] = field(default_factory=dict)
    employee_id: int | None = None
    opd_id: int | None = None
    is_head: bool | None = None  # None: the file says nothing about it
    pangkat_golongan: str | None = None  # None: the file has no pangkat_golongan column

    @property
    def key(self) -> str:
        return self.nip or f"email:{self.email}"


@dataclass
class RosterPreview:
    rows: list[RosterRow]
    to_deactivate: list[Employee] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    deactivate_missing: bool = False

    @property
    def error_rows(self) -> list[RosterRow]:
        return [row for row in self.rows if row.errors]

    @property
    def has_errors(self) -> bool:
        return any(row.errors for row in self.rows)

    @property
    def counts(self) -> dict[str, int]:
        counts = {STATUS_NEW: 0, STATUS_CHANGED: 0, STATUS_UNCHANGED: 0, STATUS_ERROR: 0}
        for row in self.rows:
            counts[row.status] += 1
        counts["rows"] = len(self.rows)
        counts["deactivated"] = len(self.to_deactivate)
        return counts


# --- Reading the file ---------------------------------------------------------------------

RosterFileError = TableFileError


def roster_read(*, filename: str, content: bytes):
    """Return (rows, notices) from a CSV or XLSX roster file, or raise RosterFileError."""
    spec = TableSpec(
        columns=COLUMNS,
        optional=OPTIONAL_COLUMNS,
        max_bytes=settings.ROSTER_MAX_UPLOAD_BYTES,
        max_rows=settings.ROSTER_MAX_ROWS,
        text_columns={
            "nip": _("NIP tersimpan sebagai angka di Excel sehingga digitnya rusak; format kolom NIP sebagai Teks.")
        },
    )
    return table_read(filename=filename, content=content, spec=spec)


# --- Checking rows -----------------------------------------------------------------------------


def _clean_row(line: int, record: dict[str, str], opds_by_code: dict[str, Opd]) -> RosterRow:
    row = RosterRow(line=line)
    if record.get("__error__"):
        row.errors.append(record["__error__"])

    raw_type = " ".join(record.get("jenis_pegawai", "").split()).upper()
    if not raw_type:
        row.errors.append(_("Kolom jenis_pegawai wajib diisi (PNS, PPPK atau NON_ASN)."))
    elif raw_type not in _EMPLOYMENT_ALIASES:
        row.errors.append(
            _("Jenis pegawai \"%(value)s\" tidak dikenal; gunakan PNS, PPPK atau NON_ASN.")
            % {"value": record.get("jenis_pegawai", "").strip()}
        )
    else:
        row.employment_type = _EMPLOYMENT_ALIASES[raw_type]

    raw_nip = record.get("nip", "").strip()
    row.nip_input = raw_nip
    if raw_nip:
        try:
            parse_nip(raw_nip)
            row.nip = normalize_nip(raw_nip)
        except ValidationError as exc:
            row.errors.extend(exc.messages)
    elif row.employment_type in (EmploymentType.PNS, EmploymentType.PPPK):
        row.errors.append(_("Kolom nip wajib diisi untuk PNS dan PPPK."))

    row.full_name = " ".join(record.get("nama", "").split())
    if not row.full_name:
        row.errors.append(_("Kolom nama wajib diisi."))
    elif len(row.full_name) > 200:
        row.errors.append(_("Nama terlalu panjang (lebih dari 200 karakter)."))

    row.email = record.get("email", "").strip().lower()
    if not row.email:
        row.errors.append(_("Kolom email wajib diisi (dipakai untuk aktivasi akun)."))
    else:
        try:
            validate_email(row.email)
        except ValidationError:
            row.errors.append(_("Email \"%(value)s\" tidak sah.") % {"value": row.email})

    row.opd_code = record.get("opd_kode", "").strip().upper()
    if not row.opd_code:
        row.errors.append(_("Kolom opd_kode wajib diisi."))
    else:
        opd = opds_by_code.get(row.opd_code)
        if opd is None:
            row.errors.append(_("Kode OPD \"%(code)s\" tidak dikenal.") % {"code": row.opd_code})
        elif not opd.active:
            row.errors.append(_("OPD \"%(code)s\" sudah tidak aktif.") % {"code": row.opd_code})
        else:
            row.opd_id = opd.pk

    row.position = " ".join(record.get("jabatan", "").split())
    if len(row.position) > 255:
        row.errors.append(_("Jabatan terlalu panjang (lebih dari 255 karakter)."))

    if "pangkat_golongan" in record:
        row.pangkat_golongan = " ".join(record["pangkat_golongan"].split())
        if len(row.pangkat_golongan) > 100:
            row.errors.append(_("Pangkat/golongan terlalu panjang (lebih dari 100 karakter)."))
        elif "<" in row.pangkat_golongan or ">" in row.pangkat_golongan:
            row.errors.append(_("Pangkat/golongan tidak boleh memuat tanda < atau >."))

    raw_head = record.get("kepala_opd", "").strip().lower()
    if raw_head:
        if raw_head in _HEAD_VALUES:
            row.is_head = _HEAD_VALUES[raw_head]
        else:
            row.errors.append(_("Kolom kepala_opd berisi \"%(value)s\"; isi ya, tidak, atau kosongkan.") % {"value": raw_head})
    return row


def roster_parsed_pack(records, notices) -> dict:
    """What `roster_read` returned, as JSON kept with the staged upload, so that the preview
    and the confirm step do not parse the file again (compact: one list per row)."""
    return {
        "columns": COLUMNS,
        "notices": list(notices),
        "rows": [
            [line, record.get("__error__", ""), *(record.get(c, "") for c in COLUMNS)] for line, record in records
        ],
    }


def roster_parsed_unpack(data: dict):
    """(records, notices) back from `roster_parsed_pack`."""
    columns = data["columns"]
    records = []
    for line, error, *values in data["rows"]:
        record = dict(zip(columns, values, strict=False))
        if error:
            record["__error__"] = error
        records.append((line, record))
    return records, data.get("notices", [])


_ROW_FIELDS = [f.name for f in fields(RosterRow)]


def roster_preview_pack(preview: RosterPreview) -> dict:
    """A preview as JSON kept with the staged upload, so that showing it again (each page,
    each filter) costs no parsing and no checking (compact: one list per row)."""
    return {
        "fields": _ROW_FIELDS,
        "rows": [[getattr(row, name) for name in _ROW_FIELDS] for row in preview.rows],
        "to_deactivate": [employee.pk for employee in preview.to_deactivate],
        "notices": list(preview.notices),
    }


def roster_preview_unpack(data: dict, *, deactivate_missing: bool) -> RosterPreview:
    names = data["fields"]
    rows = []
    for values in data["rows"]:
        row = RosterRow(**dict(zip(names, values, strict=True)))
        row.changes = {key: tuple(change) for key, change in row.changes.items()}
        rows.append(row)
    to_deactivate = list(
        Employee.objects.filter(pk__in=data["to_deactivate"]).select_related("opd").order_by("opd__code", "full_name")
    )
    return RosterPreview(rows=rows, to_deactivate=to_deactivate, notices=data["notices"], deactivate_missing=deactivate_missing)


def roster_preview(*, filename: str, content: bytes, deactivate_missing: bool = False) -> RosterPreview:
    """Parse and check a roster file against the database. Writes nothing.

    Raises RosterFileError when the file itself cannot be used.
    """
    records, notices = roster_read(filename=filename, content=content)
    return roster_check(records=records, notices=notices, deactivate_missing=deactivate_missing)


def roster_check(*, records, notices, deactivate_missing: bool = False) -> RosterPreview:
    """Check rows read from a roster file against the database as it is now. Writes nothing."""
    if not records:
        raise RosterFileError(_("Berkas tidak berisi satu baris data pun."))
    return roster_preview_records(records=records, notices=notices, deactivate_missing=deactivate_missing)


def roster_preview_records(
    *,
    records: list[tuple[int, dict[str, str]]],
    notices: list[str] | None = None,
    deactivate_missing: bool = False,
    opd_scope: frozenset[int] | None = None,
) -> RosterPreview:
    """Check roster rows (`(line, {column: text})`, as read from a file or sent as JSON)
    against the database. Writes nothing.

    `opd_scope`, when given, is the set of OPD ids the sender may write: a row for another
    OPD, or one that would move an employee out of another OPD, is an error, and
    `deactivate_missing` touches only employees of those OPDs.
    """
    opds_by_code = {opd.code.upper(): opd for opd in Opd.objects.all()}
    rows = [_clean_row(line, record, opds_by_code) for line, record in records]
    if opd_scope is not None:
        for row in rows:
            if row.opd_id is not None and row.opd_id not in opd_scope:
                row.errors.append(_("OPD \"%(code)s\" di luar cakupan Anda.") % {"code": row.opd_code})

    # Duplicates inside the file: the first occurrence stands, later ones are errors.
    first_nip: dict[str, int] = {}
    first_email: dict[str, int] = {}
    for row in rows:
        if row.nip:
            if row.nip in first_nip:
                row.errors.append(_("NIP %(nip)s sudah ada di baris %(line)d.") % {"nip": row.nip, "line": first_nip[row.nip]})
            else:
                first_nip[row.nip] = row.line
        if row.email:
            if row.email in first_email:
                row.errors.append(
                    _("Email %(email)s sudah ada di baris %(line)d.") % {"email": row.email, "line": first_email[row.email]}
                )
            else:
                first_email[row.email] = row.line

    # One head per OPD: the first row marked "ya" stands.
    first_head: dict[int, int] = {}
    for row in rows:
        if row.is_head and row.opd_id:
            if row.opd_id in first_head:
                row.errors.append(
                    _("OPD %(code)s sudah punya kepala di baris %(line)d.") % {"code": row.opd_code, "line": first_head[row.opd_id]}
                )
            else:
                first_head[row.opd_id] = row.line

    # Compare with the database in two queries, whatever the number of rows.
    nips = [row.nip for row in rows if row.nip]
    emails = [row.email for row in rows if row.email]
    by_nip = {e.nip: e for e in Employee.objects.filter(nip__in=nips)}
    # Emails are unique without regard to case, so compare them lower-cased.
    by_email = {
        employee.email_lower: employee
        for employee in Employee.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=emails)
    }
    code_by_id = {opd.pk: opd.code for opd in opds_by_code.values()}
    head_of = {opd.pk: opd.head_id for opd in opds_by_code.values()}

    for row in rows:
        existing = by_nip.get(row.nip) if row.nip else None
        if existing is None and not row.nip and row.email in by_email:
            holder = by_email[row.email]
            if holder.nip:
                row.errors.append(
                    _("Email %(email)s terdaftar untuk NIP %(nip)s; isi kolom nip.") % {"email": row.email, "nip": holder.nip}
                )
            else:
                existing = holder
        if row.email and row.email in by_email:
            holder = by_email[row.email]
            if existing is None or holder.pk != existing.pk:
                if holder.nip and row.nip and holder.nip != row.nip:
                    row.errors.append(
                        _("Email %(email)s sudah dipakai pegawai lain (NIP %(nip)s).")
                        % {"email": row.email, "nip": holder.nip}
                    )
                elif holder.nip is None and row.nip:
                    row.errors.append(
                        _("Email %(email)s sudah dipakai pegawai lain (%(name)s).")
                        % {"email": row.email, "name": holder.full_name}
                    )
        if opd_scope is not None and existing is not None and existing.opd_id not in opd_scope:
            row.errors.append(_("Pegawai ini terdaftar di OPD di luar cakupan Anda; hubungi BKPSDM."))
        if row.errors:
            row.status = STATUS_ERROR
            continue
        if existing is None:
            row.status = STATUS_NEW
            continue
        row.employee_id = existing.pk
        new_values = {
            "full_name": row.full_name,
            "email": row.email,
            "opd_id": row.opd_id,
            "position": row.position,
            "employment_type": row.employment_type,
            "active": True,
        }
        if row.pangkat_golongan is not None:
            new_values["pangkat_golongan"] = row.pangkat_golongan
        for field_name, new in new_values.items():
            old = getattr(existing, field_name)
            if (old.lower() if field_name == "email" else old) != new:
                if field_name == "opd_id":
                    row.changes[FIELD_LABELS[field_name]] = (code_by_id.get(old, ""), code_by_id.get(new, ""))
                else:
                    row.changes[FIELD_LABELS[field_name]] = (str(old), str(new))
        heads_now = head_of.get(row.opd_id) == existing.pk
        if row.is_head is not None and row.is_head != heads_now:
            row.changes["kepala_opd"] = (_("ya") if heads_now else _("tidak"), _("ya") if row.is_head else _("tidak"))
        row.status = STATUS_CHANGED if row.changes else STATUS_UNCHANGED

    preview = RosterPreview(rows=rows, notices=notices, deactivate_missing=deactivate_missing)
    if deactivate_missing and not preview.has_errors:
        matched = {row.employee_id for row in rows if row.employee_id}
        candidates = Employee.objects.filter(active=True)
        if opd_scope is not None:
            candidates = candidates.filter(opd_id__in=opd_scope)
        preview.to_deactivate = list(
            candidates.exclude(pk__in=matched).select_related("opd").order_by("opd__code", "full_name")
        )
    return preview
