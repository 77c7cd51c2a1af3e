"""Data validation in SQL: the checks of `rubric.data.load`, run by DuckDB over the files.

Stage: data (after compilation, before the DuckDB backend scores). Input: a compiled
`ir.Program` (or a `DataModel`), a data folder holding `<table>.parquet` or `<table>.csv`,
and optionally a DuckDB connection. Output: nothing, or one `DataError` with the same
`DataProblem`s `load_dataset` reports for the same folder (file, column, first rows,
message, fix), found without loading a single data row into Python: at warehouse scale
the rows stay in DuckDB, which streams the files and spills to disk.

The layers are those of the loader, so that one bad column yields one problem:
1. files: the folder and each table's file exist and can be read; declared columns exist
   (the CSV header line and the Parquet schema are read, never the rows);
2. columns and keys, one aggregate query per table: `count(*) FILTER (WHERE ...)` for every
   conversion and value check, and a distinct count of the key; a second query fetches
   the first rows (and the value to quote) only for the checks that failed. Each row's
   value is converted once and classified once (a status code per column: which
   conversion rule it breaks), however many checks read it;
3. references, one aggregate query per table that refers to others (left joins on the
   referenced tables' keys), then the first rows of the checks that failed.

Safety: nothing a rubric or a file names is ever spliced into SQL as an identifier. The
file's columns are renamed by position (c0, c1, ...: CSV `columns`, Parquet `AS t(c0, ...)`),
paths, labels and patterns are single-quoted literals with quotes doubled, and a path's
glob characters are escaped so that DuckDB reads that one file and no other.

Differences from the loader: a CSV file DuckDB cannot parse is reported with DuckDB's
reason after "cannot read <file>: " (Arrow's for a Parquet footer); the CSV header line is
read by Python's csv module, the rows by DuckDB.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from rubric.data.errors import MAX_ROWS, DataError, DataProblem
from rubric.data.load import (
    _FLOAT,
    _FLOAT_TYPES,
    _INTEGER,
    _INVALID_DATE,
    _INVALID_DATE_FIX,
    _NAIVE,
    _PARQUET_TYPE_ERRORS,
    _TIMESTAMP_EXAMPLE,
    _ZONED,
    ARROW_TYPES,
    _a,
    _locate,
    _missing_columns,
    _missing_file,
    _number,
    _owner_column,
    _plan,
    _read_failure,
    _show,
)
from rubric.ir.schema import Column, ColumnType, DataModel, Table

__all__ = ["validate_folder"]

_SQL_TYPES = {
    ColumnType.ID: "VARCHAR", ColumnType.TEXT: "VARCHAR", ColumnType.LABEL: "VARCHAR",
    ColumnType.TIMESTAMP: "TIMESTAMPTZ", ColumnType.BOOL: "BOOLEAN", ColumnType.INT: "BIGINT",
    ColumnType.NUMBER: "DOUBLE", ColumnType.MONEY: "DOUBLE",
}
_ROW = "__row"  # the 1-based data-row number, in every scan that names rows


# --- SQL text: every name from outside is a quoted literal -----------------------------------


def _literal(text: str) -> str:
    """A SQL string literal: the text between single quotes, its single quotes doubled."""
    if "\x00" in text:
        raise ValueError("a NUL character cannot be part of a SQL string literal")
    return "'" + text.replace("'", "''") + "'"


def _path_literal(path: Path) -> str:
    """The file as DuckDB must be told of it: absolute, glob characters escaped (`*` -> `[*]`).

    DuckDB reads a path with `*`, `?` or `[` as a pattern, which could match other files; a
    one-character class matches exactly that character, so the pattern matches this file only.
    """
    text = str(path.absolute())
    return _literal("".join(f"[{ch}]" if ch in "*?[" else ch for ch in text))


def _double(x: float) -> str:
    return f"CAST({_literal(repr(float(x)))} AS DOUBLE)"


def _c(index: int) -> str:
    """The file's column at `index` (0-based), as every scan renames it."""
    return f"c{index}"


