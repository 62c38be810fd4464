# Quiz.categories (comma-separated text) becomes draw_categories (a list, drawn evenly);
# the review policy correctness_until_done is added and made the default; Indonesian label for the pre-test.

from django.db import migrations, models


def categories_to_list(apps, schema_editor):
    """The old comma-separated `categories` text becomes the `draw_categories` list."""
    Quiz = apps.get_model("quizzes", "Quiz")
    for quiz in Quiz.objects.exclude(categories=""):
        names = []
        for name in quiz.categories.split(","):
            name = name.strip()
            if name and name not in names:
                names.append(name)
        quiz.draw_categories = names
        quiz.save(update_fields=["draw_categories"])


def list_to_categories(apps, schema_editor):
    Quiz = apps.get_model("quizzes", "Quiz")
    for quiz in Quiz.objects.all():
        quiz.categories = ", ".join(quiz.draw_categories or [])[:500]
        quiz.save(update_fields=["categories"])


class Migration(migrations.Migration):

    dependencies = [
        ('quizzes', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='quiz',
            name='draw_categories',
            field=models.JSONField(blank=True, default=list, help_text='Soal diambil merata dari kategori ini. Pisahkan dengan koma. Kosongkan untuk seluruh bank soal kursus.', verbose_name='kategori soal'),
        ),
        migrations.RunPython(categories_to_list, list_to_categories),
        migrations.RemoveField(
            model_name='quiz',
            name='categories',
        ),
        migrations.AlterField(
            model_name='quiz',
            name='kind',
            field=models.CharField(choices=[('pretest', 'Tes awal (tidak dihitung untuk kelulusan)'), ('final', 'Kuis akhir')], default='final', max_length=10, verbose_name='jenis'),
        ),
        migrations.AlterField(
            model_name='quiz',
            name='review_policy',
            field=models.CharField(choices=[('score', 'Hanya nilai'), ('correctness', 'Nilai dan soal yang benar/salah'), ('correctness_until_done', 'Benar/salah per soal; kunci dan pembahasan setelah lulus atau kesempatan habis'), ('full', 'Semuanya, dengan kunci dan pembahasan')], default='correctness_until_done', max_length=30, verbose_name='tinjauan setelah kirim'),
        ),
    ]
