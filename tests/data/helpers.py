"""Build upload files for import tests."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook


def csv_bytes(
    rows: Sequence[Sequence[Any]], *, encoding: str = "utf-8", delimiter: str = ","
) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: Sequence[Sequence[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


PEOPLE = [
    [
        "First name",
        "Last name",
        "Email",
        "Phone",
        "ZIP",
        "County",
        "Language",
        "Tags",
        "Race",
        "May email",
        "Consent date",
    ],
    [
        "Ana",
        "García",
        "ana@example.org",
        "(206) 555-0101",
        "98101",
        "King",
        "Spanish",
        "parents; spring",
        "Hispanic or Latino",
        "yes",
        "2026-03-01",
    ],
    [
        "Bao",
        "Nguyen",
        "bao@example.org",
        "206-555-0102",
        "98118",
        "King County",
        "vi",
        "parents",
        "ASIAN",
        "no",
        "",
    ],
    ["Chidi", "Okafor", "", "2065550103", "98052", "king", "", "", "", "", ""],
]
