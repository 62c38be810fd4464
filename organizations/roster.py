"""Reading and checking a roster file (BKPSDM's list of employees).

`roster_preview()` is a pure read: it parses a CSV or XLSX file, validates each row and
compares it with the database, so HR sees per row whether it is new, changed, unchanged or
wrong (with the reason) before anything is written. `services.roster_import()` applies a
preview that has no errors.

Accepted: CSV as Excel writes it (UTF-8 with or without BOM, or Windows-1252; `,` or `;`;
CRLF) and XLSX. Columns, in any order: nip, nama, email, opd_kode, jabatan, jenis_pegawai.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from .models import Employee, EmploymentType, Opd
from .nip import normalize_nip, parse_nip

COLUMNS = ["nip", "nama", "email", "opd_kode", "jabatan", "jenis_pegawai"]
REQUIRED_COLUMNS = set(COLUMNS)

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


class RosterFileError(Exception):
    """The file as a whole cannot be read (wrong type, too big, bad header)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


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


def _decode_csv(content: bytes) -> tuple[str, str | None]:
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8"), None
    try:
        return content.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    try:
        text = content.decode("cp1252")
    except UnicodeDecodeError:
        raise RosterFileError(
            _("Berkas CSV tidak dapat dibaca: simpan ulang sebagai \"CSV UTF-8\" dari Excel.")
        ) from None
    return text, _(
        "Berkas CSV tidak berformat UTF-8 dan dibaca sebagai Windows-1252 (CSV Excel lama). "
        "Periksa ejaan nama beraksen pada pratinjau sebelum mengonfirmasi."
    )


def _read_csv(content: bytes) -> tuple[list[tuple[int, dict[str, str]]], list[str], list[str]]:
    text, notice = _decode_csv(content)
    if "\x00" in text:
        raise RosterFileError(_("Berkas bukan CSV maupun XLSX yang sah."))
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise RosterFileError(_("Berkas kosong.")) from None
    except csv.Error as exc:
        raise RosterFileError(_("Berkas CSV rusak: %(err)s") % {"err": exc}) from None
    columns = _check_header(header)
    rows = []
    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(columns):
                extra = [v for v in values[len(columns):] if v.strip()]
                if extra:
                    rows.append((line, {"__error__": _("Baris ini punya lebih banyak kolom daripada kepala tabel.")}))
                    continue
            record = {name: (values[i] if i < len(values) else "") for i, name in enumerate(columns)}
            rows.append((line, record))
            _check_row_limit(len(rows))
    except csv.Error as exc:
        raise RosterFileError(_("Berkas CSV rusak pada baris %(line)d: %(err)s") % {"line": reader.line_num, "err": exc}) from None
    return rows, [notice] if notice else [], columns