# --- reading a file in SQL ------------------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    """One data file, scanned by DuckDB with its columns renamed by position."""

    path: Path
    csv: bool
    width: int  # the number of columns in the file
    blank: int = 0  # CSV: blank lines before the header

    def scan(self, rows: bool = False) -> str:
        """A FROM item with columns c0.. and, with `rows`, the 1-based data-row number `__row`."""
        path = _path_literal(self.path)
        if self.csv:
            # Every column as text, nothing sniffed: only this module decides what a value
            # means (as the loader does); an empty field, quoted or not, is null.
            types = ", ".join(f"{_literal(_c(i))}: 'VARCHAR'" for i in range(self.width))
            options = (f"auto_detect = false, header = true, skip = {int(self.blank)}, delim = ',', "
                       f"quote = '\"', escape = '\"', columns = {{{types}}}")
            read = f"read_csv({path}, {options})"
            if self.width == 1:
                # Arrow skips blank lines; DuckDB reads them as a null in a one-column file.
                # Keep "" apart from a blank line, drop the blank lines, then "" is null.
                read = (f"(SELECT nullif(c0, '') AS c0 FROM read_csv({path}, {options}, allow_quoted_nulls = false) "
                        "WHERE c0 IS NOT NULL)")
            # row_number() OVER () is a streaming window: it numbers rows in file order.
            return f"(SELECT row_number() OVER () AS {_ROW}, * FROM {read})" if rows else read
        names = ", ".join(_c(i) for i in range(self.width))
        if not rows:
            return f"read_parquet({path}) AS __file({names})"
        return (f"(SELECT file_row_number + 1 AS {_ROW}, * FROM "
                f"read_parquet({path}, file_row_number = true) AS __file({names}))")


def _csv_header(path: Path) -> tuple[list[str], int]:
    """The header line's fields and the blank lines before it: the one line read in Python
    (more when a quoted name spans lines), decoded line by line so that a bad byte further
    down is left to DuckDB."""
    def lines(handle):
        for number, raw in enumerate(handle):
            yield raw.decode("utf-8-sig" if number == 0 else "utf-8")

    with path.open("rb") as handle:
        for blank, record in enumerate(csv.reader(lines(handle))):
            if record:  # like Arrow, blank lines before the header are skipped
                return record, blank
    raise ValueError("Empty CSV file")


def _duckdb_failure(path: Path, exc: Exception) -> DataProblem:
    """A read failure in the loader's words; DuckDB's advice on its own options is dropped."""
    text = str(exc).split("Possible fixes:")[0]
    return _read_failure(path, Exception(text.strip() or type(exc).__name__))


def _rows_of(con, sql: str) -> dict:
    """The one row a query returns, as Python values (through Arrow, as the loader quotes them)."""
    return con.sql(sql).to_arrow_table().to_pylist()[0]


# --- checks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Check:
    """Rows where `condition` holds are a problem; `say` words it from the first such row.

    `values` are SQL expressions read at that first row and handed to `say` in order.
    """

    column: str | None
    condition: str
    say: Callable[[Sequence[object]], str]
    fix: str
    values: tuple[str, ...] = ()


def _column_check(name: str, condition: str, template: str, fix: str, quoted: str) -> _Check:
    """A check whose message completes "column `name` ..." (with {value} quoted from `quoted`)."""
    def say(values: Sequence[object]) -> str:
        value = _show(values[0]) if values else ""
        return f"column `{name}` " + template.replace("{value}", value)

    return _Check(name, condition, say, fix, (quoted,) if "{value}" in template else ())


