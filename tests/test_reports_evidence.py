"""The evidence pack as an observer receives it: a summary that reads (no overlapping words,
every OPD, numbered pages), spreadsheets with headers and widths, the revoked certificates
apart, and every file checkable with the real `sha256sum -c`."""

import csv
import hashlib
import io
import shutil
import subprocess
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from .factories import EmployeeFactory, OpdFactory

LONG_NAME = "Bagian Kerja Sama, Pertanahan dan Agraria pada Sekretariat Daerah Kota Banjarbaru"


def _issue(employee, course, django_capture_on_commit_callbacks):
    from courses.services import lesson_complete

    with django_capture_on_commit_callbacks(execute=True):
        for lesson in course.test_lessons:
            lesson_complete(employee=employee, lesson=lesson)


def _city(make_course, django_capture_on_commit_callbacks, *, opds: int = 6, per_opd: int = 3):
    """A scope like the city's: long codes and names, OPDs without anyone on the roster,
    heads, two mandatory courses, certificates, one revoked with a long reason."""
    from certificates.models import Certificate
    from certificates.services import certificate_revoke
    from core.models import ProgramSettings
    from reports.models import OpdReview

    settings_obj = ProgramSettings.load()
    settings_obj.program_basis = (
        "Instruksi Wali Kota Banjarbaru tentang pelatihan integritas bagi seluruh aparatur sipil negara di lingkungan "
        "Pemerintah Kota Banjarbaru, yang wajib diselesaikan paling lambat akhir tahun anggaran.\n"
        "Peraturan Komisi Pemberantasan Korupsi tentang pelaporan gratifikasi."
    )
    settings_obj.save()
    first = make_course(lessons=1, title="Mengenal dan Menolak Gratifikasi: Panduan Lengkap bagi Aparatur Sipil Negara")
    second = make_course(lessons=1, title="Konflik Kepentingan")
    units = [OpdFactory(code="SETDA-BAG-KERJASAMA-AGRARIA", name=LONG_NAME)]
    units.append(OpdFactory(code="DINAS-PEMBERDAYAAN-PEREMPUAN-PERLINDUNGA", name="Dinas Pemberdayaan Perempuan, Perlindungan Anak, "
                            "Pengendalian Penduduk dan Keluarga Berencana"))
    units += [OpdFactory(code=f"KEL-LANDASAN-ULIN-TIMUR-{i:02d}", name=f"Kelurahan Landasan Ulin Timur Wilayah Pelayanan {i}") for i in range(opds - 2)]
    empty = units[-2:]  # nobody on the roster
    people = []
    for index, opd in enumerate(units):
        if opd in empty:
            continue
        for n in range(per_opd):
            employee = EmployeeFactory(opd=opd, full_name=f"Raden Ajeng Siti Nurhaliza Kusumawardhani Putri {index}-{n}",
                                       position="Analis Kebijakan Ahli Muda pada Subbagian Kerja Sama Daerah")
            people.append(employee)
        opd.head = people[-1]
        opd.save()
    for i, employee in enumerate(people):
        if i % 3 == 0:
            _issue(employee, first, django_capture_on_commit_callbacks)
        if i % 2 == 0:
            _issue(employee, second, django_capture_on_commit_callbacks)
    OpdReview.objects.create(opd=units[0], employee=units[0].head, completed=1, employees=per_opd)
    certificate = Certificate.objects.filter(opd=units[0]).order_by("pk").first()
    certificate_revoke(certificate=certificate, reason="Nama tertulis keliru pada data kepegawaian; pegawai mengajukan perbaikan melalui "
                       "BKPSDM dengan surat permohonan resmi.", acting_user=None)
    return units, empty, (first, second), certificate


def _build(tmp_path, scope=None, courses=()):
    from organizations.models import Opd
    from reports.evidence import evidence_pack_build

    out = tmp_path / "paket.zip"
    pack = evidence_pack_build(out=out, scope=scope if scope is not None else Opd.objects.filter(active=True), courses=list(courses),
                               as_of=timezone.localdate())
    return out, pack


def _overlaps(boxes, tolerance: float = 0.3):
    """Pairs of boxes (x0, top, x1, bottom, text) that overlap by more than `tolerance` points both ways."""
    found = []
    boxes = sorted(boxes)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if b[0] >= a[2] - tolerance:
                break
            if min(a[2], b[2]) - max(a[0], b[0]) > tolerance and min(a[3], b[3]) - max(a[1], b[1]) > tolerance:
                found.append((a[4], b[4]))
    return found


