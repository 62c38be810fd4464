import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook
from wagtail.models import ModelLogEntry

from organizations.models import Employee, RosterImport
from organizations.roster import RosterFileError, roster_preview
from organizations.services import RosterRejected, roster_import

from .factories import EmployeeFactory, UserFactory, make_nip

HEADER = ["nip", "nama", "email", "opd_kode", "jabatan", "jenis_pegawai"]


def csv_bytes(rows, *, header=HEADER, sep=",", newline="\r\n", encoding="utf-8", bom=False) -> bytes:
    lines = [sep.join(header)] + [sep.join(row) for row in rows]
    data = (newline.join(lines) + newline).encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(rows, *, header=HEADER) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def nips():
    return [make_nip(sequence=i) for i in range(1, 6)]


@pytest.fixture
def good_rows(opd_a, opd_b, nips):
    return [
        [nips[0], "Siti Rahmawati", "siti@example.test", "OPD-A", "Perawat", "PNS"],
        [nips[1], "Zulkarnaén Noor", "zul@example.test", "opd-b", "Analis", "pppk"],
        ["", "Budi Tenaga", "budi@example.test", "OPD-A", "Pengemudi", "NON_ASN"],
    ]


def import_csv(rows, **kwargs):
    return roster_import(filename="pegawai.csv", content=csv_bytes(rows), **kwargs)


def test_roster_import_creates_employees_and_records_the_import(db, good_rows, nips):
    result = import_csv(good_rows)
    assert result.counts["new"] == 3
    assert Employee.objects.count() == 3
    zul = Employee.objects.get(nip=nips[1])
    assert zul.full_name == "Zulkarnaén Noor"
    assert zul.opd.code == "OPD-B"
    assert zul.employment_type == "PPPK"
    assert Employee.objects.get(email="budi@example.test").nip is None
    record = RosterImport.objects.get()
    assert record.status == "applied" and record.counts["new"] == 3
    entry = ModelLogEntry.objects.get(action="integritas.roster_import")
    assert entry.data["counts"]["new"] == 3


def test_roster_import_is_idempotent_by_nip(db, good_rows):
    import_csv(good_rows)
    again = import_csv(good_rows)
    assert again.counts == {**again.counts, "new": 0, "changed": 0, "unchanged": 3}
    assert Employee.objects.count() == 3


def test_roster_import_updates_changed_rows_and_shows_the_change(db, good_rows, nips):
    import_csv(good_rows)
    good_rows[0][3] = "OPD-B"  # mutasi
    good_rows[0][4] = "Kepala Seksi"
    preview = roster_preview(filename="p.csv", content=csv_bytes(good_rows))
    row = preview.rows[0]
    assert row.status == "changed"
    assert row.changes["opd_kode"] == ("OPD-A", "OPD-B")
    import_csv(good_rows)
    assert Employee.objects.get(nip=nips[0]).opd.code == "OPD-B"


@pytest.mark.parametrize(
    "variant",
    [
        {"bom": True},
        {"sep": ";"},
        {"newline": "\n"},
        {"sep": ";", "bom": True, "newline": "\r\n"},
    ],
)
def test_roster_import_accepts_csv_as_excel_writes_it(db, good_rows, variant):
    result = roster_import(filename="pegawai.csv", content=csv_bytes(good_rows, **variant))
    assert result.counts["new"] == 3
    assert Employee.objects.filter(full_name="Zulkarnaén Noor").exists()


def test_roster_import_reads_windows_1252_csv_and_warns(db, good_rows):
    content = csv_bytes(good_rows, encoding="cp1252", sep=";")
    preview = roster_preview(filename="pegawai.csv", content=content)
    assert not preview.has_errors
    assert preview.rows[1].full_name == "Zulkarnaén Noor"
    assert "Windows-1252" in preview.notices[0]


def test_roster_import_accepts_xlsx_with_header_in_any_order(db, good_rows):
    header = ["nama", "nip", "email", "opd_kode", "jabatan", "jenis_pegawai"]
    rows = [[r[1], r[0], r[2], r[3], r[4], r[5]] for r in good_rows]
    result = roster_import(filename="pegawai.xlsx", content=xlsx_bytes(rows, header=header))
    assert result.counts["new"] == 3


