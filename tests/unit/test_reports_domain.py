"""The daily report's figures hold together: the day's balance, and no more beds in use than beds."""

from __future__ import annotations

from quarantine_desk.domain.reports import FigureProblem, figure_problems

GOOD = {
    "beds_total": 200,
    "beds_occupied": 150,
    "present_start": 140,
    "admitted": 20,
    "released": 8,
    "transferred_positive": 2,
    "present_now": 150,
}


def test_figures_that_hold_together() -> None:
    assert figure_problems(GOOD) == ()


def test_a_present_count_that_does_not_follow_from_the_day() -> None:
    (problem,) = figure_problems({**GOOD, "present_now": 999})
    assert problem == FigureProblem(
        "balance", ("present_start", "admitted", "released", "transferred_positive", "present_now"), 150, 999
    )


def test_more_beds_in_use_than_beds() -> None:
    problems = figure_problems({**GOOD, "beds_occupied": 201})
    assert [p.kind for p in problems] == ["over_beds"] and problems[0].found == 201


def test_both_at_once() -> None:
    assert [p.kind for p in figure_problems({**GOOD, "beds_occupied": 300, "admitted": 0})] == [
        "balance",
        "over_beds",
    ]
