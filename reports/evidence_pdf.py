"""`00_ringkasan.pdf`, the summary an observer reads first, laid out with reportlab's
platypus: every cell is a Paragraph, so long codes and names wrap inside their own cell;
table headers repeat on each page; every page says "Halaman x dari y".

The document is official and Indonesian whatever the admin's language, like the
certificate it accompanies (see certificates.pdf.tanggal).
"""

from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import CondPageBreak, KeepTogether, LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from certificates.pdf import tanggal

FONT_DIR = Path(__file__).resolve().parent.parent / "certificates" / "assets" / "fonts"
PAGE_W, PAGE_H = A4
MARGIN_X = 15 * mm
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 18 * mm
WIDTH = PAGE_W - 2 * MARGIN_X
INK = colors.HexColor("#1b2430")
MUTED = colors.HexColor("#4f5b67")
ACCENT = colors.HexColor("#0b4f6c")
RULE = colors.HexColor("#d5dbe1")
HEAD_BG = colors.HexColor("#e8eef2")


def _fonts() -> tuple[str, str]:
    if "IntegritasSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("IntegritasSans", str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont("IntegritasSans-Bold", str(FONT_DIR / "DejaVuSans-Bold.ttf")))
        pdfmetrics.registerFontFamily("IntegritasSans", normal="IntegritasSans", bold="IntegritasSans-Bold",
                                      italic="IntegritasSans", boldItalic="IntegritasSans-Bold")
    return "IntegritasSans", "IntegritasSans-Bold"


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _fonts()
    # splitLongWords breaks a code longer than its column (SETDA-BAG-KERJASAMA-AGRARIA) inside
    # the cell; embeddedHyphenation prefers its own hyphens as break points.
    base = ParagraphStyle("base", fontName=regular, fontSize=9, leading=11.5, textColor=INK, splitLongWords=1, embeddedHyphenation=1)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5, textColor=MUTED),
        "title": ParagraphStyle("title", parent=base, fontName=bold, fontSize=15, leading=19, textColor=ACCENT, spaceAfter=2 * mm),
        "h2": ParagraphStyle("h2", parent=base, fontName=bold, fontSize=11, leading=14, textColor=ACCENT, spaceBefore=5 * mm, spaceAfter=2 * mm),
        "cell": ParagraphStyle("cell", parent=base, fontSize=7.5, leading=9.2),
        "num": ParagraphStyle("num", parent=base, fontSize=7.5, leading=9.2, alignment=TA_RIGHT),
        "head": ParagraphStyle("head", parent=base, fontName=bold, fontSize=7.5, leading=9.2),
        "headnum": ParagraphStyle("headnum", parent=base, fontName=bold, fontSize=7.5, leading=9.2, alignment=TA_RIGHT),
        "hash": ParagraphStyle("hash", parent=base, fontName=regular, fontSize=7.5, leading=9.5),
    }


@dataclass
class SummaryOpd:
    code: str
    name: str
    roster: int  # active employees on the roster, in any audience
    employees: int  # of them, in the audience of at least one mandatory course
    enrolled: int
    in_progress: int
    completed: int
    head: dict | None
    gaps: dict[str, int] = field(default_factory=dict)  # course title -> employees not done
    not_done: int = 0

    @property
    def percent(self) -> float:
        return round(100 * self.completed / self.employees, 1) if self.employees else 0.0


@dataclass
class SummaryCourse:
    title: str
    jp: int
    mandatory: bool
    employees: int
    enrolled: int
    in_progress: int
    completed: int
    certificates: int

    @property
    def percent(self) -> float:
        return round(100 * self.completed / self.employees, 1) if self.employees else 0.0


@dataclass
class SummaryRevoked:
    number: str
    full_name: str
    opd: str
    course: str
    revoked_at: object
    reason: str
    replaced_by: str


