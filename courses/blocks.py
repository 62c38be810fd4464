"""StreamField blocks of a lesson. Each block is small, describes itself in the editor
(icon, description, preview) and renders with its own template.

Video is self-hosted (a Wagtail document such as an MP4): oEmbed providers are outside
services and the site must work on a closed intranet.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "h3", "h4", "blockquote"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Teks judul"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("Tingkat"),
        choices=[("h2", _("Judul bagian (H2)")), ("h3", _("Subjudul (H3)"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = _("Judul")
        template = "courses/blocks/heading.html"
        description = _("Judul bagian di dalam pelajaran, untuk membagi materi yang panjang.")
        preview_value = {"text": "Apa itu gratifikasi?", "level": "h2"}


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        super().__init__(features=RICH_TEXT_FEATURES, **kwargs)

    class Meta:
        icon = "pilcrow"
        label = _("Teks")
        template = "courses/blocks/paragraph.html"
        description = _("Paragraf, daftar dan tautan.")
        preview_value = (
            "<p>Gratifikasi adalah <b>pemberian dalam arti luas</b>: uang, barang, rabat, komisi, "
            "pinjaman tanpa bunga, tiket perjalanan, dan fasilitas lainnya.</p>"
        )


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Gambar"))
    alt_text = blocks.CharBlock(
        label=_("Teks alternatif"),
        max_length=250,
        help_text=_("Apa yang terlihat pada gambar, untuk pembaca layar. Wajib diisi."),
    )
    caption = blocks.CharBlock(label=_("Keterangan"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Gambar dengan keterangan")
        template = "courses/blocks/image.html"
        description = _("Gambar atau infografik dengan keterangan di bawahnya.")
        preview_value = {"alt_text": "Infografik", "caption": "Contoh keterangan gambar."}


class VideoBlock(blocks.StructBlock):
    video = DocumentChooserBlock(
        label=_("Berkas video"), help_text=_("Unggah video MP4 atau WebM sebagai dokumen.")
    )
    title = blocks.CharBlock(label=_("Judul video"), max_length=200)
    duration_minutes = blocks.IntegerBlock(
        label=_("Durasi (menit)"),
        min_value=1,
        max_value=600,
        required=False,
        help_text=_("Dihitung dalam dasar JP kursus. Video tanpa durasi tidak menambah waktu belajar."),
    )
    transcript = blocks.TextBlock(
        label=_("Transkrip"),
        required=False,
        help_text=_("Isi ucapan dalam video, untuk yang tidak bisa memutar suara."),
    )

    class Meta:
        icon = "media"
        label = _("Video")
        template = "courses/blocks/video.html"
        description = _("Video yang disimpan di server ini (tanpa layanan luar), dengan transkrip.")
        preview_value = {"title": "Cara melapor gratifikasi", "duration_minutes": 5, "transcript": "Transkrip video."}


class DownloadBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Dokumen"))
    title = blocks.CharBlock(label=_("Judul tautan"), max_length=200)
    description = blocks.CharBlock(label=_("Keterangan"), required=False, max_length=300)

    class Meta:
        icon = "doc-full"
        label = _("Dokumen unduhan")
        template = "courses/blocks/download.html"
        description = _("Berkas yang dapat diunduh peserta: formulir, ringkasan, peraturan.")
        preview_value = {"title": "Formulir laporan gratifikasi", "description": "PDF, 1 halaman"}


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("Jenis"),
        choices=[
            ("info", _("Informasi")),
            ("warning", _("Peringatan")),
            ("legal", _("Dasar hukum")),
        ],
        default="info",
    )
    title = blocks.CharBlock(label=_("Judul"), required=False, max_length=200)
    body = blocks.RichTextBlock(label=_("Isi"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "info-circle"
        label = _("Kotak sorotan")
        template = "courses/blocks/callout.html"
        description = _("Kotak informasi, peringatan, atau dasar hukum beserta sumbernya.")
        preview_value = {
            "kind": "legal",
            "title": "Dasar hukum",
            "body": "<p>Pasal 12B dan 12C UU 31/1999 jo. UU 20/2001.</p>",
        }


class CaseStudyBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Judul kasus"), max_length=200)
    scenario = blocks.RichTextBlock(label=_("Skenario"), features=RICH_TEXT_FEATURES)
    question = blocks.CharBlock(label=_("Pertanyaan untuk peserta"), required=False, max_length=300)
    discussion = blocks.RichTextBlock(
        label=_("Pembahasan"),
        features=RICH_TEXT_FEATURES,
        help_text=_("Tersembunyi sampai peserta membukanya."),
    )

    class Meta:
        icon = "help"
        label = _("Studi kasus")
        template = "courses/blocks/case_study.html"
        description = _("Skenario dengan pembahasan yang dibuka peserta setelah berpikir sendiri.")
        preview_value = {
            "title": "Parsel dari rekanan",
            "scenario": "<p>Menjelang Lebaran, rekanan mengirim parsel ke rumah Anda.</p>",
            "question": "Apa yang harus Anda lakukan?",
            "discussion": "<p>Tolak. Bila tidak dapat menolak, laporkan.</p>",
        }


class KeyPointsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Judul"), default=_("Poin penting"), max_length=200)
    points = blocks.ListBlock(blocks.CharBlock(label=_("Poin"), max_length=300), label=_("Poin"))

    class Meta:
        icon = "list-ul"
        label = _("Poin penting")
        template = "courses/blocks/key_points.html"
        description = _("Ringkasan singkat yang perlu diingat peserta.")
        preview_value = {
            "title": "Poin penting",
            "points": ["Tolak pemberian terkait jabatan.", "Laporkan paling lambat 30 hari kerja."],
        }


class SelfCheckItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Pertanyaan"), max_length=300)
    answer = blocks.TextBlock(label=_("Jawaban dan alasannya"), max_length=1000)

    class Meta:
        icon = "help"
        label = _("Pertanyaan cek diri")


class SelfCheckBlock(blocks.StructBlock):
    items = blocks.ListBlock(SelfCheckItemBlock(), label=_("Pertanyaan"), min_num=1)

    class Meta:
        icon = "tick-inverse"
        label = _("Cek diri")
        template = "courses/blocks/self_check.html"
        description = _("Pertanyaan singkat di akhir pelajaran; peserta membuka jawabannya sendiri. Tidak dinilai.")
        preview_value = {
            "items": [
                {
                    "question": "Kapan batas waktu melaporkan gratifikasi?",
                    "answer": "Paling lambat 30 hari kerja sejak diterima (Pasal 12C ayat (2) UU 20/2001).",
                }
            ]
        }


class LocalContactBlock(blocks.StructBlock):
    """The city's own contact, read from Pengaturan program when the lesson is shown, so a
    changed phone number never needs a lesson edit and no lesson invents one."""

    kind = blocks.ChoiceBlock(
        label=_("Kontak"),
        choices=[("upg", _("Unit Pengendalian Gratifikasi (UPG)")), ("pengaduan", _("Saluran pengaduan Inspektorat"))],
        default="upg",
    )
    intro = blocks.CharBlock(label=_("Kalimat pengantar"), required=False, max_length=300)

    class Meta:
        icon = "site"
        label = _("Kontak lokal")
        template = "courses/blocks/local_contact.html"
        description = _("Kontak UPG atau saluran pengaduan, diambil dari Pengaturan program saat pelajaran dibuka.")
        preview_value = {"kind": "upg", "intro": "Laporkan gratifikasi ke UPG:"}


class LessonBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    image = CaptionedImageBlock()
    video = VideoBlock()
    download = DownloadBlock()
    callout = CalloutBlock()
    case_study = CaseStudyBlock()
    key_points = KeyPointsBlock()
    self_check = SelfCheckBlock()
    local_contact = LocalContactBlock()