def test_roster_import_refuses_xlsx_formula_cells(db, good_rows):
    good_rows[1][1] = '=HYPERLINK("http://evil.test","klik")'
    with pytest.raises(RosterRejected) as excinfo:
        roster_import(filename="pegawai.xlsx", content=xlsx_bytes(good_rows))
    errors = excinfo.value.preview.error_rows
    assert [r.line for r in errors] == [3]
    assert "rumus" in errors[0].errors[0]
    assert Employee.objects.count() == 0


def test_roster_import_refuses_nip_stored_as_a_number_in_xlsx(db, good_rows):
    good_rows[0][0] = 1.98501012010011e17
    with pytest.raises(RosterRejected) as excinfo:
        roster_import(filename="pegawai.xlsx", content=xlsx_bytes(good_rows))
    assert "sebagai Teks" in " ".join(excinfo.value.preview.error_rows[0].errors)


@pytest.mark.parametrize(
    "mutate, fragment",
    [
        (lambda r: r[0].__setitem__(0, "12345"), "18 digit"),
        (lambda r: r[0].__setitem__(0, "19850101201001100X"), "hanya boleh berisi angka"),
        (lambda r: r[0].__setitem__(0, "198502312010011001"), "bukan tanggal yang sah"),
        (lambda r: r[0].__setitem__(0, "198501012010019001"), "jenis kelamin"),
        (lambda r: r[0].__setitem__(3, "DINAS-ANTAH"), "tidak dikenal"),
        (lambda r: r[0].__setitem__(1, "  "), "nama wajib diisi"),
        (lambda r: r[0].__setitem__(2, ""), "email wajib diisi"),
        (lambda r: r[0].__setitem__(2, "bukan-email"), "tidak sah"),
        (lambda r: r[0].__setitem__(5, "HONORER"), "tidak dikenal"),
        (lambda r: r[0].__setitem__(5, ""), "jenis_pegawai wajib diisi"),
        (lambda r: r[0].__setitem__(0, ""), "nip wajib diisi untuk PNS"),
        (lambda r: r[1].__setitem__(0, r[0][0]), "sudah ada di baris 2"),
        (lambda r: r[1].__setitem__(2, "SITI@example.test"), "sudah ada di baris 2"),
    ],
)
def test_roster_import_rejects_bad_rows_with_reasons_and_writes_nothing(db, good_rows, mutate, fragment):
    mutate(good_rows)
    with pytest.raises(RosterRejected) as excinfo:
        import_csv(good_rows)
    messages = " ".join(e for row in excinfo.value.preview.error_rows for e in row.errors)
    assert fragment in messages
    assert Employee.objects.count() == 0
    assert RosterImport.objects.count() == 0


def test_roster_import_lists_every_bad_row_with_its_line(db, good_rows):
    good_rows[0][0] = "1"
    good_rows[2][3] = "NOPE"
    with pytest.raises(RosterRejected) as excinfo:
        import_csv(good_rows)
    assert [row.line for row in excinfo.value.preview.error_rows] == [2, 4]


def test_roster_import_rejects_an_email_used_by_another_nip(db, good_rows, opd_a):
    EmployeeFactory(email="siti@example.test", opd=opd_a)
    with pytest.raises(RosterRejected) as excinfo:
        import_csv(good_rows)
    assert "sudah dipakai pegawai lain" in excinfo.value.preview.error_rows[0].errors[0]