@dataclass
class _ColumnPlan:
    """One column's checks, over the checked relation (see `_checked`), where the column's
    text or value is `c<i>`, its normalized value `n<i>` and its conversion status `s<i>`.

    `status` gives each row 0 (fine) or the code of the conversion rule it breaks, one CASE
    per row in which the costly tests (a pattern, a cast) run only where the cheap ones did
    not decide: a row is classified once, not once per rule. The tiers count the codes; the
    first tier with a failure makes the column unusable and stops its other checks. Value
    checks run on the normalized values.
    """

    name: str
    index: int
    normalized: str  # SQL over c<i>: the value in its declared type
    quoted: str  # SQL over c<i>: the value to quote in integrity messages
    status: str | None = None  # SQL over c<i> and n<i>
    tiers: list[list[_Check]] = field(default_factory=list)
    values: list[_Check] = field(default_factory=list)

    @property
    def c(self) -> str:
        return _c(self.index)

    @property
    def n(self) -> str:
        return f"n{self.index}"

    def tier(self, *rules: tuple[int, str, str]) -> None:
        """A tier of conversion rules, each (status code, message template, fix)."""
        self.tiers.append([_column_check(self.name, f"s{self.index} = {code}", template, fix, self.c)
                           for code, template, fix in rules])


def _regex(text: str, pattern: str) -> str:
    return f"regexp_matches({text}, {_literal(pattern)})"


def _csv_plan(column: Column, index: int) -> _ColumnPlan:
    """CSV text: the conversion rules of the loader's _csv_* converters, as SQL."""
    name, kind, c = column.name, column.type, _c(index)
    if kind is ColumnType.TIMESTAMP:
        plan = _ColumnPlan(name, index, f"TRY_CAST({c} AS TIMESTAMPTZ)", c)
        # A naive value never matches the zoned pattern, so the pattern is all most rows need.
        plan.status = (f"CASE WHEN {c} IS NULL THEN 0 "
                       f"WHEN {_regex(c, _ZONED)} THEN CASE WHEN {plan.n} IS NOT NULL THEN 0 "
                       f"WHEN TRY_CAST(substr({c}, 1, 10) AS DATE) IS NULL THEN 3 ELSE 4 END "
                       f"WHEN {_regex(c, _NAIVE)} THEN 1 ELSE 2 END")
        plan.tier((1, "holds {value}, a timestamp without a time zone",
                   f"add Z (UTC), e.g. {_TIMESTAMP_EXAMPLE}, or an offset such as +08:00"),
                  (2, "holds {value}, which is not an ISO 8601 timestamp",
                   f"write timestamps in UTC like {_TIMESTAMP_EXAMPLE} (fractional seconds optional, "
                   "at most 6 digits)"))
        # Past the pattern only impossible days should fail (3); anything else that does not
        # convert (4) is reported with the same words, after them.
        plan.tier((3, _INVALID_DATE, _INVALID_DATE_FIX), (4, _INVALID_DATE, _INVALID_DATE_FIX))
        return plan
    if kind is ColumnType.BOOL:
        plan = _ColumnPlan(name, index, f"(lower({c}) = 'true')", c)
        plan.status = f"CASE WHEN {c} IS NULL OR lower({c}) IN ('true', 'false') THEN 0 ELSE 1 END"
        plan.tier((1, "holds {value}, which is not a boolean", "write true or false"))
        return plan
    if kind is ColumnType.INT:
        plan = _ColumnPlan(name, index, f"TRY_CAST({c} AS BIGINT)", c)
        plan.status = (f"CASE WHEN {c} IS NULL THEN 0 WHEN NOT {_regex(c, _INTEGER)} THEN 1 "
                       f"WHEN {plan.n} IS NULL THEN 2 ELSE 0 END")
        plan.tier((1, "holds {value}, which is not an integer",
                   f"write whole numbers such as 3 in `{name}` (no decimal point or exponent)"),
                  (2, "holds {value}, which is too large for a 64-bit integer",
                   f"keep `{name}` between -9223372036854775808 and 9223372036854775807"))
        return plan
    if kind in _FLOAT_TYPES:
        plan = _ColumnPlan(name, index, f"TRY_CAST({c} AS DOUBLE)", c)
        plan.status = (f"CASE WHEN {c} IS NULL THEN 0 WHEN NOT {_regex(c, _FLOAT)} THEN 1 "
                       f"WHEN {plan.n} IS NULL THEN 2 ELSE 0 END")
        plan.tier((1, "holds {value}, which is not a number",
                   f"write decimal numbers such as 12.5 in `{name}` (a dot, no thousands separator)"))
        plan.tier((2, "holds {value}, which is not a number", "write decimal numbers such as 12.5"))
        return plan
    return _ColumnPlan(name, index, c, c)  # ids, text and labels are text as written


