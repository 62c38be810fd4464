T = {
    "JP kursus yang selesai dalam tahun yang dipilih (WITA), sebagaimana tertulis di sertifikatnya yang berlaku (sertifikat yang dicabut tidak dihitung), dibandingkan dengan hak pengembangan kompetensi paling sedikit %(target)s JP setahun.": "JP of the courses completed in the chosen year (WITA), as printed on their current certificates (revoked certificates do not count), against the right to at least %(target)s JP of competence development a year.",
}
