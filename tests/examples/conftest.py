"""Example cases for the shipped rubrics: worked-out inputs and expected numbers, as data.

Each `tests/examples/**/*.toml` file is one pytest item, named after the file's stem. A case
file says which shipped rubric it scores, the as-of date, the input rows table by table, and
the numbers expected in the output (domain.md section 3):

    rubric = "tiktok_shop_store_rating"      # rules/<rubric>.rubric
    as_of = "2024-06-03"
    # xfail = "why"                          # optional: a known engine bug (strict xfail)

    [tables.orders]
    defaults = { is_fraud = false, amount = 10.0 }   # merged under every row
    rows = [
      { order_id = "o1", merchant_id = "m1", paid_at = "2024-05-20T00:00:00Z" },
    ]

    [[expect]]
    merchant = "m1"
    column = "score"
    value = 4.123456789          # floats: abs tolerance 1e-9; "null" (or is_null = true): null

    [[explain]]                  # optional: what the explanation tells the merchant
    merchant = "m1"
    lang = "en"                  # or "zh"; default "en"
    contains = ["the next level up 4 needs store_rank >= 70%; you have 60.00%"]

Every table of the data model is written as a CSV holding all its declared columns; a table
the case does not list is written with its header only, and a column a row leaves out is
null. When an expectation fails, the report lists every failed expectation (expected and
got) and the explanation of each merchant involved, like openfisca's test runner.

An `[[explain]]` entry asserts that `result.explain_text(merchant, lang)` contains each of
the given substrings. The explanation is a tree wrapped at a fixed width, so both sides are
compared after removing the tree's guide characters and collapsing runs of white space: a
substring may span a wrapped line.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import math
import re
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import pytest

import rubric

__all__ = ["pytest_collect_file"]

EXAMPLES = Path(__file__).resolve().parent
RULES = EXAMPLES.parents[1] / "rules"
TOLERANCE = 1e-9  # domain.md section 3: one unit in the 9th decimal
CASE_KEYS = {"rubric", "as_of", "xfail", "tables", "expect", "explain"}
TABLE_KEYS = {"rows", "defaults"}
EXPECT_KEYS = {"merchant", "column", "value", "is_null", "note"}
EXPLAIN_KEYS = {"merchant", "lang", "contains", "note"}
_GUIDES = re.compile(r"[│├└─┬┼┤┌┐┘]")
_SPACES = re.compile(r"\s+")


def pytest_collect_file(file_path: Path, parent):
    if file_path.suffix == ".toml" and EXAMPLES in file_path.parents:
        return ExampleFile.from_parent(parent, path=file_path)
    return None


class CaseError(Exception):
    """The case file itself is malformed (a typo in a key, a table or a column)."""


@functools.lru_cache(maxsize=None)
def _program(name: str):
    return rubric.compile_file(RULES / f"{name}.rubric")


class ExampleFile(pytest.File):
    def collect(self):
        case = tomllib.loads(self.path.read_text(encoding="utf-8"))
        item = ExampleItem.from_parent(self, name=self.path.stem, case=case)
        if "xfail" in case:
            item.add_marker(pytest.mark.xfail(reason=str(case["xfail"]), strict=True))
        yield item


# --- writing the input tables ----------------------------------------------------------------


def _cell(value: Any) -> str:
    """A TOML value as the CSV data format writes it (domain.md section 2)."""
    if value is None or value == "null":
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise CaseError(f"timestamp {value} has no offset: write it in UTC with a trailing Z")
        return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _write_tables(program, tables: dict[str, Any], folder: Path) -> None:
    declared = {t.name: t for t in program.data.tables}
    unknown = sorted(set(tables) - set(declared))
    if unknown:
        raise CaseError(f"unknown table(s) {', '.join(unknown)}; the data model declares {', '.join(declared)}")
    for name, table in declared.items():
        spec = tables.get(name, {})
        bad_keys = sorted(set(spec) - TABLE_KEYS)
        if bad_keys:
            raise CaseError(f"[tables.{name}] has unknown key(s) {', '.join(bad_keys)} (use rows, defaults)")
        columns = [c.name for c in table.columns]
        defaults = spec.get("defaults", {})
        with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(columns)
            for number, row in enumerate(spec.get("rows", []), start=1):
                merged = {**defaults, **row}
                typos = sorted(set(merged) - set(columns))
                if typos:
                    raise CaseError(f"[tables.{name}] row {number} names undeclared column(s) "
                                    f"{', '.join(typos)}; declared: {', '.join(columns)}")
                writer.writerow([_cell(merged.get(c)) for c in columns])


# --- comparing -------------------------------------------------------------------------------


def _expected(entry: dict[str, Any]) -> Any:
    if entry.get("is_null") or entry.get("value") == "null":
        return None
    if "value" not in entry:
        raise CaseError(f"expectation {entry} has neither `value` nor `is_null = true`")
    return entry["value"]


def _matches(expected: Any, got: Any) -> bool:
    if expected is None or got is None:
        return expected is None and got is None
    if isinstance(expected, bool) or isinstance(got, bool):
        return expected is got
    if isinstance(expected, (int, float)):
        return isinstance(got, (int, float)) and math.isfinite(got) and abs(got - expected) <= TOLERANCE
    return expected == got


def _show(value: Any) -> str:
    return "null" if value is None else repr(value)


def _flat(text: str) -> str:
    """An explanation as one line: tree guides removed, white space collapsed (wraps undone)."""
    return _SPACES.sub(" ", _GUIDES.sub(" ", text)).strip()


class ExampleFailure(Exception):
    def __init__(self, lines: list[str]):
        super().__init__("\n".join(lines))
        self.lines = lines


class ExampleItem(pytest.Item):
    def __init__(self, *, case: dict[str, Any], **kwargs):
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        case = self.case
        bad_keys = sorted(set(case) - CASE_KEYS)
        if bad_keys:
            raise CaseError(f"unknown top-level key(s) {', '.join(bad_keys)}")
        program = _program(case["rubric"])
        expectations = case.get("expect", [])
        if not expectations:
            raise CaseError("the case expects nothing: add [[expect]] entries")
        explanations = case.get("explain", [])
        for entry in explanations:
            bad_keys = sorted(set(entry) - EXPLAIN_KEYS)
            if bad_keys:
                raise CaseError(f"[[explain]] {entry} has unknown key(s) {', '.join(bad_keys)}")
            if "merchant" not in entry or not isinstance(entry.get("contains"), list) or not entry["contains"]:
                raise CaseError(f"[[explain]] {entry} needs `merchant` and a non-empty list `contains`")
            if entry.get("lang", "en") not in ("en", "zh"):
                raise CaseError(f"[[explain]] {entry}: lang must be \"en\" or \"zh\"")
        with tempfile.TemporaryDirectory(prefix=f"rubric-example-{self.name}-") as tmp:
            _write_tables(program, case.get("tables", {}), Path(tmp))
            result = rubric.score(program, tmp, str(case["as_of"]))
        self._compare(result, expectations, explanations)

    def _compare(self, result, expectations: list[dict[str, Any]],
                 explanations: list[dict[str, Any]] = ()) -> None:
        rows = {row["merchant_id"]: row for row in result.to_pylist()}
        failed: list[str] = []
        merchants: list[str] = []
        explained: list[tuple[str, str]] = []
        for entry in expectations:
            bad_keys = sorted(set(entry) - EXPECT_KEYS)
            if bad_keys:
                raise CaseError(f"expectation {entry} has unknown key(s) {', '.join(bad_keys)}")
            if "merchant" not in entry or "column" not in entry:
                raise CaseError(f"expectation {entry} needs both `merchant` and `column`")
            merchant, column = entry["merchant"], entry["column"]
            expected = _expected(entry)
            if merchant not in rows:
                failed.append(f"  {merchant}: no output row for this merchant")
                continue
            if column not in rows[merchant]:
                failed.append(f"  {merchant}.{column}: no such output column")
                continue
            got = rows[merchant][column]
            if not _matches(expected, got):
                failed.append(f"  {merchant}.{column}: expected {_show(expected)}, got {_show(got)}")
                if merchant not in merchants:
                    merchants.append(merchant)
        checks = len(expectations)
        for entry in explanations:
            merchant, lang = entry["merchant"], entry.get("lang", "en")
            checks += len(entry["contains"])
            if merchant not in rows:
                failed.append(f"  {merchant}: no output row for this merchant")
                continue
            try:
                text = _flat(result.explain_text(merchant, lang))
            except Exception as err:
                failed.append(f"  {merchant} ({lang}): explain_text failed: {type(err).__name__}: {err}")
                continue
            for wanted in entry["contains"]:
                if _flat(wanted) not in text:
                    failed.append(f"  {merchant} explanation ({lang}): does not contain {wanted!r}")
                    if (merchant, lang) not in explained:
                        explained.append((merchant, lang))
        if failed:
            lines = [f"{len(failed)} of {checks} expectations failed:", *failed]
            shown = [(m, "en") for m in merchants] + [e for e in explained if e not in [(m, "en") for m in merchants]]
            for merchant, lang in shown:
                lines += ["", f"explanation of {merchant}" + ("" if lang == "en" else f" ({lang})") + ":"]
                try:
                    lines.append(result.explain_text(merchant, lang))
                except Exception as err:  # the explanation must not hide the failure
                    lines.append(f"  (explain_text failed: {type(err).__name__}: {err})")
            raise ExampleFailure(lines)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, (ExampleFailure, CaseError)):
            kind = "" if isinstance(excinfo.value, ExampleFailure) else "malformed case: "
            return f"{self.path.name}: {kind}{excinfo.value}"
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, 0, f"example {self.path.relative_to(EXAMPLES)}"