def _parquet_plan(column: Column, index: int, arrow_type: pa.DataType) -> _ColumnPlan | tuple[str, str]:
    """Parquet: the type from the schema (an error stops the column), then the loader's
    checks of values the declared type cannot hold."""
    name, kind, c = column.name, column.type, _c(index)
    if pa.types.is_dictionary(arrow_type):
        arrow_type = arrow_type.value_type
    if pa.types.is_null(arrow_type):  # an all-null column written without a type
        null = f"CAST(NULL AS {_SQL_TYPES[kind]})"
        return _ColumnPlan(name, index, null, null)
    error = _PARQUET_TYPE_ERRORS[kind](arrow_type, column)
    if error is not None:
        return error
    normalized = {
        ColumnType.TIMESTAMP: f"CAST({c} AS TIMESTAMPTZ)",
        ColumnType.INT: f"TRY_CAST({c} AS BIGINT)",
        ColumnType.NUMBER: f"TRY_CAST({c} AS DOUBLE)",
        ColumnType.MONEY: f"TRY_CAST({c} AS DOUBLE)",
    }.get(kind, c)
    plan = _ColumnPlan(name, index, normalized, normalized)
    if kind is ColumnType.TIMESTAMP and pa.types.is_timestamp(arrow_type) and arrow_type.unit == "ns":
        plan.status = f"CASE WHEN epoch_ns({c}) % 1000 <> 0 THEN 1 ELSE 0 END"
        plan.tier((1, "holds timestamps finer than a microsecond",
                   f"round `{name}` to microseconds (timestamp[us, tz=UTC])"))
    elif pa.types.is_uint64(arrow_type):  # the one integer type int64 cannot hold
        target = ARROW_TYPES[kind]
        plan.status = f"CASE WHEN {c} > 9223372036854775807 THEN 1 ELSE 0 END"
        plan.tier((1, f"holds {{value}}, which does not fit in {target}", f"store `{name}` as {target}"))
    return plan


def _checked(scan: str, plans: Iterable[_ColumnPlan]) -> str:
    """The relation the column checks run on: the scan's columns, then n<i>, then s<i>.

    The layers are projections, so each normalized value and status is computed once per row
    however many checks read it.
    """
    plans = list(plans)
    normalized = "".join(f", {p.normalized} AS {p.n}" for p in plans)
    statuses = "".join(f", {p.status} AS s{p.index}" for p in plans if p.status)
    return f"(SELECT *{statuses} FROM (SELECT *{normalized} FROM {scan}))"


