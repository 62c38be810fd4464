"""English for the msgids added by the evidence-pack work (issue 11 items 3-6)."""

T = {
    "Sertifikat dicabut": "Revoked certificates",
    "%(n)s, di folder sertifikat-dicabut/ dalam paket": "%(n)s, in the folder sertifikat-dicabut/ of the pack",
    "Tanda tangan elektronik": "Electronic signature",
    "Ringkasan ditandatangani secara elektronik.": "The summary is signed electronically.",
    "Ringkasan tidak ditandatangani: kunci penandatanganan belum dipasang.": "The summary is not signed: no signing key is installed.",
    "Ringkasan tidak ditandatangani: kunci penandatanganan tidak dapat dipakai.":
        "The summary is not signed: the signing key cannot be used.",
    "Pemeriksaan": "Checking",
    "Setelah diekstrak: sha256sum -c SHA256SUMS (lihat BACA-SAYA.txt di dalam paket).":
        "Once extracted: sha256sum -c SHA256SUMS (see BACA-SAYA.txt inside the pack).",
    "Satu berkas ZIP untuk observasi KPK: ringkasan PDF (bertanda tangan elektronik bila kunci penandatanganan dipasang), rekap per OPD dan per kursus (XLSX), daftar pegawai yang belum selesai per OPD (XLSX), daftar peserta (CSV), manifest dan PDF sertifikat per OPD (yang dicabut di folder tersendiri), serta SHA256SUMS untuk memeriksa setiap berkas. Paket dibuat di latar belakang; Anda dapat meninggalkan halaman ini.":
        "One ZIP file for the KPK observation: the summary PDF (signed electronically when a signing key is installed), recaps per OPD and per course (XLSX), the employees who have not finished, per OPD (XLSX), the participants (CSV), the certificate manifest and PDFs per OPD (revoked ones in a folder of their own), and SHA256SUMS to check every file. The pack is built in the background; you may leave this page.",
}
