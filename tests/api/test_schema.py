"""The OpenAPI schema validates, with no warning, and describes every error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command

from crm.models import User
from tests.conftest import client_for


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path: Path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    # --fail-on-warn turns any warning (an unnamed enum, an untyped field) into
    # an error; --validate checks the result against the OpenAPI 3 meta-schema.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    loaded: dict[str, Any] = yaml.safe_load(path.read_text())
    return loaded


def operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]


def test_the_schema_validates_without_warnings(schema: dict[str, Any]) -> None:
    assert schema["openapi"].startswith("3.")


def test_every_resource_of_the_issue_is_in_the_schema(schema: dict[str, Any]) -> None:
    paths = set(schema["paths"])
    for name in (
        "contacts",
        "organizations",
        "affiliations",
        "relationships",
        "race-ethnicity/categories",
        "race-ethnicity/groups",
        "programs",
        "topics",
        "events",
        "attendance",
        "outreach",
        "follow-ups",
        "comments",
        "baselines",
        "grants",
    ):
        assert f"/api/v1/{name}/" in paths, name
        assert f"/api/v1/{name}/{{id}}/" in paths, name
    for name in ("engagement", "ladder", "representation", "grant-progress"):
        assert f"/api/v1/metrics/{name}/" in paths
    assert "/api/v1/reports/grant-workbook/" in paths


def test_every_operation_describes_its_errors_in_the_one_shape(
    schema: dict[str, Any],
) -> None:
    assert "Error" in schema["components"]["schemas"]
    for path, method, operation in operations(schema):
        for status in ("400", "401", "403", "404", "429"):
            assert status in operation["responses"], (path, method, status)
        if method in ("post", "put", "patch"):
            assert "415" in operation["responses"], (path, method)


def test_list_filters_and_enums_are_described(schema: dict[str, Any]) -> None:
    contact_list = schema["paths"]["/api/v1/contacts/"]["get"]
    names = {parameter["name"] for parameter in contact_list["parameters"]}
    assert {"county", "cursor", "page_size"} <= names
    assert "EventKindEnum" in schema["components"]["schemas"]


def test_only_signed_in_users_read_the_schema_and_docs(
    client: Any, organizer: User
) -> None:
    assert client.get("/api/schema/").status_code in (401, 403)
    signed_in = client_for(organizer)
    assert signed_in.get("/api/schema/").status_code == 200
    docs = signed_in.get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()
