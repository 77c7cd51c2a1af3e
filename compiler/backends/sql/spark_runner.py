"""Running the compiled SQL on Spark (local mode by default, or a cluster's master URL).

Input: an `ir.Program`, a data folder (Parquet or CSV, readable by every Spark executor: on a
cluster use a shared path such as hdfs:// or s3a://) and an as-of. Output: a pyarrow table.
The same sqlglot tree as DuckDB, rendered for Spark; tables are registered as temporary views
with the declared types.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa

from rubric.backends.sql.render import build_sql, render
from rubric.ir import nodes as ir
from rubric.ir.schema import ColumnType

__all__ = ["get_session", "run_spark", "SPARK_TYPES"]

SPARK_TYPES = {
    ColumnType.ID: "STRING", ColumnType.TEXT: "STRING", ColumnType.LABEL: "STRING",
    ColumnType.TIMESTAMP: "TIMESTAMP", ColumnType.BOOL: "BOOLEAN", ColumnType.INT: "BIGINT",
    ColumnType.NUMBER: "DOUBLE", ColumnType.MONEY: "DOUBLE",
}

_SESSIONS: dict[str, object] = {}


def get_session(master: str | None = None):
    """A SparkSession in UTC (reused within the process)."""
    from pyspark.sql import SparkSession

    master = master or "local[*]"
    if master not in _SESSIONS:
        _SESSIONS[master] = (SparkSession.builder.master(master).appName("rubric")
                             .config("spark.sql.session.timeZone", "UTC")
                             .config("spark.sql.shuffle.partitions", "4")
                             .config("spark.ui.enabled", "false")
                             .config("spark.sql.ansi.enabled", "false")
                             .config("spark.ui.showConsoleProgress", "false")
                             .config("spark.sql.execution.arrow.pyspark.enabled", "true")
                             .getOrCreate())
        _SESSIONS[master].sparkContext.setLogLevel("ERROR")
        from rubric.backends.sql.macros import R9_MACRO

        _SESSIONS[master].sql(R9_MACRO["spark"])
    return _SESSIONS[master]


def register_views(spark, program: ir.Program, folder: str | Path) -> None:
    folder = str(folder).rstrip("/")
    for table in program.data.tables:
        parquet, csv = f"{folder}/{table.name}.parquet", f"{folder}/{table.name}.csv"
        if Path(parquet).exists() or "://" in folder:
            frame = spark.read.parquet(parquet)
        elif Path(csv).exists():
            frame = spark.read.option("header", "true").csv(csv)
        else:
            continue
        frame.createOrReplaceTempView(f"raw_{table.name}")
        columns = ", ".join(_cast(c) for c in table.columns)
        spark.sql(f"SELECT {columns} FROM raw_{table.name}").createOrReplaceTempView(table.name)


def _cast(column) -> str:
    name = f"`{column.name}`"
    if column.type is ColumnType.BOOL:
        return f"CAST(lower(CAST({name} AS STRING)) = 'true' AS BOOLEAN) AS {name}"
    return f"CAST({name} AS {SPARK_TYPES[column.type]}) AS {name}"


def run_spark(program: ir.Program, folder: str | Path, as_of: date, master: str | None = None) -> pa.Table:
    spark = get_session(master)
    register_views(spark, program, folder)
    sql = render(build_sql(program, as_of), "spark", copy=False)
    return spark.sql(sql).toArrow()