@pytest.mark.parametrize(
    "filename, content, fragment",
    [
        ("pegawai.csv", b"nip,nama,email\r\n1,2,3\r\n", "kolom yang hilang: opd_kode, jabatan, jenis_pegawai"),
        ("pegawai.csv", b"nip,nama_lengkap,email,opd_kode,jabatan,jenis_pegawai\r\n", "tidak dikenal: nama_lengkap"),
        ("pegawai.csv", b"", "kosong"),
        ("pegawai.csv", csv_bytes([]), "tidak berisi satu baris data"),
        ("pegawai.pdf", b"%PDF-1.4 hello", "harus CSV atau XLSX"),
        ("pegawai.xlsx", b"this is not a zip file", "bukan XLSX yang sah"),
        ("pegawai.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        ("pegawai.csv", b"\x00\x01\x02nip,nama", "bukan CSV"),
    ],
)
def test_roster_import_refuses_unusable_files_with_a_clear_message(db, filename, content, fragment):
    with pytest.raises(RosterFileError) as excinfo:
        roster_import(filename=filename, content=content)
    assert fragment in excinfo.value.message
    assert RosterImport.objects.count() == 0


def test_roster_import_refuses_an_oversized_file(db, settings, good_rows):
    settings.ROSTER_MAX_UPLOAD_BYTES = 100
    with pytest.raises(RosterFileError) as excinfo:
        import_csv(good_rows)
    assert "terlalu besar" in excinfo.value.message


def test_deactivate_missing_deactivates_but_never_deletes(db, good_rows, nips, opd_a):
    import_csv(good_rows)
    user = UserFactory()
    leaver = Employee.objects.get(nip=nips[0])
    leaver.user = user
    leaver.save()
    result = import_csv(good_rows[1:], deactivate_missing=True)
    assert result.counts["deactivated"] == 1
    leaver.refresh_from_db()
    user.refresh_from_db()
    assert leaver.active is False and Employee.objects.count() == 3
    assert user.is_active is False  # an inactive employee can no longer log in
    # Back on the roster: active again, login restored
    import_csv(good_rows)
    leaver.refresh_from_db()
    user.refresh_from_db()
    assert leaver.active and user.is_active


def test_without_deactivate_missing_absent_employees_stay_active(db, good_rows, nips):
    import_csv(good_rows)
    import_csv(good_rows[1:])
    assert Employee.objects.get(nip=nips[0]).active


# --- the management command ------------------------------------------------------------------


def test_import_roster_command_imports_and_dry_run_writes_nothing(db, tmp_path, good_rows):
    path = tmp_path / "pegawai.csv"
    path.write_bytes(csv_bytes(good_rows))
    out = io.StringIO()
    call_command("import_roster", str(path), "--dry-run", stdout=out)
    assert "3 baru" in out.getvalue()
    assert Employee.objects.count() == 0
    call_command("import_roster", str(path), stdout=out)
    assert Employee.objects.count() == 3


def test_import_roster_command_fails_listing_every_bad_row(db, tmp_path, good_rows):
    good_rows[0][0] = "123"
    good_rows[2][5] = "HONORER"
    path = tmp_path / "pegawai.csv"
    path.write_bytes(csv_bytes(good_rows))
    err = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_roster", str(path), stderr=err)
    assert "2 baris salah" in str(excinfo.value)
    assert "Baris 2:" in err.getvalue() and "Baris 4:" in err.getvalue()
    assert Employee.objects.count() == 0


def test_import_roster_command_reports_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="tidak ditemukan"):
        call_command("import_roster", str(tmp_path / "tidak-ada.csv"))


def test_roster_marks_opd_heads_and_keeps_one_head_per_opd(db, good_rows, nips, opd_a, opd_b):
    header = [*HEADER, "kepala_opd"]
    rows = [[*good_rows[0], "ya"], [*good_rows[1], ""], [*good_rows[2], "tidak"]]
    roster_import(filename="pegawai.csv", content=csv_bytes(rows, header=header))
    opd_a.refresh_from_db()
    opd_b.refresh_from_db()
    assert opd_a.head.nip == nips[0] and opd_b.head is None
    # The preview shows a change of head; "tidak" removes the head.
    rows[0][-1] = "tidak"
    preview = roster_preview(filename="pegawai.csv", content=csv_bytes(rows, header=header))
    [siti] = [row for row in preview.rows if row.nip == nips[0]]
    assert siti.status == "changed" and siti.changes["kepala_opd"] == ("ya", "tidak")
    roster_import(filename="pegawai.csv", content=csv_bytes(rows, header=header))
    opd_a.refresh_from_db()
    assert opd_a.head is None
    # A file without the column leaves heads alone; a head who moves away stops being head.
    rows[0][-1] = "ya"
    roster_import(filename="pegawai.csv", content=csv_bytes(rows, header=header))
    import_csv([good_rows[0], good_rows[1], good_rows[2]])
    opd_a.refresh_from_db()
    assert opd_a.head.nip == nips[0]
    moved = [nips[0], "Siti Rahmawati", "siti@example.test", "OPD-B", "Perawat", "PNS"]
    import_csv([moved, good_rows[1], good_rows[2]])
    opd_a.refresh_from_db()
    assert opd_a.head is None