def _read_xlsx(content: bytes) -> tuple[list[tuple[int, dict[str, str]]], list[str], list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:
        raise RosterFileError(_("Berkas XLSX rusak atau bukan XLSX yang sah.")) from None
    sheet = workbook.worksheets[0]
    rows_iter = sheet.iter_rows()
    header_cells = next(rows_iter, None)
    if header_cells is None:
        raise RosterFileError(_("Lembar kerja pertama kosong."))
    columns = _check_header(["" if c.value is None else str(c.value) for c in header_cells])
    rows = []
    for cells in rows_iter:
        if not cells:
            continue
        line = cells[0].row
        record: dict[str, str] = {}
        formula_columns = []
        for i, cell in enumerate(cells):
            if i >= len(columns):
                break
            value = cell.value
            if cell.data_type == "f" or (isinstance(value, str) and value.startswith("=")):
                formula_columns.append(columns[i])
                value = ""
            elif isinstance(value, float):
                if columns[i] == "nip":
                    record["__error__"] = _(
                        "NIP tersimpan sebagai angka di Excel sehingga digitnya rusak; format kolom NIP sebagai Teks."
                    )
                value = repr(value)
            elif value is None:
                value = ""
            else:
                value = str(value)
            record[columns[i]] = value
        if not any(str(v).strip() for v in record.values()) and not formula_columns:
            continue
        if formula_columns:
            record["__error__"] = _("Sel berisi rumus (formula) pada kolom %(cols)s; isi dengan nilai biasa.") % {
                "cols": ", ".join(formula_columns)
            }
        for name in columns:
            record.setdefault(name, "")
        rows.append((line, record))
        _check_row_limit(len(rows))
    workbook.close()
    return rows, [], columns


def _check_row_limit(n: int) -> None:
    if n > settings.ROSTER_MAX_ROWS:
        raise RosterFileError(
            _("Berkas berisi lebih dari %(max)d baris; bagi menjadi beberapa berkas.")
            % {"max": settings.ROSTER_MAX_ROWS}
        )


def _check_header(header: list[str]) -> list[str]:
    names = [h.replace("\ufeff", "").strip().lower() for h in header]
    while names and names[-1] == "":
        names.pop()
    if not names:
        raise RosterFileError(
            _("Baris pertama harus berisi nama kolom: %(cols)s.") % {"cols": ", ".join(COLUMNS)}
        )
    missing = [c for c in COLUMNS if c not in names]
    unknown = [n or _("(kosong)") for n in names if n not in REQUIRED_COLUMNS]
    duplicated = sorted({n for n in names if names.count(n) > 1 and n})
    problems = []
    if missing:
        problems.append(_("kolom yang hilang: %(cols)s") % {"cols": ", ".join(missing)})
    if unknown:
        problems.append(_("kolom yang tidak dikenal: %(cols)s") % {"cols": ", ".join(unknown)})
    if duplicated:
        problems.append(_("kolom ganda: %(cols)s") % {"cols": ", ".join(duplicated)})
    if problems:
        raise RosterFileError(
            _("Kepala tabel salah (%(problems)s). Kolom yang diharapkan: %(cols)s.")
            % {"problems": "; ".join(problems), "cols": ", ".join(COLUMNS)}
        )
    return names


def roster_read(*, filename: str, content: bytes):
    """Return (rows, notices) from a CSV or XLSX file, or raise RosterFileError."""
    if len(content) > settings.ROSTER_MAX_UPLOAD_BYTES:
        raise RosterFileError(
            _("Berkas terlalu besar (%(size)s MB); batasnya %(max)s MB.")
            % {
                "size": f"{len(content) / 1048576:.1f}",
                "max": f"{settings.ROSTER_MAX_UPLOAD_BYTES / 1048576:.0f}",
            }
        )
    if not content.strip():
        raise RosterFileError(_("Berkas kosong."))
    name = (filename or "").lower()
    is_zip = content[:4] == b"PK\x03\x04"
    if name.endswith(".xls") or content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise RosterFileError(
            _("Format Excel lama (.xls) tidak didukung; simpan sebagai .xlsx atau CSV UTF-8.")
        )
    if name.endswith(".xlsx") or is_zip:
        if not is_zip or not zipfile.is_zipfile(io.BytesIO(content)):
            raise RosterFileError(_("Berkas XLSX rusak atau bukan XLSX yang sah."))
        rows, notices, _columns = _read_xlsx(content)
    elif name.endswith((".csv", ".txt")):
        rows, notices, _columns = _read_csv(content)
    else:
        raise RosterFileError(_("Berkas harus CSV atau XLSX (.csv, .xlsx)."))
    return rows, notices


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
    return row


def roster_preview(*, filename: str, content: bytes, deactivate_missing: bool = False) -> RosterPreview:
    """Parse and check a roster file against the database. Writes nothing.

    Raises RosterFileError when the file itself cannot be used.
    """
    records, notices = roster_read(filename=filename, content=content)
    if not records:
        raise RosterFileError(_("Berkas tidak berisi satu baris data pun."))
    opds_by_code = {opd.code.upper(): opd for opd in Opd.objects.all()}
    rows = [_clean_row(line, record, opds_by_code) for line, record in records]

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
        for field_name, new in new_values.items():
            old = getattr(existing, field_name)
            if (old.lower() if field_name == "email" else old) != new:
                if field_name == "opd_id":
                    row.changes[FIELD_LABELS[field_name]] = (code_by_id.get(old, ""), code_by_id.get(new, ""))
                else:
                    row.changes[FIELD_LABELS[field_name]] = (str(old), str(new))
        row.status = STATUS_CHANGED if row.changes else STATUS_UNCHANGED

    preview = RosterPreview(rows=rows, notices=notices, deactivate_missing=deactivate_missing)
    if deactivate_missing and not preview.has_errors:
        matched = {row.employee_id for row in rows if row.employee_id}
        preview.to_deactivate = list(
            Employee.objects.filter(active=True).exclude(pk__in=matched).select_related("opd").order_by("opd__code", "full_name")
        )
    return preview
