"""`rubric score --explain-out`: one row per merchant × contribution, built in SQL.

Input: a program (one version) and an as-of. Output: a query whose rows are (merchant_id,
kind, name, parent, value, score, numerator, denominator, weight): every indicator with its
counts and its weight after renormalisation within its dimension, every dimension with its
weight in the score, every deduction, and the score itself — a long table a warehouse can
join and aggregate, at any scale.
"""

from __future__ import annotations

from datetime import date

from sqlglot import exp

from rubric.backends.sql.from_ir import build_query, column_name
from rubric.ir import nodes as ir

__all__ = ["contributions_query"]

_COLUMNS = ("merchant_id", "kind", "name", "parent", "value", "score", "numerator", "denominator", "weight")


def _num(name: str | None):
    if name is None:
        return exp.cast(exp.Null(), exp.DataType.build("DOUBLE"))
    return exp.cast(exp.column(name, table="e", quoted=True), exp.DataType.build("DOUBLE"))


def _text(value: str | None):
    return exp.cast(exp.Null(), exp.DataType.build("VARCHAR")) if value is None else exp.Literal.string(value)


def _row(kind, name, parent, value, score, numerator, denominator, weight):
    columns = [exp.column("merchant_id", table="e", quoted=True), _text(kind), _text(name), _text(parent),
               _num(value), _num(score), _num(numerator), _num(denominator), _num(weight)]
    return exp.select(*[c.as_(n) for c, n in zip(columns, _COLUMNS)]).from_(exp.to_table("e"))


def _parts(program: ir.Program) -> list:
    parent = {m: d.name for d in program.dimensions for m in d.members}
    parts = []
    for ind in program.indicators:
        num = f"x.{ind.name}.num" if ind.measure.kind == "share" else (
            f"x.{ind.name}.count" if ind.measure.kind in ("count", "mean", "sum") else None)
        den = f"x.{ind.name}.den" if ind.measure.kind in ("share", "nps") else None
        dim = parent.get(ind.name)
        weight = f"x.{dim}.w.{ind.name}" if dim and next(d for d in program.dimensions if d.name == dim).member_weights is None else None
        value = column_name("indicator_value", ind.name) if ind.type != "bool" else None
        parts.append(_row("indicator", ind.name, dim, value, column_name("indicator_score", ind.name), num, den, weight))
    for dim in program.dimensions:
        in_total = program.total is not None and dim.name in program.total.members
        parts.append(_row("dimension", dim.name, "score", None, f"dim.{dim.name}", None, None,
                          f"x.total.w.{dim.name}" if in_total else None))
    for ded in program.deductions:
        parts.append(_row("deduction", ded.name, "score", None, f"ded.{ded.name}", None, None, None))
    parts.append(_row("score", "score", None, "raw_score", "score", None, None, None))
    return parts


def contributions_query(program: ir.Program, as_of: date) -> exp.Expression:
    query = build_query(program, as_of, explain=True)
    parts = _parts(program)
    union = parts[0]
    for part in parts[1:]:
        union = exp.union(union, part, distinct=False, copy=False)
    outer = exp.select("*").from_(exp.Subquery(this=union, alias=exp.TableAlias(this=exp.to_identifier("u"))))
    outer = outer.where(exp.Not(this=exp.Is(this=exp.column("score", table="u"), expression=exp.Null()))
                        .or_(exp.EQ(this=exp.column("kind", table="u"), expression=exp.Literal.string("score"))))
    return outer.with_("e", as_=query, copy=False).order_by(exp.column("merchant_id", table="u"), copy=False)
