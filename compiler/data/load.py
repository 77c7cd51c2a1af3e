"""Data loading: read a data folder and validate it against the declared data model.

Stage: data (after compilation, before a backend scores). Input: a folder holding one file
per table (`<table>.parquet` or `<table>.csv`) and the `DataModel` declared in a data module
(e.g. rules/commerce.rubric), optionally narrowed to the columns a rubric reads. Output:
validated pyarrow tables with normalized types (`ARROW_TYPES`), or one `DataError` listing
every problem found in every file, each naming the file, the column, the first offending
rows and a fix.

The checks run in three layers, and a later layer skips what an earlier one found broken
(so one bad column yields one problem, not a cascade):
1. files: the folder and each table's file exist and can be read; declared columns exist;
2. columns: values convert to the declared type (CSV text is parsed here, Parquet types are
   checked), then nulls, labels, NaN/infinity and declared ranges;
3. tables: unique keys, references to existing rows, events of the same merchant as their order.
Everything is vectorized with pyarrow.compute; Python loops only collect the first few
offending row numbers, or bisect a failed cast to find its culprits.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from rubric.data.errors import MAX_ROWS, DataError, DataProblem
from rubric.ir.schema import Column, ColumnType, DataModel, Table

__all__ = ["ARROW_TYPES", "SUFFIXES", "load_dataset"]

UTC_MICROS = pa.timestamp("us", tz="UTC")

# The normalized type of every loaded column, whatever the file held.
ARROW_TYPES: Mapping[ColumnType, pa.DataType] = {
    ColumnType.ID: pa.string(),
    ColumnType.TEXT: pa.string(),
    ColumnType.LABEL: pa.string(),
    ColumnType.TIMESTAMP: UTC_MICROS,
    ColumnType.BOOL: pa.bool_(),
    ColumnType.INT: pa.int64(),
    ColumnType.NUMBER: pa.float64(),
    ColumnType.MONEY: pa.float64(),
}

# Looked for in this order: Parquet carries its types, so it wins over CSV.
SUFFIXES = (".parquet", ".csv")

_FLOAT_TYPES = (ColumnType.NUMBER, ColumnType.MONEY)
_TIMESTAMP_EXAMPLE = "2024-06-02T15:59:59.999999Z"


# --- planning: which tables and columns to load -------------------------------------------


def _owner_column(model: DataModel) -> str | None:
    """The entity's key (merchant_id): rows of other tables name their owner with it."""
    entity = model.table(model.entity)
    return entity.key[0] if entity is not None and len(entity.key) == 1 else None


def _always(table: Table) -> set[str]:
    """Columns loaded whatever a rubric reads: identity, references, visibility, exclusion."""
    names = set(table.key) | {c.name for c in table.columns if c.references}
    names |= {n for n in (table.created_by, table.excluded_by) if n}
    return names


def _requested(model: DataModel, needs: Mapping[str, Iterable[str]] | None) -> dict[str, set[str]]:
    if needs is None:
        return {t.name: {c.name for c in t.columns} for t in model.tables}
    wanted: dict[str, set[str]] = {}
    for name, columns in needs.items():
        table = model.table(name)
        if table is None:
            raise ValueError(f"needs names table `{name}`, which the data model `{model.name}` does not declare")
        unknown = sorted(set(columns) - {c.name for c in table.columns})
        if unknown:
            raise ValueError(f"needs names column(s) {', '.join(unknown)} that table `{name}` does not declare")
        wanted[name] = set(columns) | _always(table)
    entity = model.table(model.entity)
    if entity is not None:
        wanted.setdefault(entity.name, set()).update(_always(entity))
    return wanted


def _plan(model: DataModel, needs: Mapping[str, Iterable[str]] | None) -> dict[str, tuple[str, ...]]:
    """Table name -> the columns to load, in declared order."""
    wanted = _requested(model, needs)
    owner = _owner_column(model)
    pending = list(wanted)
    while pending:
        table = model.table(pending.pop())
        for column in table.columns:
            loaded = column.name in wanted[table.name]
            parent = model.table(column.references) if loaded and column.references else None
            if parent is None:
                continue
            # A referenced table is loaded so that references can be checked: its key, and
            # its owner so that an event can be matched with its order's merchant.
            extra = set(parent.key) | ({owner} if owner and parent.column(owner) else set())
            have = wanted.setdefault(parent.name, set())
            if not extra <= have:
                have.update(extra)
                pending.append(parent.name)
    return {
        t.name: tuple(c.name for c in t.columns if c.name in wanted[t.name])
        for t in model.tables
        if t.name in wanted
    }


