"""Reading a population baseline spreadsheet (.xlsx or .csv) for preview.

One row per geography and group, with three columns (header names, any case):
geography, group, population. Groups are minimum category codes or names
(ASIAN / Asian), "Two or more races" (single tabulation only) and "Total".
Geographies: "WA" for the state; a county name or code; an OSPI district
code; a legislative district number. Every problem is reported with its row
number and column; nothing is saved until the preview is confirmed.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _

from contacts.models import RaceEthnicityCategory
from crm.models import County
from reports.models import BaselineFigure, PopulationBaseline, Tabulation

COLUMNS = ("geography", "group", "population")
MAX_ROWS = 20000


@dataclass
class ParsedFigure:
    row: int
    geography: str
    group: str
    population: int


@dataclass
class ParsedBaseline:
    figures: list[ParsedFigure] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.figures)

    def figures_as_dicts(self) -> list[dict[str, Any]]:
        return [asdict(f) for f in self.figures]


def _read_rows(uploaded: IO[bytes], filename: str) -> list[list[Any]]:
    name = filename.lower()
    if name.endswith(".csv"):
        text = uploaded.read().decode("utf-8-sig", errors="replace")
        return [list(r) for r in csv.reader(io.StringIO(text))]
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        workbook = load_workbook(uploaded, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        workbook.close()
        return rows
    raise ValueError(_("Upload a .xlsx or .csv file."))


def _group_lookup(method: str) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for code, name in RaceEthnicityCategory.objects.values_list("code", "name"):
        lookup[code.lower()] = code
        lookup[name.lower()] = code
    lookup["total"] = BaselineFigure.TOTAL
    if method == Tabulation.SINGLE:
        for alias in ("two_or_more", "two or more races", "two or more", "multiracial"):
            lookup[alias] = BaselineFigure.TWO_OR_MORE
    return lookup


def _geography(value: str, level: str, counties: dict[str, str]) -> str | None:
    text = value.strip()
    if level == PopulationBaseline.Level.STATE:
        return "WA" if text.lower() in ("wa", "washington", "state") else None
    if level == PopulationBaseline.Level.COUNTY:
        key = text.lower().removesuffix(" county").strip()
        return counties.get(key)
    if level == PopulationBaseline.Level.LEGISLATIVE_DISTRICT:
        try:
            number = int(float(text))
        except ValueError:
            return None
        return str(number) if 1 <= number <= 49 else None
    return text or None


def _population(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if value >= 0 and value.is_integer() else None
    text = str(value or "").strip().replace(",", "")
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number >= 0 and number.is_integer() else None


def parse_baseline_file(
    uploaded: IO[bytes], filename: str, *, level: str, method: str
) -> ParsedBaseline:
    """Read and check a baseline spreadsheet (a handful of queries)."""
    result = ParsedBaseline()
    try:
        rows = _read_rows(uploaded, filename)
    except ValueError as error:
        result.errors.append(str(error))
        return result
    except Exception:  # openpyxl raises many kinds on a damaged file
        result.errors.append(_("The file could not be read as a spreadsheet."))
        return result
    if not rows:
        result.errors.append(_("The file is empty."))
        return result
    header = [str(cell or "").strip().lower() for cell in rows[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        result.errors.append(
            _("Row 1: missing column(s) %(columns)s. Expected: %(expected)s.")
            % {"columns": ", ".join(missing), "expected": ", ".join(COLUMNS)}
        )
        return result
    if len(rows) - 1 > MAX_ROWS:
        result.errors.append(
            _("The file has more than %(max)s rows.") % {"max": MAX_ROWS}
        )
        return result
    index = {c: header.index(c) for c in COLUMNS}
    groups = _group_lookup(method)
    counties: dict[str, str] = {}
    for code, name in County.objects.values_list("code", "name"):
        counties[code] = code
        counties[name.lower()] = code
    seen: set[tuple[str, str]] = set()
    for number, raw in enumerate(rows[1:], start=2):
        cells = [*raw, *([None] * len(header))]
        if all(cell in (None, "") for cell in raw):
            continue
        geo_text = str(cells[index["geography"]] or "")
        group_text = str(cells[index["group"]] or "").strip()
        geography = _geography(geo_text, level, counties)
        if geography is None:
            result.errors.append(
                _("Row %(row)s, column geography: “%(value)s” is not a %(level)s.")
                % {
                    "row": number,
                    "value": geo_text[:60],
                    "level": level.replace("_", " "),
                }
            )
        group = groups.get(group_text.lower())
        if group is None:
            result.errors.append(
                _("Row %(row)s, column group: “%(value)s” is not a known group.")
                % {"row": number, "value": group_text[:60]}
            )
        population = _population(cells[index["population"]])
        if population is None:
            result.errors.append(
                _("Row %(row)s, column population: enter a whole number, 0 or more.")
                % {"row": number}
            )
        if geography is None or group is None or population is None:
            continue
        if (geography, group) in seen:
            result.errors.append(
                _("Row %(row)s: %(group)s in %(geography)s appears twice.")
                % {"row": number, "group": group, "geography": geography}
            )
            continue
        seen.add((geography, group))
        result.figures.append(ParsedFigure(number, geography, group, population))
    if not result.figures and not result.errors:
        result.errors.append(_("The file has no rows of figures."))
    return result
