"""Item 5 and 9 of issue 14: the table readers behind the roster and question imports never
crash, count blank rows against the limit, read the file once, and refuse formula cells in
CSV as in XLSX."""

import csv
import datetime
import io

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from core.tables import TableFileError, TableSpec, table_read
from organizations.models import Employee, RosterImport
from organizations.roster import COLUMNS as ROSTER_COLUMNS
from organizations.services import RosterRejected, roster_import, roster_upload_stage
from quizzes.importing import COLUMNS as QUESTION_COLUMNS
from quizzes.services import question_import_stage

from .factories import make_nip

HEADER = ["nip", "nama", "email", "opd_kode", "jabatan", "jenis_pegawai"]
FORMULA_MESSAGE = "Sel berisi rumus (formula)"


def xlsx_bytes(rows, *, header=HEADER, merge=None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(list(row))
    for cells in merge or []:
        ws.merge_cells(cells)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(rows, *, header=HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def row_errors(exc_info):
    return {row.line: " ".join(row.errors) for row in exc_info.value.preview.error_rows}


# --- blank, merged, error and date cells ------------------------------------------------------


def test_xlsx_roster_with_a_blank_nip_cell_is_checked_not_crashed(db, opd_a):
    """The finding: a blank first cell is an EmptyCell without .row (AttributeError, 500)."""
    content = xlsx_bytes([[None, "Budi Tenaga", "budi@example.test", "OPD-A", "Pengemudi", "NON_ASN"],
                          [None, "Ani PNS", "ani@example.test", "OPD-A", "Analis", "PNS"]])
    with pytest.raises(RosterRejected) as exc_info:
        roster_import(filename="pegawai.xlsx", content=content)
    assert row_errors(exc_info) == {3: "Kolom nip wajib diisi untuk PNS dan PPPK."}


def test_xlsx_merged_error_and_date_cells_become_row_errors_or_text(db, opd_a):
    rows = [
        [make_nip(sequence=1), "Siti", "siti@example.test", "OPD-A", "Perawat", "PNS"],
        [make_nip(sequence=2), "#N/A", "dua@example.test", "OPD-A", "Perawat", "PNS"],
        [make_nip(sequence=3), "Tiga", "tiga@example.test", "OPD-A", datetime.datetime(2026, 11, 28), "PNS"],
    ]
    # jabatan merged over two rows: only the top cell has a value
    content = xlsx_bytes(rows, merge=["E2:E3"])
    with pytest.raises(RosterRejected) as exc_info:
        roster_import(filename="pegawai.xlsx", content=content)
    assert set(row_errors(exc_info)) == {3}
    assert "galat Excel" in row_errors(exc_info)[3] and "#N/A" in row_errors(exc_info)[3]
    records, _notices = table_read(filename="x.xlsx", content=content, spec=TableSpec(columns=HEADER, max_bytes=10**7, max_rows=10))
    assert records[2] == (4, {"nip": make_nip(sequence=3), "nama": "Tiga", "email": "tiga@example.test",
                              "opd_kode": "OPD-A", "jabatan": "2026-11-28", "jenis_pegawai": "PNS"})
    assert records[1][1]["jabatan"] == ""  # the merged-over cell


def test_xlsx_gaps_keep_line_numbers(db):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws["B5"] = "Lima"
    out = io.BytesIO()
    wb.save(out)
    records, _ = table_read(filename="x.xlsx", content=out.getvalue(), spec=TableSpec(columns=HEADER, max_bytes=10**7, max_rows=10))
    assert [line for line, _record in records] == [5]


def test_question_import_with_a_blank_course_cell_is_checked_not_crashed(db):
    wb = Workbook()
    ws = wb.active
    ws.append(["kursus", "jenis", "pertanyaan", "pilihan_a", "pilihan_b", "kunci"])
    ws.append([None, "tunggal", "Soal?", "A", "B", "A"])
    out = io.BytesIO()
    wb.save(out)
    _record, preview = question_import_stage(filename="soal.xlsx", content=out.getvalue(), acting_user=None)
    assert preview.has_errors and "tidak ada" in " ".join(preview.rows[0].errors)


# --- blank rows count against the limit -------------------------------------------------------

SMALL = TableSpec(columns=HEADER, max_bytes=10**8, max_rows=100)


def test_blank_csv_lines_count_against_the_row_limit():
    content = csv_bytes([]) + b" , , , , , \r\n" * 101
    with pytest.raises(TableFileError, match="lebih dari 100 baris"):
        table_read(filename="x.csv", content=content, spec=SMALL)
    table_read(filename="x.csv", content=csv_bytes([]) + b",,,,,\r\n" * 100, spec=SMALL)


def test_blank_xlsx_rows_count_against_the_row_limit_and_reading_stops_there():
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(HEADER)
    for _ in range(20_000):
        ws.append([" "] * 6)
    out = io.BytesIO()
    wb.save(out)
    started = datetime.datetime.now()
    with pytest.raises(TableFileError, match="lebih dari 100 baris"):
        table_read(filename="x.xlsx", content=out.getvalue(), spec=SMALL)
    assert (datetime.datetime.now() - started).total_seconds() < 1.0


def test_a_sheet_claiming_every_column_is_read_only_as_wide_as_its_header():
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(["1", "Nama"])
    ws["XFD2"] = "jauh"
    out = io.BytesIO()
    wb.save(out)
    records, _ = table_read(filename="x.xlsx", content=out.getvalue(), spec=SMALL)
    assert records[0][1]["nama"] == "Nama"


# --- the file is read once per upload ---------------------------------------------------------


def test_roster_preview_reads_the_stored_rows_not_the_file(client, hr, opd_a, monkeypatch):
    from organizations import roster, services

    client.force_login(hr)
    content = csv_bytes([[make_nip(sequence=1), "Siti", "siti@example.test", "OPD-A", "Perawat", "PNS"]])
    record = roster_upload_stage(filename="p.csv", content=content, deactivate_missing=False, acting_user=hr)
    assert record.parsed["rows"][0][0] == 2

    def no_parsing(**kwargs):
        raise AssertionError("the file was parsed again")

    monkeypatch.setattr(roster, "table_read", no_parsing)
    with monkeypatch.context() as during_preview:
        # showing the preview neither parses nor checks: it reads what was computed at upload
        during_preview.setattr(services, "roster_check", no_parsing)
        for query in ("", "?tampil=all", "?tampil=all&hal=1"):
            response = client.get(f"/admin/impor-pegawai/{record.pk}/{query}")
            assert response.status_code == 200 and "Siti" in response.content.decode()
    # confirming checks the stored rows against the database as it is now
    response = client.post(f"/admin/impor-pegawai/{record.pk}/konfirmasi/")
    assert response.status_code == 302
    assert RosterImport.objects.get(pk=record.pk).status == "applied"


def test_confirm_refuses_when_the_database_changed_since_the_preview(client, hr, opd_a):
    client.force_login(hr)
    content = csv_bytes([[make_nip(sequence=1), "Siti", "siti@example.test", "OPD-A", "Perawat", "PNS"]])
    record = roster_upload_stage(filename="p.csv", content=content, deactivate_missing=False, acting_user=hr)
    assert record.counts["new"] == 1
    roster_import(filename="p.csv", content=content)  # someone else imports the same row meanwhile
    response = client.post(f"/admin/impor-pegawai/{record.pk}/konfirmasi/", follow=True)
    assert "berubah sejak pratinjau" in response.content.decode()
    assert RosterImport.objects.get(pk=record.pk).status == "rejected"


# --- formula cells in CSV, as in XLSX (item 9) ----------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ['=HYPERLINK("http://x","klik")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\uff1dHYPERLINK(1)", "  =1+1"],
)
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_formula_cells_are_refused_in_csv_as_in_xlsx(db, opd_a, value, kind):
    rows = [[make_nip(sequence=1), value, "siti@example.test", "OPD-A", "Perawat", "PNS"]]
    content = csv_bytes(rows) if kind == "csv" else xlsx_bytes(rows)
    with pytest.raises(RosterRejected) as exc_info:
        roster_import(filename=f"pegawai.{kind}", content=content)
    assert row_errors(exc_info)[2].startswith(FORMULA_MESSAGE + " pada kolom nama")


@pytest.mark.parametrize("value", ["-", "-5", "+62", "Siti-Rahma", "a=b"])
def test_plain_values_that_merely_contain_signs_are_accepted(db, opd_a, value):
    rows = [[make_nip(sequence=1), "Siti", "siti@example.test", "OPD-A", value, "PNS"]]
    assert roster_import(filename="pegawai.csv", content=csv_bytes(rows)).counts["new"] == 1


def test_question_import_refuses_csv_formula_cells(db):
    content = b"kursus,jenis,pertanyaan,pilihan_a,pilihan_b,kunci\r\nx,tunggal,=HYPERLINK(\"u\"),A,B,A\r\n"
    _record, preview = question_import_stage(filename="soal.csv", content=content, acting_user=None)
    assert any(FORMULA_MESSAGE in error for error in preview.rows[0].errors)


# --- property test: random tables give a preview or a clear refusal ----------------------------

EXCEL_VALUES = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.sampled_from(["", " ", "PNS", "pppk", "NON_ASN", "OPD-A", "ya", "tidak", "tunggal", "jamak", "A", "A,B",
                     "#N/A", "#DIV/0!", "=1+1", "+x", "-", "@a", "\uff1d1", "a@b.test", "198001012006041001"]),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=datetime.datetime(1900, 3, 1), max_value=datetime.datetime(2100, 1, 1)),
    st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(2100, 1, 1)),
)


