"""English for the msgids added by the `cert` branch (certificates, e-signature)."""

T = {
    "Kunci penandatanganan elektronik belum diatur; dokumen diterbitkan tanpa tanda tangan elektronik.":
        "No electronic signing key is configured; documents are issued without an electronic signature.",
    "Berkas kunci penandatanganan (PKCS#12) tidak dapat dibuka: kata sandinya salah atau berkasnya rusak.":
        "The signing key file (PKCS#12) cannot be opened: the passphrase is wrong or the file is damaged.",
    "Berkas kunci penandatanganan (PKCS#12) tidak ditemukan atau tidak dapat dibaca: %(path)s":
        "The signing key file (PKCS#12) is missing or cannot be read: %(path)s",
    "Sertifikat penanda tangan (%(subject)s) sudah kedaluwarsa sejak %(date)s; pasang sertifikat yang baru.":
        "The signer's certificate (%(subject)s) expired on %(date)s; install a new certificate.",
    "Sertifikat penanda tangan (%(subject)s) baru berlaku mulai %(date)s.":
        "The signer's certificate (%(subject)s) is only valid from %(date)s.",
    "Kunci penandatanganan DEMO tidak boleh dipakai di server produksi.":
        "A DEMO signing key must not be used on a production server.",
    "Dokumen gagal ditandatangani secara elektronik: %(error)s": "The document could not be signed electronically: %(error)s",
    "Berkas PDF rusak atau tidak dapat dibaca.": "The PDF file is damaged or cannot be read.",
    "Dokumen ini tidak bertanda tangan elektronik.": "This document has no electronic signature.",
    "Tanda tangan elektronik rusak: isi berkas tidak cocok dengan tanda tangannya.":
        "The electronic signature is broken: the file's content does not match its signature.",
    "Tanda tangan elektronik tidak sah: dokumen telah diubah setelah ditandatangani.":
        "The electronic signature is not valid: the document was changed after it was signed.",
    "Akar kepercayaan penandatanganan belum diatur, sehingga penanda tangan tidak dapat dipastikan.":
        "No signing trust roots are configured, so the signer cannot be confirmed.",
    "Sertifikat penanda tangan tidak berasal dari otoritas yang dipercaya.":
        "The signer's certificate does not come from a trusted authority.",
    "Ada perubahan yang ditambahkan setelah dokumen ditandatangani.": "Changes were added after the document was signed.",

    'Baris %(line)d tidak sah: tulis nilai minimum 0–100, titik dua, lalu predikat, misalnya "90: Sangat Memuaskan".':
        'Line %(line)d is not valid: write a minimum score 0–100, a colon, then the predicate, e.g. "90: Sangat Memuaskan".',
    'Baris %(line)d: nilai minimum harus lebih kecil dari baris sebelumnya (urut dari yang tertinggi).':
        'Line %(line)d: the minimum score must be lower than the line before (highest first).',
    'Berkas gambar tidak ditemukan; unggah ulang.':
        'The image file is missing; upload it again.',
    'Berkas ini bukan gambar PNG, JPEG, GIF atau WebP yang dapat dibaca.':
        'This file is not a readable PNG, JPEG, GIF or WebP image.',
    'Dicetak di bawah kop, misalnya alamat kantor, telepon dan laman.':
        'Printed under the letterhead, e.g. office address, telephone and website.',
    'Gambar terlalu besar (%(size)s MB); maksimum 2 MB.':
        'The image is too large (%(size)s MB); the maximum is 2 MB.',
    'Misalnya: Penata Muda Tingkat I, III/b. Dicetak pada sertifikat bila diisi.':
        'E.g. Penata Muda Tingkat I, III/b. Printed on certificates when filled in.',
    'NIP penanda tangan harus 18 digit angka.':
        "The signatory's NIP must be 18 digits.",
    'PNG atau JPEG, paling besar 2 MB.':
        'PNG or JPEG, at most 2 MB.',
    'Pangkat/golongan terlalu panjang (lebih dari 100 karakter).':
        'Rank/grade is too long (more than 100 characters).',
    'Pangkat/golongan tidak boleh memuat tanda < atau >.':
        'Rank/grade must not contain < or >.',
    'Penerbit (kop)':
        'Issuer (letterhead)',
    'Satu baris per predikat, dari nilai tertinggi: nilai minimum, titik dua, predikat. Misalnya "90: Sangat Memuaskan".':
        'One line per predicate, highest score first: minimum score, colon, predicate. E.g. "90: Sangat Memuaskan".',
    'Sertifikat %(number)s':
        'Certificate %(number)s',
    'Tanda tangan elektronik':
        'Electronic signature',
    'Teks':
        'Text',
    'alamat unit penerbit':
        "issuing unit's address",
    'ditandatangani secara elektronik oleh':
        'electronically signed by',
    'kop':
        'letterhead',
    'lambang daerah':
        'regional emblem',
    'mulai pelatihan':
        'training started',
    'nilai pre-test':
        'pre-test score',
    'pangkat/golongan':
        'rank/grade',
    'pemerintah daerah (baris pertama kop)':
        'local government (first letterhead line)',
    'penyelenggara':
        'organiser',
    'predikat menurut nilai':
        'predicates by score',
    'predikat':
        'predicate',
    'transkrip':
        'transcript',
    'unit penerbit':
        'issuing unit',
    'waktu tanda tangan elektronik':
        'electronic signature time',
    'Pangkat/golongan':
        'Rank/grade',
    'Kolom: nip, nama, email, opd_kode, jabatan, jenis_pegawai (PNS, PPPK, NON_ASN); opsional: pangkat_golongan, kepala_opd. CSV dari Excel (UTF-8, pemisah koma atau titik koma) atau XLSX.':
        'Columns: nip, nama, email, opd_kode, jabatan, jenis_pegawai (PNS, PPPK, NON_ASN); optional: pangkat_golongan, kepala_opd. CSV from Excel (UTF-8, comma or semicolon separated) or XLSX.',
    'Akar kepercayaan (INTEGRITAS_SIGNING_TRUST_ROOTS) belum diatur: halaman verifikasi tidak dapat memastikan penanda tangan.':
        'No trust roots (INTEGRITAS_SIGNING_TRUST_ROOTS) are configured: the verification page cannot confirm the signer.',
    'Berkas sertifikat yang tersimpan tidak dapat dibaca.':
        'The stored certificate file cannot be read.',
    'Berkas yang tersimpan tidak cocok lagi dengan sidik SHA-256 yang dicatat saat terbit.':
        'The stored file no longer matches the SHA-256 fingerprint recorded at issue.',
    'Berkas yang tersimpan utuh sejak ditandatangani.':
        'The stored file is unchanged since it was signed.',
    'Ditandatangani oleh':
        'Signed by',
    'Ini kunci DEMO: tanda tangannya bukan tanda tangan resmi dan ditolak di server produksi.':
        'This is a DEMO key: its signature is not an official signature and is refused on a production server.',
    'Kunci penandatanganan belum diatur (INTEGRITAS_SIGNING_PKCS12). Sertifikat tetap dapat diperiksa lewat kode QR dan sidik SHA-256, tetapi tidak bertanda tangan elektronik.':
        'No signing key is configured (INTEGRITAS_SIGNING_PKCS12). Certificates can still be checked by QR code and SHA-256 fingerprint, but carry no electronic signature.',
    'Penanda tangan menurut berkas':
        'Signer according to the file',
    'Penandatanganan elektronik bermasalah; sertifikat baru belum diterbitkan.':
        'Electronic signing has a problem; new certificates are not being issued.',
    'Pindai kode QR pada sertifikat, atau ketik kode verifikasi yang tercetak di bawahnya (spasi boleh). Alamat verifikasi lengkap juga boleh ditempel di sini.':
        'Scan the QR code on the certificate, or type the verification code printed under it (spaces are fine). You may also paste the full verification address here.',
    'Sertifikat diterbitkan TANPA tanda tangan elektronik.':
        'Certificates are issued WITHOUT an electronic signature.',
    'Sertifikat ini diterbitkan tanpa tanda tangan elektronik. Keasliannya dapat diperiksa dengan sidik SHA-256 di bawah.':
        'This certificate was issued without an electronic signature. Its authenticity can be checked with the SHA-256 fingerprint below.',
    'Tanda tangan elektronik TIDAK sah.':
        'The electronic signature is NOT valid.',
    'Tanda tangan elektronik sah.':
        'The electronic signature is valid.',
    'Tidak ada berkas setengah jadi yang disimpan. Penerbitan dicoba ulang otomatis setelah masalah ini diperbaiki.':
        'No half-made file is stored. Issuing is retried automatically once this is fixed.',
    'Waktu tanda tangan':
        'Signing time',
    'Sertifikat ditandatangani secara elektronik oleh %(subject)s (diterbitkan oleh %(issuer)s, berlaku sampai %(until)s).':
        'Certificates are electronically signed by %(subject)s (issued by %(issuer)s, valid until %(until)s).',
}