# --- small helpers on masks and values ------------------------------------------------------


def _chunked(array: pa.Array | pa.ChunkedArray) -> pa.ChunkedArray:
    return array if isinstance(array, pa.ChunkedArray) else pa.chunked_array([array])


def _offending(mask: pa.Array | pa.ChunkedArray) -> tuple[tuple[int, ...], int]:
    """The first MAX_ROWS 1-based row numbers where `mask` is true, and how many there are."""
    mask = _chunked(pc.fill_null(mask, False))
    count = pc.sum(mask).as_py() or 0
    rows: list[int] = []
    offset = 0
    for chunk in mask.chunks:
        if len(rows) >= MAX_ROWS or len(rows) >= count:
            break
        hits = pc.indices_nonzero(chunk)[: MAX_ROWS - len(rows)]
        rows.extend(offset + i + 1 for i in hits.to_pylist())
        offset += len(chunk)
    return tuple(rows), count


def _any(mask: pa.Array | pa.ChunkedArray) -> bool:
    return bool(pc.any(pc.fill_null(mask, False)).as_py())


def _iso(moment: datetime) -> str:
    text = moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")
    return text.removesuffix(".000000") + "Z"


def _show(value: object) -> str:
    """A value as a developer would write it in the file."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, str) and len(value) > 60:
        return repr(value[:57] + "...")
    return repr(value)


def _a(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def _quote(array: pa.ChunkedArray, index: int) -> str:
    try:
        return _show(array[index].as_py())
    except (ValueError, OverflowError):  # a value Python cannot hold (e.g. nanoseconds)
        return array.slice(index, 1).cast(pa.string())[0].as_py()


def _report(file: str, column: str | None, mask, say: Callable[[int], str], fix: str) -> DataProblem | None:
    """A problem for the rows where `mask` is true; `say` words it from the first such row."""
    rows, count = _offending(mask)
    if not rows:
        return None
    message = say(rows[0] - 1)
    if count > len(rows):
        message += f" ({count} rows in all)"
    return DataProblem(file=file, column=column, rows=rows, message=message, fix=fix)


# --- column conversion ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Failure:
    """Rows of one column that fail one rule; `template` completes "column `c` ..."."""

    mask: pa.ChunkedArray
    template: str  # may hold {value}: the first offending value, quoted
    fix: str


@dataclass(frozen=True)
class _Converted:
    values: pa.ChunkedArray | None  # None: the column is unusable (see failures / type_error)
    failures: tuple[_Failure, ...] = ()
    type_error: tuple[str, str] | None = None  # (message after "column `c` ", fix): the whole column


def _all_false(length: int) -> pa.Array:
    return pa.repeat(pa.scalar(False), length)


def _uncastable(values: pa.ChunkedArray, target: pa.DataType) -> pa.ChunkedArray:
    """Rows whose value cannot be cast to `target`, found by bisecting a failed cast.

    The last resort, after a whole-column cast failed: the format rules before it catch
    what can be caught without casting, so the culprits here are few and bisection is quick.
    """
    parts: list[pa.Array] = []

    def visit(start: int, length: int) -> None:
        try:
            values.slice(start, length).cast(target)
            parts.append(_all_false(length))
            return
        except pa.ArrowInvalid:
            pass
        if length == 1:
            parts.append(pa.array([True]))
            return
        half = length // 2
        visit(start, half)
        visit(start + half, length - half)

    if len(values):
        visit(0, len(values))
    return pa.chunked_array(parts, pa.bool_())


def _cast(values: pa.ChunkedArray, target: pa.DataType, template: str, fix: str) -> _Converted:
    try:
        return _Converted(values.cast(target))
    except pa.ArrowNotImplementedError:  # no value of this type converts: the type is wrong
        return _Converted(None, type_error=(f"holds values of type {values.type}, which cannot be read as {target}",
                                            fix))
    except pa.ArrowInvalid:
        return _Converted(None, (_Failure(_uncastable(values, target), template, fix),))


def _checked(values: pa.ChunkedArray, target: pa.DataType, failures: list[_Failure], cast_template: str,
             cast_fix: str) -> _Converted:
    """Cast `values` unless a format rule already failed (then the column is unusable)."""
    if any(_any(f.mask) for f in failures):
        return _Converted(None, tuple(failures))
    return _cast(values, target, cast_template, cast_fix)


def _matches(text: pa.ChunkedArray, pattern: str) -> pa.ChunkedArray:
    return pc.fill_null(pc.match_substring_regex(text, pattern), False)


def _fails(text: pa.ChunkedArray, *ok: pa.ChunkedArray) -> pa.ChunkedArray:
    """Non-null values that match none of the `ok` masks."""
    good = ok[0]
    for mask in ok[1:]:
        good = pc.or_(good, mask)
    return pc.and_(pc.is_valid(text), pc.invert(good))


# Ranges in the pattern catch month 13 or hour 25 without leaving pyarrow; impossible days
# (2024-02-30) are caught by _impossible_dates.
_DATE_TIME = (
    r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?"
)
_ZONED = _DATE_TIME + r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
_NAIVE = _DATE_TIME + r"$"
_INTEGER = r"^[+-]?[0-9]+$"
# NaN and infinity are parsed here and refused by the value checks, with their own message.
_FLOAT = r"^[+-]?(([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?|(?i:nan|inf|infinity))$"


def _impossible_dates(text: pa.ChunkedArray, wellformed: pa.ChunkedArray) -> pa.ChunkedArray:
    """Well-formed values whose day does not exist in its month (2024-02-30, 2023-02-29).

    strptime rolls such days over into the next month, so a date that does not come back
    unchanged did not exist; this keeps a column full of them off the slow bisection path.
    """
    date = pc.utf8_slice_codeunits(text, 0, 10)
    parsed = pc.strptime(date, format="%Y-%m-%d", unit="s", error_is_null=True)
    same = pc.fill_null(pc.equal(pc.strftime(parsed, format="%Y-%m-%d"), date), False)
    return pc.and_(wellformed, pc.invert(same))


_INVALID_DATE = "holds {value}, which is not a valid date and time"
_INVALID_DATE_FIX = f"write a real date and time in UTC like {_TIMESTAMP_EXAMPLE}"


def _csv_timestamp(text: pa.ChunkedArray, column: Column) -> _Converted:
    zoned, naive = _matches(text, _ZONED), _matches(text, _NAIVE)
    failures = [
        _Failure(naive, "holds {value}, a timestamp without a time zone",
                 f"add Z (UTC), e.g. {_TIMESTAMP_EXAMPLE}, or an offset such as +08:00"),
        _Failure(_fails(text, zoned, naive), "holds {value}, which is not an ISO 8601 timestamp",
                 f"write timestamps in UTC like {_TIMESTAMP_EXAMPLE} (fractional seconds optional, "
                 "at most 6 digits)"),
    ]
    if any(_any(f.mask) for f in failures):
        return _Converted(None, tuple(failures))
    try:
        return _Converted(text.cast(UTC_MICROS))
    except pa.ArrowInvalid:
        pass
    # Past the pattern only impossible days should fail: find them at once (not by
    # bisection, which is slow when there are many), and bisect only for anything else.
    impossible = _impossible_dates(text, zoned)
    rest = _cast(pc.if_else(impossible, pa.scalar(None, pa.string()), text), UTC_MICROS, _INVALID_DATE,
                 _INVALID_DATE_FIX)
    return _Converted(None, (_Failure(impossible, _INVALID_DATE, _INVALID_DATE_FIX), *rest.failures))


def _csv_bool(text: pa.ChunkedArray, column: Column) -> _Converted:
    lowered = pc.utf8_lower(text)
    bad = _fails(text, pc.fill_null(pc.is_in(lowered, value_set=pa.array(["true", "false"])), False))
    failure = _Failure(bad, "holds {value}, which is not a boolean", "write true or false")
    if _any(bad):
        return _Converted(None, (failure,))
    return _Converted(pc.equal(lowered, "true"))


def _beyond_int64(text: pa.ChunkedArray, wellformed: pa.ChunkedArray) -> pa.ChunkedArray:
    """Well-formed integers outside int64, by their digits (no bisection of a failed cast)."""
    digits = pc.replace_substring_regex(text, r"^[+-]?0*", "")
    length = pc.utf8_length(digits)
    # Digit strings of the same length compare as numbers; -2**63 is the one value whose
    # magnitude is above 2**63 - 1 and still fits.
    limit = pc.if_else(pc.starts_with(text, "-"), "9223372036854775808", "9223372036854775807")
    too_long = pc.or_(pc.greater(length, 19), pc.and_(pc.equal(length, 19), pc.greater(digits, limit)))
    return pc.and_(wellformed, pc.fill_null(too_long, False))


def _csv_int(text: pa.ChunkedArray, column: Column) -> _Converted:
    wellformed = _matches(text, _INTEGER)
    failures = [
        _Failure(_fails(text, wellformed), "holds {value}, which is not an integer",
                 f"write whole numbers such as 3 in `{column.name}` (no decimal point or exponent)"),
        _Failure(_beyond_int64(text, wellformed), "holds {value}, which is too large for a 64-bit integer",
                 f"keep `{column.name}` between -9223372036854775808 and 9223372036854775807"),
    ]
    unsigned = pc.replace_substring_regex(text, r"^\+", "")  # Arrow's integer parser refuses "+3"
    return _checked(unsigned, pa.int64(), failures, failures[1].template, failures[1].fix)


def _csv_float(text: pa.ChunkedArray, column: Column) -> _Converted:
    failures = [_Failure(_fails(text, _matches(text, _FLOAT)), "holds {value}, which is not a number",
                         f"write decimal numbers such as 12.5 in `{column.name}` (a dot, no thousands separator)")]
    return _checked(text, pa.float64(), failures, "holds {value}, which is not a number",
                    "write decimal numbers such as 12.5")


def _csv_text(text: pa.ChunkedArray, column: Column) -> _Converted:
    return _Converted(text)


_CSV_CONVERTERS: Mapping[ColumnType, Callable[[pa.ChunkedArray, Column], _Converted]] = {
    ColumnType.ID: _csv_text,
    ColumnType.TEXT: _csv_text,
    ColumnType.LABEL: _csv_text,  # membership is a value check, shared with Parquet
    ColumnType.TIMESTAMP: _csv_timestamp,
    ColumnType.BOOL: _csv_bool,
    ColumnType.INT: _csv_int,
    ColumnType.NUMBER: _csv_float,
    ColumnType.MONEY: _csv_float,
}


def _is_text_type(t: pa.DataType) -> bool:
    is_view = getattr(pa.types, "is_string_view", None)  # pyarrow >= 16 only
    return pa.types.is_string(t) or pa.types.is_large_string(t) or bool(is_view and is_view(t))


def _text_type_error(t: pa.DataType, column: Column) -> tuple[str, str] | None:
    if _is_text_type(t):
        return None
    if column.type is ColumnType.ID:
        return (f"has type {t}, but ids are strings",
                f"store `{column.name}` as strings (e.g. pandas: df['{column.name}'].astype(str))")
    return (f"has type {t}; expected string", f"store `{column.name}` as strings")


def _timestamp_type_error(t: pa.DataType, column: Column) -> tuple[str, str] | None:
    if pa.types.is_timestamp(t) and t.tz is not None:
        return None
    if pa.types.is_timestamp(t):
        return (f"has type {t} without a time zone; expected timestamp[us, tz=UTC]",
                f"store UTC instants with their zone, e.g. pandas: df['{column.name}'].dt.tz_localize('UTC')")
    return (f"has type {t}; expected timestamp[us, tz=UTC]",
            f"store `{column.name}` as timestamp[us, tz=UTC]")


def _bool_type_error(t: pa.DataType, column: Column) -> tuple[str, str] | None:
    if pa.types.is_boolean(t):
        return None
    return (f"has type {t}; expected bool", f"store `{column.name}` as booleans")


def _int_type_error(t: pa.DataType, column: Column) -> tuple[str, str] | None:
    if pa.types.is_integer(t):
        return None
    if pa.types.is_floating(t):
        return (f"has type {t}, but `{column.name}` holds integers",
                f"store `{column.name}` as an integer type such as int64 (e.g. pandas: .astype('int64'), "
                "or 'Int64' when it has nulls)")
    return (f"has type {t}; expected an integer type", f"store `{column.name}` as int64")


def _float_type_error(t: pa.DataType, column: Column) -> tuple[str, str] | None:
    if pa.types.is_floating(t) or pa.types.is_integer(t) or pa.types.is_decimal(t):
        return None
    return (f"has type {t}; expected a number", f"store `{column.name}` as float64")


_PARQUET_TYPE_ERRORS: Mapping[ColumnType, Callable[[pa.DataType, Column], tuple[str, str] | None]] = {
    ColumnType.ID: _text_type_error,
    ColumnType.TEXT: _text_type_error,
    ColumnType.LABEL: _text_type_error,
    ColumnType.TIMESTAMP: _timestamp_type_error,
    ColumnType.BOOL: _bool_type_error,
    ColumnType.INT: _int_type_error,
    ColumnType.NUMBER: _float_type_error,
    ColumnType.MONEY: _float_type_error,
}


def _sub_microsecond(values: pa.ChunkedArray) -> pa.ChunkedArray:
    """Nanosecond timestamps that microseconds cannot hold exactly."""
    if values.type.unit != "ns":
        return pa.chunked_array([_all_false(len(values))])
    truncated = values.cast(pa.timestamp("us", tz=values.type.tz), safe=False)
    return pc.fill_null(pc.not_equal(truncated.cast(values.type), values), False)


def _parquet_column(values: pa.ChunkedArray, column: Column) -> _Converted:
    target = ARROW_TYPES[column.type]
    if pa.types.is_dictionary(values.type):
        values = values.cast(values.type.value_type)
    if pa.types.is_null(values.type):  # an all-null column written without a type
        return _Converted(values.cast(target))
    error = _PARQUET_TYPE_ERRORS[column.type](values.type, column)
    if error is not None:
        return _Converted(None, type_error=error)
    if column.type is ColumnType.TIMESTAMP:
        finer = _sub_microsecond(values)
        if _any(finer):
            return _Converted(None, (_Failure(finer, "holds timestamps finer than a microsecond",
                                              f"round `{column.name}` to microseconds (timestamp[us, tz=UTC])"),))
    template, fix = f"holds {{value}}, which does not fit in {target}", f"store `{column.name}` as {target}"
    if pa.types.is_uint64(values.type):  # the one integer type int64 cannot hold
        beyond = pc.fill_null(pc.greater(values, pa.scalar(2**63 - 1, pa.uint64())), False)
        if _any(beyond):
            return _Converted(None, (_Failure(beyond, template, fix),))
    return _cast(values, target, template, fix)


# --- value checks, shared by CSV and Parquet ------------------------------------------------


def _null_check(values: pa.ChunkedArray, column: Column) -> _Failure | None:
    if column.nullable:
        return None
    return _Failure(pc.is_null(values), "is empty (null), but every row needs a value",
                    f"fill in `{column.name}` on every row (it is not optional in the data model)")


def _label_check(values: pa.ChunkedArray, column: Column) -> _Failure | None:
    if column.type is not ColumnType.LABEL:
        return None
    allowed = ", ".join(column.values)
    outside = pc.invert(pc.is_in(values, value_set=pa.array(column.values, pa.string())))
    return _Failure(pc.and_(pc.is_valid(values), outside), f"holds {{value}}, which is not one of: {allowed}",
                    f"use one of the declared values, spelled exactly: {allowed}")


def _finite_check(values: pa.ChunkedArray, column: Column) -> _Failure | None:
    if column.type not in _FLOAT_TYPES:
        return None
    return _Failure(pc.and_(pc.is_valid(values), pc.invert(pc.is_finite(values))),
                    "holds {value}: NaN or infinity not allowed",
                    f"write a finite number in `{column.name}`" + (", or leave it empty" if column.nullable else ""))


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _range_check(values: pa.ChunkedArray, column: Column) -> _Failure | None:
    if column.minimum is None and column.maximum is None:
        return None
    if column.type not in (ColumnType.INT, *_FLOAT_TYPES):
        return None
    outside = pa.chunked_array([_all_false(len(values))])
    # compare in the column's own type: an int64 beyond 2^53 has no exact double
    bound = (lambda v: pa.scalar(int(v), pa.int64())) if column.type is ColumnType.INT else (lambda v: v)
    if column.minimum is not None:
        outside = pc.or_(outside, pc.fill_null(pc.less(values, bound(column.minimum)), False))
    if column.maximum is not None:
        outside = pc.or_(outside, pc.fill_null(pc.greater(values, bound(column.maximum)), False))
    low = "-inf" if column.minimum is None else _number(column.minimum)
    high = "inf" if column.maximum is None else _number(column.maximum)
    return _Failure(outside, f"holds {{value}}, outside the declared range {low}..{high}",
                    f"keep `{column.name}` within {low}..{high}")


_VALUE_CHECKS = (_null_check, _label_check, _finite_check, _range_check)


# --- reading files --------------------------------------------------------------------------


def _csv_options(columns: Iterable[str]) -> dict:
    return dict(
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        # Every column as text, so that this module (not Arrow's inference) decides what a
        # value means and can name the rows it refuses; only an empty field is null.
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in columns},
            strings_can_be_null=True,
            null_values=[""],
        ),
    )


def _read_csv(path: Path, wanted: tuple[str, ...]) -> tuple[list[str], pa.Table]:
    with pacsv.open_csv(path, **_csv_options(wanted)) as reader:  # reads the first block only
        header = reader.schema.names
    present = [n for n in wanted if header.count(n) == 1]
    if not present:
        return header, pa.table({})
    options = _csv_options(present)
    options["convert_options"].include_columns = present
    return header, pacsv.read_csv(path, **options)


def _read_parquet(path: Path, wanted: tuple[str, ...]) -> tuple[list[str], pa.Table]:
    header = pq.read_schema(path).names
    present = [n for n in wanted if header.count(n) == 1]
    if not present:
        return header, pa.table({})
    return header, pq.read_table(path, columns=present)


_READERS = {".parquet": _read_parquet, ".csv": _read_csv}
_READ_FIXES = {
    ".parquet": "check that the file is a complete Parquet file (write it again)",
    ".csv": "check that the file is UTF-8 CSV with a header line and the same number of fields on every line",
}


def _locate(folder: Path, table: Table) -> Path | None:
    for suffix in SUFFIXES:
        path = folder / f"{table.name}{suffix}"
        if path.is_file():
            return path
    return None


def _missing_file(folder: Path, table: Table, columns: tuple[str, ...], model: DataModel) -> DataProblem:
    names = [f"{table.name}{s}" for s in SUFFIXES]
    # Only a file no declared table claims can be a misspelling of this table's file.
    declared = {t.name for t in model.tables}
    try:
        found = sorted(p.name for p in folder.iterdir() if p.suffix in SUFFIXES and p.stem not in declared)
    except OSError:  # an unlistable folder: no suggestion, the problem stands anyway
        found = []
    close = difflib.get_close_matches(names[-1], found, n=1) or difflib.get_close_matches(names[0], found, n=1)
    if close:
        fix = f"did you mean {close[0]}? rename it to {table.name}{Path(close[0]).suffix}"
    else:
        fix = f"add {names[0]} or {names[1]} with the columns: {', '.join(columns)}"
    return DataProblem(
        file=str(folder / names[-1]),
        message=f"table `{table.name}` has no file: looked for {' and '.join(names)} in {folder}",
        fix=fix,
    )


def _missing_columns(file: str, table: Table, wanted: tuple[str, ...], header: list[str]) -> list[DataProblem]:
    problems = []
    undeclared = [h for h in header if table.column(h) is None]
    for name in wanted:
        if header.count(name) > 1:
            problems.append(DataProblem(file=file, column=name, message=f"column `{name}` appears "
                                        f"{header.count(name)} times in the header", fix="keep one of them"))
        elif name not in header:
            column = table.column(name)
            close = difflib.get_close_matches(name, undeclared, n=1)
            fix = (f"did you mean `{close[0]}`? rename it to `{name}`" if close
                   else f"add a column `{name}` ({column.type.value})")
            problems.append(DataProblem(file=file, column=name, fix=fix, message=(
                f"column `{name}` is missing; the file has: {', '.join(header) or 'no columns'}")))
    return problems


# --- loading one table ----------------------------------------------------------------------


@dataclass
class _Loaded:
    """One table as far as it could be loaded: only usable columns are in `columns`."""

    table: Table
    file: str
    columns: dict[str, pa.ChunkedArray] = field(default_factory=dict)
    raw: dict[str, pa.ChunkedArray] = field(default_factory=dict)  # CSV text as written
    unique_key: bool = True

    def usable(self, *names: str) -> bool:
        return all(n in self.columns for n in names)

    def quoted(self, name: str) -> pa.ChunkedArray:
        """The column to quote values from: the text as written when there is one."""
        return self.raw.get(name, self.columns.get(name))


def _failure_problems(item: _Loaded, name: str, failures: Iterable[_Failure],
                      quote: pa.ChunkedArray) -> list[DataProblem]:
    problems = []
    for failure in failures:
        def say(i: int, template: str = failure.template) -> str:
            value = _quote(quote, i) if "{value}" in template else ""
            return f"column `{name}` " + template.replace("{value}", value)

        problem = _report(item.file, name, failure.mask, say, failure.fix)
        if problem is not None:
            problems.append(problem)
    return problems


def _load_column(item: _Loaded, column: Column, data: pa.ChunkedArray, csv: bool) -> list[DataProblem]:
    converted = (_CSV_CONVERTERS[column.type] if csv else _parquet_column)(_chunked(data), column)
    if converted.type_error is not None:
        message, fix = converted.type_error
        return [DataProblem(file=item.file, column=column.name, message=f"column `{column.name}` {message}", fix=fix)]
    if csv:
        item.raw[column.name] = data
    problems = _failure_problems(item, column.name, converted.failures, data)
    if converted.values is None:
        return problems
    item.columns[column.name] = converted.values
    checks = [check(converted.values, column) for check in _VALUE_CHECKS]
    problems += _failure_problems(item, column.name, [c for c in checks if c], item.quoted(column.name))
    return problems


def _read_failure(path: Path, exc: Exception) -> DataProblem:
    reason = " ".join(str(exc).split()) or type(exc).__name__
    if len(reason) > 300:
        reason = reason[:297] + "..."
    return DataProblem(file=str(path), message=f"cannot read {path.name}: {reason}", fix=_READ_FIXES[path.suffix])


def _load_table(folder: Path, model: DataModel, table: Table, wanted: tuple[str, ...],
                problems: list[DataProblem]) -> _Loaded | None:
    path = _locate(folder, table)
    if path is None:
        problems.append(_missing_file(folder, table, wanted, model))
        return None
    try:
        header, data = _READERS[path.suffix](path, wanted)
    # The file is outside our control: whatever Arrow (or the OS) says becomes a problem.
    except Exception as exc:
        problems.append(_read_failure(path, exc))
        return None
    item = _Loaded(table=table, file=str(path))
    problems += _missing_columns(item.file, table, wanted, header)
    for name in wanted:
        if name in data.column_names:
            problems += _load_column(item, table.column(name), data[name], path.suffix == ".csv")
    duplicate = _duplicate_keys(item)
    if duplicate is not None:
        problems.append(duplicate)
    return item


# --- table checks: keys and references ------------------------------------------------------


def _key_text(item: _Loaded) -> pa.ChunkedArray:
    """The key as one string column (null when any part is null), to count duplicates."""
    parts = [item.columns[k].cast(pa.string()) for k in item.table.key]
    if len(parts) == 1:
        return parts[0]
    return pc.binary_join_element_wise(*parts, "\x1f")  # a separator no id contains


def _duplicate_keys(item: _Loaded) -> DataProblem | None:
    key = item.table.key
    if not key or not item.usable(*key):
        return None
    text = _key_text(item)
    counts = pc.value_counts(text.drop_null())
    repeated = counts.filter(pc.greater(counts.field("counts"), 1)).field("values")
    if len(repeated) == 0:
        return None
    item.unique_key = False
    first = pc.index(pc.is_in(text, value_set=repeated), True).as_py()
    value = text[first]
    others = len(repeated) - 1
    shown = ", ".join(f"{k} = {_quote(item.quoted(k), first)}" for k in key)

    def say(_: int) -> str:
        times = pc.sum(pc.equal(text, value)).as_py()
        more = f"; {others} other key value{'s are' if others > 1 else ' is'} duplicated too" if others else ""
        return f"duplicate key: {shown} appears {times} times{more}"

    fix = (f"each {item.table.singular} must appear once: remove the duplicate rows or give them "
           f"distinct {', '.join(key)}")
    return _report(item.file, ", ".join(key), pc.equal(text, value), say, fix)


def _parent_key(parent: _Loaded | None) -> str | None:
    """The referenced table's key column, when its values can be trusted for a check."""
    if parent is None or len(parent.table.key) != 1 or not parent.usable(parent.table.key[0]):
        return None
    return parent.table.key[0]