@dataclass
class SummaryData:
    issuer: str
    as_of: object  # date
    generated_at: object  # aware datetime
    scope_label: str
    opds: list[SummaryOpd]
    courses: list[SummaryCourse]
    revoked: list[SummaryRevoked]
    basis: list[str]
    files: list[tuple[str, str]]  # (name, sha256) of the data files written before the summary
    manifest_sha: str
    certificates: int
    certificates_revoked: int
    city: str
    signatory_title: str
    signatory_name: str
    signatory_nip: str
    signed: bool
    signature_issuer: str = ""


class _NumberedCanvas(pdfcanvas.Canvas):
    """Two passes over the pages: the total is known only at the end."""

    footer_left = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages = []

    def showPage(self):  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._footer(total)
            super().showPage()
        super().save()

    def _footer(self, total: int) -> None:
        regular, _bold = _fonts()
        self.saveState()
        self.setStrokeColor(RULE)
        self.line(MARGIN_X, MARGIN_BOTTOM - 5 * mm, PAGE_W - MARGIN_X, MARGIN_BOTTOM - 5 * mm)
        self.setFont(regular, 7.5)
        self.setFillColor(MUTED)
        self.drawString(MARGIN_X, MARGIN_BOTTOM - 9 * mm, self.footer_left)
        self.drawRightString(PAGE_W - MARGIN_X, MARGIN_BOTTOM - 9 * mm, f"Halaman {self._pageNumber} dari {total}")
        self.restoreState()


def _p(text, style) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def _code(text: str, width: float, style) -> Paragraph:
    """A code or number (SETDA-BAG-KERJASAMA-AGRARIA, 00002/SERT-INT/2026) broken after its
    own hyphens and slashes when it does not fit `width` points; a part still too long is
    split by the paragraph itself (splitLongWords)."""
    import re

    from reportlab.pdfbase.pdfmetrics import stringWidth

    text = str(text)
    lines, line = [], ""
    for part in re.findall(r"[^-/]+[-/]?|[-/]", text):
        if line and stringWidth(line + part, style.fontName, style.fontSize) > width:
            lines.append(line)
            line = part
        else:
            line += part
    lines.append(line)
    return Paragraph("<br/>".join(escape(line) for line in lines), style)


