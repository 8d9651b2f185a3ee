"""The words of a stay as stored: the kinds and results of tests, and how a stay ended.

The values are the ones in the database and in the command line's JSON; the screens and documents turn them
into words of their language.
"""

from __future__ import annotations

from enum import StrEnum

# From this temperature (°C) a health check counts as fever.
FEVER_FROM = 37.5


class TestKind(StrEnum):
    __test__ = False  # not a pytest test class, despite the name

    RAPID = "rapid"  # rapid antigen test
    PCR = "pcr"  # RT-PCR


class TestResult(StrEnum):
    __test__ = False

    NEGATIVE = "negative"
    POSITIVE = "positive"
    PENDING = "pending"


class StayOutcome(StrEnum):
    COMPLETED = "completed"  # released at the end of the period (or early, with a manager's reason)
    TRANSFERRED = "transferred"  # to a treatment facility or elsewhere
    OTHER = "other"  # released by a manager although a test was positive
