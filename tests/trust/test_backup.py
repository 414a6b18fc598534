"""A backup restores into an empty database with every record intact."""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from contacts import services
from contacts.models import Contact, Relationship
from crm.backup import (
    BackupError,
    backed_up_models,
    backup_to_file,
    clear_data,
    restore_from_file,
)
from crm.models import User
from crm.roles import Role
from events.models import Attendance, Event, Outreach
from tests.contacts.test_race_mask import assert_masks_equal_links
from tests.factories import (
    AffiliationFactory,
    AttendanceFactory,
    CommentFactory,
    ContactFactory,
    EventFactory,
    FollowUpFactory,
    OrganizationFactory,
    OutreachFactory,
    ProgramFactory,
    TagFactory,
    TopicFactory,
    UserFactory,
    category,
    group,
    language,
)

ROOT = Path(__file__).resolve().parents[2]


def build_little_coalition() -> None:
    """A small but realistic data set touching every kind of record."""
    organizer = UserFactory(username="rosa", role=Role.ORGANIZER)
    UserFactory(username="lead", role=Role.LEADERSHIP)
    program = ProgramFactory(name="Community capacity building")
    bill = TopicFactory(name="Ethnic studies", kind="bill", bill_number="HB 1234")
    district = OrganizationFactory(name="Kent School District", kind="school_district")
    people = [
        ContactFactory(first_name="Mai", last_name="Vang", categories=["ASIAN"]),
        ContactFactory(first_name="José", last_name="Núñez", categories=["HISPANIC"]),
        ContactFactory(first_name="Hodan", last_name="Abdi", categories=["BLACK"]),
    ]
    mai = people[0]
    mai.race_groups.add(group("HMONG"))
    mai.other_languages.add(language("es"))
    mai.tags.add(TagFactory(name="parent leader"))
    services.update_contact(
        contact=mai,
        changes={"notes": "Prefers evening calls", "school_district": district},
        updated_by=organizer,
        expected_version=mai.version,
    )
    Relationship.objects.create(
        from_contact=people[1], to_contact=people[2], kind="parent_of"
    )
    AffiliationFactory(contact=people[2], organization=district, title="Teacher")
    event = EventFactory(
        name="Listening session, Kent",
        kind=Event.Kind.LISTENING_SESSION,
        program=program,
        ta_hours="2.50",
        starts_at=timezone.now() - timedelta(days=3),
        ends_at=timezone.now() - timedelta(days=3) + timedelta(hours=2),
    )
    event.topics.add(bill)
    event.organizers.add(organizer)
    event.focus_communities.add(category("ASIAN"))
    event.languages_offered.add(language("es"), language("en"))
    for person in people:
        AttendanceFactory(
            event=event, contact=person, pending_changes={"zip_code": "98032"}
        )
    OutreachFactory(contact=mai, organizer=organizer, notes="Reached, will come")
    FollowUpFactory(contact=mai, assigned_to=organizer, event=event)
    CommentFactory(event=event, contact=people[1], text="We need interpreters")


def snapshot() -> dict[str, list[dict]]:
    """Every backed-up row, serialized, keyed by model."""
    found = {}
    for model in backed_up_models():
        rows = serializers.serialize("python", model._base_manager.order_by("pk"))
        found[model._meta.label_lower] = rows
    return found


@pytest.mark.django_db
def test_a_backup_restores_into_an_empty_database_with_every_record(tmp_path):
    build_little_coalition()
    before = snapshot()
    assert len(before["contacts.historicalcontact"]) >= 4
    path = tmp_path / "crm.jsonl.gz"
    counts = backup_to_file(path)
    assert counts["contacts.contact"] == 3

    clear_data([model._meta.label_lower for model in backed_up_models()])
    assert not Contact.objects.exists()
    assert not User.objects.exists()
    assert not Attendance.objects.exists()

    result = restore_from_file(path)

    assert result.rows["contacts.contact"] == 3
    after = snapshot()
    for label, rows in before.items():
        for old, new in zip(rows, after[label], strict=True):
            changed = {
                name: (value, new["fields"].get(name))
                for name, value in old["fields"].items()
                if new["fields"].get(name) != value
            }
            assert new == old, f"{label} {old['pk']} differs after restore: {changed}"
    mai = Contact.objects.get(last_name="Vang")
    assert [g.code for g in mai.race_groups.all()] == ["HMONG"]
    # The race/ethnicity masks, not backed up, are rebuilt by the links' triggers.
    assert mai.race_categories.exists()
    assert_masks_equal_links()
    assert mai.history.count() == before_history_count(before, mai.pk)
    assert User.objects.get(username="rosa").groups.get().name == Role.ORGANIZER
    assert User.objects.get(username="rosa").has_perm("contacts.add_contact")


