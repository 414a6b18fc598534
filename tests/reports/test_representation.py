"""Representation index against a baseline, checked against hand figures."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from contacts.models import Contact
from reports.baselines import parse_baseline_file
from reports.metrics import apply_baseline, breakdown
from reports.models import PopulationBaseline
from reports.services import import_baseline
from tests.factories import ContactFactory, county
from tests.reports.helpers import MARCH, attend, rows_by_key

pytestmark = pytest.mark.django_db

STATE_SINGLE = [
    {"geography": "WA", "group": "TOTAL", "population": 1000},
    {"geography": "WA", "group": "ASIAN", "population": 100},
    {"geography": "WA", "group": "BLACK", "population": 50},
    {"geography": "WA", "group": "WHITE", "population": 600},
    {"geography": "WA", "group": "HISPANIC", "population": 200},
    {"geography": "WA", "group": "TWO_OR_MORE", "population": 50},
]


def baseline(method: str = "single", level: str = "state", figures=None):
    return import_baseline(
        name="OSPI enrollment",
        source="OSPI Report Card",
        year=2025,
        method=method,
        level=level,
        figures=figures or STATE_SINGLE,
    )


def engaged_people_of_known_makeup() -> None:
    people = [
        *[["ASIAN"]] * 3,
        ["BLACK"],
        *[["WHITE"]] * 2,
        ["HISPANIC", "WHITE"],
        ["ASIAN", "BLACK"],
    ]
    for categories in people:
        ContactFactory(categories=categories)
    ContactFactory(race_ethnicity_status=Contact.SelfIdStatus.DECLINED)
    ContactFactory(race_ethnicity_status=Contact.SelfIdStatus.DECLINED)
    for person in Contact.objects.all():
        attend(person, 10)


def test_representation_index_matches_the_hand_figure():
    engaged_people_of_known_makeup()
    # 10 engaged people; 2 prefer not to say, so 8 chose a category.
    # Asian 3/8 = 0.375 of people vs 100/1000 = 0.1 of the population: 3.75.
    # White 2/8 = 0.25 vs 0.6: 0.4167, under 0.8 so flagged.
    # Hispanic 1/8 = 0.125 vs 0.2: 0.625, flagged. Black 0.125 / 0.05 = 2.5.
    table = apply_baseline(
        breakdown(MARCH, "race_ethnicity", "single"), baseline(), MARCH
    )
    rows = rows_by_key(table)

    assert table.representation_reason == ""
    assert rows["ASIAN"].share_of_reported == pytest.approx(0.375)
    assert rows["ASIAN"].baseline_share == pytest.approx(0.1)
    assert rows["ASIAN"].index == pytest.approx(3.75)
    assert rows["WHITE"].index == pytest.approx(0.25 / 0.6)
    assert rows["WHITE"].under_represented
    assert rows["HISPANIC"].index == pytest.approx(0.625)
    assert rows["HISPANIC"].under_represented
    assert rows["BLACK"].index == pytest.approx(2.5)
    assert not rows["BLACK"].under_represented
    assert rows["TWO_OR_MORE"].index == pytest.approx(0.125 / 0.05)
    assert rows["declined"].index is None
    assert rows["AIAN"].index is None  # not in the baseline


def test_the_under_representation_threshold_is_a_setting(settings):
    engaged_people_of_known_makeup()
    settings.CRM_UNDERREPRESENTED_THRESHOLD = 0.5

    rows = rows_by_key(
        apply_baseline(breakdown(MARCH, "race_ethnicity", "single"), baseline(), MARCH)
    )

    assert rows["WHITE"].under_represented  # 0.42
    assert not rows["HISPANIC"].under_represented  # 0.625


def test_no_index_when_the_tabulations_differ_and_the_reason_is_given():
    engaged_people_of_known_makeup()

    table = apply_baseline(
        breakdown(MARCH, "race_ethnicity", "combination"), baseline(), MARCH
    )

    assert all(row.index is None for row in table.rows)
    assert "tabulated" in table.representation_reason


def test_no_index_when_the_geography_differs_and_the_reason_is_given():
    engaged_people_of_known_makeup()
    f = MARCH.replace(county=county("king").pk)

    table = apply_baseline(breakdown(f, "race_ethnicity", "single"), baseline(), f)

    assert all(row.index is None for row in table.rows)
    assert "county" in table.representation_reason


def test_a_county_baseline_is_used_for_that_county():
    ContactFactory(categories=["ASIAN"], county=county("king"))
    ContactFactory(categories=["WHITE"], county=county("king"))
    ContactFactory(categories=["WHITE"], county=county("yakima"))
    for person in Contact.objects.all():
        attend(person, 10)
    king = baseline(
        method="combination",
        level="county",
        figures=[
            {"geography": "king", "group": "TOTAL", "population": 400},
            {"geography": "king", "group": "ASIAN", "population": 100},
            {"geography": "king", "group": "WHITE", "population": 300},
        ],
    )
    f = MARCH.replace(county=county("king").pk)

    rows = rows_by_key(
        apply_baseline(breakdown(f, "race_ethnicity", "combination"), king, f)
    )

    # King: 1 Asian, 1 White of 2. Asian 0.5 / 0.25 = 2.0; White 0.5 / 0.75.
    assert rows["ASIAN"].index == pytest.approx(2.0)
    assert rows["WHITE"].index == pytest.approx(0.5 / 0.75)


def xlsx(rows: list[list[object]]) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def test_a_baseline_spreadsheet_is_read_with_names_or_codes():
    data = xlsx(
        [
            ["Geography", "Group", "Population"],
            ["King County", "Asian", 120000],
            ["yakima", "HISPANIC", "52,300"],
            ["King", "Total", 500000.0],
        ]
    )

    parsed = parse_baseline_file(data, "ospi.xlsx", level="county", method="single")

    assert parsed.errors == []
    assert [(f.geography, f.group, f.population) for f in parsed.figures] == [
        ("king", "ASIAN", 120000),
        ("yakima", "HISPANIC", 52300),
        ("king", "TOTAL", 500000),
    ]


def test_baseline_errors_name_the_row_and_column():
    data = io.BytesIO(
        b"geography,group,population\n"
        b"Atlantis,Asian,10\n"
        b"king,Martian,10\n"
        b"king,Asian,-4\n"
        b"king,Two or more races,5\n"
        b"king,White,5\n"
        b"King County,White,6\n"
    )

    parsed = parse_baseline_file(data, "b.csv", level="county", method="combination")

    assert parsed.errors == [
        "Row 2, column geography: “Atlantis” is not a county.",
        "Row 3, column group: “Martian” is not a known group.",
        "Row 4, column population: enter a whole number, 0 or more.",
        "Row 5, column group: “Two or more races” is not a known group.",
        "Row 7: WHITE in king appears twice.",
    ]


def test_a_file_without_the_columns_or_of_the_wrong_kind_is_refused():
    missing = parse_baseline_file(
        io.BytesIO(b"place,count\nWA,3\n"), "b.csv", level="state", method="single"
    )
    wrong = parse_baseline_file(
        io.BytesIO(b"%PDF"), "b.pdf", level="state", method="single"
    )
    broken = parse_baseline_file(
        io.BytesIO(b"not a zip"), "b.xlsx", level="state", method="single"
    )

    assert "missing column(s) geography, group, population" in missing.errors[0]
    assert wrong.errors == ["Upload a .xlsx or .csv file."]
    assert broken.errors == ["The file could not be read as a spreadsheet."]
    assert PopulationBaseline.objects.count() == 0
