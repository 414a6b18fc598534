"""Seed the 2024 federal race/ethnicity categories, detailed groups and person roles.

The taxonomy lives in contacts/reference/race_ethnicity.py with its sources;
administrators edit it afterwards in the admin.
"""

from django.db import migrations

ROLES = [
    ("parent", "Parent or guardian"),
    ("student", "Student"),
    ("youth", "Youth"),
    ("educator", "Educator"),
    ("school_staff", "School or district staff"),
    ("school_board", "School board member"),
    ("community_leader", "Community leader"),
    ("legislator", "Legislator"),
    ("legislative_staff", "Legislative staff"),
    ("agency_staff", "Agency staff"),
    ("elected_official", "Other elected official"),
    ("partner_staff", "Partner organization staff"),
    ("volunteer", "Volunteer"),
]


def seed(apps, schema_editor):
    from contacts.reference.race_ethnicity import CATEGORIES, DETAILED_GROUPS

    Category = apps.get_model("contacts", "RaceEthnicityCategory")
    Group = apps.get_model("contacts", "RaceEthnicityGroup")
    CommunityRole = apps.get_model("contacts", "CommunityRole")
    by_code = {}
    for position, category in enumerate(CATEGORIES):
        by_code[category.code], _ = Category.objects.update_or_create(
            code=category.code,
            defaults={
                "name": category.name,
                "description": category.description,
                "sort": position,
            },
        )
    for group in DETAILED_GROUPS:
        Group.objects.update_or_create(
            code=group.code,
            defaults={
                "name": group.name,
                "category": by_code[group.category],
                "cedars_code": group.cedars_code,
                "sort": group.sort,
            },
        )
    for position, (code, name) in enumerate(ROLES):
        CommunityRole.objects.update_or_create(
            code=code, defaults={"name": name, "sort": position}
        )


def unseed(apps, schema_editor):
    apps.get_model("contacts", "RaceEthnicityGroup").objects.all().delete()
    apps.get_model("contacts", "RaceEthnicityCategory").objects.all().delete()
    apps.get_model("contacts", "CommunityRole").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("contacts", "0002_initial")]
    operations = [migrations.RunPython(seed, unseed)]
