"""Seed Washington's 39 counties and the languages list (reference data).

The figures live in crm/reference/wa.py with their sources.
"""

from django.db import migrations


def seed(apps, schema_editor):
    from crm.reference.wa import COUNTIES, LANGUAGES

    County = apps.get_model("crm", "County")
    Language = apps.get_model("crm", "Language")
    for county in COUNTIES:
        County.objects.update_or_create(
            code=county.code,
            defaults={
                "name": county.name,
                "fips": county.fips,
                "population": county.population,
            },
        )
    for position, language in enumerate(LANGUAGES):
        Language.objects.update_or_create(
            code=language.code,
            defaults={
                "name": language.name,
                "native_name": language.native,
                "sort": position,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("crm", "County").objects.all().delete()
    apps.get_model("crm", "Language").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("crm", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