def _dangling(item: _Loaded, column: Column, parent: _Loaded, key: str, found) -> DataProblem | None:
    values = item.columns[column.name]
    other = Path(parent.file).name

    def say(i: int) -> str:
        return f"column `{column.name}` holds {_quote(item.quoted(column.name), i)}, which is not {_a(key)} in {other}"

    fix = f"add the {parent.table.singular} to {other}, or correct `{column.name}`"
    if column.nullable:
        fix += " (or leave it empty)"
    return _report(item.file, column.name, pc.and_(pc.is_valid(values), pc.is_null(found)), say, fix)


def _foreign_owner(item: _Loaded, column: Column, parent: _Loaded, owner: str, found) -> DataProblem | None:
    theirs = pc.take(parent.columns[owner], found)
    ours = item.columns[owner]
    other = Path(parent.file).name

    def say(i: int) -> str:
        return (f"column `{column.name}` holds {_quote(item.quoted(column.name), i)}, {_a(parent.table.singular)} "
                f"of {owner} {_show(theirs[i].as_py())} in {other}, but the row's {owner} is "
                f"{_quote(item.quoted(owner), i)}")

    fix = (f"a row must refer to {_a(parent.table.singular)} of its own {owner}: correct `{column.name}` "
           f"or `{owner}`")
    return _report(item.file, column.name, pc.fill_null(pc.not_equal(theirs, ours), False), say, fix)