def assert_readable_layout(pdf_bytes: bytes) -> list[str]:
    """Every word inside the page, no two words (or characters) overlapping, every page
    numbered "Halaman x dari y". Returns the text of each page."""
    import pdfplumber

    texts = []
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        total = len(pdf.pages)
        for number, page in enumerate(pdf.pages, 1):
            words = page.extract_words(keep_blank_chars=False, use_text_flow=False)
            assert words, f"page {number} is empty"
            for w in words:
                assert w["x0"] >= 0 and w["top"] >= 0 and w["x1"] <= page.width and w["bottom"] <= page.height, f"page {number}: {w['text']!r} leaves the page"
            assert not _overlaps([(w["x0"], w["top"], w["x1"], w["bottom"], w["text"]) for w in words]), f"page {number}: words overlap"
            chars = [(c["x0"], c["top"], c["x1"], c["bottom"], c["text"]) for c in page.chars if c["text"].strip()]
            assert not _overlaps(chars, tolerance=0.8), f"page {number}: characters overlap"
            text = page.extract_text()
            assert f"Halaman {number} dari {total}" in text
            texts.append(text)
    return texts


def _column_text(pdf_bytes: bytes, left_mm: float, right_mm: float) -> str:
    import pdfplumber

    mm = 72 / 25.4
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        return "".join(
            (page.crop((left_mm * mm + 0.5, 0, right_mm * mm - 0.5, page.height)).extract_text() or "").replace("\n", "") for page in pdf.pages
        )


def test_summary_reads_every_opd_in_scope_with_long_codes_and_no_overlap(tmp_path, make_course, django_capture_on_commit_callbacks):
    units, empty, courses, revoked = _city(make_course, django_capture_on_commit_callbacks, opds=60, per_opd=2)
    out, pack = _build(tmp_path)
    archive = zipfile.ZipFile(out)
    summary = archive.read("00_ringkasan.pdf")
    (tmp_path / "00_ringkasan.pdf").write_bytes(summary)
    pages = assert_readable_layout(summary)
    assert len(pages) >= 3
    text = "\n".join(pages)
    flat = text.replace("\n", "")
    # every OPD of the scope has its row, the two without a roster shown as such
    assert pack.opds == 60
    assert text.count("tidak ada pegawai dalam data kepegawaian") == len(empty)
    codes = _column_text(summary, 23, 59)  # the "Kode" column of the per-OPD table, wrapped lines joined
    for opd in units:
        assert opd.code in codes
    assert "Instruksi Wali Kota Banjarbaru" in text
    assert "Per kursus" in text and "Konflik Kepentingan" in text
    assert "Komitmen pimpinan OPD" in text
    assert revoked.number in flat and "Nama tertulis keliru" in text
    assert hashlib.sha256(archive.read("manifest.csv")).hexdigest() in flat.replace(" ", "")
    assert "Halaman 1 dari" in pages[0]


