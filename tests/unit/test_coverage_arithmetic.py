"""Coverage arithmetic and periods: pure functions, and the modules stay pure."""

import ast
from datetime import UTC, datetime
from pathlib import Path

import pytest

import academy.coverage
from academy.coverage import arithmetic, periods
from academy.coverage.arithmetic import (
    NO_TARGET,
    NOT_AT_THIS_PACE,
    ON_PACE,
    REACHED,
    coverage_percent,
    project,
)
from academy.coverage.periods import Period

H1, H2 = Period(2026, 1), Period(2026, 2)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026H1", H1),
        ("2026H2", H2),
        ("2026h2", H2),
        (" 2026-H2 ", H2),
        ("2026 H1", H1),
    ],
)
def test_parse_reads_a_half_year(text, expected):
    assert periods.parse(text) == expected


@pytest.mark.parametrize(
    "text", ["", None, "2026", "2026H3", "2026H0", "26H1", "H1 2026", "2026Q1", "2026H1; drop table"]
)
def test_parse_refuses_anything_else(text):
    with pytest.raises(ValueError, match="like 2026H1"):
        periods.parse(text)


@pytest.mark.parametrize("text", ["1999H1", "9999H1"])
def test_parse_refuses_years_out_of_range(text):
    with pytest.raises(ValueError, match="year must be between"):
        periods.parse(text)


def test_period_boundaries_are_the_first_instants_of_half_years_in_utc():
    assert H1.start == datetime(2026, 1, 1, tzinfo=UTC)
    assert H1.end == datetime(2026, 7, 1, tzinfo=UTC) == H2.start
    assert H2.end == datetime(2027, 1, 1, tzinfo=UTC)
    assert str(H2) == "2026H2" and H2.label == "July to December 2026" and H1.last_day == "30 June 2026"


def test_a_period_contains_its_start_but_not_its_end():
    assert H1.contains(H1.start)
    assert H1.contains(datetime(2026, 6, 30, 23, 59, 59, 999999, tzinfo=UTC))
    assert not H1.contains(H1.end)


def test_stepping_crosses_years():
    assert H2.next() == Period(2027, 1)
    assert H1.previous() == Period(2025, 2)
    assert H1.next(5) == Period(2028, 2)
    assert periods.window(H1, 4) == [Period(2024, 2), Period(2025, 1), Period(2025, 2), H1]
    assert periods.between(Period(2025, 2), Period(2027, 1)) == 3


def test_containing_uses_utc():
    assert periods.containing(datetime(2026, 6, 30, 23, 0, tzinfo=UTC)) == H1
    assert periods.containing(datetime(2026, 7, 1, tzinfo=UTC)) == H2


@pytest.mark.parametrize(
    ("trained", "target", "expected"),
    [
        (42, 60, 70),
        (0, 10, 0),
        (10, 10, 100),
        (15, 10, 150),
        (199, 200, 99),
        (5, None, None),
        (5, 0, None),
    ],
)
def test_coverage_percent_rounds_down_so_100_means_reached(trained, target, expected):
    assert coverage_percent(trained, target) == expected


def test_pace_is_the_average_change_over_the_last_two_periods():
    assert arithmetic.pace([0, 10, 20, 40]) == 15
    assert arithmetic.pace([50, 40]) is None


def test_projection_gives_the_half_year_the_target_is_reached():
    result = project([0, 10, 20, 30], target=55, current=H2)  # +10 a half-year: 25 to go, 3 half-years
    assert result.status == ON_PACE and result.period == Period(2028, 1) and result.pace == 10
    assert result.words == "2028H1"


def test_projection_reached_exactly_on_the_boundary():
    result = project([0, 10, 20, 30], target=40, current=H2)
    assert result.period == Period(2027, 1)


def test_projection_already_reached():
    assert project([1, 2, 3, 60], target=60, current=H2) == arithmetic.Projection(REACHED, H2, 29.0)


@pytest.mark.parametrize("history", [[30, 30, 30, 30], [40, 40, 35, 30], [0, 0, 0, 0]])
def test_projection_not_at_this_pace_when_not_growing(history):
    result = project(history, target=100, current=H2)
    assert result.status == NOT_AT_THIS_PACE and result.period is None and result.words == "not at this pace"


def test_projection_too_far_away_is_not_at_this_pace():
    assert project([0, 0, 1, 2], target=1000, current=H2).status == NOT_AT_THIS_PACE
    assert project([0, 0, 10, 20], target=220, current=H2).status == ON_PACE  # exactly 20 half-years


def test_projection_without_target():
    assert project([0, 1, 2, 3], target=None, current=H2).status == NO_TARGET
    assert project([0, 1, 2, 3], target=0, current=H2).words == "no target"


def test_projection_counts_lapses_against_the_pace():
    # 20 newly trained per half-year but 20 lapse too: the headcount is flat, so never.
    assert project([100, 100, 100], target=150, current=H2).status == NOT_AT_THIS_PACE


@pytest.mark.parametrize(
    ("number", "words"), [(6, "+6"), (-2, "−2"), (0, "0"), (1.5, "+1.5"), (None, "—"), (4.0, "+4")]
)
def test_signed(number, words):
    assert arithmetic.signed(number) == words


PURE = ("periods.py", "arithmetic.py", "chart.py", "figures.py", "indicators.py", "export.py")
FORBIDDEN = ("flask", "flask_sqlalchemy", "flask_login", "flask_wtf", "sqlalchemy", "werkzeug", "markupsafe")


@pytest.mark.parametrize("name", PURE)
def test_pure_modules_import_no_web_or_database_code(name):
    source = (Path(academy.coverage.__file__).parent / name).read_text()
    for node in ast.walk(ast.parse(source)):
        modules = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules = [node.module]
        for module in modules:
            assert module.split(".")[0] not in FORBIDDEN, f"{name} imports {module}"
            if module.startswith("academy."):
                assert module.startswith(("academy.coverage.", "academy.curriculum.model")), module
            assert module not in ("academy.coverage.service", "academy.coverage.views"), module
