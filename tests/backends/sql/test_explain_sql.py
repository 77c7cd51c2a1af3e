"""Explanations on the SQL path equal the reference evaluator's (issue 5, part 2).

The explain query yields the intermediate columns (numerators, denominators, weights after
renormalisation, ranks and group sizes, band details, past assessments); the trace rebuilt
from them must be the reference evaluator's trace, number for number, and read the same in
English and Chinese. `rubric score --explain-out` writes one row per merchant × contribution,
computed by DuckDB: its counts and weights are the trace's.
"""

from __future__ import annotations

import math
import sys

import pyarrow.parquet as pq
import pytest

import rubric
from rubric.backends.reference.explain import explain_text
from rubric.backends.sql.explain import explain_all, explain_merchant

import rubric_tests_sql_support as support  # loaded by conftest.py

FIXED = [(name, day) for name in support.RUBRICS for day in support.FIXED_AS_OFS[name]]


def _same(a, b, path="trace") -> list[str]:
    """Differences between two trace dicts; floats may differ by one unit of the 9th decimal."""
    if isinstance(a, float) and isinstance(b, float):
        return [] if math.isclose(a, b, rel_tol=0, abs_tol=support.TOLERANCE) else [f"{path}: {a!r} != {b!r}"]
    if isinstance(a, dict) and isinstance(b, dict):
        out = [f"{path}: keys {sorted(set(a) ^ set(b))}"] if set(a) != set(b) else []
        return out + [d for k in a.keys() & b.keys() for d in _same(a[k], b[k], f"{path}.{k}")]
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items != {len(b)}"]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in _same(x, y, f"{path}[{i}]")]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


@pytest.mark.parametrize(("name", "as_of"), FIXED, ids=[f"{n}-{d}" for n, d in FIXED])
def test_every_merchant_explained_as_the_reference_does(name, as_of, sample_folder):
    program = support.program(name)
    folder = sample_folder(name)
    expected = rubric.score(program, folder, as_of)
    traces = explain_all(program, folder, as_of)
    merchants = expected.table.column("merchant_id").to_pylist()
    assert sorted(traces) == sorted(merchants)
    problems = []
    for mid in merchants:
        problems += [f"{mid}: {d}" for d in _same(expected.explain(mid).to_dict(), traces[mid].to_dict())]
    assert problems == [], "\n".join(problems[:20])
    # the text a user reads, in both languages, for a few merchants
    for mid in merchants[:5]:
        for lang in ("en", "zh"):
            assert explain_text(traces[mid], program, lang) == expected.explain_text(mid, lang)


def test_one_merchant_and_an_unknown_one(sample_folder):
    name = "douyin_experience_score"          # versioned: the shadow version's trace is attached
    program, folder, as_of = support.program(name), sample_folder(name), support.AS_OF[name]
    expected = rubric.score(program, folder, as_of)
    mid = next(r["merchant_id"] for r in expected.table.to_pylist() if r["status"] == "rated")
    trace = explain_merchant(program, folder, as_of, mid)
    assert trace.details["shadow"]["version"] == "v2022_09"
    assert _same(expected.explain(mid).to_dict(), trace.to_dict()) == []
    with pytest.raises(KeyError, match="no merchant 'nobody'"):
        explain_merchant(program, folder, as_of, "nobody")


def test_explain_out_rows_are_the_traces_contributions(sample_folder, tmp_path, monkeypatch, capsys):
    """`rubric score --explain-out`: one row per merchant × contribution; an indicator's
    numerator, denominator and used weight are those of the reference trace."""
    from rubric import cli

    name = "tiktok_shop_store_rating"
    program, folder, as_of = support.program(name), sample_folder(name), support.AS_OF[name]
    out = tmp_path / "contributions.parquet"
    monkeypatch.setenv("RUBRIC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(sys, "argv", ["rubric", "score", str(support.rubric_path(name)), "--data", str(folder),
                                      "--as-of", as_of.isoformat(), "--explain-out", str(out), "--quiet"])
    with pytest.raises(SystemExit) as exit_:
        cli.main()
    assert exit_.value.code == 0, capsys.readouterr().err
    rows = pq.read_table(out).to_pylist()
    expected = rubric.score(program, folder, as_of)
    checked = 0
    for row in rows:
        if row["kind"] != "indicator":
            continue
        step = expected.explain(row["merchant_id"]).find("indicator", row["name"])
        dimension = expected.explain(row["merchant_id"]).find("dimension", row["parent"])
        used = next(m["used_weight"] for m in dimension.details["members"] if m["name"] == row["name"])
        kind = next(i for i in program.indicators if i.name == row["name"]).measure.kind
        if kind == "share":
            assert (row["numerator"], row["denominator"]) == (step.details["numerator"], step.details["denominator"])
        elif kind in ("mean", "sum", "count"):      # the rows measured
            assert (row["numerator"], row["denominator"]) == (step.details["count"], None)
        else:                                        # nps: the surveys answered
            assert (row["numerator"], row["denominator"]) == (None, step.details["denominator"])
        assert row["score"] == pytest.approx(step.details["score"], abs=support.TOLERANCE)
        assert (row["weight"] is None and used is None) or row["weight"] == pytest.approx(used, abs=1e-12)
        checked += 1
    rated = sum(1 for r in expected.table.to_pylist() if r["status"] == "rated")
    assert checked >= rated * 9          # every rated merchant has most of its 12 indicators scored
    assert {r["kind"] for r in rows} == {"indicator", "dimension", "deduction", "score"}