def test_pack_checks_with_sha256sum_and_fails_after_one_changed_byte(tmp_path, make_course, django_capture_on_commit_callbacks):
    _city(make_course, django_capture_on_commit_callbacks, opds=4)
    out, pack = _build(tmp_path)
    folder = tmp_path / "paket"
    with zipfile.ZipFile(out) as archive:
        archive.extractall(folder)
        names = set(archive.namelist())
    listed = {line.split("  ", 1)[1] for line in (folder / "SHA256SUMS").read_text().splitlines()}
    assert listed == names - {"SHA256SUMS"}
    assert {"00_ringkasan.pdf", "BACA-SAYA.txt", "rekap.xlsx", "belum-selesai.xlsx", "peserta.csv", "manifest.csv"} <= listed
    assert shutil.which("sha256sum"), "coreutils sha256sum is needed"
    checked = subprocess.run(["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count(": OK") == len(listed)

    victim = folder / sorted(n for n in listed if n.startswith("sertifikat/"))[0]
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0x01
    victim.write_bytes(bytes(data))
    tampered = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True)
    assert tampered.returncode != 0
    assert "FAILED" in tampered.stdout and victim.name in tampered.stdout
    assert "sha256sum -c SHA256SUMS" in (folder / "BACA-SAYA.txt").read_text()


def test_revoked_certificate_lies_apart_unchanged_and_the_summary_gives_the_reason(tmp_path, make_course, django_capture_on_commit_callbacks):
    units, _empty, _courses, revoked = _city(make_course, django_capture_on_commit_callbacks, opds=3)
    stored = revoked.pdf.open("rb").read()
    out, pack = _build(tmp_path)
    archive = zipfile.ZipFile(out)
    names = archive.namelist()
    mine = [n for n in names if revoked.number.replace("/", "-") in n]
    assert mine == [f"sertifikat-dicabut/{revoked.opd_code}/{revoked.nip}_{revoked.course_slug}_{revoked.number.replace('/', '-')}.pdf"]
    assert archive.read(mine[0]) == stored and hashlib.sha256(stored).hexdigest() == revoked.sha256
    assert not [n for n in names if n.startswith("sertifikat/") and revoked.number.replace("/", "-") in n]
    manifest = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    row = next(r for r in manifest if r["nomor"] == revoked.number)
    assert row["status"] == "revoked" and row["berkas"] == mine[0]
    assert all(r["berkas"].startswith("sertifikat/") for r in manifest if r["status"] != "revoked")
    assert pack.revoked == 1
    revoked.refresh_from_db()
    assert revoked.pdf.open("rb").read() == stored  # the stored file is never changed


def test_registry_zip_puts_revoked_certificates_in_their_own_folder(client, auditor, make_course, django_capture_on_commit_callbacks):
    _units, _empty, _courses, revoked = _city(make_course, django_capture_on_commit_callbacks, opds=3)
    client.force_login(auditor)
    response = client.get("/admin/sertifikat-zip/")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    revoked_names = [n for n in archive.namelist() if n.startswith("sertifikat-dicabut/")]
    assert revoked_names == [f"sertifikat-dicabut/{revoked.opd_code}/{revoked.nip}_{revoked.course_slug}_{revoked.number.replace('/', '-')}.pdf"]
    assert hashlib.sha256(archive.read(revoked_names[0])).hexdigest() == revoked.sha256
    others = [n for n in archive.namelist() if n.endswith(".pdf") and not n.startswith("sertifikat-dicabut/")]
    assert others and not any(revoked.number.replace("/", "-") in n for n in others)


def test_not_done_workbook_lists_per_opd_who_has_not_finished_which_course(tmp_path, make_course, django_capture_on_commit_callbacks):
    from openpyxl import load_workbook

    from courses.models import Enrollment

    units, empty, (first, second), _revoked = _city(make_course, django_capture_on_commit_callbacks, opds=4)
    twin = OpdFactory(code="SETDA-BAG-KERJASAMA-AGRARIA-WILAYAH-II", name="Bagian Kerja Sama Wilayah II")  # same first 31 characters
    EmployeeFactory(opd=twin, full_name="=HYPERLINK(\"http://x.test\")", position="+Staf")
    out, _pack = _build(tmp_path)
    book = load_workbook(io.BytesIO(zipfile.ZipFile(out).read("belum-selesai.xlsx")))
    titles = book.sheetnames
    assert titles[0] == "Daftar OPD"
    assert len(titles) == len(set(t.lower() for t in titles)) and all(len(t) <= 31 for t in titles)
    index = {row[0]: row for row in book["Daftar OPD"].iter_rows(values_only=True) if row and row[0]}
    for opd in empty:
        assert index[opd.code][2] == 0 and index[opd.code][4] == "–"
    sheet = book[index[units[0].code][4]]
    assert sheet.freeze_panes and sheet.column_dimensions["A"].width >= 30
    header_row = next(r for r in sheet.iter_rows(values_only=True) if r and r[0] == "Nama")
    assert list(header_row) == ["Nama", "NIP", "Jabatan", "Jenis pegawai", "Kursus wajib", "Status", "Aktivitas terakhir (WITA)"]
    rows = [r for r in sheet.iter_rows(min_row=sheet[sheet.freeze_panes].row, values_only=True)]
    expected = set()
    for employee in units[0].employees.filter(active=True):
        for course in (first, second):
            if not Enrollment.objects.filter(employee=employee, course=course, completed_at__isnull=False).exists():
                expected.add((employee.full_name, employee.nip, course.title))
    assert {(r[0], r[1], r[4]) for r in rows} == expected
    assert {r[5] for r in rows} <= {"belum terdaftar", "belum mulai", "sedang berjalan"}
    twin_sheet = book[index[twin.code][4]]
    assert index[twin.code][4] != index[units[0].code][4]
    cells = [r for r in twin_sheet.iter_rows(values_only=True) if r and r[1] and str(r[1]).isdigit()]
    assert cells[0][0].startswith("'=") and cells[0][2] == "'+Staf"


def test_recap_workbook_has_a_sheet_per_course_the_heads_frozen_headers_and_percent(tmp_path, make_course, django_capture_on_commit_callbacks):
    from openpyxl import load_workbook

    units, empty, (first, second), _revoked = _city(make_course, django_capture_on_commit_callbacks, opds=4)
    out, _pack = _build(tmp_path)
    book = load_workbook(io.BytesIO(zipfile.ZipFile(out).read("rekap.xlsx")))
    assert book.sheetnames[0] == "Semua wajib" and book.sheetnames[-1] == "Kepala OPD"
    assert len(book.sheetnames) == 4 and all(len(t) <= 31 for t in book.sheetnames)
    assert any(t.startswith("Mengenal dan Menolak") for t in book.sheetnames)
    for sheet in book.worksheets:
        assert sheet.freeze_panes, sheet.title
        header = sheet[sheet[sheet.freeze_panes].row - 1]
        assert header[0].value == "Kode OPD" and header[0].font.bold
        assert sheet.column_dimensions["B"].width >= 36
    main = book["Semua wajib"]
    rows = {r[0].value: r for r in main.iter_rows(min_row=main[main.freeze_panes].row) if r[0].value}
    assert set(rows) == {u.code for u in units}  # every OPD, the empty ones too
    for opd in empty:
        assert rows[opd.code][8].value == "tidak ada pegawai dalam data kepegawaian"
    some = next(r for code, r in rows.items() if r[2].value)
    assert some[7].number_format == "0.0%" and 0 <= some[7].value <= 1
    heads = {r[0]: r for r in book["Kepala OPD"].iter_rows(values_only=True) if r and r[0]}
    assert heads[units[0].code][2] == units[0].head.full_name and heads[units[0].code][4] is not None


def test_pack_queries_do_not_grow_with_opds_employees_or_certificates(tmp_path, make_course, django_capture_on_commit_callbacks):
    from organizations.models import Opd

    units, _empty, courses, _revoked = _city(make_course, django_capture_on_commit_callbacks, opds=3)
    _build(tmp_path)  # the course list is cached from now on, as in a running site
    with CaptureQueriesContext(connection) as small:
        _build(tmp_path)
    for i in range(12):
        opd = OpdFactory(code=f"TAMBAHAN-{i:02d}", name=f"Kelurahan Tambahan {i}")
        for n in range(3):
            employee = EmployeeFactory(opd=opd)
            if n == 0:
                _issue(employee, courses[1], django_capture_on_commit_callbacks)
        opd.head = employee
        opd.save()
    assert Opd.objects.count() >= 15
    with CaptureQueriesContext(connection) as large:
        _build(tmp_path)
    assert len(small) <= 30
    assert len(large) == len(small), "\n".join(q["sql"][:100] for q in small.captured_queries) + "\n\n" + "\n".join(q["sql"][:100] for q in large.captured_queries)


def test_sheet_titles_are_safe_short_and_unique():
    from reports.evidence_xlsx import sheet_title

    taken: set[str] = set()
    titles = [sheet_title(name, taken) for name in [
        "SETDA-BAG-KERJASAMA-AGRARIA-WILAYAH-I", "SETDA-BAG-KERJASAMA-AGRARIA-WILAYAH-II", "a/b:c*d?[e]\\f", "'kutip'", "Daftar OPD", "daftar opd", "",
    ]]
    assert all(0 < len(t) <= 31 for t in titles)
    assert len({t.lower() for t in titles}) == len(titles)
    assert not any(ch in t for t in titles for ch in "[]:*?/\\")
    assert titles[2] == "a-b-c-d--e--f" and titles[3] == "kutip"


def test_sha256sums_line_escapes_names_like_gnu_sha256sum(tmp_path):
    from reports.evidence import sha256sums_line

    name = "a\\b.txt"
    (tmp_path / name).write_bytes(b"isi")
    sums = tmp_path / "SUMS"
    sums.write_text(sha256sums_line(hashlib.sha256(b"isi").hexdigest(), name) + sha256sums_line(hashlib.sha256(b"").hexdigest(), "biasa.txt"))
    (tmp_path / "biasa.txt").write_bytes(b"")
    result = subprocess.run(["sha256sum", "--strict", "-c", "SUMS"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_layout_check_catches_overlapping_words_and_missing_page_numbers():
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(100, 700, "SETDA-BAG-KERJASAMA-AGRARIA")
    page.drawString(150, 700, "Bagian Kerja Sama")
    page.drawString(100, 50, "Halaman 1 dari 1")
    page.save()
    with pytest.raises(AssertionError, match="overlap"):
        assert_readable_layout(buffer.getvalue())
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(100, 700, "Tanpa nomor halaman")
    page.save()
    with pytest.raises(AssertionError):
        assert_readable_layout(buffer.getvalue())


# --- the summary signed like the certificates ---------------------------------------------------------


@pytest.fixture(scope="session")
def demo_keys(tmp_path_factory):
    from certificates.signing_demo import demo_signing_create

    return demo_signing_create(tmp_path_factory.mktemp("demo-signing-pack"))


@pytest.fixture
def signing_settings(settings, demo_keys):
    settings.SIGNING_PKCS12 = str(demo_keys.pkcs12)
    settings.SIGNING_PASSPHRASE = demo_keys.passphrase
    settings.SIGNING_TRUST_ROOTS = [str(demo_keys.ca)]
    settings.SIGNING_REFUSE_DEMO = False
    return settings


def _summary_text(pdf_bytes: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_bytes)).pages).split())


