"""The spreadsheets of the evidence pack: `rekap.xlsx` (the all-mandatory sheet, one sheet
per course, the OPD heads' sheet) and `belum-selesai.xlsx` (one sheet per OPD: who has not
completed which mandatory course). Frozen header rows, column widths, percent formats;
every text cell is formula-safe (DESIGN.md invariant 7)."""

import io
import re

from django.utils import timezone

from core.exports import spreadsheet_safe

STATUS_WORDS = {"completed": "selesai", "in_progress": "sedang berjalan", "not_started": "belum mulai", "not_enrolled": "belum terdaftar"}
EMPLOYMENT_WORDS = {"PNS": "PNS", "PPPK": "PPPK", "NON_ASN": "Non-ASN"}
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_title(name: str, taken: set[str]) -> str:
    """A worksheet name Excel accepts (no []:*?/\\, at most 31 characters, not starting or
    ending with an apostrophe), unique within `taken` (compared case-insensitively, as Excel
    does); the result is added to `taken`."""
    base = _FORBIDDEN.sub("-", name).strip().strip("'").strip() or "Lembar"
    candidate = base[:31]
    number = 2
    while candidate.lower() in taken:
        suffix = f" ({number})"
        candidate = base[: 31 - len(suffix)].rstrip() + suffix
        number += 1
    taken.add(candidate.lower())
    return candidate


def _write(sheet, *, title_lines: list[list], header: list[str], rows, widths: list[float], percent_columns=(), datetime_columns=()) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    for line in title_lines:
        sheet.append([spreadsheet_safe(v) for v in line])
    if title_lines:
        sheet.cell(row=1, column=1).font = Font(bold=True, size=12)
        sheet.append([])
    sheet.append(header)
    header_row = sheet.max_row
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="E8EEF2")
    for cell in sheet[header_row]:
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append([spreadsheet_safe(v) for v in row])
    for column in percent_columns:
        for (cell,) in sheet.iter_rows(min_row=header_row + 1, min_col=column, max_col=column):
            cell.number_format = "0.0%"
    for column in datetime_columns:
        for (cell,) in sheet.iter_rows(min_row=header_row + 1, min_col=column, max_col=column):
            cell.number_format = "yyyy-mm-dd hh:mm"
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(header))}{max(sheet.max_row, header_row)}"


def _local(value):
    """openpyxl refuses aware datetimes: WITA wall time, naive."""
    return timezone.localtime(value).replace(tzinfo=None, second=0, microsecond=0) if value else None


RECAP_HEADER = ["Kode OPD", "OPD", "Pegawai aktif", "Terdaftar", "Sedang berjalan", "Selesai", "Belum selesai", "% selesai"]
RECAP_WIDTHS = [26, 48, 13, 12, 15, 11, 14, 11]


def _recap_rows(report, roster: dict[int, int] | None):
    for row in report.rows:
        note = ""
        if roster is not None and not roster.get(row.opd_id):
            note = "tidak ada pegawai dalam data kepegawaian"
        elif not row.employees:
            note = "tidak ada pegawai sasaran"
        yield [row.code, row.name, row.employees, row.enrolled, row.in_progress, row.completed, row.employees - row.completed,
               row.completed / row.employees if row.employees else None, note]
    t = report.totals
    yield ["", "Total", t.employees, t.enrolled, t.in_progress, t.completed, t.employees - t.completed,
           t.completed / t.employees if t.employees else None, ""]


def recap_xlsx(*, mandatory, per_course, roster: dict[int, int], as_of, generated) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    taken: set[str] = set()
    stamp = [["Per tanggal", as_of.isoformat()], ["Dibuat", timezone.localtime(generated).strftime("%Y-%m-%d %H:%M WITA")]]

    sheet = workbook.active
    sheet.title = sheet_title("Semua wajib", taken)
    _write(sheet, title_lines=[["Rekap per OPD: semua kursus wajib (selesai semuanya)"], *stamp],
           header=[*RECAP_HEADER, "Keterangan"], rows=_recap_rows(mandatory, roster), widths=[*RECAP_WIDTHS, 36], percent_columns=[8])

    for report in per_course:
        course = report.filters.course
        sheet = workbook.create_sheet(sheet_title(course.title, taken))
        _write(sheet, title_lines=[[f"Rekap per OPD: {course.title}"], ["JP", course.jp_hours], ["Wajib", "ya" if course.mandatory else "tidak"], *stamp],
               header=[*RECAP_HEADER, "Keterangan"], rows=_recap_rows(report, None), widths=[*RECAP_WIDTHS, 30], percent_columns=[8])

    sheet = workbook.create_sheet(sheet_title("Kepala OPD", taken))
    heads = []
    for row in mandatory.rows:
        head = row.head
        heads.append([row.code, row.name, head["name"] if head else "(belum ditetapkan)",
                      ("ya" if head["completed"] else "belum") if head else "", _local(head["last_review"]) if head else None])
    _write(sheet, title_lines=[["Komitmen pimpinan OPD: kepala OPD dan tinjauan terakhirnya"], *stamp],
           header=["Kode OPD", "OPD", "Kepala OPD", "Selesai kursus wajib dan kepala OPD", "Tinjauan terakhir (WITA)"], rows=heads,
           widths=[26, 48, 36, 18, 22], datetime_columns=[5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def not_done_xlsx(*, opds: list, gaps: list, courses: dict[int, str], as_of, generated) -> bytes:
    """`opds`: the report rows (every OPD in scope, by name); `gaps`: `selectors.Gap` rows.
    The first sheet lists each OPD with its sheet name and counts; then one sheet per OPD
    that has someone to list."""
    from openpyxl import Workbook

    by_opd: dict[int, list] = {}
    for gap in gaps:
        by_opd.setdefault(gap.opd_id, []).append(gap)
    workbook = Workbook()
    taken: set[str] = set()
    index = workbook.active
    index.title = sheet_title("Daftar OPD", taken)
    names = {row.opd_id: sheet_title(row.code, taken) for row in opds if by_opd.get(row.opd_id)}
    stamp = [["Per tanggal", as_of.isoformat()], ["Dibuat", timezone.localtime(generated).strftime("%Y-%m-%d %H:%M WITA")]]
    _write(index, title_lines=[["Pegawai yang belum menyelesaikan kursus wajib, per OPD"], *stamp],
           header=["Kode OPD", "OPD", "Pegawai belum selesai", "Kursus belum selesai (pegawai × kursus)", "Lembar"],
           rows=[[row.code, row.name, len({g.employee_id for g in by_opd.get(row.opd_id, [])}), len(by_opd.get(row.opd_id, [])),
                  names.get(row.opd_id, "–")] for row in opds],
           widths=[26, 48, 20, 22, 30])
    for row in opds:
        mine = by_opd.get(row.opd_id)
        if not mine:
            continue
        sheet = workbook.create_sheet(names[row.opd_id])
        _write(sheet, title_lines=[[f"{row.code} · {row.name}"], *stamp],
               header=["Nama", "NIP", "Jabatan", "Jenis pegawai", "Kursus wajib", "Status", "Aktivitas terakhir (WITA)"],
               rows=([g.full_name, g.nip, g.position, EMPLOYMENT_WORDS.get(g.employment_type, g.employment_type), courses.get(g.course_id, ""),
                      STATUS_WORDS[g.status], _local(g.last_activity)] for g in mine),
               widths=[34, 21, 34, 13, 40, 16, 22], datetime_columns=[7])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