def test_roster_head_column_bad_values_are_refused(db, good_rows, opd_a):
    header = [*HEADER, "kepala_opd"]
    rows = [[*good_rows[0], "mungkin"], [*good_rows[1], ""], [*good_rows[2], ""]]
    preview = roster_preview(filename="pegawai.csv", content=csv_bytes(rows, header=header))
    assert any("kepala_opd" in e for e in preview.rows[0].errors)
    both = [[*good_rows[0], "ya"], [*good_rows[1], ""], [*good_rows[2], "ya"]]
    preview = roster_preview(filename="pegawai.csv", content=csv_bytes(both, header=header))
    assert any("sudah punya kepala di baris 2" in e for e in preview.rows[2].errors)
    with pytest.raises(RosterRejected):
        roster_import(filename="pegawai.csv", content=csv_bytes(both, header=header))
    assert not Employee.objects.exists()
    opd_a.refresh_from_db()
    assert opd_a.head is None


# --- pangkat/golongan (optional column) ---------------------------------------------------------

RANK_HEADER = [*HEADER, "pangkat_golongan"]


def test_roster_imports_pangkat_golongan_when_the_column_is_there(db, good_rows, nips):
    rows = [[*row, rank] for row, rank in zip(good_rows, ["Penata Muda Tingkat I, III/b", "  Pengatur,   II/c ", ""], strict=True)]
    roster_import(filename="pegawai.csv", content=csv_bytes(rows, header=RANK_HEADER, sep=";"))
    assert Employee.objects.get(nip=nips[0]).pangkat_golongan == "Penata Muda Tingkat I, III/b"
    assert Employee.objects.get(nip=nips[1]).pangkat_golongan == "Pengatur, II/c"
    assert Employee.objects.get(email="budi@example.test").pangkat_golongan == ""


def test_roster_pangkat_golongan_change_is_previewed_and_applied(db, good_rows, nips):
    roster_import(filename="pegawai.csv", content=csv_bytes([[*good_rows[0], "Penata Muda, III/a"]], header=RANK_HEADER, sep=";"))
    content = csv_bytes([[*good_rows[0], "Penata Muda Tingkat I, III/b"]], header=RANK_HEADER, sep=";")
    preview = roster_preview(filename="pegawai.csv", content=content)
    [row] = preview.rows
    assert row.status == "changed"
    assert row.changes["pangkat_golongan"] == ("Penata Muda, III/a", "Penata Muda Tingkat I, III/b")
    roster_import(filename="pegawai.csv", content=content)
    assert Employee.objects.get(nip=nips[0]).pangkat_golongan == "Penata Muda Tingkat I, III/b"


def test_roster_without_the_pangkat_column_keeps_what_is_known(db, good_rows, nips):
    roster_import(filename="pegawai.csv", content=csv_bytes([[*good_rows[0], "Penata, III/c"]], header=RANK_HEADER, sep=";"))
    preview = roster_preview(filename="pegawai.csv", content=csv_bytes([good_rows[0]]))
    assert preview.rows[0].status == "unchanged"
    import_csv([good_rows[0]])
    assert Employee.objects.get(nip=nips[0]).pangkat_golongan == "Penata, III/c"


@pytest.mark.parametrize(
    "value, fragment",
    [("x" * 101, "terlalu panjang"), ("<b>III/b</b>", "tanda < atau >")],
)
def test_roster_bad_pangkat_golongan_is_refused_and_nothing_written(db, good_rows, value, fragment):
    rows = [[*good_rows[0], "III/a"], [*good_rows[1], value]]
    with pytest.raises(RosterRejected) as error:
        roster_import(filename="pegawai.csv", content=csv_bytes(rows, header=RANK_HEADER, sep=";"))
    assert fragment in " ".join(" ".join(row.errors) for row in error.value.preview.error_rows)
    assert not Employee.objects.exists()


def test_roster_pangkat_golongan_from_xlsx(db, good_rows, nips):
    roster_import(filename="pegawai.xlsx", content=xlsx_bytes([[*good_rows[0], "Pembina, IV/a"]], header=RANK_HEADER))
    assert Employee.objects.get(nip=nips[0]).pangkat_golongan == "Pembina, IV/a"
