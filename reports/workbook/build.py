"""The grant report workbook, sheet by sheet.

Every count comes from the counting engine (reports.metrics): the headline, the
race/ethnicity breakdowns under both tabulations, county, language and grant
progress, from the engagement summary when the engine counts from it. The
Events and Technical assistance sheets list events with their check-ins (the
engine's check-in records grouped by event) in a fixed number of queries (see
events.py). This module only arranges them, applies the engine's small-number
suppression for the external variant, and writes typed, neutralised cells
with contacts.spreadsheets.XlsxWriter (openpyxl write-only mode: rows go to
disk as they are written). No sheet holds personal data: people appear only
as counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from functools import cached_property
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts.spreadsheets import Column, XlsxWriter
from events.models import Event
from reports import metrics
from reports.metrics import Filters, Table
from reports.metrics.race import METHOD_LABELS
from reports.metrics.suppression import is_small, suppress_matrix
from reports.models import Grant, Tabulation
from reports.workbook.definitions import definition_rows
from reports.workbook.events import checkins_per_event, names_per_event, period_events
from reports.workbook.forms import WorkbookRequest

CHUNK = 2000
COUNT = "#,##0"
SHARE = "0.0%"
PERCENT = "0%"
DECIMAL = "#,##0.0"
DATETIME = "yyyy-mm-dd hh:mm"


def sheet_titles() -> list[str]:
    """The sheets, in order (in the active language)."""
    return [
        _("Summary"),
        _("Race and ethnicity"),
        _("County"),
        _("Language"),
        _("Events"),
        _("Technical assistance"),
        _("Targets and progress"),
        _("Definitions and notes"),
    ]


def hidden_note(limit: int) -> str:
    return _(
        "Hidden: a count from 1 to %(max)s, or hidden so that one cannot be "
        "worked out from the totals."
    ) % {"max": limit - 1}


def headline_labels() -> list[tuple[str, str]]:
    return [
        ("engaged_people", _("Engaged people")),
        ("attendance", _("Attendance (check-ins)")),
        ("attendees", _("Attendees (unique people per event, summed over events)")),
        ("unique_attendees", _("Unique people at events")),
        ("people_reached", _("People reached by outreach")),
        ("events", _("Events with check-ins")),
    ]


class GrantWorkbook:
    """Builds the workbook for one request; `save()` returns the file."""

    def __init__(self, request: WorkbookRequest, *, now: dt.datetime | None = None):
        self.request = request
        self.filters: Filters = request.filters()
        self.now = timezone.localtime(now or timezone.now()).replace(tzinfo=None)
        self.limit = metrics.threshold()
        self.external = request.external
        self.notes_seen: list[str] = []
        self._hidden_events: set[int] | None = None

    # ------------------------------------------------------------------ helpers

    @cached_property
    def program_names(self) -> str:
        """The grant's programs in words."""
        grant = self.request.grant
        if grant is None:
            return _("all programs")
        names = sorted(str(p) for p in self.request.programs)
        return ", ".join(names) if names else _("all programs (the grant names none)")

    def notes(self, title: str, method: str = "") -> list[str]:
        """What every sheet says on top: what, which variant, filters, method."""
        req = self.request
        lines = [
            title,
            _("Grant report workbook, %(variant)s variant.")
            % {"variant": self.variant_label()},
            _("Period: %(start)s to %(end)s (both days included, Pacific time).")
            % {"start": f"{req.start:%Y-%m-%d}", "end": f"{req.end:%Y-%m-%d}"},
            _("Filters: grant %(grant)s; programs counted: %(programs)s.")
            % {
                "grant": str(req.grant) if req.grant else _("none"),
                "programs": self.program_names,
            },
        ]
        if method:
            lines.append(_("Method: %(method)s") % {"method": method})
        if self.external:
            lines.append(
                _(
                    "External: counts from 1 to %(max)s are hidden (see Definitions "
                    "and notes). No personal data."
                )
                % {"max": self.limit - 1}
            )
        else:
            lines.append(
                _(
                    "Internal: real numbers, aggregates only, no personal data. Do "
                    "not share outside the organisation: use the external variant."
                )
            )
        return lines

    def variant_label(self) -> str:
        return _("external") if self.external else _("internal")

    def table(self, by: str, method: str = Tabulation.SINGLE.value) -> Table:
        table = metrics.breakdown(self.filters, by, method)
        if self.external:
            table = metrics.suppress_table(table, self.limit)
        for note in table.notes:
            if str(note) not in self.notes_seen:
                self.notes_seen.append(str(note))
        return table

    def row_note(self, hidden: bool) -> str:
        return hidden_note(self.limit) if hidden else ""

    # ------------------------------------------------------------------ sheets

    def summary(self) -> tuple[list[Column], Iterable[Sequence[Any]]]:
        req = self.request
        grant = req.grant
        rows: list[Sequence[Any]] = [
            (_("Variant"), self.variant_label().capitalize(), self.variant_note()),
            (_("Period start"), req.start, ""),
            (_("Period end"), req.end, ""),
            (_("Grant"), str(grant) if grant else _("None"), ""),
            (_("Funder"), grant.funder if grant else "", ""),
            (_("Programs counted"), self.program_names, ""),
            (_("Generated"), self.now, _("Pacific time")),
        ]
        figures = metrics.headline(self.filters).as_dict()
        for key, label in headline_labels():
            value: int | None = figures[key]
            hidden = self.external and is_small(value, self.limit)
            rows.append((label, None if hidden else value, self.row_note(hidden)))
        columns = [Column(_("Item"), 44), Column(_("Value"), 30), Column(_("Note"), 60)]
        return columns, rows

    def variant_note(self) -> str:
        if self.external:
            return _("Small numbers suppressed; for sharing outside.")
        return _("Real numbers; for use inside the organisation only.")

    def race(self) -> tuple[list[Column], Iterable[Sequence[Any]]]:
        rows: list[Sequence[Any]] = []
        for method in (Tabulation.SINGLE.value, Tabulation.COMBINATION.value):
            table = self.table("race_ethnicity", method)
            label = str(Tabulation(method).label)
            for row in table.rows:
                rows.append(
                    (
                        label,
                        row.key,
                        row.label,
                        row.people,
                        row.share,
                        row.attendance,
                        row.is_unknown,
                        self.row_note(
                            row.people_suppressed or row.attendance_suppressed
                        ),
                    )
                )
            rows.append(self.total_row(table, prefix=(label,), unknown=(False,)))
        columns = [
            Column(_("Tabulation"), 30),
            Column(_("Code"), 16),
            Column(_("Group"), 36),
            Column(_("Engaged people"), 14, COUNT),
            Column(_("Share of engaged people"), 14, SHARE),
            Column(_("Check-ins"), 12, COUNT),
            Column(_("No category chosen"), 12),
            Column(_("Note"), 50),
        ]
        return columns, rows

    def total_row(
        self,
        table: Table,
        *,
        prefix: tuple[Any, ...] = (),
        unknown: tuple[Any, ...] = (),
    ) -> tuple[Any, ...]:
        people = table.total_people
        return (
            *prefix,
            "TOTAL",
            _("All engaged people (each counted once)"),
            people,
            1.0 if people else None,
            table.total_attendance,
            *unknown,
            self.row_note(people is None or table.total_attendance is None),
        )

    def simple(self, by: str) -> tuple[list[Column], Iterable[Sequence[Any]]]:
        table = self.table(by)
        rows: list[Sequence[Any]] = [
            (
                row.key,
                row.label,
                row.people,
                row.share,
                row.attendance,
                self.row_note(row.people_suppressed or row.attendance_suppressed),
            )
            for row in table.rows
        ]
        rows.append(self.total_row(table))
        heading = _("County") if by == "county" else _("Preferred language")
        columns = [
            Column(_("Code"), 12),
            Column(heading, 28),
            Column(_("Engaged people"), 14, COUNT),
            Column(_("Share of engaged people"), 14, SHARE),
            Column(_("Check-ins"), 12, COUNT),
            Column(_("Note"), 50),
        ]
        return columns, rows

    def events(self, kind: str = "") -> QuerySet[Event]:
        """Non-cancelled events starting in the period (in the grant's
        programs), in the order the sheets list them."""
        return period_events(self.filters, kind).order_by("starts_at", "pk")

    @cached_property
    def checkins(self) -> dict[int, int]:
        """Check-ins per event, as the engine counts them (see events.py)."""
        return checkins_per_event(self.filters)

    def hidden_events(self) -> set[int]:
        """Events whose check-ins the external variant hides: the per-event column
        adds up to the attendance total, so complementary suppression applies."""
        if not self.external:
            return set()
        if self._hidden_events is None:
            pks = list(self.events().values_list("pk", flat=True))
            flags = suppress_matrix(
                [[self.checkins.get(pk, 0)] for pk in pks],
                self.limit,
                rows_add_up=False,
            )
            self._hidden_events = {
                pk for pk, hide in zip(pks, flags, strict=True) if hide[0]
            }
        return self._hidden_events

    def event_rows(self, kind: str = "") -> Iterator[Sequence[Any]]:
        hidden = self.hidden_events()
        checkins = self.checkins
        f = self.filters
        # One query per list, for every event of the sheet at once.
        relations = (
            ["ta_recipients", "host_organizations"]
            if kind
            else ["languages_offered", "interpretation_provided", "host_organizations"]
        )
        names = {rel: names_per_event(f, rel, kind) for rel in relations}
        hosts = names["host_organizations"]
        kinds = {value: str(label) for value, label in Event.Kind.choices}
        statuses = {value: str(label) for value, label in Event.Status.choices}
        rows = self.events(kind).values_list(
            "pk",
            "starts_at",
            "name",
            "kind",
            "status",
            "program__name",
            "county__name",
            "is_virtual",
            "head_count",
            "childcare_provided",
            "food_provided",
            "transport_provided",
            "ta_hours",
        )
        for (
            pk,
            starts_at,
            name,
            event_kind,
            status,
            program,
            county,
            is_virtual,
            head_count,
            childcare,
            food,
            transport,
            ta_hours,
        ) in rows.iterator(chunk_size=CHUNK):
            count: int | None = checkins.get(pk, 0)
            hide_checkins = pk in hidden
            hide_head = self.external and is_small(head_count, self.limit)
            if hide_checkins:
                count = None
            if hide_head:
                head_count = None
            note = self.row_note(hide_checkins or hide_head)
            common = (
                starts_at,
                name,
                kinds.get(event_kind, event_kind),
                statuses.get(status, status),
                program or "",
                county or "",
            )
            if kind:
                yield (
                    *common,
                    ta_hours,
                    names["ta_recipients"].get(pk, ""),
                    hosts.get(pk, ""),
                    count,
                    note,
                )
            else:
                yield (
                    *common,
                    is_virtual,
                    count,
                    head_count,
                    names["languages_offered"].get(pk, ""),
                    names["interpretation_provided"].get(pk, ""),
                    childcare,
                    food,
                    transport,
                    hosts.get(pk, ""),
                    note,
                )

    def event_columns(self, *, ta: bool = False) -> list[Column]:
        common = [
            Column(_("Starts"), 17, DATETIME),
            Column(_("Event"), 36),
            Column(_("Kind"), 24),
            Column(_("Status"), 12),
            Column(_("Program"), 24),
            Column(_("County"), 14),
        ]
        if ta:
            return [
                *common,
                Column(_("TA hours"), 10, DECIMAL),
                Column(_("Organizations receiving TA"), 36),
                Column(_("Host organizations"), 30),
                Column(_("Check-ins"), 12, COUNT),
                Column(_("Note"), 40),
            ]
        return [
            *common,
            Column(_("Virtual"), 9),
            Column(_("Check-ins"), 12, COUNT),
            Column(_("Head count"), 12, COUNT),
            Column(_("Languages offered"), 22),
            Column(_("Interpretation provided"), 22),
            Column(_("Childcare"), 10),
            Column(_("Food"), 8),
            Column(_("Transport"), 10),
            Column(_("Host organizations"), 30),
            Column(_("Note"), 40),
        ]

    def grants(self) -> list[Grant]:
        """The requested grant, or every grant whose period overlaps the report's."""
        req = self.request
        return [
            grant
            for grant in metrics.grants_for_progress()
            if (req.grant is None or grant.pk == req.grant.pk)
            and grant.starts_on <= req.end
            and grant.ends_on >= req.start
        ]

    def targets(self) -> tuple[list[Column], Iterable[Sequence[Any]]]:
        end = self.request.end
        grants = self.grants()
        by_id = {grant.pk: grant for grant in grants}
        rows: list[Sequence[Any]] = []
        for item in metrics.grant_progress(grants, end):
            grant = by_id[item.grant_id]
            value: int | None = item.value
            percent: float | None = item.percent / 100
            status = item.status_label
            hidden = self.external and is_small(value, self.limit)
            if hidden:
                value = percent = None
                status = ""
            rows.append(
                (
                    grant.name,
                    grant.funder,
                    item.label,
                    item.target,
                    value,
                    round(item.expected, 1),
                    percent,
                    status,
                    grant.starts_on,
                    grant.ends_on,
                    min(end, grant.ends_on),
                    self.row_note(hidden),
                )
            )
        columns = [
            Column(_("Grant"), 28),
            Column(_("Funder"), 22),
            Column(_("Target"), 36),
            Column(_("Target number"), 12, COUNT),
            Column(_("So far"), 12, COUNT),
            Column(_("Expected by now"), 12, DECIMAL),
            Column(_("Share of target"), 12, PERCENT),
            Column(_("Status"), 12),
            Column(_("Grant starts"), 12),
            Column(_("Grant ends"), 12),
            Column(_("Counted to"), 12),
            Column(_("Note"), 50),
        ]
        return columns, rows

    def definitions(self) -> tuple[list[Column], Iterable[Sequence[Any]]]:
        rows = definition_rows(external=self.external, limit=self.limit)
        rows += [(_("Note"), note) for note in self.notes_seen]
        columns = [Column(_("Term"), 34), Column(_("Definition"), 110)]
        return columns, rows

    # ------------------------------------------------------------------ output

    def save(self) -> IO[bytes]:
        """Write every sheet and return the file, positioned at the start."""
        titles = sheet_titles()
        writer = XlsxWriter()
        single = str(METHOD_LABELS[Tabulation.SINGLE.value])
        combination = str(METHOD_LABELS[Tabulation.COMBINATION.value])
        once = _("Each person counts once.")
        columns, rows = self.summary()
        writer.sheet(titles[0], columns, rows, notes=self.notes(titles[0], once))
        columns, rows = self.race()
        writer.sheet(
            titles[1],
            columns,
            rows,
            notes=self.notes(titles[1], f"{single} {combination}"),
        )
        for title, by in ((titles[2], "county"), (titles[3], "language")):
            columns, rows = self.simple(by)
            writer.sheet(title, columns, rows, notes=self.notes(title, once))
        checkins = _("Check-ins per event, as counted for the whole period.")
        writer.sheet(
            titles[4],
            self.event_columns(),
            self.event_rows(),
            notes=self.notes(titles[4], checkins),
        )
        writer.sheet(
            titles[5],
            self.event_columns(ta=True),
            self.event_rows(Event.Kind.TA_SESSION.value),
            notes=self.notes(titles[5], checkins),
        )
        columns, rows = self.targets()
        writer.sheet(
            titles[6],
            columns,
            rows,
            notes=self.notes(
                titles[6], _("Progress from each grant's start to the period's end.")
            ),
        )
        columns, rows = self.definitions()
        writer.sheet(
            titles[7],
            columns,
            rows,
            notes=self.notes(
                titles[7], _("What each number in this workbook counts, and how.")
            ),
        )
        return writer.save_to_tempfile()


def build_grant_workbook(
    request: WorkbookRequest, *, now: dt.datetime | None = None
) -> IO[bytes]:
    """The grant report workbook as a temporary file positioned at the start."""
    return GrantWorkbook(request, now=now).save()
