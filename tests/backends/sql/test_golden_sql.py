"""The SQL every shipped rubric compiles to, in every dialect, as golden files.

`golden/<rubric>.<dialect>.sql` holds what `rubric sql --dialect <dialect>` prints: the
dialect's preamble if it has one (the R9 rounding macro of DuckDB and Spark), then
`render(build_sql(program, as_of), dialect, pretty=True)`, each ended by `;`, at the as-of of
`_support.AS_OF` (2024-06-03; douyin_experience_score 2022-09-20, inside the shadow period,
so both versions are in the text). `pytest --update-goldens` rewrites them; review the diff
like code. Every statement must also parse back with sqlglot in its own dialect.

How long compiling the five rubrics to SQL takes is measured and reported (printed, and
recorded as the test's `sql_compile_seconds` property), never asserted.
"""

from __future__ import annotations

import functools
import time
from pathlib import Path

import pytest
import sqlglot

import rubric
from rubric.backends.sql.render import DIALECTS, build_sql, preamble, render

import rubric_tests_sql_support as support  # loaded by conftest.py

GOLDEN = Path(__file__).with_name("golden")
CASES = [(name, dialect) for name in support.RUBRICS for dialect in DIALECTS]


@functools.lru_cache(maxsize=None)
def _tree(name: str):
    return build_sql(support.program(name), support.AS_OF[name])


@functools.lru_cache(maxsize=None)
def _sql(name: str, dialect: str) -> str:
    first = preamble(dialect)
    return (first + ";\n" if first else "") + render(_tree(name), dialect, pretty=True) + ";\n"


@pytest.mark.parametrize(("name", "dialect"), CASES, ids=[f"{n}-{d}" for n, d in CASES])
def test_golden_sql(name, dialect, update_goldens):
    path = GOLDEN / f"{name}.{dialect}.sql"
    text = _sql(name, dialect)
    if update_goldens:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.is_file(), f"no golden file {path.name}: run pytest --update-goldens and review it"
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        old, new = expected.splitlines(), text.splitlines()
        first = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
        pytest.fail(f"{path.name} differs from the compiled SQL from line {first + 1}:\n"
                    f"  golden:   {old[first] if first < len(old) else '<end of file>'}\n"
                    f"  compiled: {new[first] if first < len(new) else '<end of file>'}\n"
                    "if the change is intended, run pytest --update-goldens and review the diff")


@pytest.mark.parametrize(("name", "dialect"), CASES, ids=[f"{n}-{d}" for n, d in CASES])
def test_sql_parses_back_in_its_dialect(name, dialect):
    statements = [s for s in sqlglot.parse(_sql(name, dialect), read=dialect) if s is not None]
    assert len(statements) == (2 if preamble(dialect) else 1)
    tree = statements[-1]
    assert isinstance(tree, sqlglot.exp.Query)
    # the output contract's leading columns, in order (a versioned rubric selects `q.*` first)
    names = [s.alias_or_name for s in tree.selects]
    if names[0] != "*":
        assert names[:5] == ["merchant_id", "score", "tier", "status", "consequences"]
    else:
        assert names[1:4] == ["version", "shadow_score", "shadow_gate"]


def test_no_stale_golden_files():
    expected = {f"{n}.{d}.sql" for n, d in CASES}
    present = {p.name for p in GOLDEN.glob("*.sql")}
    assert present - expected == set(), "golden files for no rubric or dialect: delete them"


def test_sql_compile_time_is_measured(record_property, capsys):
    """Source text to DuckDB SQL for all five rubrics (target: < 0.5 s in total). Reported,
    not asserted: timings depend on the machine."""
    paths = [support.rubric_path(name) for name in support.RUBRICS]

    def from_source() -> float:
        start = time.perf_counter()
        for name, path in zip(support.RUBRICS, paths):
            render(build_sql(rubric.compile_file(path), support.AS_OF[name]), "duckdb")
        return time.perf_counter() - start

    programs = [support.program(name) for name in support.RUBRICS]

    def from_ir() -> float:
        start = time.perf_counter()
        for name, program in zip(support.RUBRICS, programs):
            render(build_sql(program, support.AS_OF[name]), "duckdb")
        return time.perf_counter() - start

    source = from_source()
    ir = min(from_ir() for _ in range(2))
    record_property("sql_compile_seconds", round(source, 3))
    record_property("sql_build_render_seconds", round(ir, 3))
    with capsys.disabled():
        print(f"\n[sql compile time] five rubrics: source -> DuckDB SQL {source:.3f} s, "
              f"IR -> DuckDB SQL {ir:.3f} s (best of 2) (target < 0.5 s)")
