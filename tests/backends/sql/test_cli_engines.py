"""The command line over both in-process engines: `rubric score --engine duckdb|python` write
the same files, `rubric sql --dialect X` prints SQL that parses in X, and a wrong engine or
dialect is a usage error (exit code 2) that says what to use instead.

The CLI runs in-process (`rubric.cli.main`, as the `rubric` script does), with its SQL disk
cache in a fresh folder per test.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import sqlglot

from rubric import cli
from rubric.backends.sql.render import DIALECTS, preamble

import rubric_tests_sql_support as support  # loaded by conftest.py

GOLDEN = Path(__file__).with_name("golden")
FORMATS = ("csv", "parquet", "json")


@pytest.fixture
def run(monkeypatch, capsys, tmp_path):
    """run(*args) -> (exit code, stdout, stderr) of `rubric *args`."""
    monkeypatch.setenv("RUBRIC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("NO_COLOR", "1")

    def invoke(*args):
        monkeypatch.setattr(sys, "argv", ["rubric", *map(str, args)])
        capsys.readouterr()
        with pytest.raises(SystemExit) as exit_:
            cli.main()
        captured = capsys.readouterr()
        return exit_.value.code, captured.out, captured.err
    return invoke


# Count columns are int64 from DuckDB and double from the reference (see
# test_differential_duckdb.py::test_output_types_match_reference): the text of CSV agrees,
# Parquet types and JSON numbers (`2` against `2.0`) do not.
_TYPE_MISMATCH: set = set()     # fixed: count columns are DOUBLE on every engine
# CSV for every rubric; Parquet and JSON (whose writers are rubric-independent) for the
# rubrics with count columns, and for the versioned one (version and shadow columns).
_FORMATS_OF = {name: ("csv",) for name in support.RUBRICS} | {
    name: FORMATS for name in ("douyin_cs_satisfaction", "aicaigou_store_score", "douyin_experience_score")}
SCORE_CASES = [pytest.param(name, fmt, id=f"{name}-{fmt}",
                            marks=[pytest.mark.xfail(strict=True, reason="count columns: int64 from DuckDB, double "
                                                                         "from the reference")]
                            if (name, fmt) in _TYPE_MISMATCH else [])
               for name in support.RUBRICS for fmt in _FORMATS_OF[name]]


@pytest.mark.parametrize(("name", "fmt"), SCORE_CASES)
def test_score_engines_write_identical_files(name, fmt, run, sample_folder, tmp_path):
    outputs = {}
    for engine in ("duckdb", "python"):
        out = tmp_path / f"{engine}.{fmt}"
        code, _, err = run("score", support.rubric_path(name), "--data", sample_folder(name),
                           "--as-of", support.AS_OF[name], "--engine", engine, "--out", out, "--quiet")
        assert code == 0, err
        outputs[engine] = out
    duck, python = (outputs[e] for e in ("duckdb", "python"))
    if fmt == "parquet":
        # two writers (DuckDB's COPY, pyarrow): the same schema (every column optional, as
        # the output contract's types) and the same values, not the same bytes
        a, b = pq.read_table(duck), pq.read_table(python)
        assert a.schema == b.schema
        assert all(field.nullable for field in a.schema)
        support.assert_same_results(b, a, f"{name} parquet")
    else:
        assert duck.read_bytes() == python.read_bytes(), f"{name}: --engine duckdb and --engine python wrote different {fmt}"


@pytest.mark.parametrize("name", ["tiktok_shop_store_rating", "douyin_experience_score"])
def test_score_summary_is_the_same_on_both_engines(name, run, sample_folder):
    """The summary table (merchants, rated and statuses, mean score, tiers, consequences) is
    computed in SQL on DuckDB and from the rows in Python: the printed tables agree."""
    printed = {}
    for engine in ("duckdb", "python"):
        code, out, err = run("score", support.rubric_path(name), "--data", sample_folder(name),
                             "--as-of", support.AS_OF[name], "--engine", engine)
        assert code == 0, err
        printed[engine] = out
    assert f"as of {support.AS_OF[name].isoformat()}" in printed["duckdb"]
    assert "rated" in printed["duckdb"] and name[:20] in printed["duckdb"]
    assert printed["duckdb"] == printed["python"]


def test_score_duckdb_cold_and_warm_cache_agree(run, sample_folder, tmp_path):
    """The second run reads the compiled SQL from the disk cache; the file is the same."""
    name = "shopee_service_rating"
    files = []
    for k in range(2):
        out = tmp_path / f"run{k}.csv"
        code, _, err = run("score", support.rubric_path(name), "--data", sample_folder(name),
                           "--as-of", support.AS_OF[name], "--engine", "duckdb", "--out", out, "--quiet")
        assert code == 0, err
        files.append(out.read_bytes())
    assert files[0] == files[1]


SQL_CASES = [(name, dialect) for name in ("douyin_cs_satisfaction", "douyin_experience_score") for dialect in DIALECTS]


@pytest.mark.parametrize(("name", "dialect"), SQL_CASES, ids=[f"{n}-{d}" for n, d in SQL_CASES])
def test_sql_prints_parseable_sql(name, dialect, run):
    code, out, err = run("sql", support.rubric_path(name), "--dialect", dialect, "--as-of", support.AS_OF[name])
    assert code == 0, err
    statements = [s for s in sqlglot.parse(out, read=dialect) if s is not None]
    assert isinstance(statements[-1], sqlglot.exp.Query)
    assert len(statements) == (2 if preamble(dialect) else 1)      # R9's definition first
    # exactly the golden file of test_golden_sql.py
    golden = GOLDEN / f"{name}.{dialect}.sql"
    assert out == golden.read_text(encoding="utf-8")


def test_unknown_engine_is_a_usage_error(run, sample_folder):
    name = "douyin_cs_satisfaction"
    code, out, err = run("score", support.rubric_path(name), "--data", sample_folder(name),
                         "--as-of", support.AS_OF[name], "--engine", "postgres")
    assert code == 2
    assert "unknown engine 'postgres'" in err
    assert all(engine in err for engine in ("duckdb", "python", "spark"))
    assert out == ""


def test_unknown_dialect_is_a_usage_error(run):
    name = "douyin_cs_satisfaction"
    code, out, err = run("sql", support.rubric_path(name), "--dialect", "nosuch", "--as-of", support.AS_OF[name])
    assert "unknown dialect 'nosuch'" in err
    assert all(dialect in err for dialect in DIALECTS)
    assert out == ""
    assert code == 2


def test_unknown_dialect_says_what_to_use(run):
    """The message part of the above, which holds today."""
    name = "douyin_cs_satisfaction"
    code, out, err = run("sql", support.rubric_path(name), "--dialect", "nosuch", "--as-of", support.AS_OF[name])
    assert code != 0
    assert "unknown dialect 'nosuch'" in err
    assert all(dialect in err for dialect in DIALECTS)
    assert out == ""
