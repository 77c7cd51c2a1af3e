"""Shared helpers of the SQL-backend tests: the shipped rubrics, their sample data and as-of
dates, and the comparison that says two engines produced the same result (domain.md §3).

Loaded by path (`conftest.py` and the test modules), like `tests/backends/reference`.
"""

from __future__ import annotations

import functools
import math
from datetime import date, datetime, timezone
from pathlib import Path

import pyarrow as pa

import rubric
from rubric.sample.generate import DEFAULT_ANCHORS, generate_sample

__all__ = ["AS_OF", "FIXED_AS_OFS", "RUBRICS", "SAMPLE_MERCHANTS", "SAMPLE_OF", "SAMPLES", "TOLERANCE",
           "assert_same_results", "differences", "program", "rubric_path", "type_differences", "write_sample"]

RUBRICS = ("tiktok_shop_store_rating", "shopee_service_rating", "douyin_experience_score",
           "douyin_cs_satisfaction", "aicaigou_store_score")

# domain.md §3: engines may differ by one unit in the 9th decimal, nothing else. Two ulps of
# slack on top absorb the binary representation of that unit (81.019715433 - 81.019715432
# is 1.0000036e-09 in float64), never a second unit.
TOLERANCE = 1e-9

# One as-of per rubric for the golden SQL and the CLI; douyin_experience_score inside the
# shadow period of its 2022-09 version, so both versions' queries are in the text.
AS_OF = {name: date(2024, 6, 3) for name in RUBRICS} | {"douyin_experience_score": date(2022, 9, 20)}

# Sample data sets: the four 2024 rubrics share one (anchors at 2024-06-03 00:00 in UTC and in
# UTC+8, the generator's defaults); the Douyin experience score needs 2022-09/10.
SAMPLE_MERCHANTS = 40
SAMPLES = {
    "2024": dict(start=date(2024, 1, 1), end=date(2024, 7, 1), anchors=DEFAULT_ANCHORS),
    "2022": dict(start=date(2022, 4, 1), end=date(2022, 11, 1),
                 anchors=(datetime(2022, 9, 19, 16, tzinfo=timezone.utc),      # 2022-09-20 UTC+8
                          datetime(2022, 10, 9, 16, tzinfo=timezone.utc))),    # 2022-10-10 UTC+8
}
SAMPLE_OF = {name: "2024" for name in RUBRICS} | {"douyin_experience_score": "2022"}

# Fixed-example as-of dates on the sample data, each chosen for what it exercises.
FIXED_AS_OFS = {
    "tiktok_shop_store_rating": (date(2024, 6, 3),      # the anchor: rows at as-of and 1 µs before
                                 date(2024, 3, 1)),     # windows across 29 Feb; weekly history in Feb
    "shopee_service_rating": (date(2024, 6, 3),         # UTC+8 anchor
                              date(2024, 3, 31),        # monthly history: 31 Mar - 1 month = 29 Feb
                              date(2024, 6, 30)),       # the day before the data snapshot
    "douyin_cs_satisfaction": (date(2024, 6, 3), date(2024, 6, 2), date(2024, 5, 1)),
    "aicaigou_store_score": (date(2024, 6, 3),          # lowest risk points in force, ranks
                             date(2024, 4, 15),
                             date(2024, 6, 30)),
    "douyin_experience_score": (date(2022, 9, 7),       # 2022-06 version, no shadow yet
                                date(2022, 9, 20),      # shadow period: v2022_09 shadow score and gate
                                date(2022, 9, 25),      # last day of v2022_06
                                date(2022, 9, 26),      # v2022_09 in force
                                date(2022, 10, 10)),
}


def rubric_path(name: str) -> Path:
    return rubric.shipped_rules_dir() / f"{name}.rubric"


@functools.lru_cache(maxsize=None)
def program(name: str):
    return rubric.compile_file(rubric_path(name))


def write_sample(folder: Path, which: str, fmt: str = "parquet", merchants: int = SAMPLE_MERCHANTS,
                 seed: int = 7) -> Path:
    generate_sample(folder, merchants=merchants, seed=seed, fmt=fmt, **SAMPLES[which])
    return folder


# --- comparing results ---------------------------------------------------------------------------

def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _same(expected, actual) -> bool:
    if expected is None or actual is None:
        return expected is None and actual is None
    if _is_number(expected) and _is_number(actual):
        if math.isnan(expected) or math.isnan(actual):
            return math.isnan(expected) and math.isnan(actual)
        slack = 2 * math.ulp(max(abs(expected), abs(actual), 1.0))
        return abs(expected - actual) <= TOLERANCE + slack
    # strings and booleans: identical, and of the same kind (True is not 1)
    return type(expected) is type(actual) and expected == actual


def differences(expected: pa.Table, actual: pa.Table, limit: int = 20) -> list[str]:
    """Every way `actual` differs from `expected`: columns, row order, then cell by cell."""
    if expected.column_names != actual.column_names:
        missing = [c for c in expected.column_names if c not in actual.column_names]
        extra = [c for c in actual.column_names if c not in expected.column_names]
        return [f"columns differ: missing {missing}, extra {extra}, "
                f"order expected {expected.column_names}, got {actual.column_names}"]
    found = []
    ids_e, ids_a = expected.column("merchant_id").to_pylist(), actual.column("merchant_id").to_pylist()
    if ids_e != ids_a:
        return [f"merchant rows differ: expected {ids_e}, got {ids_a}"]
    rows_e, rows_a = expected.to_pylist(), actual.to_pylist()
    for row_e, row_a in zip(rows_e, rows_a):
        for name in expected.column_names:
            if not _same(row_e[name], row_a[name]):
                found.append(f"{row_e['merchant_id']} {name}: expected {row_e[name]!r}, got {row_a[name]!r}")
    if len(found) > limit:
        found = found[:limit] + [f"... and {len(found) - limit} more"]
    return found


def type_differences(expected: pa.Table, actual: pa.Table) -> list[str]:
    return [f"{e.name}: expected {e.type}, got {a.type}"
            for e, a in zip(expected.schema, actual.schema) if e.type != a.type]


def assert_same_results(expected: pa.Table, actual: pa.Table, context: str = "") -> None:
    found = differences(expected, actual)
    assert not found, f"{context}: {len(found)} difference(s) from the reference\n  " + "\n  ".join(found)
