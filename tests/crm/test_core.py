"""The project's footing: settings, the permission matrix, demo data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from contacts.models import Contact
from crm.matrix import matrix_markdown
from crm.roles import Role, role_permissions
from events.models import Attendance, Comment, Event, FollowUp, Outreach

ROOT = Path(__file__).resolve().parents[2]


def run_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    base.update(env, DJANGO_SETTINGS_MODULE="crm.settings")
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        check=False,
    )


def test_refuses_to_start_with_debug_off_and_no_secret_key():
    result = run_check({"DEBUG": "false"})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_rejects_a_debug_value_that_is_not_a_boolean():
    result = run_check({"DEBUG": "maybe", "SECRET_KEY": "x" * 60})
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_readme_shows_the_permission_matrix_the_code_enforces(db):
    readme = (ROOT / "README.md").read_text()
    assert matrix_markdown() in readme, (
        "README's matrix is out of date: paste `python manage.py permission_matrix`"
    )


@pytest.mark.django_db
def test_role_groups_hold_exactly_the_matrix_permissions():
    from django.contrib.auth.models import Group

    for role in Role.ALL:
        group = Group.objects.get(name=role)
        held = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }
        assert held == role_permissions(role)


@pytest.mark.django_db
def test_seed_demo_is_deterministic_and_fills_every_screen(capsys):
    call_command("seed_demo", contacts=300, seed=7)
    output = capsys.readouterr().out
    for username in ("organizer", "leadership", "datastaff", "admin"):
        assert f" {username} / " in output
    first = list(Contact.objects.order_by("pk").values_list("first_name", "email")[:50])
    assert Event.objects.values("kind").distinct().count() == len(Event.Kind)
    assert Attendance.objects.exists()
    assert Outreach.objects.exists()
    assert FollowUp.objects.exists()
    assert Comment.objects.exists()
    Contact.objects.all().delete()
    call_command("seed_demo", contacts=300, seed=7)
    again = list(Contact.objects.order_by("pk").values_list("first_name", "email")[:50])
    assert [f for f, _ in again] == [f for f, _ in first]