def _value_checks(column: Column, plan: _ColumnPlan, csv: bool) -> list[_Check]:
    """The loader's value checks (null, label, NaN/infinity, range) on the normalized values,
    quoting the text as written (CSV) or the value (Parquet)."""
    name, n = column.name, plan.n
    q = plan.c if csv else n
    checks = []
    if not column.nullable:
        checks.append(_column_check(name, f"{n} IS NULL", "is empty (null), but every row needs a value",
                                    f"fill in `{name}` on every row (it is not optional in the data model)", q))
    if column.type is ColumnType.LABEL:
        allowed = ", ".join(column.values)
        outside = f" AND {n} NOT IN ({', '.join(map(_literal, column.values))})" if column.values else ""
        checks.append(_column_check(name, f"{n} IS NOT NULL{outside}",
                                    f"holds {{value}}, which is not one of: {allowed}",
                                    f"use one of the declared values, spelled exactly: {allowed}", q))
    floating = column.type in _FLOAT_TYPES
    if floating:
        checks.append(_column_check(name, f"{n} IS NOT NULL AND NOT isfinite({n})",
                                    "holds {value}: NaN or infinity not allowed",
                                    f"write a finite number in `{name}`" + (", or leave it empty" if column.nullable
                                                                             else ""), q))
    bounded = column.minimum is not None or column.maximum is not None
    if bounded and column.type in (ColumnType.INT, *_FLOAT_TYPES):
        outside = []
        if column.minimum is not None:
            outside.append(f"{n} < {_double(column.minimum)}")
        if column.maximum is not None:
            outside.append(f"{n} > {_double(column.maximum)}")
        # Arrow finds NaN neither below nor above a bound; DuckDB sorts it above every number.
        condition = ("NOT isnan(" + n + ") AND " if floating else "") + "(" + " OR ".join(outside) + ")"
        low = "-inf" if column.minimum is None else _number(column.minimum)
        high = "inf" if column.maximum is None else _number(column.maximum)
        checks.append(_column_check(name, condition, f"holds {{value}}, outside the declared range {low}..{high}",
                                    f"keep `{name}` within {low}..{high}", q))
    return checks


# --- running checks: counts first, first rows only for what failed ----------------------------


def _counts(con, scan: str, expressions: Sequence[str]) -> list[int]:
    """One aggregate query over `scan`: the value of each expression."""
    sql = f"SELECT {', '.join(expressions)} FROM {scan}"
    row = con.sql(sql).fetchall()[0]
    return [int(v or 0) for v in row]


def _count_sql(check: _Check) -> str:
    return f"count(*) FILTER (WHERE {check.condition})"


def _report(con, file: str, scan_rows: str, failed: Sequence[tuple[_Check, int]]) -> list[DataProblem]:
    """Problems for the checks that failed, with their first rows: one query for all of them."""
    if not failed:
        return []
    select = []
    for i, (check, _) in enumerate(failed):
        select.append(f"min({_ROW}, {MAX_ROWS}) FILTER (WHERE {check.condition}) AS rows{i}")
        if check.values:
            fields = ", ".join(f"v{j} := {sql}" for j, sql in enumerate(check.values))
            select.append(f"arg_min(struct_pack({fields}), {_ROW}) FILTER (WHERE {check.condition}) AS first{i}")
    found = _rows_of(con, f"SELECT {', '.join(select)} FROM {scan_rows}")
    problems = []
    for i, (check, count) in enumerate(failed):
        rows = tuple(sorted(found[f"rows{i}"] or ()))
        first = found.get(f"first{i}") or {}
        message = check.say([first[f"v{j}"] for j in range(len(check.values))])
        if count > len(rows):
            message += f" ({count} rows in all)"
        problems.append(DataProblem(file=file, column=check.column, rows=rows, message=message, fix=check.fix))
    return problems


# --- one table: files, columns, keys ----------------------------------------------------------


@dataclass
class _Scanned:
    """One table as far as it can be checked: only usable columns are in `normalized`."""

    table: Table
    file: str
    source: _Source
    normalized: dict[str, str] = field(default_factory=dict)
    quoted: dict[str, str] = field(default_factory=dict)
    unique_key: bool = True

    def usable(self, *names: str) -> bool:
        return all(n in self.normalized for n in names)


def _open(path: Path) -> tuple[list[str], _Source, dict[str, pa.DataType]]:
    """The file's header, how to scan it, and (Parquet) the Arrow type of each column."""
    if path.suffix == ".csv":
        header, blank = _csv_header(path)
        return header, _Source(path, True, len(header), blank), {}
    schema = pq.read_schema(path)  # the footer only, as the loader reads it
    return schema.names, _Source(path, False, len(schema.names)), {f.name: f.type for f in schema}


def _key_sql(parts: Sequence[str]) -> tuple[str, str]:
    """(all parts present, the key as one distinct-countable value)."""
    present = " AND ".join(f"{p} IS NOT NULL" for p in parts)
    if len(parts) == 1:
        return present, parts[0]
    fields = ", ".join(f"k{i} := {p}" for i, p in enumerate(parts))
    return present, f"CASE WHEN {present} THEN struct_pack({fields}) END"


