"""Reading tables that people export from Excel: CSV (UTF-8 with or without BOM, or
Windows-1252; `,` or `;`; CRLF) and XLSX. Used by every import (roster, question bank).

`table_read()` returns `(rows, notices)`: rows are `(line number, {column: text})`, with a
`"__error__"` key on rows that cannot be trusted (formula cells, a number where text was
needed). A file that cannot be read at all raises `TableFileError` with the reason.
"""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from core.exports import FORMULA_TRIGGERS


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


# A cell whose text starts with one of these would run as a formula when the imported value
# is later opened in a spreadsheet (core.exports neutralises exports; imports refuse them).
# Plain numbers such as "-5" and a lone "-" are data, not formulas.
_FORMULA_STARTS = tuple(t for t in FORMULA_TRIGGERS if not t.isspace())


def _is_formula_text(value: str) -> bool:
    text = value.lstrip()
    if not text.startswith(_FORMULA_STARTS):
        return False
    if text[0] in "+-\uff0b\uff0d":
        rest = text[1:].strip()
        if not rest:
            return False
        try:
            float(rest.replace(",", "."))
        except ValueError:
            return True
        return False
    return True


def _formula_error(columns: list[str]) -> str:
    return _("Sel berisi rumus (formula) pada kolom %(cols)s; isi dengan nilai biasa.") % {
        "cols": ", ".join(columns)
    }


def _mark_formulas(record: dict[str, str], columns: list[str], already: list[str] | None = None) -> None:
    formula_columns = list(already or [])
    for name in columns:
        if name not in formula_columns and _is_formula_text(record.get(name, "")):
            formula_columns.append(name)
            record[name] = ""
    if formula_columns:
        record["__error__"] = _formula_error([c for c in columns if c in formula_columns])


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
    scanned = 0
    try:
        for values in reader:
            # Blank lines count against the limit too: a file of a million empty lines is
            # refused at the limit instead of being read to the end.
            scanned += 1
            _check_row_limit(scanned, spec)
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(columns):
                extra = [v for v in values[len(columns):] if v.strip()]
                if extra:
                    rows.append((line, {"__error__": _("Baris ini punya lebih banyak kolom daripada kepala tabel.")}))
                    continue
            record = {name: (values[i] if i < len(values) else "") for i, name in enumerate(columns)}
            _mark_formulas(record, columns)
            rows.append((line, record))
    except csv.Error as exc:
        raise TableFileError(_("Berkas CSV rusak pada baris %(line)d: %(err)s") % {"line": reader.line_num, "err": exc}) from None
    return rows, [notice] if notice else [], columns


# Header cells beyond this many are not read: a sheet may claim 16,384 columns.
_MAX_HEADER_COLUMNS = 64


def _cell_text(value) -> str:
    """Excel's typed values as the text a person typed: dates as YYYY-MM-DD, whole numbers
    without ".0", TRUE/FALSE as ya/tidak."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value)


def _xlsx_check_size(content: bytes, spec: TableSpec) -> None:
    """Refuse a zip that unpacks to far more than any real table (a "zip bomb")."""
    limit = max(20 * 1024 * 1024, 10 * spec.max_bytes)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise TableFileError(_("Berkas XLSX rusak atau bukan XLSX yang sah.")) from None
    if total > limit:
        raise TableFileError(_("Berkas XLSX terlalu besar setelah dibuka; simpan ulang atau bagi berkasnya."))


def _read_only_size_from_prologue(self) -> None:
    """openpyxl's read-only sheet looks for <dimension> by parsing until the end of
    <sheetData> when a file has none: a whole pass over a sheet of a million blank rows before
    the first row is read. The element comes before <sheetData> in the schema, so stopping
    at the start of <sheetData> finds the same answer. Installed on ReadOnlyWorksheet below."""
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.worksheet._reader import DATA_TAG, DIMENSION_TAG
    from openpyxl.xml.functions import iterparse

    source = self._get_source()
    try:
        for _event, element in iterparse(source, events=("start",)):
            if element.tag == DIMENSION_TAG:
                try:
                    self._min_column, self._min_row, self._max_column, self._max_row = range_boundaries(
                        element.get("ref", "")
                    )
                except (TypeError, ValueError):
                    pass  # no usable size: rows are read as they come
                break
            if element.tag == DATA_TAG:
                break
    finally:
        source.close()


def _openpyxl_patch() -> None:
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    ReadOnlyWorksheet._get_size = _read_only_size_from_prologue


def _read_xlsx(content: bytes, spec: TableSpec) -> tuple[list[tuple[int, dict[str, str]]], list[str], list[str]]:
    from openpyxl import load_workbook

    _openpyxl_patch()
    _xlsx_check_size(content, spec)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:
        raise TableFileError(_("Berkas XLSX rusak atau bukan XLSX yang sah.")) from None
    try:
        return _read_sheet(workbook, spec)
    except TableFileError:
        raise
    except Exception:
        # openpyxl reads the sheet lazily: broken XML shows up only while iterating
        raise TableFileError(_("Berkas XLSX rusak atau bukan XLSX yang sah.")) from None
    finally:
        workbook.close()


def _read_sheet(workbook, spec: TableSpec):
    if not workbook.worksheets:
        raise TableFileError(_("Lembar kerja pertama kosong."))
    sheet = workbook.worksheets[0]
    # Read every row the file has, whatever its <dimension> claims: some writers put "A1"
    # there, and openpyxl would stop at the claimed last row without a word.
    sheet.reset_dimensions()
    header_values = next(
        sheet.iter_rows(min_row=1, max_row=1, max_col=_MAX_HEADER_COLUMNS, values_only=True), None
    )
    if not header_values or all(v is None for v in header_values):
        raise TableFileError(_("Lembar kerja pertama kosong."))
    columns = _check_header([_cell_text(v) for v in header_values], spec)
    rows = []
    # Read-only mode streams rows and fills missing ones with empty cells, so rows come in
    # order from row 2 and the line number is their position. Cells of merged ranges other
    # than the top-left one are empty, as are blank cells (EmptyCell, which has no .row).
    for line, cells in enumerate(sheet.iter_rows(min_row=2, max_col=len(columns)), start=2):
        _check_row_limit(line - 1, spec)  # blank rows count too
        record: dict[str, str] = {}
        formula_columns = []
        error_columns = []
        for i, cell in enumerate(cells[: len(columns)]):
            value = getattr(cell, "value", None)
            data_type = getattr(cell, "data_type", "n")
            if data_type == "f":
                formula_columns.append(columns[i])
                value = ""
            elif data_type == "e":
                error_columns.append(f"{columns[i]} ({value})")
                value = ""
            elif isinstance(value, float) and columns[i] in spec.text_columns:
                record["__error__"] = spec.text_columns[columns[i]]
                value = repr(value)
            else:
                value = _cell_text(value)
            record[columns[i]] = value
        for name in columns:
            record.setdefault(name, "")
        if not formula_columns and not error_columns and not any(v.strip() for v in record.values()):
            continue
        _mark_formulas(record, columns, formula_columns)
        if error_columns and "__error__" not in record:
            record["__error__"] = _("Sel berisi galat Excel pada kolom %(cols)s; isi dengan nilai yang benar.") % {
                "cols": ", ".join(error_columns)
            }
        rows.append((line, record))
    return rows, [], columns


def _check_row_limit(n: int, spec: TableSpec) -> None:
    if n > spec.max_rows:
        raise TableFileError(
            _("Berkas berisi lebih dari %(max)d baris (baris kosong ikut dihitung); bagi menjadi beberapa berkas atau hapus baris kosong.")
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
