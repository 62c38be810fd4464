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
}