def tables(columns):
    header = st.one_of(
        st.permutations(columns),
        st.lists(st.sampled_from([*columns, "", "lain", "NIP "]), max_size=len(columns) + 2),
    )
    width = len(columns) + 2
    return st.tuples(header, st.lists(st.lists(EXCEL_VALUES, max_size=width), max_size=12))


def as_csv(header, rows, delimiter, encoding) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([["" if v is None else str(v) for v in row] for row in rows])
    return out.getvalue().encode(encoding, errors="replace")


def as_xlsx(header, rows, merge) -> bytes:
    def clean(value):
        if isinstance(value, str):
            return ILLEGAL_CHARACTERS_RE.sub("", value)
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
            return float(value)
        return value

    wb = Workbook()
    ws = wb.active
    ws.append([clean(h) for h in header])
    for row in rows:
        ws.append([clean(v) for v in row])
    if merge and rows:
        ws.merge_cells(start_row=2, start_column=1, end_row=min(3, len(rows) + 1), end_column=2)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def files(columns):
    return st.one_of(
        st.builds(lambda t, d, e: ("t.csv", as_csv(*t, d, e)), tables(columns), st.sampled_from([",", ";"]),
                  st.sampled_from(["utf-8", "utf-8-sig", "cp1252"])),
        st.builds(lambda t, m: ("t.xlsx", as_xlsx(*t, m)), tables(columns), st.booleans()),
        st.builds(lambda b, name: (name, b), st.binary(max_size=200), st.sampled_from(["t.csv", "t.xlsx", "t.txt"])),
    )


