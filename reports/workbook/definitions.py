"""The Definitions and notes sheet: what each number on the other sheets means."""

from __future__ import annotations

from django.utils.translation import gettext as _

from reports.metrics.race import EXTRA_LABELS, METHOD_LABELS, UNKNOWN_LABELS
from reports.metrics.suppression import suppression_note
from reports.models import Tabulation


def definition_rows(*, external: bool, limit: int) -> list[tuple[str, str]]:
    """(term, definition) rows, in the order the workbook prints them."""
    single = Tabulation.SINGLE.value
    combination = Tabulation.COMBINATION.value
    rows: list[tuple[str, str]] = [
        (
            _("Engaged person"),
            _(
                "A person (not archived or merged) checked in at a non-cancelled "
                "event starting in the period, or reached by outreach in the "
                "period (reached, committed to attend or declined: a "
                "conversation took place). Counted once however often engaged."
            ),
        ),
        (
            _("Attendance (check-ins)"),
            _("Attended sign-ins at events; a person at three events counts 3."),
        ),
        (
            _("Attendees"),
            _("Unique people per event, added up over events."),
        ),
        (
            _("Unique people at events"),
            _("People checked in at least once, across all events."),
        ),
        (
            _("People reached by outreach"),
            _("Unique people reached one to one (call, text, door, meeting)."),
        ),
        (
            _("Share of engaged people"),
            _(
                "A group's engaged people divided by all engaged people, the "
                "unknown buckets included."
            ),
        ),
        (str(Tabulation(single).label), str(METHOD_LABELS[single])),
        (str(Tabulation(combination).label), str(METHOD_LABELS[combination])),
        (
            str(EXTRA_LABELS["WRITE_IN_ONLY"]),
            _("Reported in their own words without choosing a category."),
        ),
        *(
            (
                str(label),
                _("Self-identification status; never inferred or dropped."),
            )
            for label in UNKNOWN_LABELS.values()
        ),
        (
            _("Events"),
            _(
                "Non-cancelled events starting in the period (in the grant's "
                "programs when a grant is chosen). Check-ins as counted above; "
                "head count includes people who did not sign in."
            ),
        ),
        (
            _("Technical assistance"),
            _(
                "Events of kind technical assistance session, with hours given "
                "and the organizations that received them."
            ),
        ),
        (
            _("Targets and progress"),
            _(
                "Each target counted from the grant's start to the end of the "
                "report period (or the grant's end, if sooner). On track: the "
                "count has reached the target times the share of the grant "
                "period passed."
            ),
        ),
        (
            _("Small-number suppression"),
            suppression_note(limit)
            if external
            else _("Not applied: this is the internal variant."),
        ),
        (
            _("Personal data"),
            _("None: people appear only as counts, in both variants."),
        ),
    ]
    return rows
