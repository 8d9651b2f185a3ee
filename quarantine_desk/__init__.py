"""Quarantine Desk: runs centralized quarantine facilities and keeps cohorts apart."""

__version__ = "0.1.0"
