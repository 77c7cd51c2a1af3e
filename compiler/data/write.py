"""Output writing: put a result table on disk atomically, as CSV, Parquet or JSON.

Stage: output (after a backend scored). Input: a pyarrow table and a destination path whose
suffix picks the format. Output: the file, complete or not at all: the table is written to
a temporary file in the destination folder and moved over the destination with
`os.replace`, so a reader never sees half a file and a failed write leaves the old file.

Text formats write timestamps as ISO 8601 in UTC (`2024-06-02T15:59:59.999999Z`, the
fraction left out when it is zero), the same form the data loader reads. JSON is a list of
row objects; NaN and infinity are not JSON, so they are written as null.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:        # pyarrow is imported where a table is written: `rubric score` on
    import pyarrow as pa  # DuckDB writes Parquet with DuckDB and never needs it

__all__ = ["FORMATS", "write_atomic", "write_table_atomic"]


def _timestamps_as_text(table: pa.Table) -> pa.Table:
    """Timestamp columns as ISO 8601 UTC text, the form rubric.data.load reads back."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for index, field in enumerate(table.schema):
        if not pa.types.is_timestamp(field.type):
            continue
        utc = table.column(index).cast(pa.timestamp("us", tz="UTC"))
        # %S of a microsecond timestamp already carries the fraction ("59.999999").
        text = pc.strftime(utc, format="%Y-%m-%dT%H:%M:%SZ")
        text = pc.replace_substring_regex(text, r"\.000000Z$", "Z")
        table = table.set_column(index, field.name, text)
    return table


def _non_finite_as_null(table: pa.Table) -> pa.Table:
    import pyarrow as pa
    import pyarrow.compute as pc

    for index, field in enumerate(table.schema):
        if pa.types.is_floating(field.type):
            column = table.column(index)
            finite = pc.is_finite(column)
            table = table.set_column(index, field.name, pc.if_else(finite, column, pa.scalar(None, field.type)))
    return table


def _write_csv(table: pa.Table, path: Path) -> None:
    import pyarrow.csv as pacsv

    pacsv.write_csv(_timestamps_as_text(table), str(path))


def _write_parquet(table: pa.Table, path: Path) -> None:
    import pyarrow.parquet as pq

    pq.write_table(table, str(path))


def _write_json(table: pa.Table, path: Path) -> None:
    rows = _non_finite_as_null(_timestamps_as_text(table)).to_pylist()
    with open(path, "w", encoding="utf-8") as out:
        # allow_nan=False: a NaN that slipped through is a bug to hear about, not bad JSON.
        json.dump(rows, out, ensure_ascii=False, allow_nan=False, default=str)
        out.write("\n")


FORMATS: Mapping[str, Callable[[pa.Table, Path], None]] = {
    ".csv": _write_csv,
    ".parquet": _write_parquet,
    ".json": _write_json,
}


def _temporary_path(path: Path) -> Path:
    """A fresh file next to `path` (same file system, so os.replace is atomic)."""
    while True:
        candidate = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            # O_EXCL: never reuse someone else's file; mode 0o666 honours the umask, as
            # a plain open() would (mkstemp would leave the output readable by us only).
            os.close(os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            return candidate
        except FileExistsError:
            continue


def _sync(path: Path) -> None:
    # The data must be on disk before the rename makes it visible, or a crash could leave
    # an empty file under the final name.
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def write_table_atomic(table: pa.Table, path: str | Path) -> None:
    """Write `table` to `path` (.csv, .parquet or .json): all of it, or nothing.

    Missing parent folders are created. On any failure the temporary file is removed, the
    destination is left as it was, and the exception propagates.
    """
    path = Path(path)
    writer = FORMATS.get(path.suffix.lower())
    if writer is None:
        raise ValueError(f"cannot write {path}: unknown suffix {path.suffix!r}; use one of {', '.join(FORMATS)}")
    write_atomic(path, lambda temporary: writer(table, temporary))


def write_atomic(path: str | Path, write: Callable[[Path], None]) -> None:
    """Call `write(temporary)` for a fresh file next to `path`, then move it over `path`:
    the destination is complete or untouched (see the module docstring)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = _temporary_path(path)
    try:
        write(temporary)
        _sync(temporary)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
