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
}
