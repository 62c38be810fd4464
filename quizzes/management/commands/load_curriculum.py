"""Load course packages (curriculum/README.md) into Wagtail pages, quizzes and questions."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from quizzes.packages.errors import PackageError
from quizzes.packages.loader import CHANGED, NEW, REMOVED, course_package_load
from quizzes.packages.reader import package_files_from_dir, package_read


def curriculum_paths(paths=()) -> list[Path]:
    if paths:
        return [Path(p) for p in paths]
    root = Path(settings.BASE_DIR) / "curriculum"
    return sorted(p for p in root.iterdir() if (p / "course.yaml").is_file())


class Command(BaseCommand):
    help = (
        "Muat paket kursus (default: semua folder di curriculum/). Pemasangan pertama langsung terbit; "
        "pemuatan berikutnya diajukan ke alur tinjauan kecuali dengan --publish."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="Folder paket kursus.")
        parser.add_argument("--publish", action="store_true", help="Terbitkan perubahan tanpa tinjauan.")

    def handle(self, *args, paths=(), publish=False, **options):
        failed = 0
        for path in curriculum_paths(paths):
            try:
                package = package_read(package_files_from_dir(path), root=str(path))
                plan = course_package_load(package=package, publish=publish, source=f"load_curriculum {path}")
            except PackageError as error:
                failed += 1
                self.stderr.write(self.style.ERROR(f"{path}: ditolak, tidak ada yang diubah."))
                for problem in error.problems:
                    self.stderr.write(f"  {problem}")
                continue
            if not plan.changed:
                state = "tidak berubah"
            elif plan.published:
                state = "diterbitkan"
            elif plan.submitted:
                state = "diajukan untuk ditinjau"
            else:
                state = "disimpan sebagai draf"
            self.stdout.write(
                f"{package.slug}: {state} · baru {plan.count(NEW)}, diubah {plan.count(CHANGED)}, "
                f"dinonaktifkan {plan.count(REMOVED)} · {plan.words} kata, {plan.minutes} menit, "
                f"{package.jp} JP (didukung {plan.jp_supported} JP)"
            )
        if failed:
            raise CommandError(f"{failed} paket ditolak.")
