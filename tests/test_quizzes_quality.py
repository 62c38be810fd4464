"""Item quality checks (issue 12, item 5): pure checks over a bank, and where editors see
them (the question import preview and the bank quality page)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from quizzes.models import Choice, Question, Quiz
from quizzes.quality import (
    BankItem,
    bank_warnings,
    content_words,
    key_is_longest,
    length_imbalance,
    stem_normalised,
    words_only_in_key,
)


def item(label, stem, *options, key=0, type="single"):
    return BankItem(label=label, stem=stem, type=type, options=tuple((text, i == key) for i, text in enumerate(options)))


def codes(warnings):
    return [w.code for w in warnings]


# --- pure -----------------------------------------------------------------------------------------


def test_key_longest_in_more_than_half_of_the_bank_is_a_warning():
    longest = [item(f"Soal #{i}", f"Soal nomor {i}?", "Pilihan yang paling panjang", "Pendek", "Singkat") for i in range(3)]
    fair = [item(f"Soal #{i}", f"Pertanyaan {i}?", "Pendek", "Pilihan yang paling panjang", "Singkat") for i in range(3, 5)]
    warnings = bank_warnings(longest + fair)
    assert codes(warnings).count("key_longest") == 1
    message = next(w.message for w in warnings if w.code == "key_longest")
    assert "3 dari 5 soal" in message and "Soal #0; Soal #1; Soal #2" in message
    # exactly half is not "more than half"
    assert "key_longest" not in codes(bank_warnings(longest[:2] + fair))


def test_a_key_tied_for_longest_does_not_count_and_true_false_is_left_out():
    assert not key_is_longest(item("x", "?", "Sama", "Sama", key=0))
    tf = [item(f"Soal #{i}", f"Benar atau salah {i}?", "Benar", "Salah", key=0, type="true_false") for i in range(5)]
    assert bank_warnings(tf) == []


@pytest.mark.parametrize(
    ("options", "warned"),
    [
        (("Ya", "Tidak"), False),  # ratio 2.5 but only 3 characters apart
        (("Rp500.000", "Rp1.000.000", "Rp10.000.000"), False),
        (("Melapor ke UPG dalam 30 hari kerja sejak diterima", "Menolak", "Menerima"), True),
        (("Dua puluh karakter!!", "Empat puluh satu karakter, lebih dari 2x"), False),  # 20 vs 40: ratio 2.0 exactly
        (("Dua puluh karakter!!", "Empat puluh dua karakter, lebih dari dua x"), True),
    ],
)
def test_options_of_very_different_length(options, warned):
    assert (length_imbalance(item("x", "Soal?", *options)) is not None) is warned


def test_length_warning_names_the_question_and_the_lengths():
    warnings = bank_warnings([item("Baris 4", "Apa yang dilakukan?", "Melapor ke UPG dalam 30 hari kerja sejak diterima", "Diam", "Pulang")])
    message = next(w.message for w in warnings if w.code == "length")
    assert message.startswith("Baris 4 “Apa yang dilakukan?”") and "terpendek 4 karakter, terpanjang 49" in message


def test_a_stem_word_only_in_the_key_is_a_warning_stop_words_are_not():
    giveaway = item(
        "Soal #7", "Ke mana gratifikasi wajib dilaporkan dalam 30 hari kerja?",
        "Dilaporkan ke KPK dalam 30 hari kerja", "Disimpan oleh pegawai", "Diserahkan ke atasan", key=0,
    )
    assert words_only_in_key(giveaway) == ["30", "dilaporkan", "hari", "kerja"]
    message = next(w.message for w in bank_warnings([giveaway]) if w.code == "stem_word")
    assert "Soal #7" in message and "“dilaporkan”" in message
    # words shared with a distractor, and stop words ("yang", "adalah", "dan"), are not giveaways
    fair = item("Soal #8", "Yang manakah adalah gratifikasi dan suap?", "Gratifikasi yang dilaporkan", "Gratifikasi yang disimpan", "Uang saku")
    assert words_only_in_key(fair) == []
    assert content_words("Yang adalah dan untuk pada dengan pegawainya") == {"pegawai"}


def test_duplicate_stems_after_normalising():
    a = item("Soal #1", "<p>Apa itu gratifikasi?</p>", "A", "B")
    b = item("Baris 9", "apa  itu GRATIFIKASI", "C", "D")
    c = item("Soal #3", "Apa itu suap?", "A", "B")
    assert stem_normalised(a.stem) == stem_normalised(b.stem) == "apa itu gratifikasi"
    duplicates = [w for w in bank_warnings([a, b, c]) if w.code == "duplicate"]
    assert len(duplicates) == 1 and "Soal #1" in duplicates[0].message and "Baris 9" in duplicates[0].message


def test_a_clean_bank_has_no_warnings():
    bank = [
        item("Soal #1", "Kapan penerimaan gratifikasi wajib dilaporkan?", "Paling lambat 30 hari kerja", "Paling lambat 7 hari kalender", "Setelah audit tahunan selesai", key=0),
        item("Soal #2", "Siapa yang menetapkan status gratifikasi?", "Atasan langsung pegawai", "Pimpinan KPK", "Kepala dinas", key=1),
        item("Soal #3", "Pemberian dari rekanan saat pengadaan sebaiknya?", "Diterima bila nilainya kecil", "Diterima lalu dibagi", "Ditolak dengan sopan", key=2),
    ]
    assert bank_warnings(bank) == []


# --- where editors see them ------------------------------------------------------------------------


@pytest.fixture
def course(make_course):
    return make_course(lessons=1)


def _question(course, text, options, key=0, category="umum"):
    question = Question.objects.create(course=course, category=category, text=f"<p>{text}</p>")
    Choice.objects.bulk_create([Choice(question=question, text=t, is_correct=i == key, sort_order=i) for i, t in enumerate(options)])
    return question


IMPORT_CSV = (
    "kursus,kategori,jenis,pertanyaan,pilihan_a,pilihan_b,pilihan_c,kunci\r\n"
    "{slug},dasar,tunggal,Ke mana gratifikasi dilaporkan?,Dilaporkan ke KPK melalui UPG atau GOL,Pulang,Diam,A\r\n"
    "{slug},dasar,tunggal,APA ITU SUAP,Pemberian untuk berbuat sesuatu,Pemberian tanpa maksud,Hadiah ulang tahun,A\r\n"
)


def test_import_preview_shows_quality_warnings_naming_rows_and_existing_questions(client, editor, course):
    existing = _question(course, "Apa itu suap?", ["Pemberian untuk berbuat sesuatu", "Hadiah", "Warisan"])
    client.force_login(editor)
    upload = SimpleUploadedFile("soal.csv", IMPORT_CSV.format(slug=course.slug).encode())
    response = client.post("/admin/impor-soal/", {"file": upload})
    body = client.get(response.url).content.decode()
    assert "Peringatan mutu butir" in body
    assert "Baris 2 “Ke mana gratifikasi dilaporkan?”: panjang pilihan sangat berbeda" in body
    assert "kata dari pertanyaan hanya muncul di kunci (“dilaporkan”)" in body
    assert f"Soal #{existing.pk} “Apa itu suap?”" in body and "Baris 3 “APA ITU SUAP”" in body  # duplicate stem
    assert "Kunci adalah pilihan terpanjang pada 3 dari 3 soal" in body
    assert "Konfirmasi impor 2 soal" in body  # warnings do not block the import
    assert Question.objects.count() == 1


def test_import_preview_without_problems_has_no_quality_section(client, editor, course):
    csv = (
        "kursus,kategori,jenis,pertanyaan,pilihan_a,pilihan_b,pilihan_c,kunci\r\n"
        "{slug},dasar,tunggal,Siapa yang menetapkan status gratifikasi?,Atasan langsung,Pimpinan KPK,Kepala dinas,B\r\n"
    )
    client.force_login(editor)
    response = client.post("/admin/impor-soal/", {"file": SimpleUploadedFile("soal.csv", csv.format(slug=course.slug).encode())})
    assert "Peringatan mutu butir" not in client.get(response.url).content.decode()


def test_bank_quality_page_lists_courses_then_a_courses_and_a_quizs_warnings(client, editor, course, make_course):
    other = make_course(lessons=1)
    _question(other, "Soal tanpa masalah?", ["Satu", "Dua", "Tiga"], key=1)
    first = _question(course, "Apa itu gratifikasi?", ["Pemberian dalam arti luas, termasuk uang dan barang", "Uang", "Barang"], category="dasar")
    second = _question(course, "apa itu gratifikasi", ["Satu", "Dua", "Tiga"], key=1, category="kasus")
    quiz = Quiz.objects.create(course=course, title="Kuis akhir uji", draw_categories=["kasus", "tidak-ada"])
    client.force_login(editor)

    body = client.get("/admin/mutu-soal/").content.decode()
    assert course.title in body and other.title in body

    body = client.get("/admin/mutu-soal/", {"kursus": course.pk}).content.decode()
    assert f"Soal #{first.pk} “Apa itu gratifikasi?”: panjang pilihan sangat berbeda" in body
    assert "Pertanyaan ganda" in body and f"Soal #{second.pk}" in body
    assert "Kuis akhir uji" in body  # link to the quiz's own view

    body = client.get("/admin/mutu-soal/", {"kuis": quiz.pk}).content.decode()
    assert "Pertanyaan ganda" not in body and "panjang pilihan" not in body  # only the quiz's categories
    assert "kategori yang tidak punya soal aktif: tidak-ada" in body

    assert client.get("/admin/mutu-soal/", {"kuis": "x"}).status_code == 404
    assert client.get("/admin/mutu-soal/", {"kursus": 999999}).status_code == 404


def test_the_quiz_list_links_to_the_quality_page(client, editor, course):
    quiz = Quiz.objects.create(course=course, title="Kuis akhir uji")
    client.force_login(editor)
    assert f"/admin/mutu-soal/?kuis={quiz.pk}" in client.get("/admin/kuis/").content.decode()


def test_bank_quality_page_shows_whether_a_quizs_draw_repeats_questions(client, editor, course):
    for i in range(12):
        _question(course, f"Kasus nomor {i}?", ["Satu", "Dua", "Tiga"], category="kasus")
    for i in range(7):
        _question(course, f"Dasar nomor {i}?", ["Satu", "Dua", "Tiga"], category="dasar")
    quiz = Quiz.objects.create(course=course, title="Kuis akhir uji", question_count=10, draw_categories=["kasus", "dasar"])
    client.force_login(editor)
    body = client.get("/admin/mutu-soal/", {"kuis": quiz.pk}).content.decode()
    kasus = body[body.index('data-category="kasus"'):].split("</tr>")[0]
    dasar = body[body.index('data-category="dasar"'):].split("</tr>")[0]
    assert "<td>12</td><td>5</td>" in kasus and "mengulang" not in kasus
    assert "<td>7</td><td>5</td>" in dasar and "percobaan kedua akan mengulang" in dasar
