"""The meals of a day and who eats them: the kitchen's counts are kept per meal and per kind of diner."""

from __future__ import annotations

MEALS = ("breakfast", "lunch", "dinner")
DINERS = ("quarantined", "staff")