def _head(text: str, width: float, style) -> Paragraph:
    """A header cell whose longest word fits `width` points: a course title over a narrow
    column ("Whistleblowing") is set smaller rather than broken in the middle of a word."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    longest = max((stringWidth(word, style.fontName, style.fontSize) for word in str(text).split()), default=0)
    if longest > width > 0:
        size = max(5.0, style.fontSize * width / longest)
        style = ParagraphStyle(f"{style.name}-{size:.1f}", parent=style, fontSize=size, leading=size * 1.2)
    return _p(text, style)


def _table(header: list[str], rows: list[list], widths_mm: list[float], numeric: set[int], styles, total_row: list | None = None,
           codes: set[int] = frozenset()) -> LongTable:
    """A table whose cells are Paragraphs (they wrap), header repeated on each page; the
    columns in `codes` break at hyphens and slashes."""
    assert abs(sum(widths_mm) * mm - WIDTH) < 1, (sum(widths_mm), WIDTH / mm)
    data = [[_head(h, widths_mm[i] * mm - 4.6, styles["headnum"] if i in numeric else styles["head"])
             for i, h in enumerate(header)]]
    for row in rows:
        data.append([
            v if isinstance(v, Paragraph)
            else _code(v, widths_mm[i] * mm - 4.6, styles["cell"]) if i in codes
            else _p(v, styles["num"] if i in numeric else styles["cell"])
            for i, v in enumerate(row)
        ])
    if total_row is not None:
        data.append([_p(v, styles["headnum"] if i in numeric else styles["head"]) for i, v in enumerate(total_row)])
    table = LongTable(data, colWidths=[w * mm for w in widths_mm], repeatRows=1)
    commands = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_BG),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, MUTED),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.2),
        ("TOPPADDING", (0, 0), (-1, -1), 1.6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.8),
    ]
    if total_row is not None:
        commands.append(("LINEABOVE", (0, -1), (-1, -1), 0.8, MUTED))
    table.setStyle(TableStyle(commands))
    return table


def _pct(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def _when(value) -> str:
    if not value:
        return "belum pernah"
    local = timezone.localtime(value)
    return f"{tanggal(local)} {local:%H.%M} WITA"


def summary_pdf(data: SummaryData) -> bytes:
    import io

    s = _styles()
    story = []
    story.append(_p(data.issuer, s["small"]))
    story.append(_p("Ringkasan Paket Bukti Pelatihan Integritas ASN", s["title"]))
    generated = timezone.localtime(data.generated_at)
    story.append(Paragraph(
        f"<b>Per tanggal:</b> {tanggal(data.as_of)} (akhir hari, WITA) &nbsp;·&nbsp; <b>Dibuat:</b> {tanggal(generated)} {generated:%H.%M} WITA",
        s["body"],
    ))
    story.append(_p(f"Cakupan: {data.scope_label}", s["body"]))

    # --- legal basis ---
    story.append(_p("Dasar pelaksanaan", s["h2"]))
    if data.basis:
        for paragraph in data.basis:
            story.append(_p(paragraph, s["body"]))
            story.append(Spacer(0, 1.5 * mm))
    else:
        story.append(_p("Dasar hukum dan program belum diisi di Pengaturan program.", s["small"]))

    # --- coverage for the city ---
    employees = sum(o.employees for o in data.opds)
    completed = sum(o.completed for o in data.opds)
    enrolled = sum(o.enrolled for o in data.opds)
    in_progress = sum(o.in_progress for o in data.opds)
    percent = round(100 * completed / employees, 1) if employees else 0.0
    without_roster = sum(1 for o in data.opds if not o.roster)
    story.append(_p("Cakupan kota", s["h2"]))
    story.append(_p(
        f"{completed} dari {employees} pegawai aktif menyelesaikan semua kursus wajib ({_pct(percent)}%); "
        f"{enrolled} terdaftar, {in_progress} sedang berjalan, {employees - completed} belum selesai. "
        f"OPD dalam cakupan: {len(data.opds)}, di antaranya {without_roster} tanpa pegawai dalam data kepegawaian. "
        f"Sertifikat dalam paket: {data.certificates}, di antaranya {data.certificates_revoked} dicabut (di folder sertifikat-dicabut/).",
        s["body"],
    ))
    story.append(Spacer(0, 1.5 * mm))
    story.append(_p(
        "Pembagi: pegawai aktif di data kepegawaian BKPSDM dalam sasaran kursus wajib, termasuk yang belum pernah masuk. "
        "Setiap pegawai dihitung sekali, di OPD-nya saat ini.", s["small"],
    ))

    # --- per course ---
    story.append(_p("Per kursus", s["h2"]))
    if data.courses:
        story.append(_table(
            ["Kursus", "JP", "Wajib", "Sasaran", "Terdaftar", "Berjalan", "Selesai", "%", "Sertifikat"],
            [[c.title, c.jp, "ya" if c.mandatory else "tidak", c.employees, c.enrolled, c.in_progress, c.completed, _pct(c.percent), c.certificates]
             for c in data.courses],
            [64, 9, 12, 16, 17, 16, 15, 13, 18], {1, 3, 4, 5, 6, 7, 8}, s,
        ))
    else:
        story.append(_p("Tidak ada kursus dalam paket ini.", s["small"]))

    # --- per OPD, all mandatory courses ---
    story.append(CondPageBreak(40 * mm))
    story.append(_p("Per OPD: semua kursus wajib", s["h2"]))
    story.append(_p("Seorang pegawai dihitung selesai bila telah menyelesaikan semua kursus wajib yang berlaku baginya.", s["small"]))
    story.append(Spacer(0, 1.5 * mm))
    rows = []
    for index, o in enumerate(data.opds, 1):
        if not o.roster:
            rows.append([index, o.code, o.name, Paragraph("<i>tidak ada pegawai dalam data kepegawaian</i>", s["cell"]), "", "", "", ""])
        elif not o.employees:
            rows.append([index, o.code, o.name, Paragraph("<i>tidak ada pegawai sasaran kursus wajib</i>", s["cell"]), "", "", "", ""])
        else:
            rows.append([index, o.code, o.name, o.employees, o.enrolled, o.in_progress, o.completed, _pct(o.percent)])
    story.append(_table(
        ["No", "Kode", "OPD", "Pegawai aktif", "Terdaftar", "Berjalan", "Selesai", "%"],
        rows, [8, 36, 56, 18, 17, 16, 15, 14], {0, 3, 4, 5, 6, 7}, s, codes={1},
        total_row=["", "", "Total", employees, enrolled, in_progress, completed, _pct(percent)],
    ))
    # a row of an OPD without roster spans the number columns
    table = story[-1]
    table.setStyle(TableStyle([("SPAN", (3, i + 1), (7, i + 1)) for i, o in enumerate(data.opds) if not o.employees]))

    # --- OPD heads ---
    story.append(CondPageBreak(40 * mm))
    story.append(_p("Komitmen pimpinan OPD", s["h2"]))
    story.append(_p(
        "Kepala OPD yang menyelesaikan semua kursus wajib dan kursus untuk kepala OPD, dan tinjauan terakhirnya atas progres OPD sampai per tanggal.", s["small"],
    ))
    story.append(Spacer(0, 1.5 * mm))
    head_rows = []
    for o in data.opds:
        if o.head is None:
            head_rows.append([o.code, o.name, Paragraph("<i>belum ditetapkan</i>", s["cell"]), "", ""])
        else:
            head_rows.append([o.code, o.name, o.head["name"], "ya" if o.head["completed"] else "belum", _when(o.head["last_review"])])
    with_head = [o for o in data.opds if o.head]
    story.append(_table(
        ["Kode", "OPD", "Kepala OPD", "Selesai kursus wajib dan kepala OPD", "Tinjauan terakhir"], head_rows, [36, 54, 44, 18, 28], set(), s, codes={0},
        total_row=["", "Total", f"{len(with_head)} dari {len(data.opds)} ditetapkan",
                   f"{sum(1 for o in with_head if o.head['completed'])} ya", f"{sum(1 for o in with_head if o.head['last_review'])} pernah meninjau"],
    ))

    # --- not yet trained (annex summary) ---
    story.append(CondPageBreak(40 * mm))
    story.append(_p("Pegawai yang belum selesai (ringkasan lampiran belum-selesai.xlsx)", s["h2"]))
    story.append(_p(
        "Jumlah pegawai yang belum menyelesaikan semua kursus wajib, dan per kursus wajib yang belum diselesaikan. "
        "Nama, NIP, jabatan, status dan aktivitas terakhir setiap pegawai ada di belum-selesai.xlsx, satu lembar per OPD.", s["small"],
    ))
    story.append(Spacer(0, 1.5 * mm))
    titles = list(data.opds[0].gaps) if data.opds else []
    listed = [o for o in data.opds if o.not_done]
    if listed and 0 < len(titles) <= 6:
        each = 78 / len(titles)
        story.append(_table(
            ["Kode", "OPD", "Belum selesai semua wajib", *[f"Belum: {t}" for t in titles]],
            [[o.code, o.name, o.not_done, *[o.gaps[t] for t in titles]] for o in listed],
            [34, 50, 18, *[each] * len(titles)], set(range(2, 3 + len(titles))), s, codes={0},
            total_row=["", "Total", sum(o.not_done for o in listed), *[sum(o.gaps[t] for o in listed) for t in titles]],
        ))
    elif listed:
        story.append(_table(
            ["Kode", "OPD", "Belum selesai semua wajib", "Rincian per kursus wajib"],
            [[o.code, o.name, o.not_done, "; ".join(f"{t}: {n}" for t, n in o.gaps.items() if n) or "–"] for o in listed],
            [34, 50, 18, 78], {2}, s, codes={0}, total_row=["", "Total", sum(o.not_done for o in listed), ""],
        ))
    else:
        story.append(_p("Semua pegawai sasaran telah menyelesaikan semua kursus wajib.", s["body"]))

    # --- revoked ---
    story.append(CondPageBreak(40 * mm))
    story.append(_p("Sertifikat yang dicabut atau diganti", s["h2"]))
    if data.revoked:
        story.append(_p(
            "Berkasnya ada di folder sertifikat-dicabut/ sebagaimana diterbitkan (tidak diubah); halaman verifikasinya menyatakan DICABUT.",
            s["small"],
        ))
        story.append(Spacer(0, 1.5 * mm))
        story.append(_table(
            ["Nomor", "Nama", "OPD saat terbit", "Kursus", "Dicabut", "Alasan; pengganti"],
            [[r.number, r.full_name, r.opd, r.course, _when(r.revoked_at),
              r.reason.rstrip(". ") + "." + (
                  "" if r.replaced_by and r.replaced_by in r.reason else f" Diganti oleh {r.replaced_by}." if r.replaced_by else " Tidak diganti.")] for r in data.revoked],
            [31, 27, 28, 28, 20, 46], set(), s, codes={0},
        ))
    else:
        story.append(_p("Tidak ada sertifikat yang dicabut dalam cakupan paket ini.", s["body"]))

    # --- files and hashes, then the signatory: kept on one page ---
    closing = [_p("Berkas dalam paket dan cara memeriksanya", s["h2"])]
    closing.append(Paragraph(f"<b>SHA-256 manifest.csv:</b> {escape(data.manifest_sha)}", s["hash"]))
    closing.append(Spacer(0, 1.5 * mm))
    closing.append(_table(["Berkas", "SHA-256"], [[name, sha] for name, sha in data.files], [40, 140], set(), s, codes={0}))
    closing.append(Spacer(0, 1.5 * mm))
    closing.append(_p(
        "SHA256SUMS memuat SHA-256 setiap berkas lain dalam paket, termasuk ringkasan ini dan setiap sertifikat; "
        "periksa dengan perintah: sha256sum -c SHA256SUMS. manifest.csv memuat satu baris per sertifikat dengan SHA-256 dan "
        "alamat verifikasinya; kode QR pada sertifikat membuka alamat yang sama. Lihat BACA-SAYA.txt.",
        s["small"],
    ))

    # --- signatory, on the right as on an official letter ---
    right = ParagraphStyle("right", parent=s["body"], leftIndent=WIDTH / 2)
    right_small = ParagraphStyle("right_small", parent=s["small"], leftIndent=WIDTH / 2)
    closing += [Spacer(0, 8 * mm), _p(f"{data.city}, {tanggal(data.as_of)}", right), _p(data.signatory_title, right)]
    if data.signed:
        closing.append(Spacer(0, 2 * mm))
        issuer = f" yang diterbitkan oleh {data.signature_issuer}" if data.signature_issuer else ""
        closing.append(_p(f"Dokumen ini telah ditandatangani secara elektronik menggunakan sertifikat elektronik{issuer}; "
                          "keabsahan tanda tangannya dapat diperiksa dengan pembaca PDF.", right_small))
        closing.append(Spacer(0, 4 * mm))
    else:
        closing.append(Spacer(0, 16 * mm))
    name = data.signatory_name or "(nama penanda tangan belum diisi)"
    closing.append(Paragraph(f"<b>{escape(name)}</b>", right))
    if data.signatory_nip:
        closing.append(_p(f"NIP {data.signatory_nip}", right))
    story.append(KeepTogether(closing))

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM,
        title="Ringkasan Paket Bukti Pelatihan Integritas ASN", author=data.issuer, subject=f"Per tanggal {tanggal(data.as_of)}",
        creator="Integritas",
    )
    footer = f"Ringkasan paket bukti · per {tanggal(data.as_of)}"

    class Canvas(_NumberedCanvas):
        footer_left = footer

    doc.build(story, canvasmaker=Canvas)
    return buffer.getvalue()
