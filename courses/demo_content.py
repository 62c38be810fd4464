"""The four demo courses, written for Integritas from public law and public KPK material.

Facts come from the verified entries of the project's content fact sheet (each lesson
keeps its sources in a "Dasar hukum" callout). Explanations of the nine values are our own
course text, not KPK quotations. Nothing marked unverified there is stated here; where
the sources disagree (e.g. the start of the 20-working-day completeness window) the lesson
says only what they agree on.

Block helpers return `(block_type, value)` pairs for a LessonPage body.
"""


def h(text, level="h2"):
    return ("heading", {"text": text, "level": level})


def p(html):
    return ("paragraph", html)


def callout(kind, title, html):
    return ("callout", {"kind": kind, "title": title, "body": html})


def legal(html):
    return callout("legal", "Dasar hukum dan sumber", html)


def case(title, scenario, question, discussion):
    return ("case_study", {"title": title, "scenario": scenario, "question": question, "discussion": discussion})


def key_points(*points, title="Poin penting"):
    return ("key_points", {"title": title, "points": list(points)})


def image(key, alt, caption=""):
    return ("image", {"image": key, "alt_text": alt, "caption": caption})


def download(key, title, description=""):
    return ("download", {"document": key, "title": title, "description": description})


COURSES = [
    {
        "slug": "mengenal-dan-menolak-gratifikasi",
        "title": "Mengenal dan Menolak Gratifikasi",
        "category": "gratifikasi",
        "jp_hours": 4,
        "mandatory": True,
        "closes_on": "2026-12-31",
        "certificate_validity_months": 24,
        "cover": ("gratifikasi", "Gratifikasi", "#0b4f6c"),
        "summary": (
            "Kenali bentuk-bentuk gratifikasi, kapan sebuah pemberian dianggap suap, kewajiban menolak "
            "dan melapor paling lambat 30 hari kerja, batas nilai terbaru menurut Peraturan KPK Nomor 1 "
            "Tahun 2026, serta peran Unit Pengendalian Gratifikasi (UPG)."
        ),
        "objectives": [
            "Menjelaskan pengertian gratifikasi menurut Penjelasan Pasal 12B UU 20/2001.",
            "Membedakan gratifikasi yang dianggap suap dari pemberian yang tidak wajib dilaporkan.",
            "Menolak gratifikasi terkait jabatan dan melaporkannya dalam 30 hari kerja bila tidak dapat menolak.",
            "Menggunakan saluran pelaporan resmi: UPG, aplikasi GOL, email, atau langsung ke KPK.",
        ],
        "lessons": [
            {
                "title": "Apa itu gratifikasi?",
                "minutes": 10,
                "body": [
                    p(
                        "<p>Dalam bahasa sehari-hari, gratifikasi sering dibayangkan sebagai amplop berisi uang. "
                        "Undang-undang memakai pengertian yang jauh lebih luas. Penjelasan Pasal 12B ayat (1) "
                        "UU 31/1999 jo. UU 20/2001 menyebut gratifikasi sebagai <b>pemberian dalam arti luas</b>, "
                        "yaitu pemberian uang, barang, rabat (diskon), komisi, pinjaman tanpa bunga, tiket "
                        "perjalanan, fasilitas penginapan, perjalanan wisata, pengobatan cuma-cuma, dan fasilitas "
                        "lainnya.</p><p>Pemberian itu tetap gratifikasi baik diterima di dalam maupun di luar "
                        "negeri, dan baik dilakukan dengan maupun tanpa sarana elektronik. Transfer ke rekening, "
                        "voucer digital, atau saldo dompet elektronik termasuk di dalamnya.</p>"
                    ),
                    image("bentuk", "Ilustrasi bentuk-bentuk gratifikasi: uang, barang, diskon, tiket, fasilitas",
                          "Gratifikasi tidak hanya uang: barang, diskon, tiket, dan fasilitas juga termasuk."),
                    h("Tidak ada nilai minimum"),
                    p(
                        "<p>KPK menegaskan bahwa <b>tidak ada batas nilai minimum</b>: setiap pemberian yang "
                        "berhubungan dengan jabatan dan berlawanan dengan kewajiban atau tugas penerima wajib "
                        "dilaporkan, berapa pun nilainya. Batas nilai yang akan Anda pelajari di pelajaran 4 "
                        "hanya berlaku untuk jenis pemberian tertentu yang memang dikecualikan.</p>"
                    ),
                    h("Mengapa pemberian kecil pun berbahaya"),
                    p(
                        "<p>Gratifikasi jarang berupa transaksi terang-terangan. Menurut KPK, gratifikasi biasanya "
                        "bersifat <i>tanam budi</i>: hari ini diberi tanpa meminta apa pun, kelak pemberi berharap "
                        "dibalas. Bila pemberian itu jelas ditukar dengan keputusan, itu sudah suap.</p>"
                    ),
                    callout(
                        "warning",
                        "“Kalau tidak memengaruhi keputusan saya, boleh, kan?”",
                        "<p><b>Tidak.</b> Buku saku KPK <i>Memahami Gratifikasi</i> menjawab pertanyaan ini dengan "
                        "tegas: tetap dilarang. Yang menentukan adalah hubungannya dengan jabatan, bukan niat baik "
                        "penerima.</p>",
                    ),
                    h("Uji diri: PROVE IT", "h3"),
                    p(
                        "<p>Sebelum menerima sesuatu, KPK menganjurkan uji diri <b>PROVE IT</b>:</p><ul>"
                        "<li><b>Purpose</b> – apa tujuan pemberian ini?</li>"
                        "<li><b>Rules</b> – bagaimana aturannya?</li>"
                        "<li><b>Openness</b> – apakah diberikan secara terbuka?</li>"
                        "<li><b>Value</b> – berapa nilainya?</li>"
                        "<li><b>Ethics</b> – apakah patut secara etika?</li>"
                        "<li><b>Identity</b> – siapa pemberinya, dan apa hubungannya dengan tugas saya?</li>"
                        "<li><b>Timing</b> – kapan diberikan, misalnya menjelang keputusan?</li></ul>"
                    ),
                    download("prove_it", "Lembar uji diri PROVE IT", "Teks, 1 halaman; cetak dan tempel di meja kerja"),
                    key_points(
                        "Gratifikasi adalah pemberian dalam arti luas, bukan hanya uang.",
                        "Tidak ada nilai minimum untuk gratifikasi yang terkait jabatan.",
                        "Niat baik penerima tidak mengubah larangan.",
                    ),
                    legal(
                        "<ul><li>Penjelasan Pasal 12B ayat (1) UU 31/1999 jo. UU 20/2001.</li>"
                        "<li>Peraturan KPK Nomor 2 Tahun 2019 tentang Pelaporan Gratifikasi, Pasal 1 angka 1 "
                        "dan Pasal 2.</li><li>KPK, <i>Memahami Gratifikasi</i>, cetakan ketiga, 2021.</li></ul>"
                    ),
                ],
            },
            {
                "title": "Kapan gratifikasi dianggap suap",
                "minutes": 12,
                "body": [
                    p(
                        "<p>Pasal 12B ayat (1) UU 20/2001 berbunyi: <i>“Setiap gratifikasi kepada pegawai negeri "
                        "atau penyelenggara negara dianggap pemberian suap, apabila berhubungan dengan jabatannya "
                        "dan yang berlawanan dengan kewajiban atau tugasnya.”</i></p><p>Jadi ada dua unsur: "
                        "(1) pemberian itu <b>berhubungan dengan jabatan</b>, dan (2) <b>berlawanan dengan "
                        "kewajiban atau tugas</b> penerima. Pegawai negeri dilarang menerima hadiah karena "
                        "jabatannya; maka pemberian yang datang karena jabatan hampir selalu memenuhi keduanya.</p>"
                    ),
                    h("Siapa yang harus membuktikan"),
                    p(
                        "<p>Pasal 12B ayat (1) juga mengatur beban pembuktian:</p><ul>"
                        "<li>nilai <b>Rp10.000.000 atau lebih</b>: <b>penerima</b> yang harus membuktikan bahwa "
                        "pemberian itu bukan suap;</li>"
                        "<li>nilai <b>kurang dari Rp10.000.000</b>: <b>penuntut umum</b> yang membuktikan bahwa "
                        "pemberian itu suap.</li></ul><p>Angka Rp10 juta ini bukan batas aman. Ia hanya menentukan "
                        "siapa yang membuktikan di pengadilan.</p>"
                    ),
                    h("Ancaman pidana"),
                    p(
                        "<p>Menurut Pasal 12B ayat (2), penerima gratifikasi yang dianggap suap diancam pidana "
                        "<b>penjara seumur hidup</b> atau penjara <b>paling singkat 4 tahun dan paling lama 20 "
                        "tahun</b>, serta denda <b>paling sedikit Rp200.000.000 dan paling banyak "
                        "Rp1.000.000.000</b>.</p><p>Sebagai perbandingan, untuk suap biasa (Pasal 5 UU 20/2001), "
                        "pemberi dan pegawai negeri yang menerimanya diancam penjara 1 sampai 5 tahun dan/atau "
                        "denda Rp50.000.000 sampai Rp250.000.000.</p>"
                    ),
                    case(
                        "Terima kasih setelah izin terbit",
                        "<p>Pak Rahmat memproses izin usaha di sebuah dinas. Seminggu setelah izin terbit sesuai "
                        "prosedur, pemohon datang membawa kain batik mahal “sebagai tanda terima kasih, tidak "
                        "minta apa-apa lagi”.</p>",
                        "Apakah Pak Rahmat boleh menerimanya karena izinnya sudah terbit?",
                        "<p>Tidak. Pemberian datang karena jabatan Pak Rahmat dan ia berkewajiban melayani tanpa "
                        "imbalan; waktu pemberian setelah keputusan tidak mengubah hal itu (ingat unsur "
                        "<i>Timing</i> dalam PROVE IT). Ia wajib menolak dengan sopan. Bila tidak mungkin menolak, "
                        "ia wajib melaporkannya paling lambat 30 hari kerja.</p>",
                    ),
                    key_points(
                        "Dua unsur: berhubungan dengan jabatan dan berlawanan dengan kewajiban atau tugas.",
                        "Rp10 juta hanya menentukan siapa yang membuktikan, bukan batas aman.",
                        "Ancaman: seumur hidup atau 4–20 tahun dan denda Rp200 juta–Rp1 miliar.",
                    ),
                    legal(
                        "<ul><li>Pasal 12B ayat (1) dan (2) UU 31/1999 jo. UU 20/2001.</li>"
                        "<li>Pasal 5 ayat (1) dan (2) UU 20/2001 (suap).</li></ul>"
                    ),
                ],
            },
            {
                "title": "Menolak, atau melapor dalam 30 hari kerja",
                "minutes": 12,
                "body": [
                    p(
                        "<p>Peraturan KPK Nomor 2 Tahun 2019 Pasal 2 memuat dua kewajiban: pegawai negeri yang "
                        "menerima gratifikasi <b>wajib melaporkannya</b>, dan bila gratifikasi itu berhubungan "
                        "dengan jabatan dan berlawanan dengan tugas, ia <b>wajib menolaknya</b>. Urutannya: "
                        "tolak lebih dulu; laporkan bila tidak dapat menolak.</p>"
                    ),
                    h("Batas waktu: 30 hari kerja"),
                    p(
                        "<p>Pasal 12C ayat (1) UU 20/2001 menyatakan ancaman Pasal 12B <b>tidak berlaku</b> bila "
                        "penerima melaporkan gratifikasi kepada KPK. Ayat (2) menetapkan batasnya: <b>paling "
                        "lambat 30 (tiga puluh) hari kerja</b> sejak tanggal gratifikasi diterima. Kewajiban yang "
                        "sama ada di Pasal 16 UU 30/2002.</p>"
                    ),
                    image("tenggat", "Garis waktu: gratifikasi diterima, lapor paling lambat 30 hari kerja, KPK menetapkan status paling lambat 30 hari kerja",
                          "Garis waktu pelaporan gratifikasi."),
                    callout(
                        "warning",
                        "Terlambat melapor",
                        "<p>Sejak Peraturan KPK Nomor 1 Tahun 2026, laporan yang disampaikan <b>lebih dari 30 hari "
                        "kerja</b> setelah gratifikasi diterima <b>dapat ditetapkan menjadi milik negara</b>, dan "
                        "<b>Pasal 12B tetap berlaku</b>: perlindungan Pasal 12C hilang.</p>",
                    ),
                    h("Isi laporan"),
                    p(
                        "<p>Laporan dibuat tertulis dengan formulir KPK dan dilengkapi dokumen pendukung. "
                        "Isinya antara lain: NIK, nama, alamat dan telepon pelapor; data pemberi; jabatan; tempat "
                        "dan waktu penerimaan; uraian dan nilai pemberian; kronologi; serta bukti atau dokumen "
                        "pendukung. Laporan yang tidak lengkap dan tidak dilengkapi dalam 20 hari kerja tidak "
                        "ditindaklanjuti, jadi isi selengkap mungkin sejak awal.</p>"
                    ),
                    h("Ke mana melapor"),
                    p(
                        "<ul><li>Melalui <b>UPG</b> di instansi Anda, yang meneruskannya kepada KPK.</li>"
                        "<li>Aplikasi <b>Gratifikasi Online (GOL)</b>: gol.kpk.go.id atau aplikasi GOL di ponsel.</li>"
                        "<li>Email: <b>pelaporan.gratifikasi@kpk.go.id</b>.</li>"
                        "<li>Datang langsung atau mengirim surat ke KPK.</li></ul>"
                    ),
                    h("Setelah laporan diterima"),
                    p(
                        "<p>KPK wajib menetapkan status gratifikasi, <b>milik penerima atau milik negara</b>, "
                        "paling lambat 30 hari kerja sejak laporan diterima (Pasal 12C ayat (3)). Keputusan "
                        "disampaikan kepada penerima paling lambat 7 hari kerja, dan gratifikasi yang menjadi "
                        "milik negara diserahkan kepada Menteri Keuangan paling lambat 7 hari kerja (Pasal 17 "
                        "UU 30/2002).</p>"
                    ),
                    download("langkah_lapor", "Langkah melapor gratifikasi", "Teks, 1 halaman"),
                    key_points(
                        "Tolak dulu; laporkan bila tidak bisa menolak.",
                        "Lapor paling lambat 30 hari kerja sejak diterima.",
                        "Terlambat: dapat menjadi milik negara dan Pasal 12B tetap berlaku.",
                        "Saluran: UPG, GOL, email pelaporan.gratifikasi@kpk.go.id, atau langsung ke KPK.",
                    ),
                    legal(
                        "<ul><li>Pasal 12C ayat (1)–(3) UU 31/1999 jo. UU 20/2001.</li>"
                        "<li>Pasal 16 dan 17 UU 30/2002.</li><li>Peraturan KPK Nomor 2 Tahun 2019 Pasal 2, "
                        "sebagaimana diubah Peraturan KPK Nomor 1 Tahun 2026 (diundangkan 20 Januari 2026).</li></ul>"
                    ),
                ],
            },
            {
                "title": "Yang tidak wajib dilaporkan: batas nilai 2026",
                "minutes": 12,
                "body": [
                    p(
                        "<p>Peraturan KPK Nomor 2 Tahun 2019 Pasal 2 ayat (3) mengecualikan 17 jenis pemberian "
                        "dari kewajiban lapor, misalnya pemberian dalam keluarga, hidangan yang berlaku umum, "
                        "seminar kit, dan penghargaan resmi dari pemerintah. Peraturan KPK Nomor 1 Tahun 2026 "
                        "mengubah beberapa batas nilainya.</p>"
                    ),
                    h("Batas nilai yang berubah pada 2026"),
                    p(
                        "<ul><li><b>Pernikahan, kelahiran, akikah, khitanan, upacara adat atau agama</b>: paling "
                        "banyak <b>Rp1.500.000 per pemberi</b> (sebelumnya Rp1.000.000).</li>"
                        "<li><b>Sesama rekan kerja</b>, bukan uang atau alat tukar, tidak terkait kedinasan: "
                        "paling banyak <b>Rp500.000 per pemberian</b> dan <b>Rp1.500.000 per tahun dari pemberi "
                        "yang sama</b> (sebelumnya Rp200.000 dan Rp1.000.000).</li>"
                        "<li>Kategori terpisah untuk pisah sambut, pensiun, mutasi, promosi, dan ulang tahun "
                        "antarrekan kerja <b>dihapus</b>.</li></ul>"
                    ),
                    callout(
                        "warning",
                        "Pengecualian bukan cek kosong",
                        "<p>Banyak pengecualian berlaku hanya <b>sepanjang tidak terdapat konflik kepentingan</b>, "
                        "dan tidak berlaku bila instansi Anda sendiri melarang pemberian itu. Amplop pernikahan "
                        "dari rekanan yang sedang mengikuti pengadaan di kantor Anda tidak menjadi aman hanya "
                        "karena nilainya di bawah Rp1,5 juta.</p>",
                    ),
                    h("Contoh lain yang dikecualikan", "h3"),
                    p(
                        "<ul><li>Pemberian dalam keluarga (orang tua, pasangan, anak, saudara, dan seterusnya) "
                        "sepanjang tidak ada konflik kepentingan.</li>"
                        "<li>Perlengkapan peserta kegiatan kedinasan seperti seminar kit, yang berlaku umum.</li>"
                        "<li>Honorarium, transport, dan akomodasi kegiatan kedinasan sesuai standar biaya, tanpa "
                        "pembiayaan ganda dan tanpa konflik kepentingan.</li>"
                        "<li>Karangan bunga ucapan, serta hidangan atau sajian yang berlaku umum.</li>"
                        "<li>Pemberian kepada <b>instansi</b> dalam hubungan kedinasan, bukan untuk pribadi.</li></ul>"
                    ),
                    case(
                        "Amplop di resepsi pernikahan",
                        "<p>Bu Dewi, bendahara pengeluaran, menikah. Di antara amplop yang diterima ada amplop "
                        "Rp1.000.000 dari sepupunya, amplop Rp300.000 dari rekan satu bidang, dan amplop "
                        "Rp2.000.000 dari direktur perusahaan penyedia barang kantor.</p>",
                        "Amplop mana yang wajib dilaporkan?",
                        "<p>Amplop sepupu termasuk pemberian dalam keluarga dan amplop rekan kerja di bawah "
                        "Rp1.500.000 per pemberi: keduanya tidak wajib dilaporkan bila tidak ada konflik "
                        "kepentingan. Amplop penyedia melebihi Rp1.500.000 dan datang dari pihak yang "
                        "berurusan dengan jabatan Bu Dewi: <b>wajib dilaporkan</b> paling lambat 30 hari kerja.</p>",
                    ),
                    key_points(
                        "Pernikahan dan sejenisnya: paling banyak Rp1.500.000 per pemberi (2026).",
                        "Rekan kerja: Rp500.000 per pemberian, Rp1.500.000 per tahun dari pemberi yang sama.",
                        "Pengecualian gugur bila ada konflik kepentingan atau instansi melarangnya.",
                    ),
                    legal(
                        "<ul><li>Peraturan KPK Nomor 2 Tahun 2019 Pasal 2 ayat (3).</li>"
                        "<li>Peraturan KPK Nomor 1 Tahun 2026 tentang Perubahan atas Peraturan KPK Nomor 2 Tahun "
                        "2019, ditandatangani 14 Januari 2026 dan diundangkan 20 Januari 2026.</li></ul>"
                    ),
                ],
            },
            {
                "title": "UPG dan parsel hari raya",
                "minutes": 10,
                "body": [
                    p(
                        "<p>Unit Pengendalian Gratifikasi (UPG) adalah tempat pertama bertanya dan melapor di "
                        "instansi. Ketua KPK menegaskan bahwa laporan boleh disampaikan melalui UPG "
                        "kementerian, lembaga, atau pemerintah daerah, <b>atau</b> langsung ke Direktorat "
                        "Gratifikasi KPK.</p>"
                    ),
                    h("Tugas UPG"),
                    p(
                        "<p>Peraturan KPK Nomor 1 Tahun 2026 menyebut tujuh tugas UPG:</p><ol>"
                        "<li>menerima, mengelola, dan meneruskan laporan gratifikasi;</li>"
                        "<li>memelihara barang titipan sampai statusnya ditetapkan;</li>"
                        "<li>menindaklanjuti laporan sesuai keputusan KPK;</li>"
                        "<li>melakukan kegiatan pengendalian gratifikasi;</li>"
                        "<li>mendorong penyusunan ketentuan internal instansi;</li>"
                        "<li>memberikan pelatihan dan dukungan implementasi;</li>"
                        "<li>menyosialisasikan ketentuan gratifikasi.</li></ol>"
                    ),
                    callout(
                        "info",
                        "Di Kota Banjarbaru",
                        "<p>Pemerintah Kota Banjarbaru memiliki Peraturan Wali Kota Nomor 44 Tahun 2017 tentang "
                        "Pengendalian Gratifikasi di Lingkungan Pemerintah Kota Banjarbaru, yang mengatur antara "
                        "lain pelaporan, UPG, pengawasan, serta perlindungan dan penghargaan bagi pelapor. "
                        "Tanyakan kepada Inspektorat tata cara melapor ke UPG kota.</p>",
                    ),
                    h("Parsel hari raya"),
                    p(
                        "<p>KPK menegaskan bahwa parsel Lebaran dari bawahan kepada atasan, atau dari rekanan, "
                        "adalah gratifikasi yang berhubungan dengan jabatan. Surat edaran KPK menjelang hari raya "
                        "(misalnya SE KPK Nomor 6 Tahun 2023) mengingatkan ASN untuk tidak meminta, memberi, atau "
                        "menerima gratifikasi terkait jabatan: <b>tolak lebih dulu, laporkan bila tidak dapat "
                        "menolak</b>.</p>"
                    ),
                    case(
                        "Parsel makanan yang cepat basi",
                        "<p>Sehari sebelum Lebaran, kurir mengantar parsel buah dan kue basah dari sebuah rekanan "
                        "ke rumah Pak Hendra. Kurir langsung pergi; kantor sudah libur.</p>",
                        "Apa yang sebaiknya dilakukan Pak Hendra?",
                        "<p>Makanan yang mudah rusak dan tidak sempat ditolak dapat disalurkan kepada panti "
                        "asuhan, panti jompo, atau pihak yang membutuhkan, lalu <b>dilaporkan kepada UPG</b> "
                        "dengan keterangan dan dokumentasi (foto serah terima). Parsel berisi barang tahan lama "
                        "dikembalikan atau dilaporkan.</p>",
                    ),
                    key_points(
                        "Lapor melalui UPG instansi atau langsung ke KPK.",
                        "Parsel dari bawahan atau rekanan adalah gratifikasi terkait jabatan.",
                        "Makanan mudah rusak: salurkan ke yang membutuhkan, lalu laporkan ke UPG dengan dokumentasi.",
                    ),
                    legal(
                        "<ul><li>Peraturan KPK Nomor 1 Tahun 2026 (tugas UPG).</li>"
                        "<li>Peraturan Wali Kota Banjarbaru Nomor 44 Tahun 2017.</li>"
                        "<li>Surat Edaran KPK Nomor 6 Tahun 2023 dan arahan KPK tentang parsel hari raya.</li></ul>"
                    ),
                ],
            },
        ],
    },
    {
        "slug": "konflik-kepentingan",
        "title": "Konflik Kepentingan",
        "category": "konflik-kepentingan",
        "jp_hours": 3,
        "mandatory": True,
        "closes_on": "2026-12-31",
        "certificate_validity_months": 24,
        "cover": ("konflik", "Konflik Kepentingan", "#5b3b8c"),
        "summary": (
            "Pahami apa itu konflik kepentingan menurut UU 30/2014 dan PermenPANRB 17/2024, dari mana "
            "asalnya, jenis aktual, potensial dan dipersepsikan, serta cara mengelolanya: deklarasikan "
            "kepada atasan dan jangan memutuskan sendiri."
        ),
        "objectives": [
            "Menjelaskan pengertian konflik kepentingan menurut UU 30/2014.",
            "Mengenali sumber konflik kepentingan menurut Pasal 43 UU 30/2014.",
            "Membedakan konflik kepentingan aktual, potensial, dan yang dipersepsikan.",
            "Mendeklarasikan konflik kepentingan dan menyerahkan keputusan kepada atasan atau pejabat lain.",
        ],
        "lessons": [
            {
                "title": "Pengertian konflik kepentingan",
                "minutes": 10,
                "body": [
                    p(
                        "<p>UU 30/2014 tentang Administrasi Pemerintahan mendefinisikan konflik kepentingan "
                        "sebagai <i>“kondisi Pejabat Pemerintahan yang memiliki kepentingan pribadi untuk "
                        "menguntungkan diri sendiri dan/atau orang lain dalam penggunaan Wewenang sehingga dapat "
                        "mempengaruhi netralitas dan kualitas Keputusan dan/atau Tindakan yang dibuat dan/atau "
                        "dilakukannya”</i>. Definisi yang sama dipakai PermenPANRB Nomor 17 Tahun 2024.</p>"
                    ),
                    callout(
                        "info",
                        "Konflik kepentingan belum tentu pelanggaran",
                        "<p>Menurut KPK, konflik kepentingan pada dirinya netral: memiliki saudara yang ikut "
                        "tender belum merupakan pelanggaran. Pelanggaran terjadi bila situasi itu <b>tidak "
                        "dikelola</b>, misalnya Anda tetap ikut menilai. Konflik kepentingan bisa menjadi pintu "
                        "masuk korupsi, atau akibat dari korupsi (misalnya setelah menerima gratifikasi).</p>",
                    ),
                    h("Contoh sehari-hari"),
                    p(
                        "<p>KPK memberi contoh konflik kepentingan yang sering terjadi di kantor pemerintah:</p><ul>"
                        "<li>memakai mobil dinas untuk mudik keluarga;</li>"
                        "<li>membocorkan data rahasia kepada pihak yang berkepentingan;</li>"
                        "<li>memberi akses atau perlakuan khusus kepada kenalan;</li>"
                        "<li>ikut menentukan penghasilan atau fasilitas untuk diri sendiri.</li></ul>"
                    ),
                    key_points(
                        "Inti konflik kepentingan: kepentingan pribadi dalam penggunaan wewenang.",
                        "Yang dilarang adalah memutuskan dalam situasi itu tanpa mengelolanya.",
                        "Akibatnya bisa berupa pelanggaran etik, administratif, bahkan pidana.",
                    ),
                    legal(
                        "<ul><li>UU 30/2014 tentang Administrasi Pemerintahan (definisi konflik kepentingan).</li>"
                        "<li>Peraturan Menteri PANRB Nomor 17 Tahun 2024 tentang Pengelolaan Konflik Kepentingan."
                        "</li><li>KPK, Anti-Corruption Learning Center: <i>Mengenal Konflik Kepentingan dan Cara "
                        "Mencegahnya</i>.</li></ul>"
                    ),
                ],
            },
            {
                "title": "Dari mana konflik kepentingan muncul",
                "minutes": 10,
                "body": [
                    p(
                        "<p>Pasal 43 ayat (1) UU 30/2014 menyebut konflik kepentingan terjadi bila keputusan atau "
                        "tindakan dilatarbelakangi oleh:</p><ol type=\"a\">"
                        "<li>kepentingan pribadi dan/atau bisnis;</li>"
                        "<li>hubungan dengan kerabat dan keluarga;</li>"
                        "<li>hubungan dengan wakil pihak yang terlibat;</li>"
                        "<li>hubungan dengan pihak yang bekerja dan mendapat gaji dari pihak yang terlibat;</li>"
                        "<li>hubungan dengan pihak yang memberikan rekomendasi terhadap pihak yang terlibat;</li>"
                        "<li>hubungan dengan pihak lain yang dilarang oleh ketentuan peraturan "
                        "perundang-undangan.</li></ol>"
                    ),
                    h("Sumber menurut PermenPANRB 17/2024"),
                    p(
                        "<p>PermenPANRB 17/2024 menguraikan sumber-sumber konflik kepentingan, antara lain "
                        "kepentingan bisnis atau finansial, hubungan keluarga dan kerabat, hubungan afiliasi, dan "
                        "pekerjaan di luar pekerjaan pokok.</p>"
                    ),
                    image("sumber", "Diagram sumber konflik kepentingan: bisnis, keluarga, afiliasi, pekerjaan sampingan",
                          "Empat sumber konflik kepentingan yang paling sering ditemui."),
                    case(
                        "Rekomendasi dari kenalan",
                        "<p>Bu Aulia menilai berkas calon penerima hibah. Salah satu berkas membawa surat "
                        "rekomendasi dari tokoh yang pernah membantu biaya kuliah adiknya.</p>",
                        "Apakah ini konflik kepentingan?",
                        "<p>Ya, berpotensi. Hubungan dengan pihak yang memberikan rekomendasi kepada pihak yang "
                        "terlibat adalah salah satu latar belakang dalam Pasal 43 ayat (1). Bu Aulia sebaiknya "
                        "menyampaikannya kepada atasan sebelum menilai berkas tersebut.</p>",
                    ),
                    key_points(
                        "Enam latar belakang dalam Pasal 43 ayat (1) UU 30/2014.",
                        "Hubungan keluarga, bisnis, dan afiliasi adalah sumber yang paling sering.",
                    ),
                    legal("<ul><li>Pasal 43 ayat (1) UU 30/2014.</li><li>PermenPANRB 17/2024.</li></ul>"),
                ],
            },
            {
                "title": "Aktual, potensial, dan dipersepsikan",
                "minutes": 8,
                "body": [
                    p(
                        "<p>PermenPANRB 17/2024 membagi konflik kepentingan menjadi dua jenis: <b>aktual</b> dan "
                        "<b>potensial</b>. Dalam kampanyenya, KPK menambahkan jenis ketiga, yaitu konflik "
                        "kepentingan yang <b>dipersepsikan</b>.</p>"
                    ),
                    h("Contoh dari KPK", "h3"),
                    p(
                        "<ul><li><b>Aktual</b>: pejabat pengadaan yang perusahaannya ikut dan memenangi tender di "
                        "instansinya sendiri.</li>"
                        "<li><b>Potensial</b>: keputusan hari ini yang kelak dapat menguntungkan anak sendiri.</li>"
                        "<li><b>Dipersepsikan</b>: penegak hukum yang menghadiri pernikahan kerabatnya yang sedang "
                        "berperkara. Mungkin tidak ada pengaruh nyata, tetapi publik dapat menilainya tidak "
                        "netral.</li></ul>"
                    ),
                    callout(
                        "info",
                        "Mengapa persepsi penting",
                        "<p>Kepercayaan masyarakat kepada pelayanan publik rusak bukan hanya oleh pelanggaran "
                        "nyata, tetapi juga oleh kesan bahwa keputusan tidak netral. Menghindari situasi yang "
                        "dipersepsikan sebagai konflik kepentingan adalah bagian dari integritas.</p>",
                    ),
                    key_points(
                        "PermenPANRB 17/2024: aktual dan potensial.",
                        "KPK menambahkan: dipersepsikan.",
                        "Konflik kepentingan aktual wajib dideklarasikan kepada atasan.",
                    ),
                    legal("<ul><li>PermenPANRB 17/2024.</li><li>Kampanye KPK tentang konflik kepentingan, November 2025.</li></ul>"),
                ],
            },
            {
                "title": "Mengelola: deklarasikan dan jangan memutuskan sendiri",
                "minutes": 12,
                "body": [
                    p(
                        "<p>Pasal 42 ayat (1) UU 30/2014: Pejabat Pemerintahan yang <b>berpotensi</b> memiliki "
                        "konflik kepentingan <b>dilarang menetapkan dan/atau melakukan</b> keputusan dan/atau "
                        "tindakan. Ayat (2): keputusan atau tindakan itu kemudian dilakukan oleh <b>atasan "
                        "pejabat atau pejabat lain</b> sesuai ketentuan. Dalam konflik kepentingan aktual, "
                        "PermenPANRB 17/2024 mewajibkan pejabat <b>mendeklarasikannya kepada Atasan Pejabat</b>.</p>"
                    ),
                    h("Empat langkah"),
                    p(
                        "<ol><li><b>Deklarasikan</b> dan minta arahan atasan sebelum bertindak.</li>"
                        "<li><b>Catat</b> deklarasi dan keputusan atasan.</li>"
                        "<li><b>Menarik diri</b> dari kegiatan atau keputusan yang bersangkutan.</li>"
                        "<li>Biarkan pihak yang <b>netral</b> mengawasi atau mengambil alih.</li></ol>"
                    ),
                    case(
                        "Ipar ikut tender",
                        "<p>Pak Syahrul anggota pokja pemilihan. Saat membuka dokumen penawaran, ia mendapati "
                        "perusahaan milik iparnya ikut tender yang sedang ia nilai.</p>",
                        "Apa tindakan yang benar?",
                        "<p>Mendeklarasikannya kepada atasan dan tidak ikut mengambil keputusan. Hubungan keluarga "
                        "adalah sumber konflik kepentingan (Pasal 43) dan pejabat yang berpotensi berkonflik "
                        "dilarang memutuskan (Pasal 42). Pegawai negeri yang dengan sengaja turut serta dalam "
                        "pengadaan yang ia urus atau awasi untuk kepentingan sendiri dapat dipidana: KPK "
                        "mengelompokkannya sebagai <i>benturan kepentingan dalam pengadaan</i>.</p>",
                    ),
                    case(
                        "Anak ikut seleksi",
                        "<p>Bu Wahyuni ketua panitia seleksi pegawai. Di daftar peserta ada nama anaknya.</p>",
                        "Bagaimana seharusnya Bu Wahyuni bersikap?",
                        "<p>Menyerahkan keputusan kepada atasan atau pejabat lain (Pasal 42 ayat (2)) dan tidak "
                        "ikut menilai. Menilai anaknya “lebih ketat” tidak menghapus konflik kepentingan.</p>",
                    ),
                    key_points(
                        "Berpotensi berkonflik berarti dilarang memutuskan.",
                        "Keputusan diambil atasan atau pejabat lain.",
                        "Deklarasikan, catat, menarik diri, serahkan kepada pihak netral.",
                    ),
                    legal(
                        "<ul><li>Pasal 42 ayat (1) dan (2) UU 30/2014.</li><li>PermenPANRB 17/2024, yang "
                        "menggantikan PermenPAN 37/2012.</li></ul>"
                    ),
                ],
            },
        ],
    },
    {
        "slug": "nilai-nilai-antikorupsi",
        "title": "Nilai-Nilai Antikorupsi dan Budaya Kerja",
        "category": "nilai-antikorupsi",
        "jp_hours": 2,
        "mandatory": True,
        "closes_on": None,
        "certificate_validity_months": None,
        "cover": ("nilai", "Nilai Antikorupsi", "#1e6b3a"),
        "summary": (
            "Sembilan nilai antikorupsi KPK dan cara mengingatnya (Jumat Bersepeda KK), penerapannya dalam "
            "pekerjaan sehari-hari, Trisula pemberantasan korupsi, tujuh kelompok tindak pidana korupsi, dan "
            "program Kabupaten/Kota Antikorupsi."
        ),
        "objectives": [
            "Menyebutkan sembilan nilai antikorupsi KPK.",
            "Menerapkan nilai-nilai itu dalam situasi kerja sehari-hari.",
            "Menjelaskan Trisula pemberantasan korupsi.",
            "Mengenali tujuh kelompok tindak pidana korupsi.",
        ],
        "lessons": [
            {
                "title": "Sembilan nilai antikorupsi",
                "minutes": 8,
                "body": [
                    p(
                        "<p>KPK merumuskan sembilan nilai antikorupsi: <b>jujur, peduli, mandiri, disiplin, "
                        "tanggung jawab, kerja keras, sederhana, berani, dan adil</b>.</p>"
                    ),
                    image("nilai", "Akronim Jumat Bersepeda KK: Jujur, Mandiri, Tanggung jawab; Berani, Sederhana, Peduli, Disiplin, Adil; Kerja Keras",
                          "Jumat Bersepeda KK: cara KPK mengingat sembilan nilai."),
                    h("Jumat Bersepeda KK"),
                    p(
                        "<ul><li><b>Jumat</b>: jujur, mandiri, tanggung jawab.</li>"
                        "<li><b>Bersepeda</b>: berani, sederhana, peduli, disiplin, adil.</li>"
                        "<li><b>KK</b> (Kaka): kerja keras.</li></ul>"
                    ),
                    h("Arti setiap nilai bagi ASN", "h3"),
                    callout(
                        "info",
                        "Catatan",
                        "<p>Uraian berikut adalah teks kursus Integritas, bukan kutipan KPK.</p>",
                    ),
                    p(
                        "<ul><li><b>Jujur</b>: berkata dan bertindak sesuai kenyataan, termasuk dalam laporan "
                        "dan pertanggungjawaban keuangan.</li>"
                        "<li><b>Peduli</b>: memperhatikan kepentingan warga dan rekan kerja.</li>"
                        "<li><b>Mandiri</b>: bekerja tanpa bergantung pada “bantuan” pihak yang berkepentingan.</li>"
                        "<li><b>Disiplin</b>: menaati aturan, prosedur, dan waktu.</li>"
                        "<li><b>Tanggung jawab</b>: menuntaskan tugas dan siap mempertanggungjawabkannya.</li>"
                        "<li><b>Kerja keras</b>: bersungguh-sungguh dan tidak mencari jalan pintas.</li>"
                        "<li><b>Sederhana</b>: hidup sesuai penghasilan yang sah.</li>"
                        "<li><b>Berani</b>: menolak yang salah dan melaporkan penyimpangan.</li>"
                        "<li><b>Adil</b>: melayani semua orang dengan perlakuan yang sama.</li></ul>"
                    ),
                    key_points(
                        "Sembilan nilai: jujur, peduli, mandiri, disiplin, tanggung jawab, kerja keras, sederhana, berani, adil.",
                        "Jumat = jujur, mandiri, tanggung jawab; Bersepeda = berani, sederhana, peduli, disiplin, adil; KK = kerja keras.",
                    ),
                    legal("<ul><li>KPK, Anti-Corruption Learning Center: sembilan nilai antikorupsi.</li></ul>"),
                ],
            },
            {
                "title": "Nilai dalam pekerjaan sehari-hari",
                "minutes": 10,
                "body": [
                    p(
                        "<p>Nilai baru bermakna bila tampak dalam keputusan kecil sehari-hari. Tiga kasus "
                        "berikut terjadi di banyak kantor pemerintah. Pikirkan jawaban Anda sebelum membuka "
                        "pembahasan.</p>"
                    ),
                    case(
                        "Daftar hadir rapat",
                        "<p>Rapat koordinasi dihadiri 12 orang, tetapi daftar hadir yang disodorkan untuk "
                        "pertanggungjawaban uang rapat berisi 20 nama.</p>",
                        "Nilai apa yang diuji, dan apa yang Anda lakukan?",
                        "<p><b>Jujur</b> dan <b>berani</b>. Pertanggungjawaban harus sesuai kenyataan. Tolak "
                        "menandatangani daftar yang tidak benar dan sampaikan kepada atasan; bila ditekan, "
                        "gunakan saluran pengaduan yang Anda pelajari di kursus Whistleblowing.</p>",
                    ),
                    case(
                        "Antrean layanan",
                        "<p>Seorang kenalan meminta dokumennya didahulukan di loket pelayanan, melewati warga "
                        "yang sudah antre sejak pagi.</p>",
                        "Nilai apa yang diuji?",
                        "<p><b>Adil</b> dan <b>disiplin</b>. Semua warga berhak atas perlakuan yang sama. "
                        "Memberi akses khusus kepada kenalan juga merupakan contoh konflik kepentingan.</p>",
                    ),
                    case(
                        "Gaya hidup",
                        "<p>Rekan baru di kantor merasa harus ikut arisan barang mewah agar diterima "
                        "pergaulan.</p>",
                        "Nilai apa yang relevan?",
                        "<p><b>Sederhana</b>. Gaya hidup di atas penghasilan yang sah adalah tekanan yang sering "
                        "mendorong orang mencari penghasilan tidak sah.</p>",
                    ),
                    key_points("Nilai tampak dalam keputusan kecil.", "Berani menolak adalah bagian dari integritas."),
                ],
            },
            {
                "title": "Trisula pemberantasan korupsi",
                "minutes": 8,
                "body": [
                    p(
                        "<p>KPK menjalankan <b>Trisula Pemberantasan Korupsi</b>: <b>pendidikan</b>, "
                        "<b>pencegahan</b>, dan <b>penindakan</b>. Pada Januari 2026, Wakil Ketua KPK menjelaskan "
                        "ketiganya sebagai berikut.</p>"
                    ),
                    p(
                        "<ul><li><b>Pendidikan</b> membangun karakter agar pejabat tidak berniat korupsi meskipun "
                        "memiliki kewenangan dan kesempatan. Kursus ini bagian dari sula pertama.</li>"
                        "<li><b>Pencegahan</b> memperbaiki sistem, regulasi, SOP, dan memanfaatkan teknologi "
                        "untuk menutup celah korupsi.</li>"
                        "<li><b>Penindakan</b> adalah langkah terakhir terhadap mereka yang tetap melakukan "
                        "korupsi.</li></ul>"
                    ),
                    callout(
                        "info",
                        "Kota Banjarbaru dan program Kabupaten/Kota Antikorupsi",
                        "<p>KPK meluncurkan program percontohan Kabupaten/Kota Antikorupsi pada Hari Antikorupsi "
                        "Sedunia, 10 Desember 2024. Penilaiannya mencakup enam komponen: tata kelola pemerintah "
                        "daerah, kualitas pengawasan, kualitas pelayanan publik, budaya kerja antikorupsi, peran "
                        "serta masyarakat, dan kearifan lokal. Kota Banjarbaru termasuk calon yang diobservasi "
                        "KPK pada 29 Agustus 2024.</p>",
                    ),
                    key_points("Trisula: pendidikan, pencegahan, penindakan.", "Pencegahan = sistem, regulasi, SOP, teknologi."),
                    legal("<ul><li>Keterangan Wakil Ketua KPK, Januari 2026.</li><li>KPK, peluncuran program Kabupaten/Kota Antikorupsi, 10 Desember 2024.</li></ul>"),
                ],
            },
            {
                "title": "Tujuh kelompok tindak pidana korupsi",
                "minutes": 12,
                "body": [
                    p(
                        "<p>UU 31/1999 jo. UU 20/2001 memuat 30 bentuk tindak pidana korupsi. Buku KPK "
                        "<i>Memahami untuk Membasmi</i> (2006) mengelompokkannya menjadi tujuh:</p><ol>"
                        "<li>kerugian keuangan negara;</li><li>suap-menyuap;</li><li>penggelapan dalam jabatan;</li>"
                        "<li>pemerasan;</li><li>perbuatan curang;</li><li>benturan kepentingan dalam pengadaan;</li>"
                        "<li>gratifikasi.</li></ol>"
                    ),
                    h("Tiga kelompok lebih dekat"),
                    p(
                        "<p><b>Kerugian keuangan negara.</b> Pasal 2: memperkaya diri atau orang lain secara melawan "
                        "hukum yang merugikan keuangan negara (penjara seumur hidup atau 4–20 tahun, denda Rp200 "
                        "juta–Rp1 miliar). Pasal 3: menyalahgunakan kewenangan (penjara seumur hidup atau 1–20 "
                        "tahun, denda Rp50 juta–Rp1 miliar).</p>"
                        "<p><b>Suap-menyuap.</b> Pasal 5: memberi sesuatu kepada pegawai negeri agar ia berbuat "
                        "atau tidak berbuat sesuatu yang bertentangan dengan kewajibannya; pemberi dan pegawai "
                        "negeri penerima diancam penjara 1–5 tahun dan/atau denda Rp50–250 juta.</p>"
                        "<p><b>Gratifikasi.</b> Pasal 12B dan 12C, yang dibahas tuntas di kursus Gratifikasi.</p>"
                    ),
                    callout(
                        "warning",
                        "Terlambat masuk kantor bukan korupsi",
                        "<p>Pelanggaran disiplin seperti terlambat masuk kantor diatur dalam aturan disiplin PNS, "
                        "bukan dalam UU Tipikor. Jangan mencampuradukkan keduanya.</p>",
                    ),
                    key_points(
                        "Tujuh kelompok: kerugian keuangan negara, suap-menyuap, penggelapan dalam jabatan, pemerasan, perbuatan curang, benturan kepentingan dalam pengadaan, gratifikasi.",
                        "Pasal 2 dan 3 UU Tipikor: kerugian keuangan negara.",
                    ),
                    legal(
                        "<ul><li>Pasal 2, 3, 5, 12B dan 12C UU 31/1999 jo. UU 20/2001.</li>"
                        "<li>KPK, <i>Memahami untuk Membasmi</i>, 2006.</li></ul>"
                    ),
                ],
            },
        ],
    },
    {
        "slug": "whistleblowing-dan-lhkpn",
        "title": "Whistleblowing dan LHKPN",
        "category": "pelaporan",
        "jp_hours": 3,
        "mandatory": False,
        "closes_on": None,
        "certificate_validity_months": 36,
        "audience_non_asn": False,
        "cover": ("lapor", "Whistleblowing & LHKPN", "#b8500b"),
        "summary": (
            "Cara melaporkan dugaan korupsi dengan aman melalui KPK Whistleblower's System dan saluran "
            "pengaduan KPK, perlindungan hukum bagi pelapor, kewajiban LHKPN, dan larangan dalam disiplin PNS "
            "(PP 94/2021)."
        ),
        "objectives": [
            "Menggunakan KPK Whistleblower's System dan saluran pengaduan KPK.",
            "Menjelaskan perlindungan pelapor menurut UU 31/2014 dan penghargaan menurut PP 43/2018.",
            "Menjelaskan kewajiban dan jadwal pelaporan LHKPN periodik.",
            "Mengenali larangan yang berkaitan dengan integritas dalam PP 94/2021.",
        ],
        "lessons": [
            {
                "title": "Melapor dugaan korupsi: KWS dan saluran KPK",
                "minutes": 10,
                "body": [
                    p(
                        "<p><b>KPK Whistleblower's System (KWS)</b> di <b>kws.kpk.go.id</b> adalah saluran bagi "
                        "orang yang mengetahui dugaan korupsi, misalnya oleh atasan atau rekan kerja, dan ingin "
                        "identitasnya dirahasiakan. KPK mendefinisikan <i>whistleblower</i> sebagai orang yang "
                        "melaporkan indikasi tindak pidana korupsi <b>di dalam organisasi tempat ia bekerja</b> "
                        "dan memiliki akses informasi yang memadai.</p><p>Sistem ini berjalan sejak 2009 dan "
                        "bernama KWS sejak September 2010. Pelapor dapat memantau tindak lanjut laporannya "
                        "melalui kotak pesan rahasia.</p>"
                    ),
                    h("Saluran pengaduan KPK lainnya"),
                    p(
                        "<ul><li>Email: <b>pengaduan@kpk.go.id</b></li><li>WhatsApp: <b>0811 959 575</b></li>"
                        "<li>SMS: <b>0855 8575 575</b></li><li>Surat: <b>PO BOX 575 Jakarta 10120</b></li>"
                        "<li>Datang langsung ke Gedung Merah Putih KPK.</li></ul>"
                    ),
                    callout(
                        "info",
                        "Kewenangan KPK",
                        "<p>KPK menangani perkara yang melibatkan aparat penegak hukum atau penyelenggara negara "
                        "dan/atau kerugian negara paling sedikit Rp1 miliar. Perkara lain ditangani kepolisian "
                        "atau kejaksaan.</p>",
                    ),
                    case(
                        "Laporan yang bisa ditindaklanjuti",
                        "<p>Nadia melihat pola: setiap pengadaan alat tulis di kantornya dimenangi penyedia yang "
                        "sama dengan harga jauh di atas pasar.</p>",
                        "Apa yang membuat laporannya berguna?",
                        "<p>Uraian yang jelas: apa yang terjadi, siapa yang terlibat, kapan dan di mana, serta "
                        "bukti yang ia miliki secara sah (misalnya dokumen yang memang ia akses dalam tugasnya). "
                        "Ia tidak perlu membuktikan sendiri bahwa itu korupsi.</p>",
                    ),
                    key_points("KWS: kws.kpk.go.id, identitas pelapor dirahasiakan.", "Laporan yang baik: apa, siapa, kapan, di mana, bukti."),
                    legal("<ul><li>KPK, laman KPK Whistleblower's System dan tanya jawabnya.</li></ul>"),
                ],
            },
            {
                "title": "Perlindungan dan penghargaan bagi pelapor",
                "minutes": 8,
                "body": [
                    p(
                        "<p>UU 31/2014 tentang Perubahan atas UU 13/2006 tentang Perlindungan Saksi dan Korban "
                        "mendefinisikan <b>Pelapor</b> sebagai orang yang memberikan laporan atau informasi kepada "
                        "penegak hukum mengenai tindak pidana (Pasal 1 angka 4).</p>"
                    ),
                    callout(
                        "legal",
                        "Pasal 10 ayat (1) UU 31/2014",
                        "<p><i>“Saksi, Korban, Saksi Pelaku, dan/atau Pelapor tidak dapat dituntut secara hukum, "
                        "baik pidana maupun perdata atas kesaksian dan/atau laporan yang akan, sedang, atau telah "
                        "diberikannya, kecuali kesaksian atau laporan tersebut diberikan tidak dengan iktikad "
                        "baik.”</i></p>",
                    ),
                    h("Penghargaan: PP 43/2018"),
                    p(
                        "<p>PP 43/2018 tentang peran serta masyarakat dalam pencegahan dan pemberantasan korupsi "
                        "memberi <b>piagam</b> dan <b>premi</b> kepada masyarakat yang membantu mengungkap korupsi. "
                        "Premi sebesar 2 permil dari kerugian negara yang dikembalikan, <b>paling banyak "
                        "Rp200.000.000</b>; untuk perkara suap, 2 permil dari nilai suap, paling banyak "
                        "Rp10.000.000.</p>"
                    ),
                    key_points(
                        "Pelapor beriktikad baik tidak dapat dituntut pidana maupun perdata atas laporannya.",
                        "Premi paling banyak Rp200 juta (kerugian negara) atau Rp10 juta (suap).",
                    ),
                    legal("<ul><li>Pasal 1 angka 4 dan Pasal 10 ayat (1) UU 31/2014.</li><li>Pasal 13 dan 17 PP 43/2018.</li></ul>"),
                ],
            },
            {
                "title": "LHKPN: siapa, kapan, bagaimana",
                "minutes": 10,
                "body": [
                    p(
                        "<p>UU 28/1999 tentang Penyelenggaraan Negara yang Bersih dan Bebas dari KKN mewajibkan "
                        "penyelenggara negara melaporkan dan mengumumkan harta kekayaannya sebelum dan setelah "
                        "menjabat, serta bersedia diperiksa. Laporan ini disebut <b>LHKPN</b> (Laporan Harta "
                        "Kekayaan Penyelenggara Negara).</p>"
                    ),
                    h("Kapan melapor"),
                    p(
                        "<p>Menurut Peraturan KPK Nomor 7 Tahun 2016 sebagaimana diubah Peraturan KPK Nomor 2 "
                        "Tahun 2020, LHKPN disampaikan saat pertama kali menjabat, saat berakhir masa jabatan "
                        "atau pensiun, saat diangkat kembali, dan secara <b>periodik</b> selama menjabat.</p>"
                        "<p>LHKPN periodik memuat posisi harta <b>per 31 Desember</b> dan disampaikan <b>paling "
                        "lambat 31 Maret</b> tahun berikutnya. Contoh: periode 2025 dilaporkan 1 Januari sampai "
                        "31 Maret 2026.</p>"
                    ),
                    image("lhkpn", "Kalender LHKPN periodik: posisi harta 31 Desember, lapor paling lambat 31 Maret",
                          "Jadwal LHKPN periodik."),
                    h("Bagaimana melapor"),
                    p(
                        "<p>Pelaporan dilakukan di <b>e-LHKPN</b>, <b>elhkpn.kpk.go.id</b>, melalui tahap "
                        "e-Registration, e-Filing, e-Verification, dan e-Announcement. Pengguna baru perlu "
                        "mengaktifkan akun lebih dulu.</p>"
                    ),
                    callout(
                        "info",
                        "Aturan terbaru",
                        "<p>Peraturan KPK Nomor 3 Tahun 2024, ditandatangani 2 Oktober 2024 dan berlaku enam "
                        "bulan kemudian, memperluas kewajiban lapor, misalnya kepada staf khusus di kementerian "
                        "dan lembaga. Pastikan kepada Inspektorat atau BKPSDM apakah jabatan Anda termasuk wajib "
                        "LHKPN.</p>",
                    ),
                    key_points(
                        "Dasar hukum: UU 28/1999.",
                        "Periodik: posisi harta 31 Desember, lapor paling lambat 31 Maret.",
                        "Melalui e-LHKPN di elhkpn.kpk.go.id.",
                    ),
                    legal(
                        "<ul><li>UU 28/1999, Pasal 1 dan kewajiban penyelenggara negara.</li>"
                        "<li>Peraturan KPK Nomor 7 Tahun 2016 jo. Peraturan KPK Nomor 2 Tahun 2020.</li>"
                        "<li>Peraturan KPK Nomor 3 Tahun 2024.</li></ul>"
                    ),
                ],
            },
            {
                "title": "Disiplin PNS: kewajiban dan larangan (PP 94/2021)",
                "minutes": 10,
                "body": [
                    p(
                        "<p>PP 94/2021 tentang Disiplin Pegawai Negeri Sipil menggantikan PP 53/2010. Di antara "
                        "kewajiban PNS: melaksanakan tugas <i>dengan penuh pengabdian, kejujuran, kesadaran, dan "
                        "tanggung jawab</i>; <i>menunjukkan integritas dan keteladanan</i>; menyimpan rahasia "
                        "jabatan; dan mengutamakan kepentingan negara daripada kepentingan pribadi.</p>"
                    ),
                    h("Larangan yang berkaitan dengan integritas"),
                    p(
                        "<ul><li>menyalahgunakan wewenang;</li>"
                        "<li>menjadi perantara untuk keuntungan pribadi dengan menggunakan kewenangan orang lain "
                        "yang diduga terjadi konflik kepentingan dengan jabatan;</li>"
                        "<li>memiliki, menjual, atau menggadaikan barang milik negara secara tidak sah;</li>"
                        "<li><b>melakukan pungutan di luar ketentuan</b>;</li>"
                        "<li><b>menerima hadiah yang berhubungan dengan jabatan dan/atau pekerjaan</b>;</li>"
                        "<li><b>meminta sesuatu yang berhubungan dengan jabatan</b>.</li></ul>"
                    ),
                    callout(
                        "warning",
                        "Hukuman disiplin",
                        "<p>PP 94/2021 mengenal tiga tingkat hukuman disiplin: <b>ringan, sedang, dan berat</b>, "
                        "sampai dengan pemberhentian. Larangan disiplin berlaku di samping ancaman pidana UU "
                        "Tipikor, bukan sebagai penggantinya.</p>",
                    ),
                    case(
                        "Uang rokok untuk tanda tangan",
                        "<p>Seorang warga menawarkan “uang rokok” agar surat keterangannya ditandatangani hari "
                        "itu juga.</p>",
                        "Larangan apa yang terkait?",
                        "<p>Menerimanya berarti menerima hadiah yang berhubungan dengan jabatan; meminta uang "
                        "semacam itu adalah pungutan di luar ketentuan. Tolak, layani sesuai standar pelayanan, "
                        "dan bila pemberi memaksa, laporkan.</p>",
                    ),
                    key_points(
                        "PP 94/2021 melarang menerima hadiah terkait jabatan dan pungutan di luar ketentuan.",
                        "Hukuman disiplin: ringan, sedang, berat.",
                    ),
                    legal("<ul><li>PP 94/2021 tentang Disiplin Pegawai Negeri Sipil.</li></ul>"),
                ],
            },
        ],
    },
]

