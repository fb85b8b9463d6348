"""Small-count protection, periods and the trend chart, without the database."""

import datetime as dt
import random

import pytest

from dashboards.charts import build_trend_chart
from dashboards.stats import TOTAL, Cell, Mark, Period, Series, monthly_series, protect

K, S, H = "barnehage", "skole", "helse"
LEVELS = ["0", "1", "2", "3"]


def texts(table, rows, columns):
    return {r: [table[r, c].text for c in columns] for r in rows}


def test_counts_under_five_are_shown_as_under_five_and_zero_as_zero():
    table = protect({(K, "0"): 1, (K, "1"): 4, (K, "2"): 5, (K, "3"): 0}, [K], LEVELS,
                    row_totals=False, column_totals=False)  # fmt: skip
    assert [table[K, c].text for c in LEVELS] == ["<5", "<5", "5", "0"]
    assert [table[K, c].value for c in LEVELS] == [None, None, 5, 0]  # the count is not kept


def test_a_table_is_protected_as_counted_by_hand():
    """Small: K nivå 3 (2), S nivå 1 (3), H nivå 2 (1), H's total (1), all kinds nivå 3 (2).
    Nivå 1 has one small cell: its smallest inner cell, K nivå 1 (5), is hidden too. Nivå 2's
    S (5) alone would leave H = 6 − S ≤ 1, one value: the column's total (6) is hidden instead.
    S's row then has one small cell: its total (15) is hidden. Everything else can be shown."""
    counts = {(K, "0"): 6, (K, "1"): 5, (K, "3"): 2, (S, "0"): 7, (S, "1"): 3, (S, "2"): 5,
              (H, "2"): 1}  # fmt: skip
    table = protect(counts, [K, S, H], LEVELS)
    assert texts(table, [K, S, H, TOTAL], [*LEVELS, TOTAL]) == {
        K: ["6", "skjult", "0", "<5", "13"],
        S: ["7", "<5", "5", "0", "skjult"],
        H: ["0", "0", "<5", "0", "<5"],
        TOTAL: ["13", "8", "skjult", "<5", "29"],
    }


def test_two_small_cells_a_total_would_give_away_get_a_third_hidden():
    # 1 + 1 + 9 = 11: with 9 and 11 shown, the two small cells could only be 1 and 1.
    table = protect({("a", "m"): 1, ("b", "m"): 1, ("c", "m"): 9}, ["a", "b", "c"], ["m"],
                    row_totals=False)  # fmt: skip
    assert [table[r, "m"].text for r in ("a", "b", "c", TOTAL)] == ["<5", "<5", "skjult", "11"]


def test_one_small_cell_next_to_a_total_is_never_alone():
    table = protect({("a", "m"): 3, ("b", "m"): 40}, ["a", "b"], ["m"], row_totals=False)
    assert table["a", "m"].mark == Mark.SMALL
    assert table["b", "m"].mark == Mark.HIDDEN  # else 43 − 40 = 3
    assert table[TOTAL, "m"].text == "43"


def _lines(table, rows, columns, row_totals=True, column_totals=True):
    lines = []
    if column_totals:
        lines += [[(r, c) for r in (*rows, TOTAL)] for c in columns]
    if row_totals:
        lines += [[(r, c) for c in (*columns, TOTAL)] for r in rows]
    if row_totals and column_totals:
        lines += [[(TOTAL, c) for c in (*columns, TOTAL)], [(r, TOTAL) for r in (*rows, TOTAL)]]
    return lines


