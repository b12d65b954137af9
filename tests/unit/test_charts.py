"""Chart geometry: ticks cover the data, bars start at zero, bounds keep their direction."""

import pytest

from flows.brief.charts import Mark, bar_chart, column_chart, direction_of, nice_step, scale_for


def test_nice_steps() -> None:
    assert nice_step(2.95e12) == 1e12
    assert nice_step(48.33 * 1.05) == 20
    assert nice_step(1.12e6) == 500_000


def test_column_ticks_cover_the_tallest_column() -> None:
    marks = [Mark("2023", 2.374e12, "about"), Mark("2024", 2.63e12, "2.63")]
    chart = column_chart("t", marks, "yuan")
    assert [label for _, label in chart.ticks] == ["0", "1", "2", "3"]
    assert chart.axis_label == "trillion yuan"
    top_tick_y = chart.ticks[-1][0]
    assert all(m.y >= top_tick_y for m in marks)
    assert marks[1].height / marks[0].height == pytest.approx(2.63 / 2.374, rel=1e-12)


def test_bar_chart_handles_a_fall() -> None:
    marks = [Mark("up", 18.7, "+18.7%"), Mark("down", -3.9, "−3.9%")]
    chart = bar_chart("t", marks, "percent")
    assert marks[1].x < chart.baseline < marks[0].x + marks[0].width
    assert abs(marks[1].x + marks[1].width - chart.baseline) < 1e-9


def test_directions_and_scales() -> None:
    assert [direction_of(c) for c in (">", ">=", "<", "<=", "=", "~", None)] == [
        1, 1, -1, -1, 0, 0, 0]
    assert scale_for(2.63e12, "yuan") == (1e12, "trillion yuan")
    assert scale_for(1_000_000, "entities") == (1e3, "thousand entities")
    assert scale_for(48.33, "percent") == (1.0, "percent")


@pytest.mark.parametrize("span", [float("inf"), float("nan"), 0.0, -5.0])
def test_a_span_that_is_not_a_positive_number_gets_a_step_of_one(span: float) -> None:
    assert nice_step(span) == 1.0  # inf raised OverflowError, nan ValueError


def test_charts_of_values_beyond_float_range_are_still_drawn() -> None:
    column = column_chart("t", [Mark("a", float("inf"), "inf")], "yuan")
    bars = bar_chart("t", [Mark("up", 1e308, "x"), Mark("down", -1e308, "y")], "yuan")
    assert [label for _, label in column.ticks] == ["0", "1e-12"]
    assert len(bars.ticks) == 2


def test_a_column_label_breaks_after_its_number_so_neighbours_do_not_overlap() -> None:
    from flows.brief.charts import Mark

    assert Mark("2020", 3.13e11, "about 313 billion yuan").value_lines == [
        "about 313", "billion yuan"]
    assert Mark("2019", 2.9678e11, "296.78 billion yuan").value_lines == [
        "296.78", "billion yuan"]
    assert Mark("2024", 0.06, "6%").value_lines == ["6%"]
    assert Mark("x", 1.0, "—").value_lines == ["—"]
