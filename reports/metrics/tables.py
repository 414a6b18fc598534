"""The shapes every count comes back in: plain dataclasses."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Row:
    """One group of a breakdown."""

    key: str
    label: str
    people: int | None
    attendance: int | None
    share: float | None = None
    share_of_reported: float | None = None
    baseline_share: float | None = None
    index: float | None = None
    under_represented: bool = False
    is_unknown: bool = False
    people_suppressed: bool = False
    attendance_suppressed: bool = False


@dataclass
class Table:
    """A breakdown: rows, totals, the method used and notes to print beside it."""

    by: str
    method: str
    method_label: Any
    rows: list[Row]
    total_people: int | None
    total_attendance: int | None
    external: bool = False
    suppressed: bool = False
    notes: list[str] = field(default_factory=list)
    baseline: dict[str, Any] | None = None
    representation_reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["notes"] = [str(note) for note in self.notes]
        data["method_label"] = str(self.method_label)
        data["representation_reason"] = str(self.representation_reason)
        for row in data["rows"]:
            row["label"] = str(row["label"])
        return data

    @property
    def max_people(self) -> int:
        return max((row.people or 0 for row in self.rows), default=0)