def test_on_many_tables_no_line_gives_a_small_count_away():
    """Property check on random sparse tables: every count 1–4 is suppressed, no line has just
    one suppressed cell, and no small cell has one possible value given the rest of its line."""
    rng = random.Random(7)
    for _ in range(300):
        rows = [f"r{i}" for i in range(rng.randint(1, 5))]
        columns = [f"c{j}" for j in range(rng.randint(1, 5))]
        counts = {
            (r, c): rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 9, 14, 40]) for r in rows for c in columns
        }
        row_totals = rng.random() < 0.7
        table = protect(counts, rows, columns, row_totals=row_totals)
        truth = dict(counts)
        for c in columns:
            truth[TOTAL, c] = sum(counts[r, c] for r in rows)
        for r in rows:
            truth[r, TOTAL] = sum(counts[r, c] for c in columns)
        truth[TOTAL, TOTAL] = sum(counts.values())
        for key, cell in table.items():
            assert (0 < truth[key] < 5) == (cell.mark == Mark.SMALL), (counts, key)
            assert cell.suppressed or cell.value == truth[key]
        for line in _lines(table, rows, columns, row_totals):
            hidden = [k for k in line if table[k].suppressed]
            assert len(hidden) != 1, (counts, line)
            *members, total = line
            for key in hidden:
                if table[key].mark != Mark.SMALL:
                    continue
                # what a reader can conclude from the line alone
                lo = {k: (1 if table[k].mark == Mark.SMALL else 5) if table[k].suppressed
                      else table[k].value for k in line}  # fmt: skip
                hi = {k: (4 if table[k].mark == Mark.SMALL else 10**9) if table[k].suppressed
                      else table[k].value for k in line}  # fmt: skip
                others = [m for m in members if m != key]
                if key == total:
                    low, high = sum(lo[m] for m in members), sum(hi[m] for m in members)
                else:
                    low = lo[total] - sum(hi[m] for m in others)
                    high = hi[total] - sum(lo[m] for m in others)
                assert max(low, 1) < min(high, 4), (counts, line, key)


def test_what_a_month_hides_does_not_depend_on_the_period_or_the_kind_asked_for():
    months = [dt.date(2026, m, 1) for m in (1, 2, 3)]
    counts = {(K, months[0]): 2, (S, months[0]): 30, (K, months[1]): 7, (S, months[2]): 1}
    rows = [K, S]
    whole = {row: monthly_series("x", "x", counts, months=months, rows=rows, row=row)
             for row in (K, S, TOTAL)}  # fmt: skip
    january = {row: monthly_series("x", "x", counts, months=months[:1], rows=rows, row=row)
               for row in (K, S, TOTAL)}  # fmt: skip
    for row in (K, S, TOTAL):
        assert whole[row].cells[0] == january[row].cells[0]
    assert [whole[r].cells[0].text for r in (K, S, TOTAL)] == ["<5", "skjult", "32"]
    # March: S 1 alone, the total would be 1 too: both small, nothing more to hide.
    assert [whole[r].cells[2].text for r in (K, S, TOTAL)] == ["0", "<5", "<5"]


def test_a_series_without_rows_suppresses_its_small_months():
    months = [dt.date(2026, 1, 1), dt.date(2026, 2, 1)]
    series = monthly_series("x", "x", {(TOTAL, months[0]): 3, (TOTAL, months[1]): 8},
                            months=months)  # fmt: skip
    assert [c.text for c in series.cells] == ["<5", "8"]


def test_a_period_is_whole_months_in_local_time():
    period = Period.last_months(12, today=dt.date(2026, 1, 20))
    assert (period.first, period.last) == (dt.date(2025, 2, 1), dt.date(2026, 1, 1))
    assert len(period.months) == 12 and period.months[-1] == dt.date(2026, 1, 1)
    assert period.starts_at.isoformat() == "2025-02-01T00:00:00+01:00"
    assert period.ends_at.isoformat() == "2026-02-01T00:00:00+01:00"
    summer = Period(dt.date(2026, 7, 1), dt.date(2026, 7, 1))
    assert summer.starts_at.isoformat() == "2026-07-01T00:00:00+02:00"


@pytest.mark.parametrize("shown", ["<5", "skjult"])
def test_the_chart_draws_a_suppressed_count_hatched_at_the_threshold_and_says_so(shown):
    mark = Mark.SMALL if shown == "<5" else Mark.HIDDEN
    months = [dt.date(2026, 1, 1), dt.date(2026, 2, 1)]
    opened = Series("opened", "Nye saker", (Cell(20), Cell(None, mark)))
    closed = Series("close", "Avsluttet", (Cell(0), Cell(10)))
    chart = build_trend_chart(months, [opened, closed])
    bars = {bar.title: bar for bar in chart.bars}
    hidden = bars[f"februar 2026: nye saker {shown}"]
    assert hidden.suppressed and hidden.label == shown
    assert hidden.y == chart.threshold_y  # drawn up to the line of 5, whatever the count
    assert not bars["januar 2026: nye saker 20"].suppressed
    assert float(bars["januar 2026: avsluttet 0"].height) == 0
    assert "januar 2026: nye saker 20, avsluttet 0." in chart.description
    assert f"februar 2026: nye saker {shown}, avsluttet 10." in chart.description
    assert [t.label for t in chart.ticks] == ["0", "5", "10", "15", "20"]
