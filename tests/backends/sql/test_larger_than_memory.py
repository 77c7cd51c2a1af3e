"""DuckDB spills to disk when the data outgrows the memory it may use (issue 5, part 3).

Three million orders (benchmarks/gen_fast.py, ~400 MB of Parquet) scored by the TikTok rubric
with DuckDB held to a memory limit below what the query normally takes, one thread: the query
completes, DuckDB reports that it wrote temporary files, and the result is the unlimited run's.
`rubric score --memory-limit ... --threads 1` gives the same file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

import rubric
from rubric import cli
from rubric.backends.sql.duckdb_runner import connect, register_views, table_spec
from rubric.backends.sql.render import build_sql, render

ROOT = Path(__file__).resolve().parents[3]
RUBRIC = ROOT / "rules" / "tiktok_shop_store_rating.rubric"
AS_OF = date(2024, 6, 3)
LIMIT = "300MB"         # for the command line: above what one thread needs, below 80% of RAM


@pytest.fixture(scope="module")
def orders_3m(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("orders-3m")
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "gen_fast.py"), "--orders", "3000000",
                    "--out", str(folder), "--quiet"], check=True)
    return folder


def _run(folder: Path, threads: int | None, limit: str | None, profile: Path | None):
    program = rubric.compile_file(RUBRIC)
    con = connect(threads, limit)
    register_views(con, table_spec(program), folder)
    if profile is not None:
        con.execute("PRAGMA enable_profiling = 'json'")
        con.execute(f"PRAGMA profiling_output = '{profile}'")
    con.execute(f"CREATE TEMP TABLE result AS {render(build_sql(program, AS_OF), 'duckdb', copy=False)}")
    con.execute("PRAGMA disable_profiling")
    table = con.table("result").to_arrow_table()
    con.close()
    return table


def test_a_memory_limit_below_the_query_spills_and_changes_nothing(orders_3m, tmp_path):
    """With one thread the query's peak is P; under limits from P/2 up (10 MB steps), DuckDB
    either stops (some allocations cannot spill) or completes within about the limit. At least
    one limit below P must complete by writing temporary files, with the same result."""
    unlimited = _run(orders_3m, 1, None, tmp_path / "free.json")
    peak = json.loads((tmp_path / "free.json").read_text())["system"]["peak_buffer_memory"]
    assert unlimited.num_rows == 15_000
    tried = []
    for mb in range(peak // 2_000_000, peak // 1_000_000, 10):
        profile = tmp_path / f"profile-{mb}.json"
        try:
            limited = _run(orders_3m, 1, f"{mb}MB", profile)
        except duckdb.OutOfMemoryException:
            tried.append((mb, "out of memory"))
            continue
        system = json.loads(profile.read_text())["system"]
        tried.append((mb, system["peak_temp_dir_size"]))
        assert limited.equals(unlimited), f"{mb}MB: a different result"
        # held near the limit (DuckDB's accounting lets it overrun by a few blocks)
        assert system["peak_buffer_memory"] <= 1.25 * mb * 1_000_000
        if system["peak_temp_dir_size"] > 0:
            return
    pytest.fail(f"no limit below the query's peak ({peak / 1e6:.0f} MB) completed by spilling: {tried}")


def test_rubric_score_takes_the_limit(orders_3m, tmp_path, monkeypatch, capsys):
    outputs = {}
    for label, extra in (("free", []), ("bounded", ["--threads", "1", "--memory-limit", LIMIT])):
        out = tmp_path / f"{label}.parquet"
        monkeypatch.setenv("RUBRIC_CACHE_DIR", str(tmp_path / "cache"))
        monkeypatch.setattr(sys, "argv", ["rubric", "score", str(RUBRIC), "--data", str(orders_3m),
                                          "--as-of", AS_OF.isoformat(), "--out", str(out), "--quiet", *extra])
        with pytest.raises(SystemExit) as exit_:
            cli.main()
        assert exit_.value.code == 0, capsys.readouterr().err
        outputs[label] = pq.read_table(out)
    assert outputs["bounded"].equals(outputs["free"])


def test_a_limit_duckdb_cannot_read_is_a_usage_error(orders_3m, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RUBRIC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(sys, "argv", ["rubric", "score", str(RUBRIC), "--data", str(orders_3m),
                                      "--as-of", AS_OF.isoformat(), "--memory-limit", "lots", "--quiet"])
    with pytest.raises(SystemExit) as exit_:
        cli.main()
    assert exit_.value.code == 2
    assert "write it like 500MB or 2GB" in capsys.readouterr().err
