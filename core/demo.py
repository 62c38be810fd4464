"""Demo programme settings. The JP length is BKPSDM's decision: the demo sets 45 minutes
and marks it as a demo value, so nobody mistakes it for the city's setting."""

from .models import ProgramSettings

DEMO_MINUTES_PER_JP = 45


def seed(*, stdout, style):
    settings = ProgramSettings.load()
    settings.minutes_per_jp = settings.minutes_per_jp or DEMO_MINUTES_PER_JP
    settings.minutes_per_jp_is_demo = settings.minutes_per_jp_is_demo or settings.minutes_per_jp == DEMO_MINUTES_PER_JP
    settings.demo_site = True
    settings.save()
    stdout.write(style.MIGRATE_HEADING("Pengaturan program:"))
    stdout.write(f"  Menit per JP: {settings.minutes_per_jp} (nilai demo) · situs demo")
