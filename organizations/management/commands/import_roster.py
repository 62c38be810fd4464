import getpass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from organizations.roster import RosterFileError
from organizations.services import RosterRejected, roster_import


class Command(BaseCommand):
    help = (
        "Impor data pegawai dari CSV/XLSX (kolom: nip, nama, email, opd_kode, jabatan, jenis_pegawai). "
        "Berkas dengan baris salah ditolak seluruhnya."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Berkas .csv atau .xlsx")
        parser.add_argument("--dry-run", action="store_true", help="Periksa saja, tanpa menyimpan apa pun.")
        parser.add_argument(
            "--deactivate-missing",
            action="store_true",
            help="Berkas adalah daftar lengkap: nonaktifkan pegawai aktif yang tidak ada di dalamnya.",
        )

    def handle(self, *args, path, dry_run=False, deactivate_missing=False, **options):
        file_path = Path(path)
        if not file_path.is_file():
            raise CommandError(f"Berkas tidak ditemukan: {path}")
        try:
            result = roster_import(
                filename=file_path.name,
                content=file_path.read_bytes(),
                deactivate_missing=deactivate_missing,
                dry_run=dry_run,
                source=f"command:{getpass.getuser()}",
            )
        except RosterFileError as exc:
            raise CommandError(exc.message) from exc
        except RosterRejected as exc:
            for row in exc.preview.error_rows:
                self.stderr.write(f"Baris {row.line}: " + " ".join(row.errors))
            raise CommandError(
                f"Berkas ditolak: {len(exc.preview.error_rows)} baris salah. Tidak ada yang disimpan."
            ) from exc
        for notice in result.preview.notices:
            self.stdout.write(self.style.WARNING(notice))
        c = result.counts
        summary = (
            f"{c['new']} baru, {c['changed']} berubah, {c['unchanged']} tetap, "
            f"{c['deactivated']} dinonaktifkan (dari {c['rows']} baris)."
        )
        if dry_run:
            self.stdout.write("Uji coba (tidak ada yang disimpan): " + summary)
        else:
            self.stdout.write(self.style.SUCCESS("Impor selesai: " + summary))