def _duplicate_key(con, item: _Scanned) -> DataProblem | None:
    """The first duplicated key value in row order, its first rows and how often it appears."""
    key = item.table.key
    parts = [item.normalized[k] for k in key]
    present, _ = _key_sql(parts)
    ks = [f"k{i}" for i in range(len(key))]
    project = ", ".join([_ROW] + [f"{p} AS k{i}" for i, p in enumerate(parts)]
                        + [f"{item.quoted[k]} AS q{i}" for i, k in enumerate(key)])
    first_fields = ", ".join([f"{k} := __t.{k}" for k in ks] + [f"q{i} := __t.q{i}" for i in range(len(key))]
                             + ["n := __d.n"])
    sql = f"""
        WITH __t AS (SELECT {project} FROM {item.source.scan(rows=True)} WHERE {present}),
        __d AS (SELECT {', '.join(ks)}, count(*) AS n FROM __t GROUP BY {', '.join(ks)} HAVING count(*) > 1),
        __f AS (SELECT arg_min(struct_pack({first_fields}), __t.{_ROW}) AS f
                FROM __t JOIN __d ON {' AND '.join(f'__t.{k} = __d.{k}' for k in ks)})
        SELECT (SELECT count(*) FROM __d) AS repeated, (SELECT f FROM __f) AS first,
               (SELECT min(__t.{_ROW}, {MAX_ROWS}) FROM __t, __f
                WHERE {' AND '.join(f"__t.{k} = struct_extract(__f.f, '{k}')" for k in ks)}) AS rows
    """
    found = _rows_of(con, sql)
    if not found["repeated"]:
        return None
    item.unique_key = False
    first, rows = found["first"], tuple(sorted(found["rows"]))
    times, others = first["n"], found["repeated"] - 1
    shown = ", ".join(f"{k} = {_show(first[f'q{i}'])}" for i, k in enumerate(key))
    more = f"; {others} other key value{'s are' if others > 1 else ' is'} duplicated too" if others else ""
    message = f"duplicate key: {shown} appears {times} times{more}"
    if times > len(rows):
        message += f" ({times} rows in all)"
    fix = (f"each {item.table.singular} must appear once: remove the duplicate rows or give them "
           f"distinct {', '.join(key)}")
    return DataProblem(file=item.file, column=", ".join(key), rows=rows, message=message, fix=fix)


