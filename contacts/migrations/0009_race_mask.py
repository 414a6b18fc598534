"""Each person's race/ethnicity categories as bits, kept by the database.

Adds contacts_contact.race_mask (see contacts.models.RaceMask), fills it from
the links, and adds the triggers that keep it equal to them: after any insert,
delete or update of a link, the person's mask is recomputed from their links.
Then comes an index of the people with a category by name, with the mask.

Not atomic as a whole: on PostgreSQL, filling the column writes a new version
of every person with a category, and an index built in the same transaction
also indexes the old versions (an index of every active person by name and
mask came out at 92 MB instead of 56 MB at a million people). So the fill commits first (column, fill and triggers
all or nothing), then the table's indexes, bloated by the fill, are rebuilt
(40 s at a million people), then the new index is built.
"""

import django.db.models.lookups
from django.db import migrations, models

import contacts.models

LINKS = "contacts_contact_race_categories"

# One person's mask from their links; {who} is NEW or OLD.
_MASK = {
    "postgresql": (
        "(SELECT COALESCE(SUM(1::bigint << l.raceethnicitycategory_id::int), 0)"
        f" FROM {LINKS} l WHERE l.contact_id = {{who}}.contact_id"
        " AND l.raceethnicitycategory_id BETWEEN 1 AND 62)"
    ),
    "sqlite": (
        "(SELECT COALESCE(SUM(1 << l.raceethnicitycategory_id), 0)"
        f" FROM {LINKS} l WHERE l.contact_id = {{who}}.contact_id"
        " AND l.raceethnicitycategory_id BETWEEN 1 AND 62)"
    ),
}


def _recompute(vendor: str, who: str) -> str:
    mask = _MASK[vendor].format(who=who)
    return (
        f"UPDATE contacts_contact SET race_mask = {mask}"
        f" WHERE id = {who}.contact_id AND race_mask <> {mask}"
    )


def _fill(vendor: str) -> str:
    if vendor == "postgresql":
        return (
            "UPDATE contacts_contact c SET race_mask = m.mask FROM ("
            " SELECT contact_id, SUM(1::bigint << raceethnicitycategory_id::int) AS mask"
            f" FROM {LINKS} WHERE raceethnicitycategory_id BETWEEN 1 AND 62"
            " GROUP BY contact_id) m WHERE c.id = m.contact_id"
        )
    mask = _MASK[vendor].format(who="contacts_contact").replace(
        "contacts_contact.contact_id", "contacts_contact.id"
    )
    return (
        f"UPDATE contacts_contact SET race_mask = {mask}"
        f" WHERE id IN (SELECT contact_id FROM {LINKS})"
    )


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in _MASK:
        raise NotImplementedError(f"No race/ethnicity mask triggers for {vendor}.")
    run = schema_editor.execute
    if vendor == "postgresql":
        run("ALTER TABLE contacts_contact ADD COLUMN race_mask bigint NOT NULL DEFAULT 0")
        run(_fill(vendor))
        run(
            "CREATE FUNCTION contacts_race_mask_sync() RETURNS trigger"
            " LANGUAGE plpgsql AS $$ BEGIN"
            " IF TG_OP <> 'INSERT' THEN "
            + _recompute(vendor, "OLD")
            + "; END IF;"
            " IF TG_OP <> 'DELETE' THEN "
            + _recompute(vendor, "NEW")
            + "; END IF;"
            " RETURN NULL; END $$"
        )
        run(
            f"CREATE TRIGGER contacts_race_mask AFTER INSERT OR UPDATE OR DELETE"
            f" ON {LINKS} FOR EACH ROW EXECUTE FUNCTION contacts_race_mask_sync()"
        )
        return
    run("ALTER TABLE contacts_contact ADD COLUMN race_mask integer NOT NULL DEFAULT 0")
    run(_fill(vendor))
    for event, who in (("INSERT", ["NEW"]), ("DELETE", ["OLD"]), ("UPDATE", ["OLD", "NEW"])):
        body = "; ".join(_recompute(vendor, w) for w in who)
        run(
            f"CREATE TRIGGER contacts_race_mask_{event.lower()} AFTER {event}"
            f" ON {LINKS} FOR EACH ROW BEGIN {body}; END"
        )


def rebuild_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite updates a row in place, and only the indexes it changes
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM (SELECT 1 FROM %s LIMIT 10000) s" % LINKS)
        if cursor.fetchone()[0] >= 10000:
            cursor.execute("REINDEX TABLE contacts_contact")


def backwards(apps, schema_editor):
    run = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        run(f"DROP TRIGGER IF EXISTS contacts_race_mask ON {LINKS}")
        run("DROP FUNCTION IF EXISTS contacts_race_mask_sync()")
    else:
        for event in ("insert", "delete", "update"):
            run(f"DROP TRIGGER IF EXISTS contacts_race_mask_{event}")
    run("ALTER TABLE contacts_contact DROP COLUMN race_mask")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("contacts", "0008_active_name_fold_indexes"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, atomic=True),
        migrations.RunPython(rebuild_indexes, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(
                models.F("last_name"),
                models.F("first_name"),
                models.F("id"),
                models.F("archived_at"),
                models.F("merged_into"),
                contacts.models.RaceMask(),
                condition=models.Q(
                    ("archived_at__isnull", True),
                    ("merged_into__isnull", True),
                    django.db.models.lookups.GreaterThan(contacts.models.RaceMask(), 0),
                ),
                name="contact_active_race_idx",
            ),
        ),
    ]
