"""Running the compiled SQL on DuckDB, in-process, over a folder of Parquet or CSV files.

Input: an `ir.Program`, a data folder and an as-of. Output: a pyarrow table (the output
contract). The files are read by DuckDB itself (never loaded into Python), as views with the
declared column types; DuckDB spills to disk when the data outgrows memory.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from typing import TYPE_CHECKING

if TYPE_CHECKING:                   # imported by the functions that return Arrow tables
    import pyarrow as pa

__all__ = ["connect", "copy_parquet", "register_views", "run_duckdb", "run_into", "run_sql", "summarize",
           "summarize_table", "table_spec", "SQL_TYPES"]

# declared column type -> DuckDB type (keys are the values of rubric.ir.schema.ColumnType)
SQL_TYPES = {
    "id": "VARCHAR", "text": "VARCHAR", "label": "VARCHAR", "timestamp": "TIMESTAMPTZ",
    "bool": "BOOLEAN", "int": "BIGINT", "number": "DOUBLE", "money": "DOUBLE",
}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def connect(threads: int | None = None, memory_limit: str | None = None):
    """A DuckDB connection set up for Rubric's SQL. `threads` (default: every core) and
    `memory_limit` (e.g. "2GB"; default: DuckDB's, 80% of RAM) bound what one run takes on a
    shared machine; past the limit DuckDB spills to a temporary folder (under the system's
    temporary directory) instead of failing. A limit DuckDB does not accept raises ValueError."""
    import tempfile

    import duckdb

    from rubric.backends.sql.macros import R9_MACRO

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(R9_MACRO["duckdb"])
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    if memory_limit is not None:
        try:
            con.execute(f"SET memory_limit = {_literal(str(memory_limit))}")
        except duckdb.Error as err:
            con.close()
            raise ValueError(f"memory limit {memory_limit!r} is not a size DuckDB understands ({err}); "
                             "write it like 500MB or 2GB") from None
        con.execute(f"SET temp_directory = {_literal(str(Path(tempfile.gettempdir()) / 'rubric-duckdb-spill'))}")
    return con


def table_spec(program) -> list:
    """[(table, [(column, type), ...])] of a program's data model."""
    return [(t.name, [(c.name, c.type.value) for c in t.columns]) for t in program.data.tables]


def register_views(con, spec, folder: str | Path) -> None:
    """One view per table, typed as declared. Names come from the rubric and are quoted as
    identifiers and literals, so no name is ever executed as SQL."""
    folder = Path(folder)
    for name, columns in spec:
        parquet, csv = folder / f"{name}.parquet", folder / f"{name}.csv"
        if parquet.exists():
            source = f"read_parquet({_literal(str(parquet))})"
            select = ", ".join(f"CAST({_quote(c)} AS {SQL_TYPES[t]}) AS {_quote(c)}" for c, t in columns)
        elif csv.exists():
            types = ", ".join(f"{_literal(c)}: 'VARCHAR'" for c, _ in columns)
            source = f"read_csv({_literal(str(csv))}, header = true, columns = {{{types}}})"
            select = ", ".join(_csv_cast(c, t) for c, t in columns)
        else:
            continue
        con.execute(f"CREATE OR REPLACE VIEW {_quote(name)} AS SELECT {select} FROM {source}")


def _csv_cast(column: str, type_: str) -> str:
    name = _quote(column)
    if type_ == "bool":
        return f"CAST(lower({name}) = 'true' AS BOOLEAN) AS {name}"
    return f"CAST({name} AS {SQL_TYPES[type_]}) AS {name}"


def run_sql(sql: str, spec, folder: str | Path, threads: int | None = None) -> pa.Table:
    con = connect(threads)
    register_views(con, spec, folder)
    return con.sql(sql).to_arrow_table()


def run_duckdb(program, folder: str | Path, as_of: date, threads: int | None = None) -> pa.Table:
    """Compile and run `program` at `as_of` over the files in `folder`."""
    from rubric.backends.sql.render import build_sql, render

    return run_sql(render(build_sql(program, as_of), "duckdb", copy=False), table_spec(program), folder, threads)


def run_into(sql: str, spec, folder: str | Path, threads: int | None = None, name: str = "result",
             memory_limit: str | None = None):
    """Run the query into a temporary table `name` of a new connection and return the
    connection: the result is written (`copy_parquet`) and summarised (`summarize`) by
    DuckDB, without passing through Python objects (or importing pyarrow)."""
    con = connect(threads, memory_limit)
    register_views(con, spec, folder)
    con.execute(f"CREATE TEMP TABLE {_quote(name)} AS {sql}")
    return con


def copy_parquet(con, path: str | Path, name: str = "result") -> None:
    """Write table `name` (in its row order) to `path` as Parquet, every column optional.

    DuckDB marks a column `required` when its statistics show no NULL, so the schema would
    depend on the day's data (a score column with every merchant rated) and differ from the
    other engines' files; a column read through CASE carries "may be NULL" statistics."""
    columns = [row[0] for row in con.execute(f"DESCRIBE {_quote(name)}").fetchall()]
    select = ", ".join(f"CASE WHEN {_quote(c)} IS NULL THEN NULL ELSE {_quote(c)} END AS {_quote(c)}" for c in columns)
    con.execute(f"COPY (SELECT {select} FROM {_quote(name)}) TO {_literal(str(path))} (FORMAT parquet)")


def summarize(con, name: str = "result") -> dict:
    """Merchants, rated, statuses, mean score, tiers and consequences of a result table, each
    count list ordered by count (then name), computed in SQL."""
    table = _quote(name)
    merchants, rated, mean = con.execute(f"SELECT count(*), count(score), avg(score) FROM {table}").fetchone()

    def counts(query: str) -> list[tuple[str, int]]:
        return [(k, int(v)) for k, v in con.execute(query).fetchall()]

    return {"merchants": merchants, "rated": rated, "mean": mean,
            "statuses": counts(f"SELECT status, count(*) AS n FROM {table} GROUP BY status ORDER BY status"),
            "tiers": counts(f"SELECT tier, count(*) AS n FROM {table} WHERE tier IS NOT NULL GROUP BY tier "
                            "ORDER BY n DESC, tier"),
            "consequences": counts(f"SELECT c, count(*) AS n FROM (SELECT unnest(string_split(consequences, ';')) AS c "
                                   f"FROM {table}) WHERE c <> '' GROUP BY c ORDER BY n DESC, c")}


def summarize_table(table: pa.Table) -> dict:
    """`summarize` of a result that is an Arrow table (the Python and Spark engines'), by
    DuckDB over the table in place: one summary, computed one way, for every engine."""
    import duckdb

    con = duckdb.connect()
    try:
        con.register("result", table)
        return summarize(con)
    finally:
        con.close()

