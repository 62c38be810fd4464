"""Reading tables that people export from Excel: CSV (UTF-8 with or without BOM, or
Windows-1252; `,` or `;`; CRLF) and XLSX. Used by every import (roster, question bank).

`table_read()` returns `(rows, notices)`: rows are `(line number, {column: text})`, with a
`"__error__"` key on rows that cannot be trusted (formula cells, a number where text was
needed). A file that cannot be read at all raises `TableFileError` with the reason.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _


class TableFileError(Exception):
    """The file as a whole cannot be read (wrong type, too big, bad header)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class TableSpec:
    """What a file must look like: its columns (all required unless listed as optional),
    limits, and text columns that Excel must not store as numbers (column -> message)."""

    columns: list[str]
    max_bytes: int
    max_rows: int
    optional: frozenset[str] = frozenset()
    text_columns: dict[str, str] = field(default_factory=dict)



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
        raise TableFileError(
            _("Berkas CSV tidak dapat dibaca: simpan ulang sebagai \"CSV UTF-8\" dari Excel.")
        ) from None
    return text, _(
        "Berkas CSV tidak berformat UTF-8 dan dibaca sebagai Windows-1252 (CSV Excel lama). "
        "Periksa ejaan nama beraksen pada pratinjau sebelum mengonfirmasi."
    )


def _read_csv(content: bytes, spec: TableSpec) -> tuple[list[tuple[int, dict[str, str]]], list[str], list[str]]:
    text, notice = _decode_csv(content)
    if "\x00" in text:
        raise TableFileError(_("Berkas bukan CSV maupun XLSX yang sah."))
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise TableFileError(_("Berkas kosong.")) from None
    except csv.Error as exc:
        raise TableFileError(_("Berkas CSV rusak: %(err)s") % {"err": exc}) from None
    columns = _check_header(header, spec)
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
            _check_row_limit(len(rows), spec)
    except csv.Error as exc:
        raise TableFileError(_("Berkas CSV rusak pada baris %(line)d: %(err)s") % {"line": reader.line_num, "err": exc}) from None
    return rows, [notice] if notice else [], columns


def _read_xlsx(content: bytes, spec: TableSpec) -> tuple[list[tuple[int, dict[str, str]]], list[str], list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:
        raise TableFileError(_("Berkas XLSX rusak atau bukan XLSX yang sah.")) from None
    sheet = workbook.worksheets[0]
    rows_iter = sheet.iter_rows()
    header_cells = next(rows_iter, None)
    if header_cells is None:
        raise TableFileError(_("Lembar kerja pertama kosong."))
    columns = _check_header(["" if c.value is None else str(c.value) for c in header_cells], spec)
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
                if columns[i] in spec.text_columns:
                    record["__error__"] = spec.text_columns[columns[i]]
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
        _check_row_limit(len(rows), spec)
    workbook.close()
    return rows, [], columns


def _check_row_limit(n: int, spec: TableSpec) -> None:
    if n > spec.max_rows:
        raise TableFileError(
            _("Berkas berisi lebih dari %(max)d baris; bagi menjadi beberapa berkas.")
            % {"max": spec.max_rows}
        )


def _check_header(header: list[str], spec: TableSpec) -> list[str]:
    known = set(spec.columns)
    names = [h.replace("\ufeff", "").strip().lower() for h in header]
    while names and names[-1] == "":
        names.pop()
    if not names:
        raise TableFileError(
            _("Baris pertama harus berisi nama kolom: %(cols)s.") % {"cols": ", ".join(spec.columns)}
        )
    missing = [c for c in spec.columns if c not in names and c not in spec.optional]
    unknown = [n or _("(kosong)") for n in names if n not in known]
    duplicated = sorted({n for n in names if names.count(n) > 1 and n})
    problems = []
    if missing:
        problems.append(_("kolom yang hilang: %(cols)s") % {"cols": ", ".join(missing)})
    if unknown:
        problems.append(_("kolom yang tidak dikenal: %(cols)s") % {"cols": ", ".join(unknown)})
    if duplicated:
        problems.append(_("kolom ganda: %(cols)s") % {"cols": ", ".join(duplicated)})
    if problems:
        raise TableFileError(
            _("Kepala tabel salah (%(problems)s). Kolom yang diharapkan: %(cols)s.")
            % {"problems": "; ".join(problems), "cols": ", ".join(spec.columns)}
        )
    return names


def table_read(*, filename: str, content: bytes, spec: TableSpec):
    """Return (rows, notices) from a CSV or XLSX file, or raise TableFileError."""
    if len(content) > spec.max_bytes:
        raise TableFileError(
            _("Berkas terlalu besar (%(size)s MB); batasnya %(max)s MB.")
            % {
                "size": f"{len(content) / 1048576:.1f}",
                "max": f"{spec.max_bytes / 1048576:.0f}",
            }
        )
    if not content.strip():
        raise TableFileError(_("Berkas kosong."))
    name = (filename or "").lower()
    is_zip = content[:4] == b"PK\x03\x04"
    if name.endswith(".xls") or content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise TableFileError(
            _("Format Excel lama (.xls) tidak didukung; simpan sebagai .xlsx atau CSV UTF-8.")
        )
    if name.endswith(".xlsx") or is_zip:
        if not is_zip or not zipfile.is_zipfile(io.BytesIO(content)):
            raise TableFileError(_("Berkas XLSX rusak atau bukan XLSX yang sah."))
        rows, notices, _columns = _read_xlsx(content, spec)
    elif name.endswith((".csv", ".txt")):
        rows, notices, _columns = _read_csv(content, spec)
    else:
        raise TableFileError(_("Berkas harus CSV atau XLSX (.csv, .xlsx)."))
    return rows, notices
