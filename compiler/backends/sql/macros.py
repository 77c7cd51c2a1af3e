"""The functions the SQL relies on that engines define before running it (no compiler
imports: the DuckDB runner loads this on a cached run)."""

from __future__ import annotations

__all__ = ["R9_BODY", "R9_MACRO"]

# R9(x): 9 decimals, half away from zero, of the shortest decimal that reads back as x (what
# the reference evaluator does with Decimal(repr(x))). Plain ROUND(x, 9) works on the binary
# value and can differ by one unit where the decimal ends in 5 at the 10th place; only then is
# the exact (slower) path taken. Engines that run the SQL define it as a macro or function.
R9_BODY = ("CASE WHEN abs(x) >= 1e15 THEN x WHEN abs(abs(x) * 1e9 - floor(abs(x) * 1e9) - 0.5) < 1e-7 + abs(x) * 1e-6 "
           "THEN CAST(CAST(CAST(x AS {text}) AS DECIMAL(38, 9)) AS DOUBLE) ELSE round(x, 9) END")
R9_MACRO = {
    "duckdb": "CREATE OR REPLACE TEMP MACRO R9(x) AS " + R9_BODY.format(text="VARCHAR"),
    "spark": "CREATE OR REPLACE TEMPORARY FUNCTION R9(x DOUBLE) RETURNS DOUBLE RETURN " + R9_BODY.format(text="STRING"),
}