DOCUMENTS = {
    "prove_it": (
        "lembar-uji-diri-prove-it.txt",
        "Lembar uji diri PROVE IT",
        "LEMBAR UJI DIRI PROVE IT (KPK, Memahami Gratifikasi, 2021)\n\n"
        "Sebelum menerima pemberian apa pun, jawab tujuh pertanyaan ini:\n\n"
        "P - Purpose  : Apa tujuan pemberian ini?\n"
        "R - Rules    : Bagaimana aturannya? Apakah termasuk yang dikecualikan?\n"
        "O - Openness : Apakah diberikan secara terbuka atau sembunyi-sembunyi?\n"
        "V - Value    : Berapa nilainya? Apakah wajar?\n"
        "E - Ethics   : Apakah patut menurut etika jabatan saya?\n"
        "I - Identity : Siapa pemberinya? Apakah berurusan dengan tugas saya?\n"
        "T - Timing   : Kapan diberikan? Menjelang atau sesudah keputusan?\n\n"
        "Ragu? Tolak, atau tanyakan kepada UPG. Tidak bisa menolak? Laporkan paling lambat 30 hari kerja.\n",
    ),
    "langkah_lapor": (
        "langkah-melapor-gratifikasi.txt",
        "Langkah melapor gratifikasi",
        "LANGKAH MELAPOR GRATIFIKASI\n\n"
        "1. Tolak pemberian yang berhubungan dengan jabatan.\n"
        "2. Tidak dapat menolak? Catat: pemberi, tempat dan waktu, uraian, perkiraan nilai.\n"
        "3. Laporkan paling lambat 30 hari kerja sejak diterima (Pasal 12C UU 20/2001):\n"
        "   - melalui UPG instansi, atau\n"
        "   - aplikasi Gratifikasi Online (GOL): gol.kpk.go.id, atau\n"
        "   - email: pelaporan.gratifikasi@kpk.go.id, atau\n"
        "   - langsung/surat ke KPK.\n"
        "4. Lengkapi laporan: NIK, nama, alamat, telepon, data pemberi, jabatan, tempat dan waktu,\n"
        "   uraian, nilai, kronologi, bukti pendukung.\n"
        "5. KPK menetapkan status (milik penerima atau milik negara) paling lambat 30 hari kerja.\n",
    ),
}

IMAGES = {
    # key: (filename, title, lines to draw, background colour)
    "bentuk": ("bentuk-gratifikasi.png", "Bentuk gratifikasi", ["Uang", "Barang", "Diskon", "Tiket", "Fasilitas"], "#0b4f6c"),
    "tenggat": ("tenggat-30-hari-kerja.png", "Tenggat 30 hari kerja",
                ["Hari 0: gratifikasi diterima", "Maks. 30 hari kerja: lapor", "Maks. 30 hari kerja: status KPK"], "#7a3306"),
    "sumber": ("sumber-konflik.png", "Sumber konflik kepentingan", ["Bisnis", "Keluarga", "Afiliasi", "Pekerjaan sampingan"], "#5b3b8c"),
    "nilai": ("jumat-bersepeda-kk.png", "Jumat Bersepeda KK",
              ["JUMAT: jujur, mandiri, tanggung jawab", "BERSEPEDA: berani, sederhana,", "peduli, disiplin, adil", "KK: kerja keras"], "#1e6b3a"),
    "lhkpn": ("jadwal-lhkpn.png", "Jadwal LHKPN", ["Posisi harta: 31 Desember", "Lapor paling lambat: 31 Maret"], "#b8500b"),
}
