T = {
    "Superuser (pengelola sistem)": "Superuser (system administrator)",
    "Hanya superuser yang dapat meminta peran superuser untuk orang lain.": "Only a superuser can request the superuser role for someone else.",
    "Peran superuser tidak memakai tanggal berakhir; cabut bila tidak diperlukan lagi.": "The superuser role has no end date; revoke it when it is no longer needed.",
    "Hanya superuser lain yang dapat menyetujui peran superuser.": "Only another superuser can approve the superuser role.",
    "Peran %(role)s untuk %(user)s menunggu persetujuan superuser lain dan belum berlaku.": "The %(role)s role for %(user)s is waiting for another superuser's approval and is not yet in effect.",
    "Peran ini belum berlaku. Superuser lain dapat menyetujui atau menolaknya sebelum %(until)s di %(link)s": "This role is not yet in effect. Another superuser can approve or refuse it before %(until)s at %(link)s",
}