PROPERTY = hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@PROPERTY
@given(upload=files(ROSTER_COLUMNS), deactivate=st.booleans())
def test_roster_staging_of_any_table_previews_or_refuses_clearly(db, opd_a, upload, deactivate):
    filename, content = upload
    try:
        record = roster_upload_stage(filename=filename, content=content, deactivate_missing=deactivate, acting_user=None)
    except TableFileError as exc:
        assert exc.message.strip()
    else:
        assert record.status in ("previewed", "rejected") and record.counts["rows"] >= 1


@PROPERTY
@given(upload=files(QUESTION_COLUMNS))
def test_question_import_staging_of_any_table_previews_or_refuses_clearly(db, upload):
    filename, content = upload
    try:
        _record, preview = question_import_stage(filename=filename, content=content, acting_user=None)
    except TableFileError as exc:
        assert exc.message.strip()
    else:
        assert all(row.status in ("new", "exists", "error") for row in preview.rows)


def test_rows_beyond_a_wrong_dimension_are_still_read():
    import zipfile

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(["1", "Satu"])
    ws.append(["2", "Dua"])
    source = io.BytesIO()
    wb.save(source)
    out = io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<dimension ref="A1:F3"/>', b'<dimension ref="A1"/>')
                assert b'ref="A1"/>' in data
            zout.writestr(item, data)
    records, _ = table_read(filename="x.xlsx", content=out.getvalue(), spec=SMALL)
    assert [r["nama"] for _line, r in records] == ["Satu", "Dua"]


# --- large files: read and applied by a task with progress, not in the request (item 5) ---------


def _big_roster(n: int) -> bytes:
    return csv_bytes(
        [[make_nip(sequence=i), f"Pegawai {i}", f"p{i}@example.test", "OPD-A", "Staf", "PNS"] for i in range(1, n + 1)]
    )