def _scan_table(con, folder: Path, model: DataModel, table: Table, wanted: tuple[str, ...],
                problems: list[DataProblem]) -> _Scanned | None:
    path = _locate(folder, table)
    if path is None:
        problems.append(_missing_file(folder, table, wanted, model))
        return None
    try:
        header, source, arrow_types = _open(path)
    # The file is outside our control: whatever goes wrong reading it becomes a problem.
    except Exception as exc:
        problems.append(_read_failure(path, exc))
        return None
    item = _Scanned(table=table, file=str(path), source=source)
    found = _missing_columns(item.file, table, wanted, header)
    present = [n for n in wanted if header.count(n) == 1]
    if not present:  # like the loader, which then reads no rows at all
        problems += found
        return item
    plans: list[_ColumnPlan] = []
    for name in present:
        column, index = table.column(name), header.index(name)
        plan = _csv_plan(column, index) if source.csv else _parquet_plan(column, index, arrow_types[name])
        if isinstance(plan, tuple):  # a Parquet type no value of which converts
            message, fix = plan
            found.append(DataProblem(file=item.file, column=name, message=f"column `{name}` {message}", fix=fix))
            plans.append(None)
            continue
        plan.values = _value_checks(column, plan, source.csv)
        plans.append(plan)
    checks = [ch for p in plans if p is not None for tier in p.tiers for ch in tier]
    checks += [ch for p in plans if p is not None for ch in p.values]
    typed = {p.name: p for p in plans if p is not None}
    key = table.key
    # count(*) makes DuckDB parse every CSV row, so a malformed row is found even with no checks
    expressions = ["count(*)"] + [_count_sql(ch) for ch in checks]
    repeated = None  # how many rows repeat a key value seen before
    if key and all(k in typed for k in key):
        present_key, distinct = _key_sql([typed[k].n for k in key])
        repeated = f"count(*) FILTER (WHERE {present_key}) - count(DISTINCT {distinct})"
        expressions.append(repeated)
    try:
        checked = typed.values()
        counts = dict(zip(expressions, _counts(con, _checked(source.scan(), checked), expressions)))
        failed: list[tuple[_Check, int]] = []
        for name, plan in zip(present, plans):
            if plan is None:
                continue
            broken = next((tier for tier in plan.tiers if any(counts[_count_sql(ch)] for ch in tier)), None)
            if broken is not None:  # the column is unusable: its value checks would only repeat this
                failed += [(ch, counts[_count_sql(ch)]) for ch in broken if counts[_count_sql(ch)]]
                continue
            item.normalized[name], item.quoted[name] = plan.normalized, plan.quoted
            failed += [(ch, counts[_count_sql(ch)]) for ch in plan.values if counts[_count_sql(ch)]]
        reported = _report(con, item.file, _checked(source.scan(rows=True), checked), failed)
        duplicate = None
        if repeated is not None and item.usable(*key) and counts[repeated]:
            duplicate = _duplicate_key(con, item)
    except duckdb.Error as exc:  # a row DuckDB cannot parse (or decode): the file is unreadable
        problems.append(_duckdb_failure(path, exc))
        return None
    problems += _in_loader_order(found, reported, present, wanted)
    if duplicate is not None:
        problems.append(duplicate)
    return item


def _in_loader_order(found: list[DataProblem], reported: list[DataProblem], present: list[str],
                     wanted: tuple[str, ...]) -> list[DataProblem]:
    """Missing and repeated columns first, then each column's problems in `wanted` order
    (a Parquet type error where the column's value problems would be)."""
    header_problems = [p for p in found if p.column not in present]
    per_column = {name: [] for name in present}
    for p in [q for q in found if q.column in present] + reported:
        per_column[p.column].append(p)
    return header_problems + [p for name in wanted if name in per_column for p in per_column[name]]


# --- references -------------------------------------------------------------------------------


def _parent_key(parent: _Scanned | None) -> str | None:
    if parent is None or len(parent.table.key) != 1 or not parent.usable(parent.table.key[0]):
        return None
    return parent.table.key[0]


