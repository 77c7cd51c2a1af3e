"""Running the compiled SQL on DuckDB, in-process, over a folder of Parquet or CSV files.

Input: an `ir.Program`, a data folder and an as-of. Output: a pyarrow table (the output
contract). The files are read by DuckDB itself (never loaded into Python), as views with the
declared column types; DuckDB spills to disk when the data outgrows memory.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa

from rubric.backends.sql.render import build_sql, render
from rubric.ir import nodes as ir
from rubric.ir.schema import ColumnType

__all__ = ["connect", "run_duckdb", "SQL_TYPES"]

SQL_TYPES = {
    ColumnType.ID: "VARCHAR", ColumnType.TEXT: "VARCHAR", ColumnType.LABEL: "VARCHAR",
    ColumnType.TIMESTAMP: "TIMESTAMPTZ", ColumnType.BOOL: "BOOLEAN", ColumnType.INT: "BIGINT",
    ColumnType.NUMBER: "DOUBLE", ColumnType.MONEY: "DOUBLE",
}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def connect(threads: int | None = None):
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    return con


def register_views(con, program: ir.Program, folder: str | Path) -> None:
    """One view per table, typed as declared (file names and columns come from the rubric)."""
    folder = Path(folder)
    for table in program.data.tables:
        parquet, csv = folder / f"{table.name}.parquet", folder / f"{table.name}.csv"
        columns = ", ".join(f"CAST({_quote(c.name)} AS {SQL_TYPES[c.type]}) AS {_quote(c.name)}" for c in table.columns)
        if parquet.exists():
            source = f"read_parquet({_literal(str(parquet))})"
        elif csv.exists():
            types = ", ".join(f"{_literal(c.name)}: 'VARCHAR'" for c in table.columns)
            source = f"read_csv({_literal(str(csv))}, header = true, columns = {{{types}}})"
            columns = ", ".join(_csv_cast(c) for c in table.columns)
        else:
            continue
        con.execute(f"CREATE OR REPLACE VIEW {_quote(table.name)} AS SELECT {columns} FROM {source}")


def _csv_cast(column) -> str:
    name = _quote(column.name)
    if column.type is ColumnType.BOOL:
        return f"CAST(lower({name}) = 'true' AS BOOLEAN) AS {name}"
    return f"CAST({name} AS {SQL_TYPES[column.type]}) AS {name}"


def run_duckdb(program: ir.Program, folder: str | Path, as_of: date, threads: int | None = None) -> pa.Table:
    con = connect(threads)
    register_views(con, program, folder)
    sql = render(build_sql(program, as_of), "duckdb")
    return con.sql(sql).to_arrow_table()
