"""Small-number suppression: primary and complementary, worked out by hand."""

from __future__ import annotations

import pytest

from reports.metrics import suppress_matrix, suppress_table
from reports.metrics.tables import Row, Table


def test_every_cell_below_the_threshold_is_hidden_and_zero_is_shown():
    hidden = suppress_matrix(
        [[0, 1, 9, 10, 25]], 10, rows_add_up=False, columns_add_up=False
    )

    assert hidden == [[False, True, True, False, False]]


def test_a_row_with_exactly_one_hidden_cell_hides_its_smallest_other_cell():
    #   row total 12 + 30 + 5 = 47: hiding only 5 leaves 47 - 42 = 5 recoverable.
    hidden = suppress_matrix([[12, 30, 5]], 10, columns_add_up=False)

    assert hidden == [[True, False, True]]


def test_a_column_with_exactly_one_hidden_cell_hides_one_more():
    hidden = suppress_matrix([[40], [3], [15], [22]], 10, rows_add_up=False)

    assert hidden == [[False], [True], [True], [False]]


def test_complementary_suppression_repeats_until_no_line_has_a_single_hidden_cell():
    cells = [
        [4, 20, 30],
        [25, 11, 40],
        [50, 60, 70],
    ]

    hidden = suppress_matrix(cells, 10)

    # Row 0 hides 4 (primary) and 20 (smallest other); column 0 then hides 25,
    # column 1 hides 11; row 1 has two hidden, so it is safe; every line with a
    # hidden cell has at least two.
    assert hidden[0] == [True, True, False]
    assert hidden[1] == [True, True, False]
    assert hidden[2] == [False, False, False]
    for line in [*hidden, *zip(*hidden, strict=True)]:
        assert sum(line) != 1


def test_two_hidden_cells_in_a_line_need_no_complement():
    hidden = suppress_matrix([[3, 4, 50]], 10, columns_add_up=False)

    assert hidden == [[True, True, False]]


def table(*people: int) -> Table:
    total = sum(people)
    return Table(
        by="race_ethnicity",
        method="single",
        method_label="single",
        rows=[
            Row(
                key=f"g{i}",
                label=f"Group {i}",
                people=n,
                attendance=n * 2,
                share=n / total,
            )
            for i, n in enumerate(people)
        ],
        total_people=total,
        total_attendance=total * 2,
    )


def test_external_tables_hide_small_counts_their_shares_and_one_more_and_say_so():
    external = suppress_table(table(40, 6, 15, 22), limit=10)
    rows = external.rows

    assert [r.people for r in rows] == [40, None, None, 22]
    assert [r.share for r in rows][1:3] == [None, None]
    assert rows[0].share == pytest.approx(40 / 83)
    # check-ins 80, 12, 30, 44: none under 10, so all shown
    assert [r.attendance for r in rows] == [80, 12, 30, 44]
    assert external.total_people == 83
    assert external.suppressed and external.external
    assert any("hidden" in note for note in external.notes)


def test_a_small_total_is_hidden_too():
    external = suppress_table(table(2, 3), limit=10)

    assert external.total_people is None
    assert [r.people for r in external.rows] == [None, None]


def test_nothing_small_means_nothing_hidden_and_no_note():
    external = suppress_table(table(40, 15), limit=10)

    assert not external.suppressed
    assert external.notes == []