def _reference_problems(model: DataModel, item: _Loaded, loaded: Mapping[str, _Loaded]) -> list[DataProblem]:
    problems: list[DataProblem | None] = []
    owner = _owner_column(model)
    for column in item.table.columns:
        parent = loaded.get(column.references) if column.references else None
        key = _parent_key(parent)
        # A broken column or referenced table was reported already; checking against it
        # would only repeat that problem row by row.
        if key is None or not item.usable(column.name):
            continue
        found = pc.index_in(item.columns[column.name], value_set=parent.columns[key].combine_chunks())
        problems.append(_dangling(item, column, parent, key, found))
        same_owner_applies = (
            owner is not None and parent is not item and parent.table.name != model.entity
            and parent.unique_key and item.usable(owner) and parent.usable(owner)
        )
        if same_owner_applies:
            problems.append(_foreign_owner(item, column, parent, owner, found))
    return [p for p in problems if p is not None]


# --- entry point ----------------------------------------------------------------------------


def load_dataset(
    model: DataModel,
    folder: str | Path,
    needs: Mapping[str, set[str]] | None = None,
) -> dict[str, pa.Table]:
    """Load and validate the tables of `model` from `folder`.

    `needs` maps a table name to the columns a rubric reads (None: every table and column).
    Key, reference, `created_by` and `excluded_by` columns are always loaded, as is the
    entity table; a table referenced by a loaded one is loaded for the integrity checks
    (its key and owner). Returns table name -> table (loaded columns in declared order,
    types as in `ARROW_TYPES`). Raises `DataError` with every problem found; a `needs` that
    names undeclared tables or columns is a programming error (`ValueError`).
    """
    folder = Path(folder)
    plan = _plan(model, needs)
    if not folder.is_dir():
        state = "is not a folder" if folder.exists() else "does not exist"
        example = ", ".join(f"{name}.csv" for name in list(plan)[:3])
        raise DataError([DataProblem(file=str(folder), message=f"data folder {folder} {state}",
                                     fix=f"pass the folder that holds one file per table, e.g. {example}")])
    problems: list[DataProblem] = []
    loaded: dict[str, _Loaded] = {}
    for name, wanted in plan.items():
        item = _load_table(folder, model, model.table(name), wanted, problems)
        if item is not None:
            loaded[name] = item
    for item in loaded.values():
        problems += _reference_problems(model, item, loaded)
    if problems:
        raise DataError(problems)
    return {name: pa.table({c: item.columns[c] for c in plan[name]}) for name, item in loaded.items()}