def before_history_count(before: dict[str, list[dict]], pk: int) -> int:
    return sum(
        1 for row in before["contacts.historicalcontact"] if row["fields"]["id"] == pk
    )


@pytest.mark.django_db
def test_restore_refuses_a_database_that_already_holds_data(tmp_path):
    build_little_coalition()
    path = tmp_path / "crm.jsonl.gz"
    backup_to_file(path)
    with pytest.raises(BackupError, match="already holds data"):
        restore_from_file(path)
    with pytest.raises(CommandError, match="--force"):
        call_command("restore_data", str(path))


@pytest.mark.django_db
def test_force_replaces_what_the_database_holds(tmp_path):
    build_little_coalition()
    path = tmp_path / "crm.jsonl.gz"
    backup_to_file(path)
    ContactFactory(first_name="Added", last_name="Later")
    Outreach.objects.all().delete()

    call_command("restore_data", str(path), "--force", stdout=io.StringIO())

    assert not Contact.objects.filter(first_name="Added").exists()
    assert Outreach.objects.count() == 1
    assert Contact.objects.count() == 3


@pytest.mark.django_db
def test_a_damaged_backup_changes_nothing(tmp_path):
    build_little_coalition()
    path = tmp_path / "crm.jsonl.gz"
    backup_to_file(path)
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        content = lines.read().splitlines()
    middle = len(content) // 2
    content[middle] = content[middle][: len(content[middle]) // 2]
    damaged = tmp_path / "damaged.jsonl.gz"
    with gzip.open(damaged, "wt", encoding="utf-8") as out:
        out.write("\n".join(content) + "\n")

    with pytest.raises(BackupError, match=f"Line {middle + 1} of the backup"):
        restore_from_file(damaged, force=True)

    assert Contact.objects.count() == 3
    assert Attendance.objects.count() == 3


@pytest.mark.django_db
def test_a_file_that_is_not_a_backup_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(CommandError, match=r"could not be read|not a CRM backup"):
        call_command("restore_data", str(path))
    other = tmp_path / "other.jsonl.gz"
    with gzip.open(other, "wt") as out:
        out.write(json.dumps({"format": "something else"}) + "\n")
    with pytest.raises(CommandError, match="not a CRM backup"):
        call_command("restore_data", str(other))


@pytest.mark.django_db
def test_backup_command_writes_the_file_and_reports_counts(tmp_path, capsys):
    build_little_coalition()
    path = tmp_path / "crm.jsonl.gz"
    call_command("backup_data", "-o", str(path))
    assert "Backed up" in capsys.readouterr().out
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        header = json.loads(lines.readline())
        rows = [json.loads(line) for line in lines]
    assert header["format"] == "crm-backup"
    assert "contacts.contact" in header["models"]
    assert not any(row["model"] == "sessions.session" for row in rows)
    assert not any(row["model"].startswith("axes.") for row in rows)


def run_manage(args: list[str], database_url: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "crm.settings",
        "DEBUG": "true",
        "SECRET_KEY": "backup-test",
        "DATABASE_URL": database_url,
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.django_db
def test_a_backup_restores_into_a_freshly_migrated_sqlite_database(tmp_path):
    build_little_coalition()
    original = tmp_path / "original.jsonl.gz"
    backup_to_file(original)
    database_url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"

    migrated = run_manage(["migrate", "--no-input"], database_url)
    assert migrated.returncode == 0, migrated.stderr
    restored = run_manage(["restore_data", str(original)], database_url)
    assert restored.returncode == 0, restored.stderr
    again = tmp_path / "again.jsonl.gz"
    backed_up = run_manage(["backup_data", "-o", str(again)], database_url)
    assert backed_up.returncode == 0, backed_up.stderr

    def rows(path: Path) -> list[str]:
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            lines.readline()
            return lines.read().splitlines()

    assert rows(again) == rows(original)
