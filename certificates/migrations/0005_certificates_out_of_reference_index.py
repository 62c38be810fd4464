"""Certificates no longer go into Wagtail's reference index (`wagtail_reference_index_ignore`
on the model, issue 17): drop the rows already written for them, which nothing updates now."""

from django.db import migrations


def drop_rows(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ReferenceIndex = apps.get_model("wagtailcore", "ReferenceIndex")
    content_type = ContentType.objects.filter(app_label="certificates", model="certificate").first()
    if content_type is not None:
        ReferenceIndex.objects.filter(base_content_type=content_type).delete()
        ReferenceIndex.objects.filter(content_type=content_type).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0004_certificate_pdf_private_storage"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0096_referenceindex_referenceindex_source_object_and_more"),
    ]

    operations = [migrations.RunPython(drop_rows, migrations.RunPython.noop)]