def test_summary_is_signed_when_a_key_is_configured_and_one_byte_breaks_it(tmp_path, make_course, django_capture_on_commit_callbacks, signing_settings):
    from certificates.signing import pdf_signature_check

    _city(make_course, django_capture_on_commit_callbacks, opds=3)
    out, pack = _build(tmp_path)
    assert pack.signed and pack.signing_problem == ""
    archive = zipfile.ZipFile(out)
    summary = archive.read("00_ringkasan.pdf")
    check = pdf_signature_check(summary)
    assert check["valid"] and check["intact"] and check["trusted"], check
    assert "DEMO" in check["signer"]
    assert_readable_layout(summary)
    assert "telah ditandatangani secara elektronik" in _summary_text(summary)
    readme = archive.read("BACA-SAYA.txt").decode()
    assert "00_ringkasan.pdf ditandatangani secara elektronik" in readme and "DEMO" in readme
    folder = tmp_path / "paket"
    archive.extractall(folder)
    assert subprocess.run(["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=folder, capture_output=True).returncode == 0
    tampered = bytearray(summary)
    tampered[len(summary) // 3] ^= 0x01
    assert pdf_signature_check(bytes(tampered))["valid"] is False


def test_summary_without_a_key_is_unsigned_and_says_nothing_of_a_signature(tmp_path, make_course, django_capture_on_commit_callbacks, settings):
    from certificates.models import CertificateSettings

    settings.SIGNING_PKCS12 = ""
    _city(make_course, django_capture_on_commit_callbacks, opds=3)
    signatory = CertificateSettings.load()
    signatory.signatory_name, signatory.signatory_nip = "Drs. Fiktif (demo)", "196801011990031001"
    signatory.save()  # the demo's fictional signatory, on a site that no longer runs the demo
    out, pack = _build(tmp_path)
    archive = zipfile.ZipFile(out)
    summary = archive.read("00_ringkasan.pdf")
    assert not pack.signed and b"/ByteRange" not in summary
    assert "ditandatangani secara elektronik" not in _summary_text(summary)
    assert "TIDAK ditandatangani secara elektronik: kunci penandatanganan belum dipasang" in archive.read("BACA-SAYA.txt").decode()
    assert "Fiktif" not in _summary_text(summary) and "(nama penanda tangan belum diisi)" in _summary_text(summary)


def test_summary_with_an_unusable_key_is_unsigned_and_the_pack_says_why(tmp_path, make_course, django_capture_on_commit_callbacks, signing_settings):
    _city(make_course, django_capture_on_commit_callbacks, opds=3)  # certificates signed with the good key
    signing_settings.SIGNING_PASSPHRASE = "kata-sandi-salah"
    out, pack = _build(tmp_path)
    assert not pack.signed and pack.signing_problem
    archive = zipfile.ZipFile(out)
    assert "ditandatangani secara elektronik" not in _summary_text(archive.read("00_ringkasan.pdf"))
    assert pack.signing_problem in archive.read("BACA-SAYA.txt").decode()


def test_summary_header_words_are_never_split_and_times_say_wita():
    """A course title over a narrow column ("Antikorupsi", "Pelanggaran") used to be broken
    mid-word by reportlab; now the header font shrinks until its longest word fits."""
    import datetime

    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from reports.evidence_pdf import _head, _styles, _when

    styles = _styles()
    width = 17 * mm - 4.6
    cell = _head("Belum: Nilai-Nilai Antikorupsi dan Budaya Kerja", width, styles["headnum"])
    longest = max(stringWidth(w, cell.style.fontName, cell.style.fontSize) for w in cell.text.split())
    assert longest <= width and cell.style.fontSize < styles["headnum"].fontSize
    assert _head("Kode", width, styles["head"]).style is styles["head"]
    when = datetime.datetime(2026, 11, 28, 2, 5, tzinfo=datetime.UTC)
    assert _when(when) == "28 November 2026 10.05 WITA"
