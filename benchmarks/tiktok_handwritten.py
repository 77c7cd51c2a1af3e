"""Run the hand-written DuckDB SQL of the TikTok store rating (tiktok_handwritten.sql).

    python benchmarks/tiktok_handwritten.py --data /tmp/bench-1m --as-of 2024-06-03 --out /tmp/hw.parquet

The SQL file is a template: this runner computes the window bounds of the three weekly
assessments (as-of, as-of - 7 d, as-of - 14 d) as constants — the rubric's zone is UTC, so
as-of D means D 00:00:00Z — fills them in, and runs one COPY. It imports only duckdb, so the
process measures the query and DuckDB's start-up, nothing else.
"""

from __future__ import annotations

import argparse
import string
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

SQL_FILE = Path(__file__).with_name("tiktok_handwritten.sql")
ASSESSMENTS = 3          # pip: score < 4.4 at as-of, as-of - 7 d and as-of - 14 d
CADENCE = timedelta(days=7)


def _ts(moment: datetime) -> str:
    return f"TIMESTAMPTZ '{moment.strftime('%Y-%m-%d %H:%M:%S')}+00'"


def _sections(text: str) -> dict[str, str]:
    parts, name, lines = {}, None, []
    for line in text.splitlines(keepends=True):
        if line.startswith("-- @@"):
            if name is not None:
                parts[name] = "".join(lines)
            name, lines = line[5:].strip(), []
        elif name is not None:
            lines.append(line)
    parts[name] = "".join(lines)
    return parts


def build_sql(data: str | Path, out: str | Path, as_of: date | str) -> tuple[str, str]:
    """(prelude statements, the COPY statement) for one run."""
    day = as_of if isinstance(as_of, date) else date.fromisoformat(as_of)
    t0 = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
    sections = _sections(SQL_FILE.read_text(encoding="utf-8"))
    quote = lambda p: str(p).replace("'", "''")  # noqa: E731
    prelude = string.Template(sections["prelude"]).substitute(data=quote(Path(data).resolve()))
    ctes = []
    for k in range(ASSESSMENTS):
        t = t0 - k * CADENCE
        ctes.append(string.Template(sections["assessment"]).substitute(
            k=k, T=_ts(t), W=_ts(t - timedelta(days=30)), T24=_ts(t - timedelta(hours=24)),
            T72=_ts(t - timedelta(hours=72)), T7D=_ts(t - timedelta(days=7))))
    final = string.Template(sections["final"]).substitute(T0=_ts(t0))
    query = "WITH\n" + "".join(ctes) + final
    copy = f"COPY (\n{query}\n) TO '{quote(Path(out).resolve())}' (FORMAT parquet)"
    return prelude, copy


def run(data: str | Path, out: str | Path, as_of: date | str, threads: int | None = None) -> None:
    import duckdb

    prelude, copy = build_sql(data, out, as_of)
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    con.execute(prelude)
    con.execute(copy)
    con.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, help="folder of <table>.parquet")
    ap.add_argument("--as-of", required=True, help="YYYY-MM-DD (UTC)")
    ap.add_argument("--out", required=True, help="result .parquet")
    ap.add_argument("--threads", type=int, default=None, help="DuckDB threads (default: all cores)")
    ap.add_argument("--print-sql", action="store_true", help="print the SQL instead of running it")
    args = ap.parse_args(argv)
    if args.print_sql:
        prelude, copy = build_sql(args.data, args.out, args.as_of)
        sys.stdout.write(prelude + "\n" + copy + ";\n")
        return 0
    run(args.data, args.out, args.as_of, args.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
