"""The test kinds, results and stay outcomes are the words the database allows, no more and no fewer."""

from __future__ import annotations

import re
from enum import StrEnum

import pytest
from sqlalchemy import CheckConstraint

from quarantine_desk.db.models import MedicalTest, Stay
from quarantine_desk.domain.stays import StayOutcome, TestKind, TestResult


def _allowed(table: object, name: str) -> set[str]:
    for constraint in table.__table__.constraints:  # type: ignore[attr-defined]
        if isinstance(constraint, CheckConstraint) and f"{name} IN" in str(constraint.sqltext):
            return set(re.findall(r"'([^']*)'", str(constraint.sqltext)))
    raise AssertionError(f"no check constraint on {name}")


@pytest.mark.parametrize(
    ("words", "table", "column"),
    [(TestKind, MedicalTest, "kind"), (TestResult, MedicalTest, "result"), (StayOutcome, Stay, "outcome")],
)
def test_the_enum_is_what_the_database_allows(words: type[StrEnum], table: object, column: str) -> None:
    assert {w.value for w in words} == _allowed(table, column)


def test_the_words_compare_as_the_stored_text() -> None:
    assert TestResult("positive") is TestResult.POSITIVE
    assert StayOutcome.TRANSFERRED == "transferred"
    with pytest.raises(ValueError):
        TestKind("antibody")