def _reference_problems(con, model: DataModel, item: _Scanned, scanned: Mapping[str, _Scanned]) -> list[DataProblem]:
    """References to missing rows, and events whose order belongs to another merchant:
    one aggregate query over the table left-joined to every table it refers to."""
    owner = _owner_column(model)
    child = {}  # alias -> SQL, projected from the table's scan
    joins, checks = [], []
    for column in item.table.columns:
        parent = scanned.get(column.references) if column.references else None
        key = _parent_key(parent)
        # A broken column or referenced table was reported already.
        if key is None or not item.usable(column.name):
            continue
        i = len(joins)
        child[f"r{i}"], child[f"q{i}"] = item.normalized[column.name], item.quoted[column.name]
        same_owner = (owner is not None and parent.table.name != item.table.name
                      and parent.table.name != model.entity and parent.unique_key
                      and item.usable(owner) and parent.usable(owner))
        scan = parent.source.scan()
        if same_owner:  # keys are unique: the join keeps one row per row
            joins.append(f"LEFT JOIN (SELECT {parent.normalized[key]} AS k, {parent.normalized[owner]} AS o "
                         f"FROM {scan}) AS __p{i} ON __c.r{i} = __p{i}.k")
        else:
            joins.append(f"LEFT JOIN (SELECT DISTINCT {parent.normalized[key]} AS k FROM {scan} "
                         f"WHERE {parent.normalized[key]} IS NOT NULL) AS __p{i} ON __c.r{i} = __p{i}.k")
        other = Path(parent.file).name
        fix = f"add the {parent.table.singular} to {other}, or correct `{column.name}`"
        if column.nullable:
            fix += " (or leave it empty)"
        checks.append(_Check(
            column.name, f"__c.r{i} IS NOT NULL AND __p{i}.k IS NULL",
            lambda v, name=column.name, key=key, other=other: f"column `{name}` holds {_show(v[0])}, which is not "
                                                              f"{_a(key)} in {other}",
            fix, (f"__c.q{i}",)))
        if same_owner:
            child["ow"], child["qo"] = item.normalized[owner], item.quoted[owner]
            checks.append(_Check(
                column.name, f"__p{i}.o <> __c.ow",
                lambda v, name=column.name, singular=parent.table.singular, other=other: (
                    f"column `{name}` holds {_show(v[0])}, {_a(singular)} of {owner} {_show(v[1])} in {other}, "
                    f"but the row's {owner} is {_show(v[2])}"),
                f"a row must refer to {_a(parent.table.singular)} of its own {owner}: correct `{column.name}` "
                f"or `{owner}`",
                (f"__c.q{i}", f"__p{i}.o", "__c.qo")))
    if not checks:
        return []

    def relation(rows: bool) -> str:
        project = ", ".join(([_ROW] if rows else []) + [f"{sql} AS {alias}" for alias, sql in child.items()])
        return f"(SELECT {project} FROM {item.source.scan(rows)}) AS __c " + " ".join(joins)

    counts = _counts(con, relation(False), [_count_sql(ch) for ch in checks])
    failed = [(ch, n) for ch, n in zip(checks, counts) if n]
    return _report(con, item.file, relation(True), failed)


# --- entry point ------------------------------------------------------------------------------


def _model_and_needs(program_or_model, needs):
    if isinstance(program_or_model, DataModel):
        return program_or_model, needs
    model = program_or_model.data  # an ir.Program: its data model and the columns it reads
    if needs is None:
        needs = {table: set(columns) for table, columns in program_or_model.needs}
    return model, needs


def validate_folder(program_or_model, folder: str | Path, needs: Mapping[str, Iterable[str]] | None = None,
                    con=None) -> None:
    """Check the data folder for `program_or_model` in DuckDB, as `load_dataset` would.

    `program_or_model` is an `ir.Program` (its data model; its `needs` unless `needs` is
    given) or a `DataModel` (every table and column unless `needs` is given). Key, reference,
    `created_by` and `excluded_by` columns are always checked, as in the loader. `con` is a
    DuckDB connection to run on (None: a new one, closed afterwards); nothing is created in
    it. Returns None when the data is valid; raises `DataError` with every problem found.
    """
    model, needs = _model_and_needs(program_or_model, needs)
    folder = Path(folder)
    plan = _plan(model, needs)
    if not folder.is_dir():
        state = "is not a folder" if folder.exists() else "does not exist"
        example = ", ".join(f"{name}.csv" for name in list(plan)[:3])
        raise DataError([DataProblem(file=str(folder), message=f"data folder {folder} {state}",
                                     fix=f"pass the folder that holds one file per table, e.g. {example}")])
    own = con is None
    if own:
        from rubric.backends.sql.duckdb_runner import connect

        con = connect()
    problems: list[DataProblem] = []
    try:
        scanned: dict[str, _Scanned] = {}
        for name, wanted in plan.items():
            item = _scan_table(con, folder, model, model.table(name), wanted, problems)
            if item is not None:
                scanned[name] = item
        for item in scanned.values():
            try:
                problems += _reference_problems(con, model, item, scanned)
            except duckdb.Error as exc:  # read once already: the file changed under us
                problems.append(_duckdb_failure(item.source.path, exc))
    finally:
        if own:
            con.close()
    if problems:
        raise DataError(problems)