def test_a_large_roster_is_read_and_applied_by_a_task_with_progress(
    client, hr, opd_a, settings, django_capture_on_commit_callbacks
):
    """60,000 rows took 31 s inside the request; above ROSTER_SYNC_MAX_BYTES the upload
    returns at once and the preview page follows the task."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.ROSTER_SYNC_MAX_BYTES = 1000
    content = _big_roster(40)
    assert len(content) > 1000
    client.force_login(hr)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post("/admin/impor-pegawai/", {"file": SimpleUploadedFile("besar.csv", content)})
    record = RosterImport.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/admin/impor-pegawai/{record.pk}/")
    assert record.status == "reading" and record.parsed is None and len(queued) == 1

    page = client.get(f"/admin/impor-pegawai/{record.pk}/")
    assert page.status_code == 200 and page["Refresh"] == "3"
    assert "diantrekan" in page.content.decode()
    assert client.post(f"/admin/impor-pegawai/{record.pk}/konfirmasi/").status_code == 302
    assert RosterImport.objects.get(pk=record.pk).status == "reading"  # nothing to confirm yet

    queued[0]()  # the worker reads the file once
    record.refresh_from_db()
    assert record.status == "previewed" and record.counts["new"] == 40 and record.stage == ""
    page = client.get(f"/admin/impor-pegawai/{record.pk}/")
    assert "Refresh" not in page and "Pegawai 1" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert client.post(f"/admin/impor-pegawai/{record.pk}/konfirmasi/").status_code == 302
    record.refresh_from_db()
    assert record.status == "applying" and record.confirmed_by == hr and Employee.objects.count() == 0
    assert "Sedang menerapkan 40 baris" in client.get(f"/admin/impor-pegawai/{record.pk}/").content.decode()
    queued[0]()
    queued[0]()  # a duplicate delivery changes nothing
    record.refresh_from_db()
    assert record.status == "applied" and Employee.objects.count() == 40
    assert "sudah diterapkan" in client.get(f"/admin/impor-pegawai/{record.pk}/").content.decode()


def test_a_large_unreadable_file_is_refused_by_the_task_with_its_reason(
    client, hr, settings, django_capture_on_commit_callbacks
):
    settings.ROSTER_SYNC_MAX_BYTES = 10
    with django_capture_on_commit_callbacks(execute=True):
        record = roster_upload_stage(filename="x.csv", content=b"nama;umur\nBudi;3\n" * 3, deactivate_missing=False, acting_user=hr)
    record.refresh_from_db()
    assert record.status == "rejected" and record.parsed is None and record.error
    client.force_login(hr)
    page = client.get(f"/admin/impor-pegawai/{record.pk}/").content.decode()
    assert "tidak dapat dibaca" in page and record.error.split(":")[0] in page and "Unggah ulang" in page


def test_a_large_import_whose_data_changed_meanwhile_is_refused_by_the_task(
    client, hr, opd_a, settings, django_capture_on_commit_callbacks
):
    settings.ROSTER_SYNC_MAX_BYTES = 500
    content = _big_roster(12)
    with django_capture_on_commit_callbacks(execute=True):
        record = roster_upload_stage(filename="b.csv", content=content, deactivate_missing=False, acting_user=hr)
    roster_import(filename="b.csv", content=content)  # someone else imports the same rows first
    client.force_login(hr)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/impor-pegawai/{record.pk}/konfirmasi/")
    record.refresh_from_db()
    assert record.status == "rejected" and "berubah sejak pratinjau" in record.error
    assert "berubah sejak pratinjau" in client.get(f"/admin/impor-pegawai/{record.pk}/").content.decode()


def test_reconcile_requeues_a_large_import_whose_task_was_lost(hr, opd_a, settings, django_capture_on_commit_callbacks):
    import datetime

    from django.utils import timezone

    from operations.services import reconcile

    settings.ROSTER_SYNC_MAX_BYTES = 500
    with django_capture_on_commit_callbacks(execute=False):  # the task never runs: lost
        record = roster_upload_stage(filename="b.csv", content=_big_roster(12), deactivate_missing=False, acting_user=hr)
    assert not reconcile().imports  # not yet past the timeout
    later = timezone.now() + datetime.timedelta(hours=3)
    with django_capture_on_commit_callbacks(execute=True):
        assert reconcile(now=later).imports == 1
    record.refresh_from_db()
    assert record.status == "previewed" and record.counts["new"] == 12
