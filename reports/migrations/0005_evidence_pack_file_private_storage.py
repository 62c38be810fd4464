"""EvidencePack.file moves to the private storage (INTEGRITAS_PRIVATE_ROOT) under random names:
the existing files are copied byte for byte out of MEDIA_ROOT (checked by SHA-256), the rows
point at the new names, the public copies are deleted. Rolling back puts the files back under
MEDIA_ROOT with the same random names. Missing files are logged and skipped (core.files)."""

import core.files
import reports.models
from django.db import migrations, models


def move_to_private(apps, schema_editor):
    core.files.private_files_move(apps.get_model("reports", "EvidencePack"), "file", folder="evidence")


def move_back_to_media(apps, schema_editor):
    core.files.private_files_restore(apps.get_model("reports", "EvidencePack"), "file")


class Migration(migrations.Migration):
    # Files move outside any transaction: each row is committed before its public copy is
    # deleted, so a migration stopped halfway never leaves a row naming a deleted file.
    atomic = False

    dependencies = [
        ('reports', '0004_reminderlog'),
    ]

    operations = [
        migrations.AlterField(
            model_name='evidencepack',
            name='file',
            field=models.FileField(blank=True, max_length=255, storage=core.files.private_storage, upload_to=reports.models.evidence_pack_file_name),
        ),
        migrations.RunPython(move_to_private, move_back_to_media, elidable=False),
    ]
