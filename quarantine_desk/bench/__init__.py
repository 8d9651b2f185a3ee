"""The province benchmark: a generated database and each operation timed beside its reference (BENCHMARKS.md)."""
