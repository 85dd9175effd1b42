"""Fill the word initials and full pinyin of the categories that existed before 0002 (decision 060)."""

from django.db import migrations


def fill(apps, schema_editor):
    from zhiguan.taxonomy.naming import pinyin_full, word_initials

    Category = apps.get_model("taxonomy", "Category")
    batch = []
    for cat in Category.objects.only("pk", "name").iterator():
        cat.pinyin_words, cat.pinyin_full = word_initials(cat.name), pinyin_full(cat.name)
        batch.append(cat)
    Category.objects.bulk_update(batch, ["pinyin_words", "pinyin_full"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("taxonomy", "0002_city_management_scheme_and_handling_standard")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
