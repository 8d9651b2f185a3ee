"""What a daily report's figures must satisfy to be believed when the district adds them up.

A facility's people at 16:00 are those of the morning, plus the admitted, less the released and the transferred;
and a facility never has more beds in use than it has beds. A report that breaks either was typed over or made
up, and the district's total would carry the error on without a word.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

#: The figures of the balance, in the order it reads: start + admitted − released − transferred = now.
BALANCE = ("present_start", "admitted", "released", "transferred_positive", "present_now")


@dataclass(frozen=True)
class FigureProblem:
    """One rule a facility's figures break. ``fields`` name the figures involved, the one to look at last."""

    kind: str  # "balance" or "over_beds"
    fields: tuple[str, ...]
    expected: int  # what the last field should be at most (over_beds) or exactly (balance)
    found: int


def figure_problems(figures: Mapping[str, int]) -> tuple[FigureProblem, ...]:
    """The rules that ``figures`` (by the report's field names) break; empty when they hold together."""
    problems: list[FigureProblem] = []
    start, admitted, released, transferred, now = (figures[name] for name in BALANCE)
    expected = start + admitted - released - transferred
    if expected != now:
        problems.append(FigureProblem("balance", BALANCE, expected, now))
    if figures["beds_occupied"] > figures["beds_total"]:
        problems.append(
            FigureProblem(
                "over_beds", ("beds_total", "beds_occupied"), figures["beds_total"], figures["beds_occupied"]
            )
        )
    return tuple(problems)
