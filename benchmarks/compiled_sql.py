"""Run the SQL that Rubric compiled for the TikTok rubric, in the hand-written SQL's harness.

The issue's first target compares the *compiled SQL* with the hand-written SQL; `rubric score`
adds the command line around it (typer and its pydantic coercion, rich, the data-validation
marker, the summary). This process does what `tiktok_handwritten.py` does (import duckdb, one
statement that writes Parquet) with the compiled SQL instead: the SQL text and the typed views
come from Rubric's disk cache (filled by a `rubric score` or `rubric sql` run before; on a
miss this compiles), and DuckDB reads the same Parquet files through the same views as
`rubric score --engine duckdb`.

    python benchmarks/compiled_sql.py --data /tmp/rubric-bench/10m --as-of 2024-06-03 --out out.parquet
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

RUBRIC = Path(__file__).resolve().parent.parent / "rules" / "tiktok_shop_store_rating.rubric"


def run(data: str | Path, out: str | Path, as_of: date) -> None:
    from rubric.backends.sql.cache import compiled_sql
    from rubric.backends.sql.duckdb_runner import connect, register_views

    entry = compiled_sql(RUBRIC, as_of)
    con = connect()
    register_views(con, entry["tables"], data)
    target = str(Path(out).resolve()).replace("'", "''")
    con.execute(f"COPY ({entry['sql']}) TO '{target}' (FORMAT parquet)")
    con.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="folder of <table>.parquet")
    ap.add_argument("--as-of", required=True, help="YYYY-MM-DD (UTC)")
    ap.add_argument("--out", required=True, help="result .parquet")
    args = ap.parse_args(argv)
    run(args.data, args.out, date.fromisoformat(args.as_of))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
